import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Finding } from '../../../src/core/findings/finding';
import { withoutSettled } from '../../../src/core/live/live-check';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { ExchangeAdminClient } from '../../../src/core/exchange/exchange-admin-client';
import { EXCHANGE_CLIENT_MEMO } from '../../../src/core/exchange/exchange-live';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import type { SetupStep } from '../../../src/core/plan/step';
import { NodeIds } from '../../../src/core/tree/node-ids';
import type { SetupNode } from '../../../src/core/tree/setup-tree';
import { buildSetupTree } from '../../../src/core/tree/setup-tree';
import type { ExchangeSeed } from '../../emulators/exchange/exchange-seed';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import type { LiveRun } from './exchange-live-kit';
import { checkLive, coveredText, liveSpecText } from './exchange-live-kit';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  INITIAL_DOMAIN,
  READER_APP,
  READER_SECRET,
  TENANT_ID,
  assertNoSecrets,
  baseSeed,
  fakeClock,
  guardLoopback,
  recordingLogger,
} from './exchange-test-kit';

const SECRETS = { EXO_SECRET: ADMIN_SECRET };

function codes(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.code).sort();
}

function only(findings: readonly Finding[], code: string): Finding[] {
  return findings.filter((finding) => finding.code === code);
}

function node(nodes: readonly SetupNode[], id: string): SetupNode | undefined {
  for (const candidate of nodes) {
    const found = candidate.id === id ? candidate : node(candidate.children, id);
    if (found) {
      return found;
    }
  }
  return undefined;
}

function step(run: LiveRun, id: string, domain?: string): SetupStep {
  const found = run.report.steps.find(
    (candidate) => candidate.id === id && candidate.domain === domain,
  );
  assert.ok(found, `step ${id} ${domain ?? ''}`);
  return found;
}

