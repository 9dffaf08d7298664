import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readExchangeState } from '../../../src/core/exchange/exchange-state';
import { PositionMapper } from '../../../src/core/findings/positions';
import { splitHostPort } from '../../../src/core/net/host-names';
import { isLoopbackHost } from '../../../src/core/net/proxy';
import { readMailcowState } from '../../../src/core/mailcow/mailcow-state';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import { probeSmtp } from '../../../src/core/tls/smtp-probe';
import { ScenarioError, loadScenario, parseScenario } from '../../../src/sandbox/scenario';
import type { RunningSandbox } from '../../../src/sandbox/start-sandbox';
import { SANDBOX_ENV, SANDBOX_SPEC_NAME, startSandbox } from '../../../src/sandbox/start-sandbox';
import { clientsOf, recordingLogger, scenarioFile, shippedScenarios } from './sandbox-kit';

const work = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Keys whose lines the sandbox may change or add. */
const REDIRECTED_KEYS = [
  'url',
  'apiKey',
  'caFile',
  'hostname',
  'endpoints',
  'login',
  'admin',
  'auth',
  'method',
  'clientId',
  'clientSecret',
  'certificateFile',
  'checks',
  'dnsServers',
  'smtpPort',
];

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function flag(value: unknown): boolean {
  return value === 1 || value === '1' || value === true;
}

