import type { DnsState } from '../dns/dns-live';
import type { IpNetwork } from '../dns/ip-network';
import { ipFamily, networksCoverNetwork, parseNetwork } from '../dns/ip-network';
import type {
  ExchangeRecipient,
  ExchangeStateWithRecipients,
} from '../exchange/exchange-recipients';
import { keepsMailFor } from '../exchange/exchange-recipients';
import type { ExchangeState } from '../exchange/exchange-state';
import type { Finding } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import {
  forwardingEntriesFor,
  staleForwardingHosts,
  uncoveredNetworks,
} from '../mailcow/mailcow-compare';
import type { MailcowState } from '../mailcow/mailcow-state';
import { canonicalHost } from '../net/host-names';
import { msg } from '../messages/catalogue';
import type { HybridSpec, SpecPath } from '../spec/model';
import { CLOUD_PROFILES } from '../spec/model';
import type {
  CrossSystemRule,
  LiveCheckResult,
  LiveSession,
  LiveSnapshot,
  LiveSystemName,
} from './live-system';

/** The state a system put into the snapshot, or undefined when it was not read or failed. */
function stateOf<T>(snapshot: LiveSnapshot, system: LiveSystemName): T | undefined {
  const read = snapshot[system];
  return read && read.ok ? (read.state as T) : undefined;
}

const NOTHING: LiveCheckResult = { findings: [], liveValues: new Map() };

function result(findings: Finding[]): LiveCheckResult {
  return { findings, liveValues: new Map() };
}

/** At most `count` entries, then how many more, for messages that must stay readable. */
function shortList(values: readonly string[], count = 6): string {
  const shown = values.slice(0, count).join(', ');
  return values.length > count
    ? msg('cross.list.more', { shown, more: values.length - count })
    : shown;
}

