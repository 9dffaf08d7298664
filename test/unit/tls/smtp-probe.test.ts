import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DnsLookup } from '../../../src/core/dns/resolver';
import { certificateValidity, daysUntilExpiry } from '../../../src/core/tls/certificate-facts';
import { uncoveredNames } from '../../../src/core/tls/certificate-names';
import type { SmtpProbeOptions, SmtpProbeResult } from '../../../src/core/tls/smtp-probe';
import { probeSmtp, smtpProbeMessage } from '../../../src/core/tls/smtp-probe';
import type { TestCa, TestCertificate } from '../../emulators/certs/test-certificates';
import {
  certificateForScenario,
  createTestCa,
  issueCertificate,
} from '../../emulators/certs/test-certificates';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import type { SmtpEmulator, SmtpEmulatorOptions } from '../../emulators/smtp/smtp-emulator';
import { startScenarioSmtp, startSmtpEmulator } from '../../emulators/smtp/smtp-emulator';

const DAY = 86_400_000;

let ca: TestCa;
let folder: string;
let caFile: string;

before(async () => {
  ca = createTestCa();
  folder = await mkdtemp(join(tmpdir(), 'mail-hybrid-probe-'));
  caFile = join(folder, 'ca.pem');
  await writeFile(caFile, ca.certPem);
});
after(() => rm(folder, { recursive: true, force: true }));

/** Starts a listener, probes it, and closes it again whatever happens. */
async function probeAgainst(
  listener: SmtpEmulatorOptions,
  probe: Partial<SmtpProbeOptions> = {},
): Promise<{ result: SmtpProbeResult; smtp: SmtpEmulator }> {
  const smtp = await startSmtpEmulator(listener);
  try {
    const result = await probeSmtp({
      host: smtp.host,
      port: smtp.port,
      servername: 'mail.example.com',
      caFile,
      timeoutMs: 3000,
      ...probe,
    });
    return { result, smtp };
  } finally {
    await smtp.close();
  }
}

function withCertificate(certificate: TestCertificate): SmtpEmulatorOptions {
  return { key: certificate.keyPem, cert: certificate.chainPem };
}

function tlsOf(result: SmtpProbeResult): Extract<SmtpProbeResult, { outcome: 'tls' }> {
  assert.equal(result.outcome, 'tls', JSON.stringify(result));
  return result;
}