for (const name of shippedScenarios()) {
  describe(`sandbox of the ${name} scenario`, () => {
    const scenario = loadScenario(scenarioFile(name));
    let sandbox: RunningSandbox;
    const specOut = join(work, `${name}.hybrid.yaml`);

    it('starts every emulator on loopback and writes the redirected spec', async () => {
      const logger = recordingLogger();
      sandbox = await startSandbox(scenario, { writeSpecTo: specOut, logger });
      assert.equal(sandbox.specFile, specOut);
      assert.equal(readFileSync(specOut, 'utf8'), sandbox.specText);
      for (const address of [
        sandbox.addresses.mailcow,
        sandbox.addresses.login,
        sandbox.addresses.admin,
      ]) {
        assert.match(address, /^https?:\/\/127\.0\.0\.1:\d+$/);
      }
      assert.match(sandbox.addresses.mailcow, /^https:/);
      assert.match(sandbox.addresses.dns, /^127\.0\.0\.1:\d+$/);
      assert.match(sandbox.addresses.smtp, /^127\.0\.0\.1:\d+$/);
      // The log says plainly that these are emulations, and never holds a credential.
      assert.ok(logger.lines.some((line) => /emulated/.test(line)));
      for (const value of Object.values(sandbox.env)) {
        assert.ok(value.length > 0);
        assert.ok(!logger.lines.some((line) => line.includes(value)));
        assert.ok(!sandbox.specText.includes(value), 'a credential was written into the spec');
      }
    });

    it('changes only the redirected values, keeping every other line on its number', () => {
      const original = scenario.spec.text.split('\n');
      const written = sandbox.specText.split('\n');
      const { lineMap } = sandbox;
      assert.equal(lineMap.length, original.length);
      lineMap.forEach((line, index) => {
        assert.ok(index === 0 || line > (lineMap[index - 1] ?? -1), 'lines keep their order');
        const before = original[index] ?? '';
        const now = written[line] ?? '';
        if (before !== now) {
          const key = /^\s*(?:- )?([A-Za-z]+):/.exec(before)?.[1];
          assert.ok(
            key !== undefined && REDIRECTED_KEYS.includes(key),
            `line ${index} changed although it holds no redirected key: ${before} → ${now}`,
          );
        }
      });
      const added = written.filter((_line, index) => !lineMap.includes(index));
      for (const line of added) {
        const key = /^\s*(?:- )?([A-Za-z]+):/.exec(line)?.[1];
        assert.ok(
          line.trim() === '' ||
            line.trim().startsWith('- 127.0.0.1') ||
            (key && REDIRECTED_KEYS.includes(key)),
          `unexpected added line: ${line}`,
        );
      }
      // The offline findings of both specs are the same codes on the same (mapped) lines.
      const place = (text: string) => {
        const mapper = new PositionMapper(text);
        return parseSpec(text).findings.map((finding) => ({
          code: finding.code,
          line: mapper.position(finding.offset).line,
        }));
      };
      const expected = place(scenario.spec.text).map((finding) => ({
        ...finding,
        line: lineMap[finding.line],
      }));
      assert.deepEqual(place(sandbox.specText), expected);
    });

    it('points the spec at the emulators, with env references for the credentials', () => {
      const { spec } = clientsOf(sandbox);
      assert.equal(spec.mailcow.url, sandbox.addresses.mailcow);
      assert.equal(spec.mailcow.caFile, sandbox.caFile);
      assert.deepEqual(spec.mailcow.apiKey, { kind: 'env', name: SANDBOX_ENV.mailcowKey });
      assert.equal(spec.mailcow.hostname, 'mail.example.com');
      assert.deepEqual(spec.exchange.endpoints, {
        login: sandbox.addresses.login,
        admin: sandbox.addresses.admin,
      });
      assert.equal(spec.exchange.auth.method, 'clientSecret');
      assert.deepEqual(spec.exchange.auth.clientSecret, {
        kind: 'env',
        name: SANDBOX_ENV.exchangeSecret,
      });
      assert.deepEqual(spec.checks.dnsServers, [sandbox.addresses.dns]);
      assert.equal(`127.0.0.1:${spec.checks.smtpPort}`, sandbox.addresses.smtp);
      assert.equal(readFileSync(sandbox.caFile, 'utf8').includes('BEGIN CERTIFICATE'), true);
    });

    it('answers mailcow GETs with the seeded state', async () => {
      const { clients } = clientsOf(sandbox);
      const state = await readMailcowState(clients.mailcow);
      assert.ok(state.ok, state.ok ? '' : state.error.message);
      const seeded = scenario.mailcow;
      assert.deepEqual(
        state.value.domains.map((domain) => [
          domain.name,
          domain.relay.domain,
          domain.relay.allRecipients,
          domain.relay.unknownOnly,
          domain.relayhostId,
        ]),
        (seeded.domains ?? []).map((domain) => [
          domain.domain_name,
          flag(domain.backupmx),
          flag(domain.relay_all_recipients),
          flag(domain.relay_unknown_only),
          Number(domain.relayhost ?? 0),
        ]),
      );
      assert.deepEqual(
        state.value.relayhosts.map((relayhost) => [relayhost.id, relayhost.hostname]),
        (seeded.relayhosts ?? []).map((relayhost) => [Number(relayhost.id), relayhost.hostname]),
      );
      assert.deepEqual(
        state.value.fwdhosts.map((host) => [host.host, host.source]),
        (seeded.fwdhosts ?? []).map((host) => [host.host, host.source]),
      );
      assert.deepEqual(
        state.value.mailboxes.map((mailbox) => mailbox.username),
        (seeded.mailboxes ?? []).map((mailbox) => mailbox.username),
      );
      const log = await clients.mailcow.getPostfixLog(100);
      assert.ok(log.ok, log.ok ? '' : log.error.message);
      assert.deepEqual(
        log.value.map((entry) => entry.message),
        (seeded.postfixLog ?? []).map((entry) => entry.message),
      );
    });

    it('answers Exchange Get-* cmdlets with the seeded tenant', async () => {
      const { clients } = clientsOf(sandbox);
      const state = await readExchangeState(clients.exchange);
      assert.ok(state.ok, state.ok ? '' : state.error.message);
      const seeded = scenario.exchange;
      assert.ok(seeded);
      assert.deepEqual(
        state.value.acceptedDomains.map((domain) => [domain.DomainName, domain.DomainType]),
        (seeded.acceptedDomains ?? []).map((domain) => [domain.DomainName, domain.DomainType]),
      );
      assert.deepEqual(
        state.value.outboundConnectors.map((connector) => [
          connector.Name,
          connector.RecipientDomains,
        ]),
        (seeded.outboundConnectors ?? []).map((connector) => [
          connector.Name,
          connector.RecipientDomains,
        ]),
      );
      assert.deepEqual(
        state.value.inboundConnectors.map((connector) => [
          connector.Name,
          connector.SenderIPAddresses,
          connector.TlsSenderCertificateName,
        ]),
        (seeded.inboundConnectors ?? []).map((connector) => [
          connector.Name,
          connector.SenderIPAddresses ?? [],
          connector.TlsSenderCertificateName,
        ]),
      );
    });

    it('gives the checks nothing to reach but loopback', async () => {
      const { spec, clients } = clientsOf(sandbox);
      const hosts = [
        new URL(spec.mailcow.url).hostname,
        new URL(spec.exchange.endpoints.login).hostname,
        new URL(spec.exchange.endpoints.admin).hostname,
        ...spec.checks.dnsServers.map((server) => splitHostPort(server).host),
      ];
      assert.deepEqual(
        hosts.filter((host) => !isLoopbackHost(host)),
        [],
        'a redirected endpoint is not on loopback',
      );
      // The SMTP probe connects to what mailcow's host name resolves to in the emulated DNS.
      const a = await clients.dns.a(spec.mailcow.hostname);
      assert.deepEqual(a.outcome === 'records' ? a.records : [], ['127.0.0.1']);
      const aaaa = await clients.dns.aaaa(spec.mailcow.hostname);
      assert.notEqual(aaaa.outcome, 'records');
    });

    it('serves the scenario DNS, with mailcow at loopback', async () => {
      const { clients } = clientsOf(sandbox);
      for (const [host, records] of Object.entries(scenario.dns)) {
        if (records.MX) {
          const mx = await clients.dns.mx(host);
          assert.equal(mx.outcome, 'records', host);
          assert.deepEqual(mx.outcome === 'records' ? mx.records : [], records.MX);
        }
        if (records.TXT) {
          const txt = await clients.dns.txt(host);
          assert.deepEqual(txt.outcome === 'records' ? txt.records : [], records.TXT);
        }
        if (records.A && host !== 'mail.example.com') {
          const a = await clients.dns.a(host);
          assert.deepEqual(a.outcome === 'records' ? a.records.sort() : [], [...records.A].sort());
        }
      }
      const mailcowA = await clients.dns.a('mail.example.com');
      assert.deepEqual(mailcowA.outcome === 'records' ? mailcowA.records : [], ['127.0.0.1']);
    });

    it('presents the scenario certificate over STARTTLS', async () => {
      const { spec, clients } = clientsOf(sandbox);
      const probe = await probeSmtp({
        host: spec.mailcow.hostname,
        port: spec.checks.smtpPort,
        dns: clients.dns,
        ...(spec.mailcow.caFile ? { caFile: spec.mailcow.caFile } : {}),
        timeoutMs: 5000,
      });
      const shape = scenario.smtp;
      if (shape?.starttls === false) {
        assert.equal(probe.outcome, 'no-starttls');
        return;
      }
      assert.equal(probe.outcome, 'tls');
      if (probe.outcome !== 'tls') {
        return;
      }
      assert.deepEqual(
        probe.tls.certificate.dnsNames,
        shape?.certificate?.names ?? ['mail.example.com'],
      );
      assert.equal(
        probe.tls.issuerTrusted,
        (shape?.certificate?.issuer ?? 'trusted') === 'trusted',
      );
    });

    it('stops every emulator and removes its CA file', async () => {
      const ports = [
        sandbox.addresses.mailcow,
        sandbox.addresses.admin,
        sandbox.addresses.smtp,
      ].map((address) => Number(/:(\d+)$/.exec(address)?.[1]));
      assert.equal(await canConnect(ports[0] ?? 0), true);
      await sandbox.stop();
      assert.equal(existsSync(sandbox.caFile), false);
      assert.equal(existsSync(dirname(sandbox.caFile)), false);
      for (const port of ports) {
        assert.equal(await canConnect(port), false, `port ${port} still answers`);
      }
      // A second stop is harmless.
      await sandbox.stop();
    });
  });
}

