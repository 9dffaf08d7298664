import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dnsLiveModule } from '../../../src/core/dns/dns-live';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { ExchangeAdminClient } from '../../../src/core/exchange/exchange-admin-client';
import type { ExchangeRecipient } from '../../../src/core/exchange/exchange-recipients';
import {
  keepsMailFor,
  normaliseRecipient,
  readExchangeStateWithRecipients,
} from '../../../src/core/exchange/exchange-recipients';
import { readExchangeState } from '../../../src/core/exchange/exchange-state';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import {
  fwdhostsMissEop,
  inboundIpsMissEgress,
  mailboxAlsoInExchange,
  smartHostNotMailcow,
} from '../../../src/core/live/cross-system-rules';
import type { Finding } from '../../../src/core/findings/finding';
import { runLiveCheck } from '../../../src/core/live/live-check';
import type { LiveSnapshot } from '../../../src/core/live/live-system';
import { CROSS_SYSTEM_RULES } from '../../../src/core/live/live-systems';
import { silentLogger } from '../../../src/core/log';
import { MailcowClient } from '../../../src/core/mailcow/mailcow-client';
import { readMailcowState } from '../../../src/core/mailcow/mailcow-state';
import type { DnsEmulator, DnsScenarioRecords } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import type { ExchangeSeed } from '../../emulators/exchange/exchange-seed';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import type { MailcowEmulator, MailcowSeed } from '../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import { ADMIN_APP, ADMIN_SECRET, TENANT_ID, baseSeed } from '../exchange/exchange-test-kit';
import { codesOf, liveSpec, only, sessionFor, testHost } from './live-test-kit';

const GATEWAY = 'example-com.mail.protection.outlook.com';
const EOP = 'spf.protection.outlook.com';
const MAILCOW_KEY = 'ABCDEF-012345-ABCDEF-012345-ABCDEF';

function zone(): DnsScenarioRecords {
  return {
    'example.com': {
      MX: [{ exchange: GATEWAY, priority: 0 }],
      TXT: ['v=spf1 include:spf.protection.outlook.com -all'],
    },
    [GATEWAY]: { A: ['192.0.2.10'] },
    [EOP]: { TXT: ['v=spf1 ip4:203.0.113.0/25 ip6:2001:db8:f400::/48 -all'] },
    'mail.example.com': { A: ['198.51.100.25'], AAAA: ['2001:db8:25::25'] },
    'old.example.com': { A: ['198.51.100.99'] },
  };
}

const OUTBOUND = {
  Name: 'To mailcow',
  ConnectorType: 'OnPremises',
  RecipientDomains: ['example.com'],
  UseMXRecord: false,
  SmartHosts: ['mail.example.com'],
  TlsSettings: 'DomainValidation',
  TlsDomain: 'mail.example.com',
};

const INBOUND_IP = {
  Name: 'From mailcow',
  ConnectorType: 'OnPremises',
  SenderDomains: ['*'],
  SenderIPAddresses: ['198.51.100.25'],
};

let dns: DnsEmulator;

before(async () => {
  dns = await startDnsEmulator(zone());
});
after(() => dns.close());

async function withMailcow<T>(seed: MailcowSeed, run: (m: MailcowEmulator) => Promise<T>) {
  const emulator = await startMailcowEmulator(
    {
      hostname: 'mail.example.com',
      apiKeys: [{ key: MAILCOW_KEY, access: 'rw', allowFrom: ['127.0.0.1', '::1'] }],
      ...seed,
    },
    { dnsServers: [dns.address] },
  );
  try {
    return await run(emulator);
  } finally {
    await emulator.close();
  }
}

function mailcowClient(emulator: MailcowEmulator): MailcowClient {
  return new MailcowClient({
    baseUrl: emulator.url,
    apiKey: () => Promise.resolve(MAILCOW_KEY),
    timeoutMs: 3000,
    logger: silentLogger,
  });
}

