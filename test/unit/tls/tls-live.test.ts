import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLiveCheck } from '../../../src/core/live/live-check';
import { tlsLiveModule } from '../../../src/core/tls/tls-live';
import { NodeIds } from '../../../src/core/tree/node-ids';
import type { TestCa, TestCertificate } from '../../emulators/certs/test-certificates';
import {
  certificateForScenario,
  createTestCa,
  issueCertificate,
} from '../../emulators/certs/test-certificates';
import type { DnsEmulator } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import type { SmtpEmulatorOptions } from '../../emulators/smtp/smtp-emulator';
import { startSmtpEmulator } from '../../emulators/smtp/smtp-emulator';
import { codesOf, liveSpec, only, sessionFor, testHost } from '../live/live-test-kit';

const DAY = 86_400_000;

let ca: TestCa;
let folder: string;
let caFile: string;
let dns: DnsEmulator;

before(async () => {
  ca = createTestCa();
  folder = await mkdtemp(join(tmpdir(), 'mail-hybrid-tls-live-'));
  caFile = join(folder, 'ca.pem');
  await writeFile(caFile, ca.certPem);
  dns = await startDnsEmulator({ 'mail.example.com': { A: ['127.0.0.1'] } });
});
after(async () => {
  await dns.close();
  await rm(folder, { recursive: true, force: true });
});

function withCertificate(certificate: TestCertificate): SmtpEmulatorOptions {
  return { key: certificate.keyPem, cert: certificate.chainPem };
}

interface CheckOptions {
  exchange?: string[];
  checks?: string[];
  port?: number;
}

/** Starts mailcow's stand-in listener, runs the TLS check of a spec aimed at it, stops it. */
async function checkAgainst(listener: SmtpEmulatorOptions, options: CheckOptions = {}) {
  const smtp = await startSmtpEmulator(listener);
  try {
    const text = liveSpec({
      dnsServer: dns.address,
      mailcow: [`  caFile: ${JSON.stringify(caFile)}`],
      exchange: options.exchange ?? [],
      checks: [`  smtpPort: ${options.port ?? smtp.port}`, ...(options.checks ?? [])],
    });
    const session = sessionFor(text, testHost(2000));
    const read = await tlsLiveModule.read(session);
    assert.ok(read.ok, read.ok ? '' : read.reason);
    return { ...tlsLiveModule.check(session, read.state, { tls: read }), smtp };
  } finally {
    await smtp.close();
  }
}

const IP_AND_ENCRYPTION_ONLY = [
  '  outboundConnector:',
  '    tlsSettings: EncryptionOnly',
  '  inboundConnector:',
  '    auth: ip',
  '    senderIPs: [198.51.100.25]',
];