function networks(values: readonly string[]): IpNetwork[] {
  return values
    .map((value) => parseNetwork(value))
    .filter((network): network is IpNetwork => network !== undefined);
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * mailcow's forwarding hosts against the addresses EOP sends from now. mailcow resolved each
 * host name once, when it was added, so Microsoft's later changes to its ranges leave the stored
 * addresses behind; mail from an uncovered EOP address is then filtered as if it came straight
 * from the internet. When the spec lists the cloud's include and mailcow lacks it, that is
 * `mailcow-fwdhost-missing`, whose step stores the current ranges; saying it twice would only
 * blame a change of Microsoft's ranges that did not happen.
 */
export const fwdhostsMissEop: CrossSystemRule = (session, snapshot) => {
  const mailcow = stateOf<MailcowState>(snapshot, 'mailcow');
  const dns = stateOf<DnsState>(snapshot, 'dns');
  if (!mailcow || !dns || mailcow.fwdhosts.length === 0) {
    return NOTHING;
  }
  const eop = dns.eopSenders;
  if (!eop.complete || eop.networks.length === 0) {
    // What EOP sends from is not fully known, so nothing can be said to be missing.
    return NOTHING;
  }
  const missing = uncoveredNetworks(mailcow.fwdhosts, eop.networks);
  if (missing.length === 0) {
    return NOTHING;
  }
  const include = CLOUD_PROFILES[session.spec.exchange.cloud].spfInclude;
  const wanted = session.spec.mailcow.forwardingHosts;
  const includeStored = forwardingEntriesFor(mailcow.fwdhosts, include).length > 0;
  const asked = wanted.some((host) => canonicalHost(host) === canonicalHost(include));
  if (!includeStored && asked) {
    return NOTHING;
  }
  const sources = [...new Set(mailcow.fwdhosts.map((host) => host.source))];
  const args = {
    count: missing.length,
    total: eop.networks.length,
    missing: shortList(missing),
    sources: shortList(sources),
    include,
  };
  const path: SpecPath = ['mailcow', 'forwardingHosts'];
  if (!includeStored) {
    // The spec asks for other hosts (the offline rules say why that falls short); no step
    // adds a host the spec does not list.
    return result([
      findingAt(
        session.locator,
        'fwdhosts-miss-eop',
        path,
        'finding.fwdhosts-miss-eop.other',
        args,
      ),
    ]);
  }
  const stale = staleForwardingHosts(mailcow.fwdhosts, wanted, {
    include,
    networks: eop.networks,
    complete: eop.complete,
  });
  return result([
    findingAt(
      session.locator,
      'fwdhosts-miss-eop',
      path,
      'finding.fwdhosts-miss-eop',
      args,
      stale.length > 0
        ? {
            fixes: [
              {
                kind: 'step',
                title: msg('cross.fix.fwdhosts', { include }),
                stepId: 'mailcow-fwdhosts',
              },
            ],
          }
        : {},
    ),
  ]);
};

/** Where a mailbox is written in the spec, or its domain's entry when it is not listed. */
function mailboxPath(spec: HybridSpec, address: string): SpecPath | undefined {
  const domainName = address.split('@')[1] ?? '';
  const seen = new Set<string>();
  for (const domain of spec.domains) {
    if (domain.name !== domainName || seen.has(domain.name)) {
      continue;
    }
    seen.add(domain.name);
    const index = domain.mailboxes.findIndex((mailbox) => sameName(mailbox, address));
    return index >= 0 ? [...domain.path, 'mailboxes', index] : domain.path;
  }
  return undefined;
}

function describeRecipient(recipient: ExchangeRecipient): string {
  const kind = recipient.RecipientTypeDetails || recipient.RecipientType || 'recipient';
  return `${kind} "${recipient.Identity}"`;
}

/**
 * A mailbox on mailcow whose address an Exchange recipient also holds. Exchange resolves its
 * own recipients before it relays unknown ones, so mail for that address from the internet and
 * from Exchange users ends in the Exchange object and never reaches mailcow.
 */
export const mailboxAlsoInExchange: CrossSystemRule = (session, snapshot) => {
  const mailcow = stateOf<MailcowState>(snapshot, 'mailcow');
  const exchange = stateOf<ExchangeStateWithRecipients>(snapshot, 'exchange');
  const recipients = exchange?.recipients;
  if (!mailcow || !recipients) {
    return NOTHING;
  }
  const findings: Finding[] = [];
  for (const mailbox of mailcow.mailboxes) {
    const address = mailbox.username.toLowerCase();
    const path = mailboxPath(session.spec, address);
    if (!path) {
      continue;
    }
    const holder = recipients.find((recipient) => keepsMailFor(recipient, address));
    if (holder) {
      findings.push(
        findingAt(
          session.locator,
          'mailbox-also-in-exchange',
          path,
          'finding.mailbox-also-in-exchange',
          { address, recipient: describeRecipient(holder) },
        ),
      );
    }
  }
  return result(findings);
};

function outboundConnectorOf(session: LiveSession, state: ExchangeState) {
  const name = session.spec.exchange.outboundConnector.name;
  return state.outboundConnectors.find((connector) => sameName(connector.Name, name));
}

function inboundConnectorOf(session: LiveSession, state: ExchangeState) {
  const name = session.spec.exchange.inboundConnector.name;
  return state.inboundConnectors.find((connector) => sameName(connector.Name, name));
}

/** mailcow's addresses: its host name's A and AAAA records and the egress addresses written. */
function mailcowNetworks(spec: HybridSpec, dns: DnsState): IpNetwork[] {
  return networks([...dns.mailcowHost.addresses, ...spec.mailcow.egressIPs]);
}

/**
 * The smart hosts of the live outbound connector against mailcow's addresses. A smart host
 * that resolves elsewhere (an old server, a typo that exists, a load balancer in front of
 * something else) receives the mail Exchange passes on for mailcow's mailboxes.
 *
 * Limitation: host names are resolved by the DNS check from the spec's smart hosts; a live
 * connector naming a host the spec does not is `outbound-connector-drift` and not judged here.
 */
export const smartHostNotMailcow: CrossSystemRule = (session, snapshot) => {
  const exchange = stateOf<ExchangeState>(snapshot, 'exchange');
  const dns = stateOf<DnsState>(snapshot, 'dns');
  if (!exchange || !dns) {
    return NOTHING;
  }
  const connector = outboundConnectorOf(session, exchange);
  const mailcow = mailcowNetworks(session.spec, dns);
  if (!connector || mailcow.length === 0) {
    return NOTHING;
  }
  const findings: Finding[] = [];
  const path: SpecPath = ['exchange', 'outboundConnector', 'smartHosts'];
  const hostname = session.spec.mailcow.hostname;
  for (const smartHost of connector.SmartHosts) {
    const literal = smartHost.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (ipFamily(literal.split('/')[0] ?? '') !== undefined) {
      addresses = [literal];
    } else {
      const lookup = dns.smartHosts.find((entry) => sameName(entry.host, smartHost));
      if (!lookup || lookup.outcome === 'failed') {
        continue;
      }
      if (lookup.outcome === 'none') {
        findings.push(
          findingAt(
            session.locator,
            'smart-host-not-mailcow',
            path,
            'finding.smart-host-not-mailcow.none',
            {
              smartHost,
            },
          ),
        );
        continue;
      }
      addresses = lookup.addresses;
    }
    const foreign = addresses.filter((address) => {
      const network = parseNetwork(address);
      return network !== undefined && !networksCoverNetwork(mailcow, network);
    });
    if (foreign.length > 0) {
      findings.push(
        findingAt(
          session.locator,
          'smart-host-not-mailcow',
          path,
          'finding.smart-host-not-mailcow',
          {
            smartHost,
            foreign: shortList(foreign),
            hostname,
            mailcow: shortList(mailcow.map((network) => network.cidr.replace(/\/(32|128)$/, ''))),
          },
        ),
      );
    }
  }
  return result(findings);
};

/**
 * An IP-authenticated inbound connector against the addresses mailcow sends from
 * (`mailcow.egressIPs`, else the addresses of its host name). Mail from an address the
 * connector does not list cannot be attributed to the tenant and bounces with 5.7.64; IPv6 can
 * never be listed, since Exchange takes IPv4 only there.
 */
export const inboundIpsMissEgress: CrossSystemRule = (session, snapshot) => {
  const exchange = stateOf<ExchangeState>(snapshot, 'exchange');
  if (!exchange) {
    return NOTHING;
  }
  const connector = inboundConnectorOf(session, exchange);
  if (
    !connector ||
    connector.SenderIPAddresses.length === 0 ||
    connector.TlsSenderCertificateName
  ) {
    return NOTHING;
  }
  const { spec } = session;
  let egress = spec.mailcow.egressIPs;
  let origin = 'egressIPs';
  if (egress.length === 0) {
    const dns = stateOf<DnsState>(snapshot, 'dns');
    if (!dns || dns.mailcowHost.outcome !== 'records') {
      return NOTHING;
    }
    egress = dns.mailcowHost.addresses;
    origin = 'hostname';
  }
  const listed = networks(connector.SenderIPAddresses);
  const v4Missing: string[] = [];
  const v6: string[] = [];
  for (const address of egress) {
    const network = parseNetwork(address);
    if (!network) {
      continue;
    }
    if (network.family === 6) {
      v6.push(address);
    } else if (!networksCoverNetwork(listed, network)) {
      v4Missing.push(address);
    }
  }
  const path: SpecPath = ['exchange', 'inboundConnector', 'senderIPs'];
  const args = {
    listed: shortList(connector.SenderIPAddresses),
    source: msg(origin === 'egressIPs' ? 'cross.egress.written' : 'cross.egress.hostname', {
      hostname: spec.mailcow.hostname,
    }),
  };
  const findings: Finding[] = [];
  if (v4Missing.length > 0) {
    // When the spec already lists the addresses, the connector drifted and the step fixes it.
    const specCovers = v4Missing.every((address) => {
      const network = parseNetwork(address);
      return (
        network !== undefined &&
        networksCoverNetwork(networks(spec.exchange.inboundConnector.senderIPs), network)
      );
    });
    findings.push(
      findingAt(
        session.locator,
        'inbound-ips-miss-egress',
        path,
        'finding.inbound-ips-miss-egress',
        { ...args, missing: shortList(v4Missing) },
        specCovers
          ? {
              fixes: [
                {
                  kind: 'step',
                  title: msg('cross.fix.inboundConnector'),
                  stepId: 'inbound-connector',
                },
              ],
            }
          : {},
      ),
    );
  }
  if (v6.length > 0) {
    findings.push(
      findingAt(
        session.locator,
        'inbound-ips-miss-egress',
        path,
        'finding.inbound-ips-miss-egress.v6',
        {
          ...args,
          missing: shortList(v6),
        },
      ),
    );
  }
  return result(findings);
};