async function withExchange<T>(
  extra: Partial<ExchangeSeed>,
  run: (client: ExchangeAdminClient, emulators: ExchangeEmulators) => Promise<T>,
): Promise<T> {
  const emulators = await startExchangeEmulators(baseSeed(extra));
  try {
    const client = new ExchangeAdminClient({
      adminBaseUrl: emulators.adminUrl,
      tenant: TENANT_ID,
      logger: silentLogger,
      tokenSource: new ClientCredentialsTokenSource({
        identity: new IdentityClient({
          loginBaseUrl: emulators.loginUrl,
          tenant: TENANT_ID,
          logger: silentLogger,
          timeoutMs: 5000,
        }),
        clientId: ADMIN_APP,
        scope: exchangeScope(emulators.adminUrl),
        loadCredential: () => Promise.resolve({ kind: 'secret', secret: ADMIN_SECRET }),
        logger: silentLogger,
      }),
    });
    return await run(client, emulators);
  } finally {
    await emulators.close();
  }
}

function spec(options: { mailcow?: string[]; exchange?: string[]; domains?: string[] } = {}) {
  return sessionFor(liveSpec({ dnsServer: dns.address, ...options }));
}

async function dnsRead(session = spec()) {
  const read = await dnsLiveModule.read(session);
  assert.ok(read.ok);
  return read;
}

describe('fwdhosts-miss-eop', () => {
  it('fires when EOP sends from ranges mailcow stored before they were added', async () => {
    await withMailcow({}, async (emulator) => {
      const client = mailcowClient(emulator);
      // mailcow resolves the include now, as it does when an admin adds it.
      const added = await client.addForwardingHost('spf.protection.outlook.com', false);
      assert.ok(added.ok);
      // Later Microsoft publishes another range.
      dns.set(EOP, 'TXT', [
        'v=spf1 ip4:203.0.113.0/25 ip4:192.0.2.128/26 ip6:2001:db8:f400::/48 -all',
      ]);
      try {
        const state = await readMailcowState(client);
        assert.ok(state.ok);
        const session = spec();
        const snapshot: LiveSnapshot = {
          mailcow: { ok: true, state: state.value },
          dns: await dnsRead(session),
        };
        const finding = only(fwdhostsMissEop(session, snapshot).findings, 'fwdhosts-miss-eop');
        assert.equal(finding.source, 'mailcow');
        assert.match(finding.message, /1 of the 3 address ranges/);
        assert.match(finding.message, /192\.0\.2\.128\/26/);
        assert.match(finding.message, /\(spf\.protection\.outlook\.com\)/);
        assert.deepEqual(finding.fixes?.[0], {
          kind: 'step',
          title: "Add spf.protection.outlook.com to mailcow's forwarding hosts again",
          stepId: 'mailcow-fwdhosts',
        });

        // Adding it again stores the current ranges, and the rule is satisfied.
        assert.ok((await client.addForwardingHost('spf.protection.outlook.com', false)).ok);
        const fresh = await readMailcowState(client);
        assert.ok(fresh.ok);
        snapshot.mailcow = { ok: true, state: fresh.value };
        assert.deepEqual(fwdhostsMissEop(session, snapshot).findings, []);
      } finally {
        dns.set(EOP, 'TXT', zone()[EOP]!.TXT!);
      }
    });
  });

  it('does not fire for a wider stored range, nor without the DNS or mailcow state', async () => {
    await withMailcow(
      {
        fwdhosts: [
          { host: '203.0.113.0/24', source: EOP },
          { host: '2001:db8::/32', source: EOP },
        ],
      },
      async (emulator) => {
        const state = await readMailcowState(mailcowClient(emulator));
        assert.ok(state.ok);
        const session = spec();
        const dnsState = await dnsRead(session);
        const mailcow = { ok: true as const, state: state.value };
        assert.deepEqual(fwdhostsMissEop(session, { mailcow, dns: dnsState }).findings, []);
        assert.deepEqual(fwdhostsMissEop(session, { mailcow }).findings, []);
        assert.deepEqual(
          fwdhostsMissEop(session, {
            mailcow,
            dns: { ok: false, findings: [], reason: 'down' },
          }).findings,
          [],
        );
      },
    );
  });

  it('does not judge while part of the include got no DNS answer', async () => {
    await withMailcow({ fwdhosts: [{ host: '198.51.100.1', source: EOP }] }, async (emulator) => {
      const state = await readMailcowState(mailcowClient(emulator));
      assert.ok(state.ok);
      dns.fault({ fault: 'servfail', name: EOP });
      try {
        const session = spec();
        const snapshot: LiveSnapshot = {
          mailcow: { ok: true, state: state.value },
          dns: await dnsRead(session),
        };
        assert.deepEqual(fwdhostsMissEop(session, snapshot).findings, []);
      } finally {
        dns.clearFaults();
      }
    });
  });
});