async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('TLS live check', () => {
  it('finds nothing for a trusted certificate with the right name, and shows it', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const { findings, liveValues, smtp } = await checkAgainst(withCertificate(certificate));
    assert.deepEqual(codesOf(findings), []);
    assert.match(
      liveValues.get(NodeIds.mailcowCertificate)?.value ?? '',
      /^mail\.example\.com; valid until \d{4}-\d{2}-\d{2}; its chain is trusted$/,
    );
    assert.equal(liveValues.get(NodeIds.mailcowCertificate)?.drift, false);
    assert.match(liveValues.get(NodeIds.mailcowSmtp)?.value ?? '', /STARTTLS offered/);
    assert.deepEqual(smtp.messages, [], 'the probe sends no mail');
  });

  it('cert-expired for an expired certificate from a trusted CA, without cert-untrusted', async () => {
    const certificate = certificateForScenario(
      { names: ['mail.example.com'], notAfter: new Date(Date.now() - 2 * DAY) },
      ca,
    );
    const { findings, liveValues } = await checkAgainst(withCertificate(certificate));
    assert.deepEqual(codesOf(findings), ['cert-expired']);
    assert.match(only(findings, 'cert-expired').message, /expired on \d{4}-\d{2}-\d{2}/);
    assert.deepEqual(only(findings, 'cert-expired').path, ['mailcow', 'hostname']);
    assert.equal(liveValues.get(NodeIds.mailcowCertificate)?.drift, true);
  });

  it('cert-expiring within the warning days, and not outside them', async () => {
    const soon = issueCertificate(ca, {
      names: ['mail.example.com'],
      notAfter: new Date(Date.now() + 10 * DAY),
    });
    let findings = (await checkAgainst(withCertificate(soon))).findings;
    assert.equal(only(findings, 'cert-expiring').severity, 'warning');
    assert.match(only(findings, 'cert-expiring').message, /in 9 days/);

    const later = issueCertificate(ca, {
      names: ['mail.example.com'],
      notAfter: new Date(Date.now() + 20 * DAY),
    });
    findings = (await checkAgainst(withCertificate(later))).findings;
    assert.deepEqual(codesOf(findings), []);

    findings = (
      await checkAgainst(withCertificate(later), { checks: ['  certExpiryWarningDays: 30'] })
    ).findings;
    assert.deepEqual(codesOf(findings), ['cert-expiring']);
  });

  it('cert-name-mismatch for both connectors when the certificate names another host', async () => {
    const certificate = issueCertificate(ca, { names: ['other.example.net'] });
    const { findings } = await checkAgainst(withCertificate(certificate));
    assert.deepEqual(codesOf(findings), ['cert-name-mismatch', 'cert-name-mismatch']);
    const paths = findings.map((finding) => finding.path?.join('.')).sort();
    assert.deepEqual(paths, [
      'exchange.inboundConnector.certificateName',
      'exchange.outboundConnector.tlsDomain',
    ]);
    for (const finding of findings) {
      assert.match(finding.message, /found: other\.example\.net; expected: mail\.example\.com/);
    }
  });

  it('accepts a wildcard certificate that covers the host', async () => {
    const certificate = issueCertificate(ca, { names: ['*.example.com'] });
    const { findings } = await checkAgainst(withCertificate(certificate));
    assert.deepEqual(codesOf(findings), []);
  });

  it('checks the smart hosts under CertificateValidation', async () => {
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const exchange = [
      '  outboundConnector:',
      '    smartHosts: [mail.example.com, relay.example.com]',
      '    tlsSettings: CertificateValidation',
    ];
    const { findings } = await checkAgainst(withCertificate(certificate), { exchange });
    const finding = only(findings, 'cert-name-mismatch');
    assert.deepEqual(finding.path, ['exchange', 'outboundConnector', 'smartHosts']);
    assert.match(finding.message, /expected: relay\.example\.com\)/);
  });

  it('checks no name with EncryptionOnly and IP authentication', async () => {
    const certificate = issueCertificate(ca, { names: ['other.example.net'] });
    const { findings } = await checkAgainst(withCertificate(certificate), {
      exchange: IP_AND_ENCRYPTION_ONLY,
    });
    assert.deepEqual(codesOf(findings), []);
  });

  it('cert-untrusted for a chain from an unknown CA: an error where Exchange validates', async () => {
    const certificate = certificateForScenario(
      { names: ['mail.example.com'], issuer: 'untrusted' },
      ca,
    );
    let findings = (await checkAgainst(withCertificate(certificate))).findings;
    const finding = only(findings, 'cert-untrusted');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /Untrusted Test CA/);

    findings = (
      await checkAgainst(withCertificate(certificate), { exchange: IP_AND_ENCRYPTION_ONLY })
    ).findings;
    assert.equal(only(findings, 'cert-untrusted').severity, 'warning');
  });

  it('cert-untrusted names a self-signed certificate as such', async () => {
    const certificate = certificateForScenario(
      { names: ['mail.example.com'], issuer: 'self-signed' },
      ca,
    );
    const { findings } = await checkAgainst(withCertificate(certificate));
    assert.match(only(findings, 'cert-untrusted').message, /self-signed/);
  });

  it('smtp-no-starttls when the listener offers no STARTTLS or refuses it', async () => {
    let findings = (await checkAgainst({ starttls: false })).findings;
    assert.deepEqual(codesOf(findings), ['smtp-no-starttls']);
    assert.deepEqual(findings[0]?.path, ['checks', 'smtpPort']);

    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    findings = (
      await checkAgainst({
        ...withCertificate(certificate),
        starttlsReply: '454 4.7.0 TLS not available due to local problem',
      })
    ).findings;
    assert.match(only(findings, 'smtp-no-starttls').message, /454 4\.7\.0/);
  });

  it('smtp-unreachable when nothing listens on the port', async () => {
    const port = await closedTcpPort();
    const certificate = issueCertificate(ca, { names: ['mail.example.com'] });
    const { findings, liveValues } = await checkAgainst(withCertificate(certificate), { port });
    assert.deepEqual(codesOf(findings), ['smtp-unreachable']);
    assert.match(only(findings, 'smtp-unreachable').message, /refused/);
    assert.equal(liveValues.get(NodeIds.mailcowSmtp)?.value, 'not reachable');
    assert.equal(liveValues.has(NodeIds.mailcowCertificate), false);
  });

  it('a failed lookup of the host is not smtp-unreachable', async () => {
    dns.fault({ fault: 'servfail', name: 'mail.example.com' });
    try {
      const { findings } = await checkAgainst({ starttls: false });
      assert.deepEqual(codesOf(findings), ['dns-lookup-failed']);
      assert.match(only(findings, 'dns-lookup-failed').message, /server failure/);
    } finally {
      dns.clearFaults();
    }
  });

  it('runs through runLiveCheck as the tls system', async () => {
    const certificate = issueCertificate(ca, { names: ['other.example.net'] });
    const smtp = await startSmtpEmulator(withCertificate(certificate));
    try {
      const text = liveSpec({
        dnsServer: dns.address,
        mailcow: [`  caFile: ${JSON.stringify(caFile)}`],
        checks: [`  smtpPort: ${smtp.port}`],
      });
      const report = await runLiveCheck(sessionFor(text), { systems: ['tls'] });
      assert.deepEqual(report.unreadable, []);
      assert.deepEqual(codesOf(report.findings), ['cert-name-mismatch', 'cert-name-mismatch']);
      assert.ok(report.findings.every((finding) => finding.source === 'tls'));
    } finally {
      await smtp.close();
    }
  });

  it('an unreadable caFile makes the read fail', async () => {
    const text = liveSpec({
      dnsServer: dns.address,
      mailcow: [`  caFile: ${JSON.stringify(join(folder, 'missing.pem'))}`],
    });
    const read = await tlsLiveModule.read(sessionFor(text));
    assert.equal(read.ok, false);
    assert.match(read.ok ? '' : read.reason, /missing\.pem/);
  });
});