async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('probeSmtp: certificates', () => {
  it('reads a good certificate, trusted through caFile, and only says EHLO, STARTTLS and QUIT', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com', 'smtp.example.com'] });
    const { result, smtp } = await probeAgainst(withCertificate(certificate));
    const { tls, greeting, extensions, address } = tlsOf(result);
    assert.equal(address, '127.0.0.1');
    assert.equal(greeting.code, 220);
    assert.ok(extensions.includes('STARTTLS'));
    assert.ok(tls.chainTrusted);
    assert.ok(tls.issuerTrusted);
    assert.equal(tls.trustError, undefined);
    assert.equal(tls.servername, 'mail.example.com');
    assert.equal(tls.coversServername, true);
    assert.deepEqual(tls.certificate.dnsNames, ['mail.example.com', 'smtp.example.com']);
    assert.equal(tls.certificate.subject.commonName, 'mail.example.com');
    assert.equal(tls.certificate.issuer.commonName, 'Mail Hybrid Test CA');
    assert.match(tls.certificate.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(tls.certificate.pem, /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(tls.chain.length, 2);
    assert.equal(tls.chain[1]?.subject.commonName, 'Mail Hybrid Test CA');
    assert.ok(tls.chain[1]?.selfIssued);
    assert.match(tls.protocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(certificateValidity(tls.certificate, new Date(), 14), 'valid');
    assert.equal(daysUntilExpiry(tls.certificate, new Date()), 89);

    assert.equal(smtp.sessions.length, 1);
    assert.deepEqual(smtp.sessions[0]?.commands, ['EHLO mail-hybrid.invalid', 'STARTTLS', 'QUIT']);
    assert.ok(smtp.sessions[0]?.secure);
    assert.deepEqual(smtp.messages, []);
    assert.match(smtpProbeMessage(result), /mail\.example\.com, smtp\.example\.com.*trusted/);
  });

  it('does not trust the same certificate without the caFile', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const { result } = await probeAgainst(withCertificate(certificate), { caFile: undefined });
    const { tls } = tlsOf(result);
    assert.equal(tls.chainTrusted, false);
    assert.equal(tls.issuerTrusted, false);
    assert.equal(tls.trustProblem, 'untrusted-issuer');
    assert.ok(tls.trustError);
    assert.deepEqual(tls.certificate.dnsNames, ['mail.example.com']);
  });

  it('reports an expired certificate with its dates', async () => {
    const notAfter = new Date(Date.now() - 3 * DAY);
    const certificate = issueCertificate(ca, {
      names: ['mail.example.com'],
      notBefore: new Date(Date.now() - 100 * DAY),
      notAfter,
    });
    const { tls } = tlsOf((await probeAgainst(withCertificate(certificate))).result);
    assert.equal(tls.chainTrusted, false);
    assert.equal(tls.trustError, 'CERT_HAS_EXPIRED');
    assert.equal(tls.trustProblem, 'expired');
    // Expired, but from the trusted CA: not an untrusted certificate as well.
    assert.equal(tls.issuerTrusted, true);
    assert.equal(
      Math.floor(Date.parse(tls.certificate.notAfter) / 1000),
      Math.floor(notAfter.getTime() / 1000),
    );
    assert.equal(certificateValidity(tls.certificate, new Date(), 14), 'expired');
    assert.ok(daysUntilExpiry(tls.certificate, new Date()) < 0);
  });

  it('reports a certificate that is not valid yet', async () => {
    const certificate = issueCertificate(ca, {
      names: ['mail.example.com'],
      notBefore: new Date(Date.now() + 5 * DAY),
      notAfter: new Date(Date.now() + 95 * DAY),
    });
    const { tls } = tlsOf((await probeAgainst(withCertificate(certificate))).result);
    assert.equal(tls.trustError, 'CERT_NOT_YET_VALID');
    assert.equal(tls.trustProblem, 'not-yet-valid');
    assert.equal(tls.issuerTrusted, true);
    assert.equal(certificateValidity(tls.certificate, new Date(), 14), 'not-yet-valid');
  });

  it('reports a certificate close to expiry as expiring', async () => {
    const certificate = issueCertificate(ca, {
      names: ['mail.example.com'],
      notAfter: new Date(Date.now() + 5 * DAY),
    });
    const { tls } = tlsOf((await probeAgainst(withCertificate(certificate))).result);
    assert.ok(tls.chainTrusted);
    assert.equal(certificateValidity(tls.certificate, new Date(), 14), 'expiring');
    assert.equal(certificateValidity(tls.certificate, new Date(), 3), 'valid');
  });

  it('tells an expired certificate from an untrusted CA from one from a trusted CA', async () => {
    const expiry = {
      notBefore: new Date(Date.now() - 100 * DAY),
      notAfter: new Date(Date.now() - DAY),
    };
    const fromStranger = issueCertificate(createTestCa('Stranger CA'), {
      names: ['mail.example.com'],
      ...expiry,
    });
    const stranger = tlsOf((await probeAgainst(withCertificate(fromStranger))).result).tls;
    // OpenSSL names only the expiry here; the second look finds the unknown issuer.
    assert.equal(stranger.trustProblem, 'expired');
    assert.equal(stranger.issuerTrusted, false);

    const selfSigned = issueCertificate(undefined, { names: ['mail.example.com'], ...expiry });
    const own = tlsOf((await probeAgainst(withCertificate(selfSigned))).result).tls;
    assert.equal(own.issuerTrusted, false);
  });

  it('keeps a trusted chain apart from a name the certificate does not cover', async () => {
    const certificate = issueCertificate(ca, { names: ['other.example.net'] });
    const { tls } = tlsOf((await probeAgainst(withCertificate(certificate))).result);
    assert.ok(tls.chainTrusted);
    assert.equal(tls.coversServername, false);
    assert.deepEqual(uncoveredNames(tls.certificate, ['mail.example.com', 'other.example.net']), [
      'mail.example.com',
    ]);
  });

  it('reports a certificate signed by a CA nobody trusts', async () => {
    const stranger = createTestCa('Stranger CA');
    const certificate = issueCertificate(stranger, { names: ['mail.example.com'] });
    const { tls } = tlsOf((await probeAgainst(withCertificate(certificate))).result);
    assert.equal(tls.chainTrusted, false);
    assert.equal(tls.trustProblem, 'untrusted-issuer');
    assert.equal(tls.certificate.issuer.commonName, 'Stranger CA');
  });

  it('reports a self-signed certificate', async () => {
    const certificate = issueCertificate(undefined, { names: ['mail.example.com'] });
    const { tls } = tlsOf((await probeAgainst(withCertificate(certificate))).result);
    assert.equal(tls.chainTrusted, false);
    assert.equal(tls.trustError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(tls.trustProblem, 'self-signed');
    assert.ok(tls.certificate.selfIssued);
    assert.equal(tls.chain.length, 1);
  });

  it('makes the certificate a scenario describes', async () => {
    const trusted = certificateForScenario(
      { names: ['mail.example.com'], notAfter: '2099-06-30', issuer: 'trusted' },
      ca,
    );
    const good = tlsOf((await probeAgainst(withCertificate(trusted))).result).tls;
    assert.ok(good.chainTrusted);
    assert.equal(good.certificate.notAfter, '2099-06-30T23:59:59.000Z');

    const expired = certificateForScenario(
      { names: ['mail.example.com'], notAfter: '2001-01-31' },
      ca,
    );
    const old = tlsOf((await probeAgainst(withCertificate(expired))).result).tls;
    assert.equal(old.trustProblem, 'expired');

    const selfSigned = certificateForScenario(
      { names: ['mail.example.com'], issuer: 'self-signed' },
      ca,
    );
    assert.equal(
      tlsOf((await probeAgainst(withCertificate(selfSigned))).result).tls.trustProblem,
      'self-signed',
    );

    const untrusted = certificateForScenario(
      { names: ['mail.example.com'], issuer: 'untrusted' },
      ca,
    );
    const stranger = tlsOf((await probeAgainst(withCertificate(untrusted))).result).tls;
    assert.equal(stranger.trustProblem, 'untrusted-issuer');
    assert.equal(stranger.certificate.issuer.commonName, 'Untrusted Test CA');
  });

  it('matches a certificate with only a common name by that name', async () => {
    const certificate = issueCertificate(ca, {
      names: [],
      commonName: 'mail.example.com',
      withoutSan: true,
    });
    const { tls } = tlsOf((await probeAgainst(withCertificate(certificate))).result);
    assert.deepEqual(tls.certificate.dnsNames, []);
    assert.equal(tls.certificate.commonName, 'mail.example.com');
    assert.equal(tls.coversServername, true);
  });
});

describe('probeSmtp: the SMTP dialogue', () => {
  it('reports a listener that does not offer STARTTLS', async () => {
    const { result, smtp } = await probeAgainst({ starttls: false });
    assert.equal(result.outcome, 'no-starttls');
    if (result.outcome === 'no-starttls') {
      assert.deepEqual(result.extensions, ['PIPELINING', 'SIZE', '8BITMIME', 'SMTPUTF8']);
      assert.equal(result.ehlo.lines[0], 'mail.example.com');
    }
    assert.deepEqual(smtp.sessions[0]?.commands, ['EHLO mail-hybrid.invalid', 'QUIT']);
    assert.match(smtpProbeMessage(result), /does not offer STARTTLS/);
  });

  it('reports STARTTLS offered but refused', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const { result } = await probeAgainst({
      ...withCertificate(certificate),
      starttlsReply: '454 4.7.0 TLS not available due to local problem',
    });
    assert.equal(result.outcome, 'smtp-failed');
    if (result.outcome === 'smtp-failed') {
      assert.equal(result.stage, 'starttls');
      assert.equal(result.reason, 'rejected');
      assert.equal(result.reply?.code, 454);
      assert.equal(result.greeting?.code, 220);
    }
  });

  it('reads multi-line greetings and long EHLO replies', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const extra = Array.from({ length: 40 }, (_, index) => `X-EXTENSION-${index} some parameters`);
    const { result } = await probeAgainst({
      ...withCertificate(certificate),
      greeting: 'multiline',
      extraExtensions: extra,
    });
    const probed = tlsOf(result);
    assert.deepEqual(probed.greeting.lines, [
      'mail.example.com ESMTP',
      'This is a test listener',
      'Say EHLO',
    ]);
    assert.equal(probed.ehlo.lines.length, 1 + 3 + 40 + 2);
    assert.ok(probed.extensions.includes('X-EXTENSION-39'));
  });

  it('reports a refused port as unreachable', async () => {
    const port = await closedTcpPort();
    const result = await probeSmtp({ host: '127.0.0.1', port, timeoutMs: 2000 });
    assert.equal(result.outcome, 'unreachable');
    if (result.outcome === 'unreachable') {
      assert.equal(result.reason, 'refused');
      assert.equal(result.code, 'ECONNREFUSED');
    }
    assert.match(smtpProbeMessage(result), /refused the connection/);
  });

  it('gives up on a listener that never greets', async () => {
    const { result, smtp } = await probeAgainst({ greeting: 'none' }, { timeoutMs: 300 });
    assert.equal(result.outcome, 'smtp-failed');
    if (result.outcome === 'smtp-failed') {
      assert.equal(result.stage, 'greeting');
      assert.equal(result.reason, 'timeout');
    }
    assert.deepEqual(smtp.sessions[0]?.commands, []);
  });

  it('reports a listener that greets with 554', async () => {
    const { result } = await probeAgainst({ greeting: 'reject' });
    assert.equal(result.outcome, 'smtp-failed');
    if (result.outcome === 'smtp-failed') {
      assert.equal(result.stage, 'greeting');
      assert.equal(result.reason, 'rejected');
      assert.equal(result.reply?.code, 554);
    }
  });

  it('reports a server that closes the connection at once', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await probeSmtp({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        timeoutMs: 2000,
      });
      assert.equal(result.outcome === 'smtp-failed' ? result.reason : result.outcome, 'closed');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports a server that does not speak SMTP', async () => {
    const server = net.createServer((socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await probeSmtp({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        timeoutMs: 2000,
      });
      assert.equal(result.outcome === 'smtp-failed' ? result.reason : result.outcome, 'protocol');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses data sent before the TLS handshake', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const { result } = await probeAgainst({
      ...withCertificate(certificate),
      injectAfterStarttls: '250 injected\r\n',
    });
    assert.ok(['smtp-failed', 'tls-failed'].includes(result.outcome), JSON.stringify(result));
  });

  it('reports a failed TLS handshake', async () => {
    // A listener that agrees to STARTTLS and then answers the ClientHello with plain text.
    const server = net.createServer((socket) => {
      socket.write('220 broken.example ESMTP\r\n');
      socket.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        if (text.startsWith('EHLO')) {
          socket.write('250-broken.example\r\n250 STARTTLS\r\n');
        } else if (text.startsWith('STARTTLS')) {
          socket.write('220 go ahead\r\n');
        } else {
          socket.end('this is not TLS\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await probeSmtp({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        timeoutMs: 2000,
      });
      assert.equal(result.outcome, 'tls-failed');
      assert.match(smtpProbeMessage(result), /TLS handshake/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports an unreadable or empty caFile without connecting', async () => {
    const missing = await probeSmtp({
      host: '127.0.0.1',
      port: 1,
      caFile: join(folder, 'missing.pem'),
    });
    assert.equal(missing.outcome, 'ca-file-unreadable');
    const empty = join(folder, 'empty.pem');
    await writeFile(empty, 'not a certificate\n');
    const garbage = await probeSmtp({ host: '127.0.0.1', port: 1, caFile: empty });
    assert.equal(garbage.outcome, 'ca-file-unreadable');
    assert.match(
      garbage.outcome === 'ca-file-unreadable' ? garbage.detail : '',
      /no PEM certificate/,
    );
  });

  it('connects over IPv6 and sends no SNI for an address', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const { result } = await probeAgainst(
      { ...withCertificate(certificate), host: '::1' },
      {
        host: '::1',
        servername: undefined,
      },
    );
    const { tls, address } = tlsOf(result);
    assert.equal(address, '::1');
    assert.equal(tls.servername, undefined);
    assert.equal(tls.coversServername, undefined);
    assert.ok(tls.chainTrusted);
  });
});

describe('probeSmtp: a scenario smtp: section', () => {
  it('probes the listener the scenario describes', async () => {
    const smtp = await startScenarioSmtp(
      {
        starttls: true,
        certificate: { names: ['mail.example.com'], notAfter: '2099-06-30', issuer: 'trusted' },
      },
      ca,
    );
    try {
      const result = await probeSmtp({ host: smtp.host, port: smtp.port, servername: 'mail.example.com', caFile, timeoutMs: 3000 });
      const { tls } = tlsOf(result);
      assert.ok(tls.chainTrusted);
      assert.ok(tls.coversServername);
      assert.equal(tls.certificate.notAfter, '2099-06-30T23:59:59.000Z');
    } finally {
      await smtp.close();
    }

    const plain = await startScenarioSmtp({ starttls: false }, ca);
    try {
      const result = await probeSmtp({ host: plain.host, port: plain.port, timeoutMs: 3000 });
      assert.equal(result.outcome, 'no-starttls');
    } finally {
      await plain.close();
    }
  });
});

describe('probeSmtp: names and addresses', () => {
  it('judges an address given as servername by the IP entries, without sending it as SNI', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com', '127.0.0.1'] });
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.message);
    };
    process.on('warning', onWarning);
    try {
      const { result, smtp } = await probeAgainst(withCertificate(certificate), {
        servername: '127.0.0.1',
        ehloName: 'probe.example.org',
      });
      const { tls } = tlsOf(result);
      assert.equal(tls.coversServername, true);
      assert.deepEqual(tls.certificate.ipAddresses, ['127.0.0.1']);
      assert.equal(smtp.sessions[0]?.commands[0], 'EHLO probe.example.org');
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((text) => /ServerName/i.test(text)),
      [],
    );
  });
});