describe('fwdhosts-miss-eop and the forwarding host step', () => {
  const NOW = ['v=spf1 ip4:203.0.113.0/25 ip4:192.0.2.128/26 ip6:2001:db8:f400::/48 -all'];

  function mailcowSpec(emulator: MailcowEmulator, mailcow: string[] = []): string {
    return liveSpec({ dnsServer: dns.address, mailcow }).replace(
      'https://mail.example.com',
      emulator.url,
    );
  }

  // mailcow holds no domain here; only what concerns the forwarding hosts is judged.
  function fwdhostCodes(findings: readonly Finding[]): string[] {
    return codesOf(findings).filter((code) => code.includes('fwdhost'));
  }

  function check(text: string) {
    const host = { ...testHost(), resolveSecret: () => Promise.resolve(MAILCOW_KEY) };
    return runLiveCheck(sessionFor(text, host), { systems: ['mailcow', 'dns'] });
  }

  it('adds the include again when its stored ranges are stale, and is idempotent after', async () => {
    await withMailcow({}, async (emulator) => {
      assert.ok((await mailcowClient(emulator).addForwardingHost(EOP, false)).ok);
      dns.set(EOP, 'TXT', NOW);
      try {
        const text = mailcowSpec(emulator);
        const before = await check(text);
        assert.deepEqual(fwdhostCodes(before.findings), ['fwdhosts-miss-eop']);
        const step = before.steps.find((candidate) => candidate.id === 'mailcow-fwdhosts');
        assert.ok(step?.needed, 'the step the finding offers must be needed');
        assert.deepEqual(
          step.preview().requests.map((request) => request.body),
          [{ hostname: EOP, filter_spam: 0 }],
        );
        assert.match(step.preview().summary, /miss 192\.0\.2\.128\/26/);
        const outcome = await step.apply(silentLogger);
        assert.equal(outcome.status, 'done', outcome.message);

        const after = await check(text);
        assert.deepEqual(fwdhostCodes(after.findings), []);
        const again = after.steps.find((candidate) => candidate.id === 'mailcow-fwdhosts');
        assert.equal(again?.needed, false);
        assert.equal((await again.apply(silentLogger)).status, 'unchanged');
      } finally {
        dns.set(EOP, 'TXT', zone()[EOP]!.TXT!);
      }
    });
  });

  it('fails the step when mailcow resolves the include to other ranges than the check', async () => {
    // mailcow asks a resolver that still serves the old record.
    const stale = await startDnsEmulator(zone());
    const emulator = await startMailcowEmulator(
      {
        hostname: 'mail.example.com',
        apiKeys: [{ key: MAILCOW_KEY, access: 'rw', allowFrom: ['127.0.0.1', '::1'] }],
      },
      { dnsServers: [stale.address] },
    );
    dns.set(EOP, 'TXT', NOW);
    try {
      assert.ok((await mailcowClient(emulator).addForwardingHost(EOP, false)).ok);
      const report = await check(mailcowSpec(emulator));
      const step = report.steps.find((candidate) => candidate.id === 'mailcow-fwdhosts');
      assert.ok(step?.needed);
      const outcome = await step.apply(silentLogger);
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.message, /still miss 192\.0\.2\.128\/26/);
    } finally {
      dns.set(EOP, 'TXT', zone()[EOP]!.TXT!);
      await emulator.close();
      await stale.close();
    }
  });

  it('leaves a missing include to mailcow-fwdhost-missing, whose step stores every range', async () => {
    await withMailcow(
      { fwdhosts: [{ host: '192.0.2.10', source: GATEWAY, keep_spam: 'yes' }] },
      async (emulator) => {
        const text = mailcowSpec(emulator);
        const before = await check(text);
        assert.deepEqual(fwdhostCodes(before.findings), ['mailcow-fwdhost-missing']);
        const step = before.steps.find((candidate) => candidate.id === 'mailcow-fwdhosts');
        assert.equal((await step?.apply(silentLogger))?.status, 'done');
        assert.deepEqual(fwdhostCodes((await check(text)).findings), []);
      },
    );
  });

  it('names the hosts mailcow holds, without a step, when the spec asks for others', async () => {
    await withMailcow(
      { fwdhosts: [{ host: '192.0.2.10', source: GATEWAY, keep_spam: 'yes' }] },
      async (emulator) => {
        const report = await check(mailcowSpec(emulator, [`  forwardingHosts: [${GATEWAY}]`]));
        const finding = only(report.findings, 'fwdhosts-miss-eop');
        assert.match(finding.message, /come from example-com\.mail\.protection\.outlook\.com/);
        assert.doesNotMatch(finding.message, /changed its ranges/);
        assert.equal(finding.fixes, undefined);
        const step = report.steps.find((candidate) => candidate.id === 'mailcow-fwdhosts');
        assert.equal(step?.needed, false);
      },
    );
  });
});

