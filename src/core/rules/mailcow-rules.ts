import type { Finding } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import { msg } from '../messages/catalogue';
import { canonicalHost, splitHostPort } from '../net/host-names';
import { CLOUD_PROFILES } from '../spec/model';
import type { RuleContext } from './rule-context';
import { replaceValue, replaceWithFlowList } from './rule-context';

export function relayhostRules(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const path = ['mailcow', 'relayhost'];
  if (!source.has(path) || !spec.exchange.gateway) {
    // The default is built from the gateway, so it can be neither wrong nor unbracketed.
    return [];
  }
  const findings: Finding[] = [];
  const relayhost = splitHostPort(spec.mailcow.relayhost);
  const port = relayhost.port ?? 25;
  if (canonicalHost(relayhost.host) !== spec.exchange.gateway) {
    const edits = replaceValue(context, path, JSON.stringify(`[${spec.exchange.gateway}]:25`));
    findings.push(
      findingAt(source, 'relayhost-not-gateway', path, 'finding.relayhost-not-gateway', {
        relayhost: spec.mailcow.relayhost,
        gateway: spec.exchange.gateway,
      }, { fixes: edits ? [{ kind: 'edit', titleId: 'fix.relayhostToGateway', title: msg('fix.relayhostToGateway', { gateway: spec.exchange.gateway }), edits }] : [] }),
    );
  }
  if (!relayhost.bracketed) {
    const bracketed = `[${relayhost.host}]:${port}`;
    const edits = replaceValue(context, path, JSON.stringify(bracketed));
    findings.push(
      findingAt(source, 'relayhost-unbracketed', path, 'finding.relayhost-unbracketed', { relayhost: spec.mailcow.relayhost, bracketed }, {
        fixes: edits ? [{ kind: 'edit', titleId: 'fix.bracketRelayhost', title: msg('fix.bracketRelayhost', { bracketed }), edits }] : [],
      }),
    );
  }
  return findings;
}

/**
 * The gateway host name resolves to EOP's receiving front ends; mail relayed by Exchange to
 * mailcow comes from EOP's sending ranges, which only the SPF include lists.
 */
export function forwardingHostRules(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const path = ['mailcow', 'forwardingHosts'];
  const hosts = spec.mailcow.forwardingHosts.map(canonicalHost);
  if (!source.has(path) || hosts.length === 0 || !spec.exchange.gateway) {
    return [];
  }
  if (!hosts.every((host) => host === spec.exchange.gateway)) {
    return [];
  }
  const include = CLOUD_PROFILES[spec.exchange.cloud].spfInclude;
  const edits = replaceWithFlowList(context, path, [include]);
  return [
    findingAt(source, 'fwdhost-gateway-only', path, 'finding.fwdhost-gateway-only', { gateway: spec.exchange.gateway, include }, {
      onKey: true,
      fixes: edits ? [{ kind: 'edit', titleId: 'fix.fwdhostSpf', title: msg('fix.fwdhostSpf', { include }), edits }] : [],
    }),
  ];
}

export function mailcowHostnameRules({ spec, source }: RuleContext): Finding[] {
  const hostname = spec.mailcow.hostname;
  if (!hostname || !spec.domains.some((domain) => domain.name === hostname)) {
    return [];
  }
  const written = source.has(['mailcow', 'hostname']);
  const path = written ? ['mailcow', 'hostname'] : ['mailcow', 'url'];
  const note = written ? '' : msg('finding.defaultNote', { value: msg('finding.default.hostname', { hostname }) });
  return [findingAt(source, 'mailcow-hostname-is-domain', path, 'finding.mailcow-hostname-is-domain', { hostname, note })];
}

