import type { Finding } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import { msg } from '../messages/catalogue';
import { CLOUD_PROFILES } from '../spec/model';
import type { Cloud } from '../spec/model';
import type { RuleContext } from './rule-context';
import { replaceValue } from './rule-context';

/** How many labels the tenant-specific part of a gateway has under each suffix. */
function prefixLabels(suffix: string): number {
  // `<domain-dashes>.<zone>.mx.microsoft` has a zone label; the classic form has none.
  return suffix === '.mx.microsoft' ? 2 : 1;
}

/**
 * The gateway is the tenant's MX host and the smart host mailcow relays through. A common
 * mistake is to write the domain with its dots (`example.com.mail.protection.outlook.com`),
 * which resolves nowhere.
 */
export function gatewayRules(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const gateway = spec.exchange.gateway;
  const path = ['exchange', 'gateway'];
  if (!gateway) {
    return [];
  }
  const profile = CLOUD_PROFILES[spec.exchange.cloud];
  const suffix = profile.gatewaySuffixes.find((candidate) => gateway.endsWith(candidate));
  if (!suffix) {
    // GCC High and DoD share one suffix, so a gateway can belong to more than one other cloud.
    const otherClouds = (Object.keys(CLOUD_PROFILES) as Cloud[]).filter((cloud) =>
      CLOUD_PROFILES[cloud].gatewaySuffixes.some((candidate) => gateway.endsWith(candidate)),
    );
    return [
      findingAt(source, 'gateway-malformed', path, otherClouds.length > 0 ? 'finding.gateway-malformed.cloud' : 'finding.gateway-malformed', {
        gateway,
        suffixes: profile.gatewaySuffixes.join(' or '),
        cloud: spec.exchange.cloud,
        otherCloud: otherClouds.length > 0 ? otherClouds.join(' or ') : undefined,
      }),
    ];
  }
  const prefix = gateway.slice(0, gateway.length - suffix.length);
  const labels = prefix.split('.');
  const expected = prefixLabels(suffix);
  if (prefix !== '' && labels.length === expected && labels.every((label) => /^[a-z0-9-]+$/.test(label))) {
    return [];
  }
  if (labels.length < expected || labels.some((label) => label === '')) {
    // Too few labels (e.g. no zone under mx.microsoft) or empty ones: there are no dots to turn
    // into dashes, so no name can be built from it.
    return [
      findingAt(source, 'gateway-malformed', path, 'finding.gateway-malformed', {
        gateway,
        suffixes: profile.gatewaySuffixes.join(' or '),
      }),
    ];
  }
  // Dots of the domain part become dashes; the zone label of the new namespace stays.
  const domainLabels = expected === 2 ? labels.slice(0, -1) : labels;
  const zone = expected === 2 ? `.${labels[labels.length - 1] ?? ''}` : '';
  const dashed = `${domainLabels.join('-')}${zone}${suffix}`;
  const edits = prefix !== '' ? replaceValue(context, path, dashed) : undefined;
  return [
    findingAt(source, 'gateway-malformed', path, prefix === '' ? 'finding.gateway-malformed' : 'finding.gateway-malformed.dots', {
      gateway,
      dashed,
      suffixes: profile.gatewaySuffixes.join(' or '),
    }, { fixes: edits ? [{ kind: 'edit', titleId: 'fix.gatewayDashes', title: msg('fix.gatewayDashes', { dashed }), edits }] : [] }),
  ];
}