describe('Exchange Online live check and steps against the emulated tenant', () => {
  const guard = guardLoopback();
  const log = recordingLogger();
  const started: ExchangeEmulators[] = [];

  async function start(extra: Partial<ExchangeSeed> = {}): Promise<ExchangeEmulators> {
    const emulators = await startExchangeEmulators(
      baseSeed({
        acceptedDomains: [
          { DomainName: 'example.com', DomainType: 'Authoritative' },
          { DomainName: INITIAL_DOMAIN, DomainType: 'Authoritative', Default: true },
        ],
        ...extra,
      }),
    );
    started.push(emulators);
    return emulators;
  }

  after(async () => {
    await Promise.all(started.map((emulators) => emulators.close()));
    guard.dispose();
    assertNoSecrets(log.lines, [
      ADMIN_SECRET,
      READER_SECRET,
      ...started.flatMap((emulators) => emulators.identity.issuedTokens),
    ]);
    assert.deepEqual(guard.violations, []);
    assert.ok(guard.connected.length > 0);
  });

  it('finds what a fresh tenant lacks, each finding on its spec node with a step fix', async () => {
    const emulators = await start();
    const run = await checkLive(liveSpecText(emulators), log.logger, { secrets: SECRETS });
    const { findings, liveValues, unreadable } = run.report;
    assert.deepEqual(unreadable, []);
    assert.deepEqual(codes(findings), [
      'accepted-domain-authoritative',
      'accepted-domain-missing',
      'inbound-connector-missing',
      'outbound-connector-missing',
    ]);
    const [authoritative] = only(findings, 'accepted-domain-authoritative');
    assert.equal(coveredText(run, authoritative as Finding), 'example.com');
    assert.match(authoritative?.message ?? '', /550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound/);
    assert.deepEqual(authoritative?.fixes?.[0], {
      kind: 'step',
      title: 'Switch example.com to Internal relay in Exchange Online',
      stepId: 'accepted-domain',
      domain: 'example.com',
    });
    const [missing] = only(findings, 'accepted-domain-missing');
    assert.equal(coveredText(run, missing as Finding), 'example.org');
    assert.match(missing?.message ?? '', /Microsoft 365 admin center/);
    assert.equal(missing?.fixes?.[0]?.kind === 'step' && missing.fixes[0].domain, 'example.org');
    // The connectors are defaulted, so their findings sit on the nearest written key.
    for (const code of ['outbound-connector-missing', 'inbound-connector-missing']) {
      const [finding] = only(findings, code);
      assert.equal(coveredText(run, finding as Finding), 'exchange');
      assert.equal(finding?.source, 'exchange');
      assert.equal(finding?.fixes?.[0]?.kind, 'step');
    }
    assert.deepEqual(liveValues.get(NodeIds.acceptedDomain('example.com')), {
      value: 'Authoritative',
      drift: true,
    });
    assert.deepEqual(liveValues.get(NodeIds.acceptedDomain('example.org')), {
      value: 'missing',
      drift: true,
    });
    assert.equal(liveValues.get(NodeIds.outbound)?.value, 'missing');
    // The setup tree shows the live values beside the spec's and the findings on their nodes.
    const tree = buildSetupTree(run.parsed, [...run.parsed.findings, ...findings], liveValues);
    const exampleCom = node(tree, NodeIds.acceptedDomain('example.com'));
    assert.deepEqual(exampleCom?.live, { value: 'Authoritative', drift: true });
    assert.equal(exampleCom?.status, 'error');
    assert.deepEqual(
      node(tree, NodeIds.outbound)?.findings.map((finding) => finding.code),
      ['outbound-connector-missing'],
    );
    assert.equal(node(tree, NodeIds.step('accepted-domain', 'example.org'))?.status, 'error');
    // The client secret was asked for the sign-in origin, the only place it is sent.
    assert.deepEqual(
      run.secretCalls.map((call) => [call.ref, call.origin]),
      [[{ kind: 'env', name: 'EXO_SECRET' }, new URL(emulators.loginUrl).origin]],
    );
  });

  it('applies every step from scratch, verifies by reading back, and sends nothing when run again', async () => {
    const emulators = await start();
    const text = liveSpecText(emulators);
    const first = await checkLive(text, log.logger, { secrets: SECRETS });
    const steps = first.report.steps;
    assert.deepEqual(
      steps.map((entry) => [entry.id, entry.domain, entry.needed]),
      [
        ['accepted-domain', 'example.com', true],
        ['accepted-domain', 'example.org', true],
        ['outbound-connector', undefined, true],
        ['inbound-connector', undefined, true],
      ],
    );
    const outboundPreview = step(first, 'outbound-connector').preview();
    assert.deepEqual(outboundPreview.requests, [
      {
        action: 'New-OutboundConnector',
        body: {
          Name: 'To mailcow',
          ConnectorType: 'OnPremises',
          RecipientDomains: ['example.com', 'example.org'],
          SmartHosts: ['mail.example.com'],
          UseMXRecord: false,
          TlsSettings: 'DomainValidation',
          TlsDomain: 'mail.example.com',
        },
      },
    ]);
    assert.deepEqual(step(first, 'accepted-domain', 'example.com').preview().requests, [
      {
        action: 'Set-AcceptedDomain',
        body: { Identity: 'example.com', DomainType: 'InternalRelay' },
      },
    ]);

    const before = emulators.admin.requests.length;
    const outcomes = [];
    for (const entry of steps) {
      outcomes.push(await entry.apply(log.logger));
    }
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['done', 'failed', 'done', 'done'],
    );
    assert.match(outcomes[1]?.message ?? '', /Microsoft 365 admin center/);
    const sent = emulators.admin.requests.slice(before).map((request) => request.cmdlet);
    assert.deepEqual(sent, [
      'Set-AcceptedDomain',
      'Get-AcceptedDomain',
      'New-OutboundConnector',
      'Get-OutboundConnector',
      'New-InboundConnector',
      'Get-InboundConnector',
    ]);
    assert.equal(emulators.state.acceptedDomains[0]?.DomainType, 'InternalRelay');
    const inbound = emulators.state.inboundConnectors[0];
    assert.deepEqual(inbound?.SenderDomains, ['smtp:*;1']);
    assert.equal(inbound?.ConnectorType, 'OnPremises');
    assert.equal(inbound?.TlsSenderCertificateName, 'mail.example.com');
    assert.equal(inbound?.RequireTls, true);
    assert.equal(inbound?.RestrictDomainsToCertificate, true);

    // The same step objects again: already done, nothing sent.
    const afterFirst = emulators.admin.requests.length;
    const again = await step(first, 'outbound-connector').apply(log.logger);
    assert.equal(again.status, 'unchanged');
    assert.equal(emulators.admin.requests.length, afterFirst);

    // A new check: only the domain Exchange cannot create is left, and no step sends anything.
    const second = await checkLive(text, log.logger, { secrets: SECRETS });
    assert.deepEqual(codes(second.report.findings), ['accepted-domain-missing']);
    assert.equal(second.report.liveValues.get(NodeIds.outbound)?.value, 'enabled');
    assert.equal(
      second.report.liveValues.get(NodeIds.outboundSetting('smart-hosts'))?.drift,
      false,
    );
    const reads = emulators.admin.requests.length;
    const rerun = [];
    for (const entry of second.report.steps) {
      rerun.push((await entry.apply(log.logger)).status);
    }
    assert.deepEqual(rerun, ['unchanged', 'failed', 'unchanged', 'unchanged']);
    assert.equal(emulators.admin.requests.length, reads, 'the second run sends nothing');
  });

  it('names each drifting parameter with desired and actual value, and sets only those', async () => {
    const emulators = await start({
      outboundConnectors: [
        {
          Name: 'To mailcow',
          ConnectorType: 'Partner',
          RecipientDomains: ['example.com', 'example.org'],
          UseMXRecord: true,
          SmartHosts: [],
          TlsSettings: 'EncryptionOnly',
          IsTransportRuleScoped: true,
          Enabled: false,
        },
      ],
      inboundConnectors: [
        {
          Name: 'From mailcow',
          ConnectorType: 'OnPremises',
          SenderDomains: ['*'],
          TlsSenderCertificateName: 'old.example.com',
          RequireTls: true,
          RestrictDomainsToCertificate: false,
        },
      ],
    });
    const text = liveSpecText(emulators, {
      more: ['outboundConnector:', '  smartHosts: [mail.example.com]'],
    });
    const run = await checkLive(text, log.logger, { secrets: SECRETS });
    const drift = only(run.report.findings, 'outbound-connector-drift');
    assert.deepEqual(
      drift
        .map((finding) =>
          /has (\w+) (.*) in Exchange Online; the spec wants (.*?)\. /
            .exec(finding.message)
            ?.slice(1),
        )
        .sort(),
      [
        ['ConnectorType', 'Partner', 'OnPremises'],
        ['IsTransportRuleScoped', '$true', '$false'],
        ['SmartHosts', '$null', 'mail.example.com'],
        ['TlsDomain', '$null', 'mail.example.com'],
        ['TlsSettings', 'EncryptionOnly', 'DomainValidation'],
        ['UseMXRecord', '$true', '$false'],
      ],
    );
    const smartHosts = drift.find((finding) => finding.message.includes('has SmartHosts'));
    assert.equal(coveredText(run, smartHosts as Finding), 'smartHosts');
    assert.equal(only(run.report.findings, 'outbound-connector-disabled').length, 1);
    const inboundDrift = only(run.report.findings, 'inbound-connector-drift');
    assert.deepEqual(inboundDrift.map((finding) => /has (\w+)/.exec(finding.message)?.[1]).sort(), [
      'RestrictDomainsToCertificate',
      'TlsSenderCertificateName',
    ]);
    assert.match(inboundDrift[0]?.message ?? '', /5\.7\.64 TenantAttribution/);
    assert.deepEqual(run.report.liveValues.get(NodeIds.outbound), {
      value: 'disabled',
      drift: true,
    });
    assert.equal(
      run.report.liveValues.get(NodeIds.inboundSetting('certificate-name'))?.value,
      'old.example.com',
    );

    const outbound = step(run, 'outbound-connector');
    assert.deepEqual(outbound.preview().requests, [
      {
        action: 'Set-OutboundConnector',
        body: {
          Identity: 'To mailcow',
          ConnectorType: 'OnPremises',
          SmartHosts: ['mail.example.com'],
          UseMXRecord: false,
          TlsSettings: 'DomainValidation',
          TlsDomain: 'mail.example.com',
          IsTransportRuleScoped: false,
          Enabled: true,
        },
      },
    ]);
    assert.equal((await outbound.apply(log.logger)).status, 'done');
    const inbound = step(run, 'inbound-connector');
    assert.deepEqual(inbound.preview().requests[0]?.body, {
      Identity: 'From mailcow',
      TlsSenderCertificateName: 'mail.example.com',
      RequireTls: true,
      RestrictDomainsToCertificate: true,
    });
    assert.equal((await inbound.apply(log.logger)).status, 'done');
    const again = await checkLive(text, log.logger, { secrets: SECRETS });
    assert.deepEqual(
      codes(again.report.findings).filter((code) => code.includes('connector')),
      [],
    );
  });

  it('compares sender addresses for IP authentication and sets them, IPv4 only', async () => {
    const emulators = await start({
      inboundConnectors: [
        {
          Name: 'From mailcow',
          ConnectorType: 'OnPremises',
          SenderDomains: ['*'],
          SenderIPAddresses: ['198.51.100.24'],
          TlsSenderCertificateName: 'mail.example.com',
          RequireTls: true,
          RestrictDomainsToCertificate: true,
        },
      ],
    });
    const text = liveSpecText(emulators, {
      more: ['inboundConnector:', '  auth: ip', '  senderIPs: [198.51.100.25/32]'],
    });
    const run = await checkLive(text, log.logger, { secrets: SECRETS });
    const inboundDrift = only(run.report.findings, 'inbound-connector-drift');
    const drift = inboundDrift.find((finding) => finding.message.includes('has SenderIPAddresses'));
    const restricted = inboundDrift.find((finding) => finding.message.includes('has Restrict'));
    assert.equal(inboundDrift.length, 2);
    assert.match(restricted?.message ?? '', /without that certificate/);
    assert.match(
      drift?.message ?? '',
      /SenderIPAddresses 198\.51\.100\.24 .*wants 198\.51\.100\.25\./,
    );
    assert.match(
      restricted?.message ?? '',
      /RestrictDomainsToCertificate \$true .*wants \$false\./,
    );
    assert.equal(coveredText(run, drift as Finding), 'senderIPs');
    const inbound = step(run, 'inbound-connector');
    assert.deepEqual(inbound.preview().requests[0]?.body, {
      Identity: 'From mailcow',
      SenderIPAddresses: ['198.51.100.25'],
      RestrictDomainsToCertificate: false,
    });
    assert.equal((await inbound.apply(log.logger)).status, 'done');
    assert.deepEqual(emulators.state.inboundConnectors[0]?.SenderIPAddresses, ['198.51.100.25']);

    // An IPv6 sender address never reaches Exchange.
    const v6 = await checkLive(
      liveSpecText(emulators, {
        more: ['inboundConnector:', '  auth: ip', '  senderIPs: ["2001:db8::25"]'],
      }),
      log.logger,
      { secrets: SECRETS },
    );
    const count = emulators.admin.requests.length;
    const outcome = await step(v6, 'inbound-connector').apply(log.logger);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.message, /IPv6/);
    assert.equal(emulators.admin.requests.length, count);
  });

  it("settles the offline certificate-name warning against the tenant's accepted domains", async () => {
    const emulators = await start({
      acceptedDomains: [
        { DomainName: 'example.com', DomainType: 'InternalRelay' },
        { DomainName: 'example.org', DomainType: 'InternalRelay' },
        { DomainName: 'relay.example.net', DomainType: 'Authoritative' },
      ],
    });
    const spec = (name: string): string =>
      liveSpecText(emulators, { more: ['inboundConnector:', `  certificateName: ${name}`] });

    const covered = await checkLive(spec('mx1.relay.example.net'), log.logger, {
      secrets: SECRETS,
    });
    const offline = only(covered.parsed.findings, 'inbound-cert-not-accepted-domain');
    assert.equal(offline.length, 1, 'the file alone cannot tell');
    assert.deepEqual(withoutSettled(offline, covered.report.settles), []);
    assert.deepEqual(only(covered.report.findings, 'inbound-cert-not-accepted-domain'), []);

    const foreign = await checkLive(spec('mail.elsewhere.net'), log.logger, { secrets: SECRETS });
    assert.deepEqual(
      withoutSettled(
        only(foreign.parsed.findings, 'inbound-cert-not-accepted-domain'),
        foreign.report.settles,
      ),
      [],
    );
    const [live] = only(foreign.report.findings, 'inbound-cert-not-accepted-domain');
    assert.equal(live?.severity, 'error');
    assert.equal(live?.source, 'exchange');
    assert.equal(coveredText(foreign, live), 'mail.elsewhere.net');
    assert.match(live?.message ?? '', /example\.com, example\.org, relay\.example\.net/);
    assert.match(live?.message ?? '', /5\.7\.64 TenantAttribution/);
  });

  it('survives throttling during apply by waiting as long as Retry-After says', async () => {
    const emulators = await start();
    const clock = fakeClock();
    const run = await checkLive(liveSpecText(emulators), log.logger, {
      secrets: SECRETS,
      // The session's client with a clock that records its waits instead of sleeping.
      prepare: (session) => {
        session.memo(
          EXCHANGE_CLIENT_MEMO,
          () =>
            new ExchangeAdminClient({
              adminBaseUrl: emulators.adminUrl,
              tenant: TENANT_ID,
              tokenSource: new ClientCredentialsTokenSource({
                identity: new IdentityClient({
                  loginBaseUrl: emulators.loginUrl,
                  tenant: TENANT_ID,
                  logger: log.logger,
                  timeoutMs: 5000,
                }),
                clientId: ADMIN_APP,
                scope: exchangeScope(emulators.adminUrl),
                loadCredential: () => Promise.resolve({ kind: 'secret', secret: ADMIN_SECRET }),
                logger: log.logger,
              }),
              logger: log.logger,
              clock,
            }),
        );
      },
    });
    emulators.admin.enqueueFault({
      status: 429,
      cmdlet: 'New-OutboundConnector',
      headers: { 'Retry-After': '7' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests' } },
    });
    const start429 = emulators.admin.requests.length;
    const outcome = await step(run, 'outbound-connector').apply(log.logger);
    assert.equal(outcome.status, 'done', outcome.message);
    assert.deepEqual(clock.sleeps, [7000]);
    assert.deepEqual(
      emulators.admin.requests.slice(start429).map((request) => [request.cmdlet, request.status]),
      [
        ['New-OutboundConnector', 429],
        ['New-OutboundConnector', 200],
        ['Get-OutboundConnector', 200],
      ],
    );
    assert.equal(emulators.state.outboundConnectors.length, 1);
  });

  it('renews a token that expires in the middle of applying', async () => {
    const emulators = await start();
    const run = await checkLive(liveSpecText(emulators), log.logger, { secrets: SECRETS });
    const issued = emulators.identity.tokenRequests.length;
    emulators.identity.expireIssuedTokens();
    const outcome = await step(run, 'inbound-connector').apply(log.logger);
    assert.equal(outcome.status, 'done', outcome.message);
    const statuses = emulators.admin.requests.slice(-3).map((request) => request.status);
    assert.deepEqual(statuses, [401, 200, 200]);
    assert.equal(emulators.identity.tokenRequests.length, issued + 1);
  });

  it('fails a step with the missing role named when the sign-in may only read (403)', async () => {
    const emulators = await start();
    const run = await checkLive(
      liveSpecText(emulators, {
        auth: ['method: clientSecret', `clientId: ${READER_APP}`, 'clientSecret: env:READER'],
      }),
      log.logger,
      { secrets: { READER: READER_SECRET } },
    );
    assert.deepEqual(run.report.unreadable, [], 'Global Reader may read');
    const outcome = await step(run, 'accepted-domain', 'example.com').apply(log.logger);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.message, /HTTP 403/);
    assert.match(outcome.message, /Exchange Administrator/);
    assert.equal(emulators.state.acceptedDomains[0]?.DomainType, 'Authoritative');
  });

  it('refuses connector values that Exchange would reject or that are not the recipe, sending nothing', async () => {
    const emulators = await start();
    const run = await checkLive(
      liveSpecText(emulators, {
        more: [
          'outboundConnector:',
          '  recipientDomains: ["*"]',
          '  smartHosts: ["mail.example.com:2525"]',
        ],
      }),
      log.logger,
      { secrets: SECRETS },
    );
    const outbound = step(run, 'outbound-connector');
    assert.match(outbound.preview().summary, /Not sent/);
    const count = emulators.admin.requests.length;
    const outcome = await outbound.apply(log.logger);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.message, /"\*" cannot be used for RecipientDomains/);
    assert.match(outcome.message, /"mail\.example\.com:2525" cannot be used for SmartHosts/);
    assert.equal(emulators.admin.requests.length, count);
  });
});
