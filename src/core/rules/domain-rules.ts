import type { Finding } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import { msg } from '../messages/catalogue';
import type { SpecPath } from '../spec/model';
import type { RuleContext } from './rule-context';
import { replaceValue } from './rule-context';
import { sharedDomainNames } from './connector-rules';

/** The node that names a domain: the string itself, or the `name` of the long form. */
export function domainNamePath(path: SpecPath, shortForm: boolean): SpecPath {
  return shortForm ? path : [...path, 'name'];
}

export function duplicateDomains({ spec, source }: RuleContext): Finding[] {
  const first = new Map<string, number>();
  const findings: Finding[] = [];
  for (const domain of spec.domains) {
    const earlier = first.get(domain.name);
    if (earlier === undefined) {
      first.set(domain.name, domain.path[1] as number);
      continue;
    }
    findings.push(
      findingAt(source, 'duplicate-domain', domainNamePath(domain.path, domain.shortForm), 'finding.duplicate-domain', {
        domain: domain.name,
        first: earlier + 1,
      }),
    );
  }
  return findings;
}

const RELAY_FLAGS = [
  { key: 'domain', code: 'relay-domain-off' },
  { key: 'allRecipients', code: 'relay-all-recipients-off' },
  { key: 'unknownOnly', code: 'relay-unknown-only-off' },
] as const;

/** The recipe ticks all three relay checkboxes; each one left off breaks mail differently. */
export function relayFlags(context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const domain of context.spec.domains) {
    for (const { key, code } of RELAY_FLAGS) {
      if (domain.relay[key]) {
        continue;
      }
      // Without "Relay this domain" the other two boxes have no effect, so only that one is reported.
      if (key === 'allRecipients' && !domain.relay.domain) {
        continue;
      }
      const path = [...domain.path, 'relay', key];
      const edits = replaceValue(context, path, 'true');
      findings.push(
        findingAt(context.source, code, path, `finding.${code}`, { domain: domain.name }, {
          fixes: edits ? [{ kind: 'edit', titleId: 'fix.relayFlagOn', title: msg('fix.relayFlagOn', { flag: key }), edits }] : [],
        }),
      );
    }
  }
  return findings;
}

export function inboundFilteringBypassed({ spec, source }: RuleContext): Finding[] {
  const seen = new Set<string>();
  return spec.domains
    .filter((domain) => domain.relay.domain && !seen.has(domain.name) && seen.add(domain.name))
    .map((domain) =>
      findingAt(source, 'inbound-filtering-bypassed', domainNamePath(domain.path, domain.shortForm), 'finding.inbound-filtering-bypassed', {
        domain: domain.name,
      }),
    );
}

export function validationMailboxes({ spec, source }: RuleContext): Finding[] {
  const shared = new Set(sharedDomainNames(spec));
  const findings: Finding[] = [];
  for (const key of ['mailcowMailbox', 'exchangeMailbox'] as const) {
    const address = spec.checks.validation[key];
    // Without any shared domain the schema has already spoken; a comparison with none says nothing.
    if (!address || shared.size === 0) {
      continue;
    }
    const domain = address.split('@').pop()?.toLowerCase() ?? '';
    if (!shared.has(domain)) {
      findings.push(
        findingAt(source, 'validation-mailbox-foreign', ['checks', 'validation', key], 'finding.validation-mailbox-foreign', {
          address,
          domains: [...shared].join(', '),
        }),
      );
    }
  }
  return findings;
}