describe('probeSmtp: resolving the host through chosen DNS servers', () => {
  it('connects to the address the DNS emulator gives, and reports names it cannot resolve', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const smtp = await startSmtpEmulator(withCertificate(certificate));
    const dns = await startDnsEmulator({ 'mail.example.com': { A: ['127.0.0.1'] } });
    try {
      const lookup = new DnsLookup({ servers: [dns.address], timeoutMs: 500, tries: 1 });
      const found = await probeSmtp({
        host: 'mail.example.com',
        port: smtp.port,
        dns: lookup,
        caFile,
        timeoutMs: 3000,
      });
      const { tls, address } = tlsOf(found);
      assert.equal(address, '127.0.0.1');
      assert.equal(tls.servername, 'mail.example.com');
      assert.ok(tls.coversServername);

      const unknown = await probeSmtp({
        host: 'nowhere.example.com',
        port: smtp.port,
        dns: lookup,
      });
      assert.equal(unknown.outcome === 'unreachable' ? unknown.reason : unknown.outcome, 'dns');
      assert.equal(unknown.outcome === 'unreachable' ? unknown.code : '', 'ENOTFOUND');

      dns.fault({ fault: 'servfail', name: 'mail.example.com' });
      const failing = await probeSmtp({
        host: 'mail.example.com',
        port: smtp.port,
        dns: new DnsLookup({ servers: [dns.address], timeoutMs: 500, tries: 1 }),
      });
      assert.equal(failing.outcome, 'unreachable');
      assert.equal(failing.outcome === 'unreachable' ? failing.dnsFailure?.reason : '', 'servfail');
    } finally {
      await smtp.close();
      await dns.close();
    }
  });
});
