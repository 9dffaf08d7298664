import { X509Certificate, createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { msg } from '../messages/catalogue';
import { ExchangeAuthError } from './exchange-error';

/** An app certificate ready to sign client assertions. Holds the key: never log it. */
export interface CertificateCredential {
  privateKey: KeyObject;
  /** base64url SHA-1 of the certificate (DER), the `x5t` header Entra matches on. */
  x5t: string;
  /** base64url SHA-256 of the certificate, `x5t#S256`. */
  x5tS256: string;
  /** Upper-case hex SHA-1, as the Entra portal shows it, for messages. */
  thumbprint: string;
  notAfter: Date;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function fail(id: Parameters<typeof msg>[0], args: Record<string, string> = {}): never {
  throw new ExchangeAuthError({ kind: 'auth-failed', message: msg(id, args) });
}

/**
 * Reads a PEM file holding the app's certificate and its unencrypted private key (the form
 * `openssl pkcs12 -nodes` writes). When the file holds a chain, the certificate that matches
 * the key is the one used.
 */
export function loadCertificateCredential(pem: string, file: string): CertificateCredential {
  const certificates: X509Certificate[] = [];
  let privateKey: KeyObject | undefined;
  for (const match of pem.matchAll(PEM_BLOCK)) {
    const label = match[1] ?? '';
    const block = match[0];
    if (label === 'CERTIFICATE') {
      try {
        certificates.push(new X509Certificate(block));
      } catch {
        fail('exchange.auth.certificateUnreadable', { file });
      }
    } else if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(block)) {
      fail('exchange.auth.certificateKeyEncrypted', { file });
    } else if (label.endsWith('PRIVATE KEY')) {
      try {
        privateKey = createPrivateKey(block);
      } catch {
        fail('exchange.auth.certificateUnreadable', { file });
      }
    }
  }
  if (certificates.length === 0) {
    fail('exchange.auth.certificateMissing', { file });
  }
  if (!privateKey) {
    fail('exchange.auth.certificateKeyMissing', { file });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    fail('exchange.auth.certificateNotRsa', { file });
  }
  const key = privateKey;
  const certificate = certificates.find((candidate) => candidate.checkPrivateKey(key));
  if (!certificate) {
    fail('exchange.auth.certificateKeyMismatch', { file });
  }
  const sha1 = createHash('sha1').update(certificate.raw).digest();
  return {
    privateKey: key,
    x5t: sha1.toString('base64url'),
    x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
    thumbprint: sha1.toString('hex').toUpperCase(),
    notAfter: new Date(certificate.validTo),
  };
}

function encodePart(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * A signed JWT that proves possession of the app certificate (RFC 7523 client assertion): RS256,
 * audience the token endpoint, issuer and subject the client id, valid for ten minutes.
 */
export function buildClientAssertion(
  credential: CertificateCredential,
  clientId: string,
  tokenEndpoint: string,
  nowMs: number,
): string {
  const now = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5t: credential.x5t, 'x5t#S256': credential.x5tS256 };
  const payload = {
    aud: tokenEndpoint,
    iss: clientId,
    sub: clientId,
    jti: randomUUID(),
    nbf: now - 60,
    iat: now,
    exp: now + 600,
  };
  const signingInput = `${encodePart(header)}.${encodePart(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'utf8'), credential.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}
