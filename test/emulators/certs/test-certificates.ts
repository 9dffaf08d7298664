// Certificates made fresh in memory for each test run, so no key is ever committed. node-forge
// builds and signs them because it sets any validity period (expired and not-yet-valid
// certificates are one field each) without temporary files or a system openssl; RSA keys come
// from node:crypto, which makes them far faster than forge's JavaScript key generation.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const DAY = 86_400_000;

export interface TestCa {
  commonName: string;
  certPem: string;
  keyPem: string;
  /** @internal forge objects for signing. */
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  /** The leaf followed by the CA that signed it, as a server sends its chain. Self-signed: the leaf. */
  chainPem: string;
  /** The CA that signed it; undefined for self-signed. */
  ca?: TestCa;
}

export type TestIssuer = 'trusted' | 'self-signed' | 'untrusted';

export interface LeafOptions {
  /** DNS names (and IP addresses) put in the subject alternative names, in order. */
  names: string[];
  /** Subject common name; defaults to the first name. */
  commonName?: string;
  /** Leave the SAN extension out, so only the common name names the host. */
  withoutSan?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  keyPem: string;
}

let sharedLeafKey: KeyPair | undefined;

function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    keyPem,
    privateKey: forge.pki.privateKeyFromPem(keyPem),
    publicKey: forge.pki.publicKeyFromPem(
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ),
  };
}

/** One key for every leaf of the run: what is under test is each certificate, not its key. */
function leafKey(): KeyPair {
  sharedLeafKey ??= newKeyPair();
  return sharedLeafKey;
}

function serial(): string {
  // A leading 0x01 keeps the DER integer positive and non-zero.
  return `01${randomBytes(15).toString('hex')}`;
}

function isIp(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}

/** A certificate authority that tests can trust through `caFile`, or leave untrusted. */
export function createTestCa(commonName = 'Mail Hybrid Test CA'): TestCa {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 3650 * DAY);
  const subject = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Mail Hybrid Tests' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    commonName,
    certPem: forge.pki.certificateToPem(cert),
    keyPem: keys.keyPem,
    cert,
    key: keys.privateKey,
  };
}

/**
 * A server certificate for `names`, signed by `ca`, or self-signed when `ca` is undefined.
 * Defaults: valid from yesterday for 90 days.
 */
export function issueCertificate(ca: TestCa | undefined, options: LeafOptions): TestCertificate {
  const keys = leafKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 90 * DAY);
  const commonName = options.commonName ?? options.names[0] ?? 'localhost';
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(ca ? ca.cert.subject.attributes : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (!options.withoutSan) {
    extensions.push({
      name: 'subjectAltName',
      altNames: options.names.map((name) =>
        isIp(name) ? { type: 7, ip: name } : { type: 2, value: name },
      ),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(ca ? ca.key : keys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const result: TestCertificate = {
    certPem,
    keyPem: keys.keyPem,
    chainPem: ca ? certPem + ca.certPem : certPem,
  };
  if (ca) {
    result.ca = ca;
  }
  return result;
}

/** The `smtp.certificate` shape of a scenario. */
export interface ScenarioCertificate {
  names: string[];
  /** `2027-06-30` (end of that day, UTC) or a full instant. */
  notAfter?: string | Date;
  notBefore?: string | Date;
  issuer?: TestIssuer;
}

let untrustedCa: TestCa | undefined;

function toDate(value: string | Date, endOfDay: boolean): Date {
  if (value instanceof Date) {
    return value;
  }
  return new Date(
    /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${endOfDay ? '23:59:59' : '00:00:00'}Z` : value,
  );
}

/**
 * Makes the certificate a scenario describes. `trusted` is signed by `trustedCa` (the one the
 * sandbox spec names as `caFile`), `untrusted` by a CA nobody is told about, `self-signed` by
 * its own key.
 */
export function certificateForScenario(
  shape: ScenarioCertificate,
  trustedCa: TestCa,
): TestCertificate {
  const issuer = shape.issuer ?? 'trusted';
  const options: LeafOptions = { names: shape.names };
  if (shape.notAfter !== undefined) {
    options.notAfter = toDate(shape.notAfter, true);
  }
  if (shape.notBefore !== undefined) {
    options.notBefore = toDate(shape.notBefore, false);
  } else if (options.notAfter && options.notAfter.getTime() < Date.now()) {
    // An expired certificate still needs a validity period that starts before it ends.
    options.notBefore = new Date(options.notAfter.getTime() - 90 * DAY);
  }
  if (issuer === 'self-signed') {
    return issueCertificate(undefined, options);
  }
  if (issuer === 'untrusted') {
    untrustedCa ??= createTestCa('Untrusted Test CA');
    return issueCertificate(untrustedCa, options);
  }
  return issueCertificate(trustedCa, options);
}
