import type { Finding } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import { msg } from '../messages/catalogue';
import { canonicalHost, isAtOrBelow, isIpAddress, isIPv4, isIPv6, nameCovers, splitHostPort } from '../net/host-names';
import type { HybridSpec, SpecPath } from '../spec/model';
import type { RuleContext } from './rule-context';
import { replaceValue, replaceWithFlowList } from './rule-context';

/** The shared domains once each, in the order written. */
export function sharedDomainNames(spec: HybridSpec): string[] {
  return [...new Set(spec.domains.map((domain) => domain.name))];
}

/**
 * Whether `name` is one of `domains` or below one, by walking up its labels: a lookup per label
 * instead of a comparison per domain, as the recipient list defaults to every shared domain.
 */
function isAtOrBelowAny(name: string, domains: ReadonlySet<string>): boolean {
  const labels = canonicalHost(name).split('.');
  for (let start = 0; start < labels.length; start++) {
    if (domains.has(labels.slice(start).join('.'))) {
      return true;
    }
  }
  return false;
}

const OUTBOUND: SpecPath = ['exchange', 'outboundConnector'];
const INBOUND: SpecPath = ['exchange', 'inboundConnector'];

/** The path of list item `index` under `key` when written, else the key the default came from. */
function itemPath(context: RuleContext, base: SpecPath, key: string, index: number): SpecPath {
  return context.source.has([...base, key]) ? [...base, key, index] : [...base, key];
}

function defaultNote(context: RuleContext, path: SpecPath, described: string): string {
  return context.source.has(path) ? '' : msg('finding.defaultNote', { value: described });
}

export function outboundRecipientRules(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const recipients = spec.exchange.outboundConnector.recipientDomains;
  const shared = sharedDomainNames(spec);
  const sharedSet = new Set(shared);
  const findings: Finding[] = [];
  recipients.forEach((recipient, index) => {
    const path = itemPath(context, OUTBOUND, 'recipientDomains', index);
    if (recipient === '*') {
      const replacement = [...new Set([...recipients.filter((item) => item !== '*'), ...shared])];
      const edits = replaceWithFlowList(context, [...OUTBOUND, 'recipientDomains'], replacement);
      findings.push(
        findingAt(source, 'connector-wildcard-recipients', path, 'finding.connector-wildcard-recipients', { domains: shared.join(', ') }, {
          fixes: edits ? [{ kind: 'edit', titleId: 'fix.sharedDomains', title: msg('fix.sharedDomains', { domains: replacement.join(', ') }), edits }] : [],
        }),
      );
      return;
    }
    const bare = recipient.replace(/^\*\./, '');
    if (shared.length > 0 && !isAtOrBelowAny(bare, sharedSet)) {
      findings.push(
        findingAt(source, 'connector-recipient-not-shared', path, 'finding.connector-recipient-not-shared', {
          domain: recipient,
          domains: shared.join(', '),
        }),
      );
    }
  });
  return findings;
}

export function smartHostRules(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const outbound = spec.exchange.outboundConnector;
  const findings: Finding[] = [];
  outbound.smartHosts.forEach((smartHost, index) => {
    const path = itemPath(context, OUTBOUND, 'smartHosts', index);
    const split = splitHostPort(smartHost);
    if (split.port !== undefined) {
      const edits = source.has([...OUTBOUND, 'smartHosts', index])
        ? replaceValue(context, [...OUTBOUND, 'smartHosts', index], split.host)
        : undefined;
      findings.push(
        findingAt(source, 'smart-host-has-port', path, 'finding.smart-host-has-port', { smartHost, host: split.host, port: split.port }, {
          fixes: edits ? [{ kind: 'edit', titleId: 'fix.dropPort', title: msg('fix.dropPort', { host: split.host }), edits }] : [],
        }),
      );
    }
    if (isIpAddress(split.host) && outbound.tlsSettings !== 'EncryptionOnly') {
      findings.push(
        findingAt(source, 'smart-host-ip-validated', path, 'finding.smart-host-ip-validated', {
          smartHost: split.host,
          tlsSettings: outbound.tlsSettings,
          note: defaultNote(context, [...OUTBOUND, 'smartHosts'], msg('finding.default.smartHosts', { hostname: spec.mailcow.hostname })),
        }),
      );
    }
  });
  return findings;
}