describe('sandbox state', () => {
  it('keeps what a write changed for later reads, on mailcow and Exchange', async () => {
    const sandbox = await startSandbox(loadScenario(scenarioFile('demo')), {
      writeSpecTo: join(work, 'state.hybrid.yaml'),
    });
    try {
      const { clients } = clientsOf(sandbox);
      const edit = await clients.mailcow.editDomain('example.com', {
        relayhostId: 1,
        relay: { domain: true, allRecipients: true, unknownOnly: true },
      });
      assert.ok(edit.ok, edit.ok ? '' : edit.error.message);
      const domain = await clients.mailcow.getDomain('example.com');
      assert.ok(domain.ok && domain.value);
      assert.deepEqual(domain.value.relay, {
        domain: true,
        allRecipients: true,
        unknownOnly: true,
      });
      assert.equal(domain.value.relayhostId, 1);

      const set = await clients.exchange.invoke('Set-AcceptedDomain', {
        Identity: 'example.com',
        DomainType: 'InternalRelay',
      });
      assert.ok(set.ok, set.ok ? '' : set.error.message);
      const state = await readExchangeState(clients.exchange);
      assert.ok(state.ok);
      assert.equal(
        state.value.acceptedDomains.find((entry) => entry.DomainName === 'example.com')?.DomainType,
        'InternalRelay',
      );
    } finally {
      await sandbox.stop();
    }
  });

  it('refuses writes with the read-only key of its scenario', async () => {
    const sandbox = await startSandbox(loadScenario(scenarioFile('read-only-key')), {
      writeSpecTo: join(work, 'ro.hybrid.yaml'),
    });
    try {
      const { clients } = clientsOf(sandbox);
      const read = await clients.mailcow.getDomains();
      assert.ok(read.ok);
      const edit = await clients.mailcow.editDomain('example.com', { active: true });
      assert.equal(edit.ok, false);
    } finally {
      await sandbox.stop();
    }
  });

  it('writes the spec next to the scenario spec when no path is given', async () => {
    const scenario = loadScenario(scenarioFile('correct'));
    const sandbox = await startSandbox(scenario);
    try {
      assert.equal(sandbox.specFile, join(dirname(scenario.spec.file ?? ''), SANDBOX_SPEC_NAME));
      assert.equal(readFileSync(sandbox.specFile, 'utf8'), sandbox.specText);
    } finally {
      await sandbox.stop();
      rmSync(sandbox.specFile, { force: true });
    }
  });
});

