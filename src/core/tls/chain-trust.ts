import { X509Certificate } from 'node:crypto';

const MAX_DEPTH = 10;

function issuedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Whether the presented chain leads, by names and signatures, to one of the trusted CAs,
 * without looking at any validity dates.
 *
 * OpenSSL reports only one verification error, and for an expired certificate that is the
 * expiry even when the issuer is unknown too; this second look keeps "expired" and "not
 * trusted" apart so each can be reported.
 *
 * Limitation: it checks issuer names, key identifiers, key usage and signatures, but neither
 * name constraints nor policies; it is used only to classify certificates that OpenSSL already
 * refused for their dates, never to accept one.
 */
export function chainLeadsToTrustedCa(
  presented: readonly Buffer[],
  trustedPems: readonly string[],
): boolean {
  const chain = presented.map((raw) => new X509Certificate(raw));
  const trusted: X509Certificate[] = [];
  for (const pem of trustedPems) {
    try {
      trusted.push(new X509Certificate(pem));
    } catch {
      // An unreadable entry in a system store trusts nothing; the others still count.
    }
  }
  const trustedPrints = new Set(trusted.map((certificate) => certificate.fingerprint256));
  let current = chain[0];
  for (let depth = 0; current && depth < MAX_DEPTH; depth += 1) {
    if (trustedPrints.has(current.fingerprint256)) {
      return true;
    }
    const subject: X509Certificate = current;
    if (trusted.some((root) => issuedBy(subject, root))) {
      return true;
    }
    current = chain.find(
      (candidate) =>
        candidate.fingerprint256 !== subject.fingerprint256 && issuedBy(subject, candidate),
    );
  }
  return false;
}
