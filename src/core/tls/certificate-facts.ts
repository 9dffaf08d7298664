import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateIdentity } from './certificate-names';
import { parseSubjectAltNames } from './certificate-names';

export interface DistinguishedName {
  commonName?: string;
  organization?: string;
  /** The whole name in `CN=…, O=…` form, for display. */
  text: string;
}

/** What one certificate says about itself, in plain values a rule can compare. */
export interface CertificateFacts extends CertificateIdentity {
  subject: DistinguishedName;
  issuer: DistinguishedName;
  dnsNames: string[];
  ipAddresses: string[];
  commonName?: string;
  /** ISO 8601 instants. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex, as admin tools show it. */
  fingerprintSha256: string;
  serialNumber: string;
  /** Subject equals issuer: a self-signed leaf or a root. */
  selfIssued: boolean;
  /** The certificate in PEM form, for saving or comparing. */
  pem: string;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function distinguishedName(
  name: Record<string, string | string[] | undefined> | undefined,
): DistinguishedName {
  const entries = Object.entries(name ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(
      (one) => `${key}=${one}`,
    ),
  );
  const result: DistinguishedName = { text: entries.join(', ') };
  const commonName = first(name?.CN);
  const organization = first(name?.O);
  if (commonName !== undefined) {
    result.commonName = commonName;
  }
  if (organization !== undefined) {
    result.organization = organization;
  }
  return result;
}

function toIso(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

function toPem(raw: Buffer): string {
  const body = raw.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** Turns Node's view of a peer certificate into facts. */
export function certificateFacts(certificate: PeerCertificate): CertificateFacts {
  const { dnsNames, ipAddresses } = parseSubjectAltNames(certificate.subjectaltname);
  const subject = distinguishedName(certificate.subject);
  const issuer = distinguishedName(certificate.issuer);
  const facts: CertificateFacts = {
    subject,
    issuer,
    dnsNames,
    ipAddresses,
    notBefore: toIso(certificate.valid_from),
    notAfter: toIso(certificate.valid_to),
    fingerprintSha256: certificate.fingerprint256,
    serialNumber: certificate.serialNumber,
    selfIssued: subject.text === issuer.text,
    pem: toPem(certificate.raw),
  };
  if (subject.commonName !== undefined) {
    facts.commonName = subject.commonName;
  }
  return facts;
}

/**
 * The chain as Node reports it, leaf first. Node links each certificate to its issuer and ends
 * a complete chain with a root that points to itself; a chain the peer sent incomplete just
 * stops.
 */
export function certificateChain(leaf: DetailedPeerCertificate): CertificateFacts[] {
  const chain: CertificateFacts[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current && current.raw && !seen.has(current.fingerprint256) && chain.length < 16) {
    seen.add(current.fingerprint256);
    chain.push(certificateFacts(current));
    current = current.issuerCertificate;
  }
  return chain;
}

export type CertificateValidity = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

/**
 * Where `now` stands in the certificate's validity period. `expiring` when fewer than
 * `warningDays` days are left, which is when `cert-expiring` should fire.
 */
export function certificateValidity(
  facts: Pick<CertificateFacts, 'notBefore' | 'notAfter'>,
  now: Date,
  warningDays: number,
): CertificateValidity {
  const notBefore = Date.parse(facts.notBefore);
  const notAfter = Date.parse(facts.notAfter);
  const time = now.getTime();
  if (time < notBefore) {
    return 'not-yet-valid';
  }
  if (time > notAfter) {
    return 'expired';
  }
  return notAfter - time < warningDays * 86_400_000 ? 'expiring' : 'valid';
}

/** Whole days from `now` until the certificate expires (negative once it has). */
export function daysUntilExpiry(facts: Pick<CertificateFacts, 'notAfter'>, now: Date): number {
  return Math.floor((Date.parse(facts.notAfter) - now.getTime()) / 86_400_000);
}
