import { domainToASCII } from 'node:url';
import type { IpNetwork } from '../dns/ip-network';
import { networksCoverNetwork, parseNetwork } from '../dns/ip-network';
import { canonicalHost, splitHostPort } from '../net/host-names';
import type { RelayFlags } from '../spec/model';
import type { MailcowDomain, MailcowForwardingHost, MailcowRelayhost } from './mailcow-types';

/**
 * How mailcow and the spec are compared; the live check and the steps share these, so a step
 * is needed exactly when the check reports the difference it fixes.
 */

/**
 * A domain name as mailcow keys it: lower case and, for international names, the ASCII
 * (punycode) form it stores (`bücher.example` is `xn--bcher-kva.example` there).
 */
export function mailcowDomainName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return domainToASCII(lower) || lower;
}

/**
 * A relayhost as Postfix reaches it: the host without brackets, in canonical form, and the port
 * (25 when none is written). `[gw]:25`, `[gw]`, `gw:25` and `GW.` name the same next hop for
 * this comparison.
 */
export function relayhostKey(value: string): string {
  const { host, port } = splitHostPort(value);
  return `${canonicalHost(host)}:${port ?? 25}`;
}

/**
 * The relayhosts of mailcow that are the spec's relayhost and in use. Postfix only routes
 * through active relayhosts, so a switched-off one counts as missing.
 */
export function matchingRelayhosts(
  relayhosts: readonly MailcowRelayhost[],
  wanted: string,
): MailcowRelayhost[] {
  const key = relayhostKey(wanted);
  return relayhosts.filter(
    (relayhost) => relayhost.active && relayhostKey(relayhost.hostname) === key,
  );
}

/**
 * The relayhost a domain should use: among the matching ones, one already used by a domain,
 * else the one with the lowest id. Undefined when there is none.
 */
export function gatewayRelayhost(
  relayhosts: readonly MailcowRelayhost[],
  wanted: string,
): MailcowRelayhost | undefined {
  const matching = matchingRelayhosts(relayhosts, wanted).sort((a, b) => a.id - b.id);
  return matching.find((relayhost) => relayhost.usedByDomains.length > 0) ?? matching[0];
}

/**
 * The flags mailcow stores when it is sent `desired`: it switches "Relay all recipients" on
 * with "Relay non-existing mailboxes only", and "Relay this domain" with either. Comparing the
 * live flags with this, not with the spec's literal values, keeps a spec that asks for a
 * combination mailcow cannot hold from showing a drift that no step could ever remove (the
 * offline relay rules report such a spec).
 */
export function effectiveRelayFlags(desired: RelayFlags): RelayFlags {
  const unknownOnly = desired.unknownOnly;
  const allRecipients = desired.allRecipients || unknownOnly;
  return { domain: desired.domain || allRecipients, allRecipients, unknownOnly };
}

export const RELAY_FLAG_KEYS = ['domain', 'allRecipients', 'unknownOnly'] as const;

/** The flags of `domain` that differ from what the spec makes mailcow store. */
export function relayFlagDrift(
  domain: MailcowDomain,
  desired: RelayFlags,
): (typeof RELAY_FLAG_KEYS)[number][] {
  const effective = effectiveRelayFlags(desired);
  return RELAY_FLAG_KEYS.filter((key) => domain.relay[key] !== effective[key]);
}

/** Whether the domain's sender-dependent transport is one of the gateway relayhosts. */
export function usesRelayhost(
  domain: MailcowDomain,
  relayhosts: readonly MailcowRelayhost[],
  wanted: string,
): boolean {
  return matchingRelayhosts(relayhosts, wanted).some(
    (relayhost) => relayhost.id === domain.relayhostId,
  );
}

/**
 * The stored entries that stand for one forwarding host of the spec. mailcow keeps the
 * addresses a name resolved to, each with `source` = the name as it was added; an address or
 * range written in the spec is stored as itself. Both are compared here.
 */
export function forwardingEntriesFor(
  fwdhosts: readonly MailcowForwardingHost[],
  wanted: string,
): MailcowForwardingHost[] {
  const name = canonicalHost(wanted);
  return fwdhosts.filter(
    (entry) => canonicalHost(entry.source) === name || canonicalHost(entry.host) === name,
  );
}

/** The spec's forwarding hosts that mailcow does not hold, in the spec's order, without repeats. */
export function missingForwardingHosts(
  fwdhosts: readonly MailcowForwardingHost[],
  wanted: readonly string[],
): string[] {
  const seen = new Set<string>();
  return wanted.filter((host) => {
    const key = canonicalHost(host);
    if (key === '' || seen.has(key)) {
      return false;
    }
    seen.add(key);
    return forwardingEntriesFor(fwdhosts, host).length === 0;
  });
}

function parsedNetworks(values: readonly string[]): IpNetwork[] {
  return values
    .map((value) => parseNetwork(value))
    .filter((network): network is IpNetwork => network !== undefined);
}

/**
 * The networks of `current` (what EOP sends from now) that no stored forwarding host covers,
 * whatever name it was added under: a range that someone added by hand counts as covered.
 */
export function uncoveredNetworks(
  fwdhosts: readonly MailcowForwardingHost[],
  current: readonly string[],
): string[] {
  const stored = parsedNetworks(fwdhosts.map((entry) => entry.host));
  return parsedNetworks(current)
    .filter((network) => !networksCoverNetwork(stored, network))
    .map((network) => network.cidr);
}

/** What the cloud's SPF include resolves to now, as the DNS check expanded it. */
export interface IncludeNow {
  include: string;
  networks: readonly string[];
  /** False when part of the include could not be followed. */
  complete: boolean;
}

/**
 * The spec's forwarding hosts to add again: the cloud's SPF include when the spec lists it and
 * mailcow holds it, but the addresses mailcow stored for it (once, when it was added) no longer
 * cover what it resolves to now. Adding a name again makes mailcow resolve it afresh and store
 * the current addresses. An include mailcow does not hold at all is a missing forwarding host
 * instead, and a partly followed include says nothing.
 */
export function staleForwardingHosts(
  fwdhosts: readonly MailcowForwardingHost[],
  wanted: readonly string[],
  now: IncludeNow | undefined,
): string[] {
  if (!now || !now.complete || now.networks.length === 0) {
    return [];
  }
  const include = canonicalHost(now.include);
  const asked = wanted.some((host) => canonicalHost(host) === include);
  if (!asked || forwardingEntriesFor(fwdhosts, now.include).length === 0) {
    return [];
  }
  return uncoveredNetworks(fwdhosts, now.networks).length > 0 ? [now.include] : [];
}