describe('sandbox safety', () => {
  it('refuses a spec whose mailcow host name is an address off loopback', async () => {
    for (const [url, hostname] of [
      ['https://203.0.113.5', undefined],
      ['https://mail.example.com', '198.51.100.25'],
    ] as const) {
      const file = join(work, 'address.scenario.yaml');
      const text = [
        'scenario: 1',
        'description: mailcow named by its address',
        'spec:',
        '  version: 1',
        '  domains: [example.com]',
        `  mailcow: { url: "${url}", apiKey: "secret:mailcow" }`,
        '  exchange: { tenant: contoso.onmicrosoft.com, gateway: example-com.mail.protection.outlook.com }',
        ...(hostname ? ['mailcow:', `  hostname: ${hostname}`] : []),
        '',
      ].join('\n');
      const scenario = parseScenario(text, file);
      const refusal = await startSandbox(scenario, {
        writeSpecTo: join(work, 'address.hybrid.yaml'),
      }).then(
        async (sandbox) => {
          await sandbox.stop();
          return undefined;
        },
        (error: unknown) => error,
      );
      assert.ok(refusal instanceof ScenarioError, 'the sandbox started');
      assert.ok(refusal.message.includes(hostname ?? '203.0.113.5'), refusal.message);
    }
  });
});

describe('sandbox credentials', () => {
  it('makes a mailcow key mailcow accepts when the scenario has none', async () => {
    // Several runs: a made-up key with a character mailcow strips would fail now and then.
    for (let run = 0; run < 5; run += 1) {
      const scenario = loadScenario(scenarioFile('correct'));
      scenario.mailcow = { ...scenario.mailcow, apiKeys: [] };
      scenario.exchange = { ...scenario.exchange!, apps: [] };
      const sandbox = await startSandbox(scenario, {
        writeSpecTo: join(work, 'made-up.hybrid.yaml'),
      });
      try {
        assert.match(sandbox.env[SANDBOX_ENV.mailcowKey] ?? '', /^[A-Za-z0-9-]+$/);
        const { clients } = clientsOf(sandbox);
        const state = await readMailcowState(clients.mailcow);
        assert.ok(state.ok, state.ok ? '' : state.error.message);
        const exchange = await readExchangeState(clients.exchange);
        assert.ok(exchange.ok, exchange.ok ? '' : exchange.error.message);
      } finally {
        await sandbox.stop();
      }
    }
  });
});
