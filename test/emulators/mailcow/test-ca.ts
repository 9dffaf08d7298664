import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** PEM of the authority that signed the server certificate. */
  caCert: string;
  /** A file holding `caCert`, for options that take a path. */
  caFile: string;
  serverCert: string;
  serverKey: string;
  /** Removes the temporary folder. */
  cleanup(): void;
}

/**
 * A throw-away certificate authority and a server certificate it signed, made with the openssl
 * command line in a temporary folder; nothing is kept in the repository.
 */
export function makeTestCertificates(names: { dns?: string[]; ip?: string[] }): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'mail-hybrid-ca-'));
  const file = (name: string): string => join(dir, name);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=mail-hybrid test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run([
    'req',
    ...ec,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=mailcow test',
  ]);
  const alt = [
    ...(names.dns ?? []).map((name) => `DNS:${name}`),
    ...(names.ip ?? []).map((ip) => `IP:${ip}`),
  ].join(',');
  writeFileSync(
    file('server.ext'),
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${alt}\n`,
  );
  run([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
  ]);
  const caCert = readFileSync(file('ca.pem'), 'utf8');
  const serverCert = readFileSync(file('server.pem'), 'utf8');
  const serverKey = readFileSync(file('server.key'), 'utf8');
  // Only the public CA certificate stays on disk while the test runs.
  for (const name of ['ca.key', 'server.key', 'server.csr', 'server.pem', 'server.ext', 'ca.srl']) {
    rmSync(file(name), { force: true });
  }
  return {
    caCert,
    caFile: file('ca.pem'),
    serverCert,
    serverKey,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