describe('mailbox-also-in-exchange', () => {
  it('fires for a mailcow mailbox that Exchange also holds, on its spec entry', async () => {
    await withMailcow(
      {
        mailboxes: [
          { username: 'app@example.com', domain: 'example.com' },
          { username: 'printer@example.com', domain: 'example.com' },
          { username: 'alice@other.example', domain: 'other.example' },
        ],
      },
      async (mailcowEmulator) => {
        const mailcow = await readMailcowState(mailcowClient(mailcowEmulator));
        assert.ok(mailcow.ok);
        await withExchange(
          { recipients: ['alice@example.com', 'app@example.com', 'alice@other.example'] },
          async (client, emulators) => {
            const exchange = await readExchangeStateWithRecipients(client);
            assert.ok(exchange.ok);
            assert.ok(
              emulators.admin.requests.some((request) => request.cmdlet === 'Get-Recipient'),
            );
            const session = spec({
              domains: [
                '  - name: example.com',
                '    mailboxes: [printer@example.com, app@example.com]',
              ],
            });
            const findings = mailboxAlsoInExchange(session, {
              mailcow: { ok: true, state: mailcow.value },
              exchange: { ok: true, state: exchange.value },
            }).findings;
            // alice@other.example is not in a shared domain, printer@ only on mailcow.
            const finding = only(findings, 'mailbox-also-in-exchange');
            assert.deepEqual(finding.path, ['domains', 0, 'mailboxes', 1]);
            assert.match(finding.message, /app@example\.com/);
            assert.match(finding.message, /UserMailbox "app"/);
          },
        );
      },
    );
  });

  it('does nothing when the recipients were not read', async () => {
    await withMailcow(
      { mailboxes: [{ username: 'alice@example.com', domain: 'example.com' }] },
      async (mailcowEmulator) => {
        const mailcow = await readMailcowState(mailcowClient(mailcowEmulator));
        assert.ok(mailcow.ok);
        await withExchange({}, async (client) => {
          const exchange = await readExchangeState(client);
          assert.ok(exchange.ok);
          const findings = mailboxAlsoInExchange(spec(), {
            mailcow: { ok: true, state: mailcow.value },
            exchange: { ok: true, state: exchange.value },
          }).findings;
          assert.deepEqual(findings, []);
        });
      },
    );
  });

  it('lets mail contacts that forward to the same address pass', () => {
    const contact: ExchangeRecipient = normaliseRecipient({
      Identity: 'App',
      PrimarySmtpAddress: 'App@Example.com',
      EmailAddresses: ['SMTP:app@example.com', 'X500:/o=ExchangeLabs/cn=app'],
      RecipientType: 'MailContact',
      RecipientTypeDetails: 'MailContact',
      ExternalEmailAddress: 'SMTP:app@example.com',
    });
    assert.deepEqual(contact.EmailAddresses, ['app@example.com']);
    assert.equal(keepsMailFor(contact, 'app@example.com'), false);
    const elsewhere = { ...contact, ExternalEmailAddress: 'app@partner.example' };
    assert.equal(keepsMailFor(elsewhere, 'app@example.com'), true);
    const group = normaliseRecipient({
      Identity: 'Team',
      PrimarySmtpAddress: 'team@example.com',
      EmailAddresses: 'SMTP:team@example.com,smtp:app@example.com',
      RecipientTypeDetails: 'MailUniversalDistributionGroup',
    });
    assert.equal(keepsMailFor(group, 'app@example.com'), true);
    assert.equal(keepsMailFor(group, 'other@example.com'), false);
  });
});

