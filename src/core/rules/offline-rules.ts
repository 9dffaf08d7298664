import type { Finding } from '../findings/finding';
import { inboundRules, outboundRecipientRules, smartHostRules, tlsDomainRules } from './connector-rules';
import { duplicateDomains, inboundFilteringBypassed, relayFlags, validationMailboxes } from './domain-rules';
import { gatewayRules } from './gateway-rules';
import { forwardingHostRules, mailcowHostnameRules, relayhostRules } from './mailcow-rules';
import type { OfflineRule, RuleContext } from './rule-context';
import { inlineSecrets } from './secret-rules';

/** Every rule that needs nothing but the spec, in the order of the recipe. */
export const OFFLINE_RULES: readonly OfflineRule[] = [
  duplicateDomains,
  inlineSecrets,
  relayFlags,
  relayhostRules,
  gatewayRules,
  forwardingHostRules,
  outboundRecipientRules,
  smartHostRules,
  tlsDomainRules,
  inboundRules,
  mailcowHostnameRules,
  validationMailboxes,
  inboundFilteringBypassed,
];

export function runOfflineRules(context: RuleContext): Finding[] {
  return OFFLINE_RULES.flatMap((rule) => rule(context));
}
