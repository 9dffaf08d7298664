import { domainToASCII } from 'node:url';
import { makeNetwork } from '../dns/ip-network';

/** The names a certificate presents, as read from its subject alternative names and subject. */
export interface CertificateIdentity {
  /** SAN dNSName entries, as written (may hold a left-most `*`). */
  dnsNames: readonly string[];
  /** SAN iPAddress entries. */
  ipAddresses: readonly string[];
  /** The subject's common name; used only when there is no SAN dNSName at all. */
  commonName?: string;
}

/** Lower case, no trailing dot, A-labels for internationalised names. Empty when unusable. */
function normaliseName(name: string): string {
  const plain = name.trim().replace(/\.$/, '').toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(plain) ? domainToASCII(plain) : plain;
}

function labelsOf(name: string): string[] | undefined {
  const labels = name.split('.');
  return labels.every((label) => label.length > 0 && label.length <= 63) ? labels : undefined;
}

/**
 * Whether one presented DNS name matches a reference host name, by RFC 6125 §6.4: labels compare
 * case-insensitively; a `*` is honoured only as the whole left-most label and then matches
 * exactly one non-empty label; partial wildcards (`m*.example.com`), wildcards in other labels,
 * and wildcards directly above a single label (`*.com`) match nothing.
 *
 * Limitation: a wildcard over a public suffix of more than one label (`*.co.uk`) is not
 * refused, because that needs the public suffix list; certificate authorities do not issue such
 * certificates.
 */
export function dnsNameMatches(presented: string, reference: string): boolean {
  const wanted = normaliseName(reference);
  const offered = normaliseName(presented);
  const wantedLabels = labelsOf(wanted);
  const offeredLabels = labelsOf(offered);
  if (!wantedLabels || !offeredLabels || wantedLabels.some((label) => label.includes('*'))) {
    return false;
  }
  if (!offered.includes('*')) {
    return offered === wanted;
  }
  const [first, ...rest] = offeredLabels;
  if (first !== '*' || rest.some((label) => label.includes('*')) || rest.length < 2) {
    return false;
  }
  if (wantedLabels.length !== offeredLabels.length) {
    return false;
  }
  return rest.join('.') === wantedLabels.slice(1).join('.');
}

/**
 * Whether a certificate is valid for `name`. An IP address is matched only against SAN
 * iPAddress entries. A host name is matched against the SAN dNSName entries, and against the
 * common name only when the certificate has no dNSName entry, as RFC 6125 §6.4.4 requires.
 *
 * A reference written as a wildcard (`*.example.com`, as Exchange allows in `TlsDomain`) is
 * covered by the same wildcard in the certificate only.
 */
export function certificateCoversName(identity: CertificateIdentity, name: string): boolean {
  const address = makeNetwork(name.trim().replace(/^\[(.*)\]$/, '$1'));
  if (address) {
    return identity.ipAddresses.some((entry) => makeNetwork(entry)?.cidr === address.cidr);
  }
  const presented =
    identity.dnsNames.length > 0
      ? identity.dnsNames
      : identity.commonName !== undefined
        ? [identity.commonName]
        : [];
  const reference = normaliseName(name);
  if (reference.startsWith('*.')) {
    return presented.some((entry) => normaliseName(entry) === reference);
  }
  return presented.some((entry) => dnsNameMatches(entry, reference));
}

/** The names in `names` that the certificate does not cover, in the order given. */
export function uncoveredNames(identity: CertificateIdentity, names: readonly string[]): string[] {
  return names.filter((name) => !certificateCoversName(identity, name));
}

/**
 * Reads Node's `subjectaltname` text (`DNS:a.example, IP Address:192.0.2.1, DNS:"odd,name"`).
 * Node quotes a value as a JSON string when it holds a comma, quote or other character that
 * would make the list ambiguous, so quoted values are decoded rather than split.
 */
export function parseSubjectAltNames(text: string | undefined): {
  dnsNames: string[];
  ipAddresses: string[];
} {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  let rest = text ?? '';
  while (rest.length > 0) {
    const colon = rest.indexOf(':');
    if (colon < 0) {
      break;
    }
    const kind = rest.slice(0, colon).trim();
    rest = rest.slice(colon + 1);
    let value: string;
    if (rest.startsWith('"')) {
      const end = findClosingQuote(rest);
      try {
        value = JSON.parse(rest.slice(0, end + 1)) as string;
      } catch {
        value = rest.slice(1, end);
      }
      rest = rest.slice(end + 1);
      const comma = rest.indexOf(',');
      rest = comma < 0 ? '' : rest.slice(comma + 1);
    } else {
      const comma = rest.indexOf(', ');
      value = comma < 0 ? rest : rest.slice(0, comma);
      rest = comma < 0 ? '' : rest.slice(comma + 2);
    }
    if (kind === 'DNS') {
      dnsNames.push(value);
    } else if (kind === 'IP Address') {
      ipAddresses.push(value);
    }
  }
  return { dnsNames, ipAddresses };
}

function findClosingQuote(text: string): number {
  for (let index = 1; index < text.length; index += 1) {
    if (text[index] === '\\') {
      index += 1;
    } else if (text[index] === '"') {
      return index;
    }
  }
  return text.length - 1;
}