describe('smart-host-not-mailcow', () => {
  it('fires for a smart host that resolves to another server', async () => {
    await withExchange(
      { outboundConnectors: [{ ...OUTBOUND, SmartHosts: ['old.example.com'] }] },
      async (client) => {
        const exchange = await readExchangeState(client);
        assert.ok(exchange.ok);
        const session = spec({
          exchange: ['  outboundConnector:', '    smartHosts: [old.example.com]'],
        });
        const findings = smartHostNotMailcow(session, {
          exchange: { ok: true, state: exchange.value },
          dns: await dnsRead(session),
        }).findings;
        const finding = only(findings, 'smart-host-not-mailcow');
        assert.deepEqual(finding.path, ['exchange', 'outboundConnector', 'smartHosts']);
        assert.match(finding.message, /resolves to 198\.51\.100\.99/);
        assert.match(finding.message, /198\.51\.100\.25, 2001:db8:25::25/);
      },
    );
  });

  it('does not fire for mailcow itself, another name for it, or its egress address', async () => {
    dns.set('smtp.example.com', 'A', ['198.51.100.25']);
    dns.set('relay.example.com', 'A', ['198.51.100.30']);
    try {
      await withExchange(
        {
          outboundConnectors: [
            {
              ...OUTBOUND,
              SmartHosts: ['mail.example.com', 'smtp.example.com', 'relay.example.com'],
            },
          ],
        },
        async (client) => {
          const exchange = await readExchangeState(client);
          assert.ok(exchange.ok);
          const session = spec({
            mailcow: ['  egressIPs: [198.51.100.30]'],
            exchange: [
              '  outboundConnector:',
              '    smartHosts: [mail.example.com, smtp.example.com, relay.example.com]',
            ],
          });
          const snapshot: LiveSnapshot = {
            exchange: { ok: true, state: exchange.value },
            dns: await dnsRead(session),
          };
          assert.deepEqual(smartHostNotMailcow(session, snapshot).findings, []);
          assert.deepEqual(
            smartHostNotMailcow(session, { exchange: snapshot.exchange }).findings,
            [],
          );
        },
      );
    } finally {
      dns.remove('smtp.example.com');
      dns.remove('relay.example.com');
    }
  });

  it('fires for a smart host without any address', async () => {
    await withExchange(
      { outboundConnectors: [{ ...OUTBOUND, SmartHosts: ['gone.example.com'] }] },
      async (client) => {
        const exchange = await readExchangeState(client);
        assert.ok(exchange.ok);
        const session = spec({
          exchange: ['  outboundConnector:', '    smartHosts: [gone.example.com]'],
        });
        const findings = smartHostNotMailcow(session, {
          exchange: { ok: true, state: exchange.value },
          dns: await dnsRead(session),
        }).findings;
        assert.match(only(findings, 'smart-host-not-mailcow').message, /no A or AAAA record/);
      },
    );
  });
});