/**
 * With DomainValidation Exchange checks that the certificate mailcow presents carries
 * `tlsDomain`; mailcow presents its own host name, so `tlsDomain` must cover every smart host
 * that is a name.
 */
export function tlsDomainRules(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const outbound = spec.exchange.outboundConnector;
  if (outbound.tlsSettings !== 'DomainValidation' || !outbound.tlsDomain) {
    return [];
  }
  const tlsDomain = outbound.tlsDomain;
  const uncovered = outbound.smartHosts
    .map((smartHost) => splitHostPort(smartHost).host)
    .filter((host) => host !== '' && !isIpAddress(host) && !nameCovers(tlsDomain, host));
  if (uncovered.length === 0) {
    return [];
  }
  const tlsPath = [...OUTBOUND, 'tlsDomain'];
  const path = source.has(tlsPath) ? tlsPath : source.has([...OUTBOUND, 'smartHosts']) ? [...OUTBOUND, 'smartHosts'] : OUTBOUND;
  return [
    findingAt(source, 'tls-domain-mismatch', path, 'finding.tls-domain-mismatch', {
      tlsDomain,
      hosts: uncovered.join(', '),
      note: defaultNote(context, tlsPath, msg('finding.default.tlsDomain', { hostname: spec.mailcow.hostname })),
    }, { onKey: path === OUTBOUND }),
  ];
}

export function inboundRules(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const inbound = spec.exchange.inboundConnector;
  const findings: Finding[] = [];
  if (inbound.auth === 'certificate') {
    const name = inbound.certificateName;
    const shared = sharedDomainNames(spec);
    // Without any shared domain the schema has already spoken; a comparison with none says nothing.
    if (name && shared.length > 0 && !shared.some((domain) => isAtOrBelow(name.replace(/^\*\./, ''), domain))) {
      const namePath = [...INBOUND, 'certificateName'];
      const path = source.has(namePath) ? namePath : source.has(INBOUND) ? INBOUND : ['mailcow', 'hostname'];
      findings.push(
        findingAt(source, 'inbound-cert-not-accepted-domain', path, 'finding.inbound-cert-not-accepted-domain', {
          name,
          domains: shared.join(', '),
          note: defaultNote(context, namePath, msg('finding.default.certificateName', { hostname: spec.mailcow.hostname })),
        }, { onKey: path === INBOUND }),
      );
    }
    return findings;
  }

  findings.push(findingAt(source, 'inbound-ip-only', [...INBOUND, 'auth'], 'finding.inbound-ip-only', {}));
  const ipsPath = [...INBOUND, 'senderIPs'];
  const written = source.has(ipsPath);
  const origin: SpecPath = written ? ipsPath : source.has(['mailcow', 'egressIPs']) ? ['mailcow', 'egressIPs'] : INBOUND;
  if (inbound.senderIPs.length === 0) {
    findings.push(findingAt(source, 'inbound-ip-invalid', origin, 'finding.inbound-ip-invalid.empty', {}, { onKey: true }));
    return findings;
  }
  inbound.senderIPs.forEach((entry, index) => {
    const [address = '', prefix] = entry.split('/');
    const path = origin === INBOUND ? INBOUND : [...origin, index];
    const width = prefix === undefined ? 32 : Number(prefix);
    let reason: string | undefined;
    if (isIPv6(address)) {
      reason = msg('finding.inbound-ip-invalid.v6');
    } else if (!isIPv4(address) || !Number.isInteger(width) || width < 0 || width > 32) {
      reason = msg('finding.inbound-ip-invalid.garbage');
    } else if (width < 24) {
      reason = msg('finding.inbound-ip-invalid.wide', { width });
    }
    if (reason) {
      const note = written ? '' : msg('finding.defaultNote', { value: msg('finding.default.senderIPs') });
      findings.push(findingAt(source, 'inbound-ip-invalid', path, 'finding.inbound-ip-invalid', { entry, reason, note }, { onKey: origin === INBOUND }));
    }
  });
  return findings;
}
