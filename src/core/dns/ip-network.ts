import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

/**
 * An IPv4 or IPv6 network in CIDR form. `first` and `last` are the numeric bounds, so coverage
 * questions become integer comparisons. An address is a network with the full prefix length.
 */
export interface IpNetwork {
  family: IpFamily;
  /** Canonical CIDR text: `192.0.2.0/24`, `2001:db8::/32`. */
  cidr: string;
  prefixLength: number;
  first: bigint;
  last: bigint;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}

function fromBigInt(value: bigint, family: IpFamily): string {
  const bytes: number[] = [];
  let rest = value;
  for (let index = 0; index < BITS[family] / 8; index += 1) {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  }
  const address = ipaddr.fromByteArray(bytes);
  return address.kind() === 'ipv6'
    ? (address as ipaddr.IPv6).toRFC5952String()
    : address.toString();
}

/**
 * Parses an address, treating an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) as the IPv4
 * address it carries: that is how a dual-stack socket reports an IPv4 peer, and SPF compares it
 * against `ip4:` terms.
 */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const trimmed = text.trim();
  // ipaddr.js also accepts shorthand IPv4 like `10.1` or `0x0a.1`; DNS and SPF only use the
  // four-part decimal form, so anything else is rejected here.
  if (ipaddr.IPv4.isValid(trimmed) && !ipaddr.IPv4.isValidFourPartDecimal(trimmed)) {
    return undefined;
  }
  if (!ipaddr.isValid(trimmed)) {
    return undefined;
  }
  const address = ipaddr.parse(trimmed);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.zoneId !== undefined) {
      return undefined;
    }
    if (v6.isIPv4MappedAddress()) {
      return v6.toIPv4Address();
    }
  }
  return address;
}

/** The family of an IP address literal, or undefined when the text is not one. */
export function ipFamily(text: string): IpFamily | undefined {
  const address = parseAddress(text);
  if (!address) {
    return undefined;
  }
  return address.kind() === 'ipv4' ? 4 : 6;
}

/**
 * Builds a network from an address and a prefix length. Bits of the address past the prefix are
 * cleared (`192.0.2.7/24` is the network `192.0.2.0/24`), as SPF evaluators do.
 */
export function makeNetwork(addressText: string, prefixLength?: number): IpNetwork | undefined {
  const address = parseAddress(addressText);
  if (!address) {
    return undefined;
  }
  const family: IpFamily = address.kind() === 'ipv4' ? 4 : 6;
  const bits = BITS[family];
  const length = prefixLength ?? bits;
  if (!Number.isInteger(length) || length < 0 || length > bits) {
    return undefined;
  }
  const hostBits = BigInt(bits - length);
  const value = toBigInt(address.toByteArray());
  const first = (value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return {
    family,
    prefixLength: length,
    first,
    last,
    cidr: `${fromBigInt(first, family)}/${length}`,
  };
}

/**
 * Parses `192.0.2.0/24`, `2001:db8::/32` or a bare address (a single-host network). Returns
 * undefined for anything else, including prefix lengths with signs, spaces or leading zeros.
 */
export function parseNetwork(text: string): IpNetwork | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0) {
    return makeNetwork(trimmed);
  }
  const lengthText = trimmed.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText)) {
    return undefined;
  }
  return makeNetwork(trimmed.slice(0, slash), Number(lengthText));
}

/** True when `outer` contains every address of `inner` (same family only). */
export function networkContains(outer: IpNetwork, inner: IpNetwork): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * True when the union of `networks` contains every address of `target`, even when no single
 * network does (two adjacent /25 cover their /24).
 */
export function networksCoverNetwork(networks: readonly IpNetwork[], target: IpNetwork): boolean {
  const ranges = networks
    .filter((network) => network.family === target.family && network.last >= target.first)
    .map((network) => [network.first, network.last] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let reached = target.first;
  for (const [first, last] of ranges) {
    if (first > reached) {
      return false;
    }
    if (last >= reached) {
      if (last >= target.last) {
        return true;
      }
      reached = last + 1n;
    }
  }
  return false;
}

/** True when some network in `networks` contains the address. False for text that is no address. */
export function networksCoverAddress(networks: readonly IpNetwork[], address: string): boolean {
  const target = makeNetwork(address);
  return target !== undefined && networksCoverNetwork(networks, target);
}

/**
 * The networks sorted and merged into the fewest CIDR blocks that are each present in the
 * input, with duplicates and networks inside others removed. For showing a set to a person.
 */
export function simplifyNetworks(networks: readonly IpNetwork[]): IpNetwork[] {
  const sorted = [...networks].sort((a, b) =>
    a.family !== b.family
      ? a.family - b.family
      : a.first < b.first
        ? -1
        : a.first > b.first
          ? 1
          : a.prefixLength - b.prefixLength,
  );
  const kept: IpNetwork[] = [];
  for (const network of sorted) {
    const previous = kept[kept.length - 1];
    if (previous && networkContains(previous, network)) {
      continue;
    }
    kept.push(network);
  }
  return kept;
}