describe('inbound-ips-miss-egress', () => {
  const ipSpec = (egress: string, senderIPs?: string) =>
    spec({
      mailcow: [`  egressIPs: [${egress}]`],
      exchange: [
        '  inboundConnector:',
        '    auth: ip',
        ...(senderIPs === undefined ? [] : [`    senderIPs: [${senderIPs}]`]),
      ],
    });

  it('fires when mailcow sends from an address the connector does not list', async () => {
    await withExchange({ inboundConnectors: [INBOUND_IP] }, async (client) => {
      const exchange = await readExchangeState(client);
      assert.ok(exchange.ok);
      const session = ipSpec('198.51.100.26', '198.51.100.25');
      const finding = only(
        inboundIpsMissEgress(session, { exchange: { ok: true, state: exchange.value } }).findings,
        'inbound-ips-miss-egress',
      );
      assert.match(finding.message, /sends from 198\.51\.100\.26 \(mailcow\.egressIPs\)/);
      assert.match(finding.message, /5\.7\.64/);
      // The spec lists what the connector has, so the spec must change: no step to offer.
      assert.equal(finding.fixes, undefined);
    });
  });

  it('fires for IPv6 egress, which an inbound connector cannot list', async () => {
    await withExchange({ inboundConnectors: [INBOUND_IP] }, async (client) => {
      const exchange = await readExchangeState(client);
      assert.ok(exchange.ok);
      // Without egressIPs, mailcow's host name says where it sends from: v4 listed, v6 not.
      const session = spec({
        exchange: ['  inboundConnector:', '    auth: ip', '    senderIPs: [198.51.100.25]'],
      });
      const findings = inboundIpsMissEgress(session, {
        exchange: { ok: true, state: exchange.value },
        dns: await dnsRead(session),
      }).findings;
      const finding = only(findings, 'inbound-ips-miss-egress');
      assert.match(finding.message, /IPv6 from 2001:db8:25::25/);
      assert.match(finding.message, /the addresses of mail\.example\.com/);
    });
  });

  it('offers the connector step when the spec lists the address but the connector does not', async () => {
    await withExchange(
      { inboundConnectors: [{ ...INBOUND_IP, SenderIPAddresses: ['192.0.2.1'] }] },
      async (client) => {
        const exchange = await readExchangeState(client);
        assert.ok(exchange.ok);
        const finding = only(
          inboundIpsMissEgress(ipSpec('198.51.100.25'), {
            exchange: { ok: true, state: exchange.value },
          }).findings,
          'inbound-ips-miss-egress',
        );
        assert.equal(finding.fixes?.[0]?.kind, 'step');
      },
    );
  });

  it('does not fire when the range covers mailcow, or for a certificate connector', async () => {
    await withExchange(
      {
        inboundConnectors: [{ ...INBOUND_IP, SenderIPAddresses: ['198.51.100.0/24'] }],
      },
      async (client) => {
        const exchange = await readExchangeState(client);
        assert.ok(exchange.ok);
        const snapshot: LiveSnapshot = { exchange: { ok: true, state: exchange.value } };
        assert.deepEqual(inboundIpsMissEgress(ipSpec('198.51.100.26'), snapshot).findings, []);
      },
    );
    await withExchange(
      {
        inboundConnectors: [
          {
            Name: 'From mailcow',
            ConnectorType: 'OnPremises',
            SenderDomains: ['*'],
            TlsSenderCertificateName: 'mail.example.com',
            RequireTls: true,
          },
        ],
      },
      async (client) => {
        const exchange = await readExchangeState(client);
        assert.ok(exchange.ok);
        const session = spec({ mailcow: ['  egressIPs: [198.51.100.26]'] });
        const findings = inboundIpsMissEgress(session, {
          exchange: { ok: true, state: exchange.value },
        }).findings;
        assert.deepEqual(findings, []);
      },
    );
  });
});

describe('cross-system rules in the live check', () => {
  it('are registered, and do nothing when only DNS was read', async () => {
    assert.deepEqual(
      [fwdhostsMissEop, mailboxAlsoInExchange, smartHostNotMailcow, inboundIpsMissEgress].every(
        (rule) => CROSS_SYSTEM_RULES.includes(rule),
      ),
      true,
    );
    const report = await runLiveCheck(spec(), { systems: ['dns'] });
    assert.deepEqual(codesOf(report.findings), []);
  });
});
