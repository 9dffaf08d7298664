import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Logger } from '../../../src/core/log';
import type { MailcowClientOptions } from '../../../src/core/mailcow/mailcow-client';
import { MailcowClient } from '../../../src/core/mailcow/mailcow-client';
import type { MailcowError, MailcowResult } from '../../../src/core/mailcow/mailcow-error';
import { readMailcowState } from '../../../src/core/mailcow/mailcow-state';
import type { DnsEmulator } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import type { MailcowEmulator, MailcowSeed } from '../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import type { TestCertificates } from '../../emulators/mailcow/test-ca';
import { makeTestCertificates } from '../../emulators/mailcow/test-ca';
import { startTestProxy } from '../../emulators/mailcow/test-proxy';

class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  trace(message: string): void {
    this.lines.push(`trace ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

const newKey = (): string =>
  Array.from({ length: 5 }, () => randomBytes(3).toString('hex').toUpperCase()).join('-');
const newSecret = (): string => `pw-${randomBytes(8).toString('hex')}`;

const RW = newKey();
const RO = newKey();
const INACTIVE = newKey();
const IP_DENIED = newKey();
const UNKNOWN = newKey();
const RELAY_PASSWORD = newSecret();

const MIB = 1048576;

function seed(extra: Partial<MailcowSeed> = {}): MailcowSeed {
  return {
    hostname: 'mail.sandbox.test',
    apiKeys: [
      { key: RW, access: 'rw', allowFrom: ['127.0.0.1'] },
      { key: RO, access: 'ro', allowFrom: ['127.0.0.0/8'] },
      { key: INACTIVE, access: 'rw', allowFrom: ['127.0.0.1'], active: 0 },
      { key: IP_DENIED, access: 'rw', allowFrom: ['192.0.2.7', '10.0.0.0/8'] },
    ],
    ...extra,
  };
}

const secretsSeen = new Set<string>([RW, RO, INACTIVE, IP_DENIED, UNKNOWN, RELAY_PASSWORD]);
const loggers: RecordingLogger[] = [];
const errors: MailcowError[] = [];

interface ClientSetup {
  key?: string | undefined;
  options?: Partial<MailcowClientOptions>;
}

function client(
  url: string,
  setup: ClientSetup = {},
): { client: MailcowClient; logger: RecordingLogger } {
  const logger = new RecordingLogger();
  loggers.push(logger);
  const key = 'key' in setup ? setup.key : RW;
  const made = new MailcowClient({
    baseUrl: url,
    apiKey: () => Promise.resolve(key),
    timeoutMs: 2_000,
    logger,
    ...setup.options,
  });
  return { client: made, logger };
}

function value<T>(result: MailcowResult<T>): T {
  if (!result.ok) {
    assert.fail(`expected success, got ${result.error.kind}: ${result.error.message}`);
  }
  return result.value;
}

function failure<T>(result: MailcowResult<T>): MailcowError {
  assert.equal(result.ok, false, 'expected a failure');
  if (result.ok) {
    throw new Error('unreachable');
  }
  errors.push(result.error);
  assert.ok(result.error.message.length > 20, 'the failure has a sentence');
  assert.doesNotMatch(result.error.message, /\{\w+\}/, 'every placeholder is filled');
  return result.error;
}

async function withEmulator(
  seedValue: MailcowSeed,
  run: (emulator: MailcowEmulator) => Promise<void>,
  options: Parameters<typeof startMailcowEmulator>[1] = {},
): Promise<void> {
  const emulator = await startMailcowEmulator(seedValue, options);
  try {
    await run(emulator);
  } finally {
    await emulator.close();
  }
}

const apiRequests = (emulator: MailcowEmulator): number => emulator.requests.length;

describe('MailcowClient against the mailcow emulator', () => {
  let dns: DnsEmulator;

  before(async () => {
    dns = await startDnsEmulator({
      'mx.gateway.test': { MX: [{ exchange: 'in1.gateway.test', priority: 0 }] },
      'in1.gateway.test': { A: ['192.0.2.200', '192.0.2.201'] },
      'spf.gateway.test': { TXT: ['v=spf1 ip4:198.51.100.0/26 ip6:2001:db8:7::/48 -all'] },
    });
  });
  after(async () => {
    await dns.close();
  });

  describe('reads', () => {
    it('decodes domains: lower-cased names, booleans, relayhost ids as numbers, quotas in bytes', async () => {
      await withEmulator(
        seed({
          domains: [
            {
              domain_name: 'Example.COM',
              backupmx: 1,
              relay_all_recipients: 1,
              relay_unknown_only: 0,
              relayhost: '3',
            },
            { domain_name: 'bücher.example', tags: ['eu'] },
          ],
        }),
        async (emulator) => {
          const { client: mailcow } = client(emulator.url);
          const domains = value(await mailcow.getDomains());
          assert.deepEqual(
            domains.map((domain) => domain.name),
            ['example.com', 'xn--bcher-kva.example'],
          );
          const [example, idn] = domains;
          assert.deepEqual(example?.relay, {
            domain: true,
            allRecipients: true,
            unknownOnly: false,
          });
          assert.equal(example?.relayhostId, 3);
          assert.equal(example?.active, true);
          assert.deepEqual(example?.quota, {
            domainBytes: 10240 * MIB,
            mailboxMaxBytes: 10240 * MIB,
            mailboxDefaultBytes: 3072 * MIB,
          });
          assert.equal(idn?.unicodeName, 'bücher.example');
          assert.deepEqual(idn?.tags, ['eu']);
          assert.equal(idn?.relayhostId, 0);
          mailcow.dispose();
        },
      );
    });

    it('reads {} as an empty list and as "not found"', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: mailcow } = client(emulator.url);
        assert.deepEqual(value(await mailcow.getDomains()), []);
        assert.deepEqual(value(await mailcow.getRelayhosts()), []);
        assert.deepEqual(value(await mailcow.getForwardingHosts()), []);
        assert.deepEqual(value(await mailcow.getMailboxes()), []);
        assert.deepEqual(value(await mailcow.getPostfixLog(10)), []);
        assert.equal(value(await mailcow.getDomain('nowhere.example')), undefined);
        assert.equal(value(await mailcow.getRelayhost(9)), undefined);
        mailcow.dispose();
      });
    });

    it('accepts flags as "0"/"1" strings and a lone object where a list is expected', async () => {
      await withEmulator(seed(), async (emulator) => {
        const olderMailcow = JSON.stringify({
          domain_name: 'old.example',
          active: '1',
          backupmx: '1',
          relay_all_recipients: '1',
          relay_unknown_only: '0',
          relayhost: 2,
          max_quota_for_domain: '1048576',
        });
        emulator.injectFault(
          { kind: 'status', status: 200, body: olderMailcow, contentType: 'application/json' },
          { path: '/api/v1/get/domain/all' },
        );
        const { client: mailcow } = client(emulator.url);
        const [old] = value(await mailcow.getDomains());
        assert.equal(old?.name, 'old.example');
        assert.deepEqual(old?.relay, { domain: true, allRecipients: true, unknownOnly: false });
        assert.equal(old?.relayhostId, 2);
        assert.equal(old?.quota.domainBytes, MIB);
        mailcow.dispose();
      });
    });

    it('reports a flag it cannot read as an unexpected answer, naming the field', async () => {
      await withEmulator(seed(), async (emulator) => {
        emulator.injectFault(
          {
            kind: 'status',
            status: 200,
            body: '[{"domain_name":"x.example","backupmx":"yes"}]',
            contentType: 'application/json',
          },
          { times: 1 },
        );
        const { client: mailcow } = client(emulator.url);
        const error = failure(await mailcow.getDomains());
        assert.equal(error.kind, 'bad-response');
        assert.equal(error.reason, 'unexpected-shape');
        assert.match(error.message, /backupmx/);
        mailcow.dispose();
      });
    });

    it('reads relayhosts without their passwords, forwarding hosts, mailboxes and the Postfix log', async () => {
      await withEmulator(
        seed({
          domains: [{ domain_name: 'example.com', relayhost: '1' }],
          relayhosts: [
            {
              id: 1,
              hostname: '[gw.example]:25',
              username: 'relay',
              password: RELAY_PASSWORD,
              active: 1,
            },
            { id: '2', hostname: 'other:587', username: '', password: '', active: '0' },
          ],
          fwdhosts: [
            { host: '192.0.2.200', source: 'gw.example', keep_spam: 'yes' },
            { host: '2001:db8::1', source: '2001:db8::1', keep_spam: 'no' },
          ],
          mailboxes: [
            { username: 'App@Example.com', domain: 'example.com', name: 'App', active: 1 },
          ],
          postfixLog: [
            { time: '1700000002', priority: 'info', program: 'postfix/smtp', message: 'second' },
            { time: '1700000001', priority: 'info', program: 'postfix/smtpd', message: 'first' },
          ],
        }),
        async (emulator) => {
          const { client: mailcow, logger } = client(emulator.url);
          const relayhosts = value(await mailcow.getRelayhosts());
          assert.deepEqual(relayhosts, [
            {
              id: 1,
              hostname: '[gw.example]:25',
              username: 'relay',
              hasPassword: true,
              active: true,
              usedByDomains: ['example.com'],
            },
            {
              id: 2,
              hostname: 'other:587',
              username: '',
              hasPassword: false,
              active: false,
              usedByDomains: [],
            },
          ]);
          assert.equal(value(await mailcow.getRelayhost(1))?.hostname, '[gw.example]:25');
          assert.deepEqual(value(await mailcow.getForwardingHosts()), [
            { host: '192.0.2.200', source: 'gw.example', keepSpam: true },
            { host: '2001:db8::1', source: '2001:db8::1', keepSpam: false },
          ]);
          assert.deepEqual(value(await mailcow.getMailboxes()), [
            { username: 'app@example.com', domain: 'example.com', active: true, name: 'App' },
          ]);
          const log = value(await mailcow.getPostfixLog(1));
          assert.deepEqual(log, [
            { time: 1700000002, priority: 'info', program: 'postfix/smtp', message: 'second' },
          ]);
          assert.equal(value(await mailcow.getVersion()), '2026-07a');
          assert.ok(logger.lines.some((line) => line.includes('GET /api/v1/get/relayhost/all')));
          assert.ok(!logger.lines.some((line) => line.includes(RELAY_PASSWORD)));
          mailcow.dispose();
        },
      );
    });

    it('reads the whole state with one request per kind, normalised', async () => {
      await withEmulator(
        seed({
          domains: [{ domain_name: 'b.example' }, { domain_name: 'A.example', active: 0 }],
          relayhosts: [
            { id: 4, hostname: 'x' },
            { id: 2, hostname: 'y' },
          ],
          fwdhosts: [{ host: '192.0.2.1' }],
          mailboxes: [{ username: 'u@a.example' }],
        }),
        async (emulator) => {
          const { client: mailcow } = client(emulator.url);
          const state = value(await readMailcowState(mailcow));
          assert.deepEqual(
            state.domains.map((domain) => [domain.name, domain.active]),
            [
              ['a.example', false],
              ['b.example', true],
            ],
          );
          assert.deepEqual(
            state.relayhosts.map((relayhost) => relayhost.id),
            [2, 4],
          );
          assert.equal(state.fwdhosts[0]?.keepSpam, true);
          assert.equal(state.mailboxes[0]?.domain, 'a.example');
          assert.deepEqual(emulator.requests.map((request) => request.url).sort(), [
            '/api/v1/get/domain/all',
            '/api/v1/get/fwdhost/all',
            '/api/v1/get/mailbox/all',
            '/api/v1/get/relayhost/all',
          ]);
          mailcow.dispose();
        },
      );
    });
  });

  describe('writes', () => {
    it('adds a domain with quotas in MiB and no DKIM key unless asked', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: mailcow } = client(emulator.url);
        const reply = value(
          await mailcow.addDomain({
            domain: 'example.com',
            description: 'Shared with Exchange Online',
            quotaMiB: 2048,
            maxMailboxQuotaMiB: 1024,
            defaultMailboxQuotaMiB: 512,
            relay: { domain: true, allRecipients: true, unknownOnly: true },
          }),
        );
        assert.deepEqual(
          reply.entries.map((entry) => [entry.type, entry.msgKey, ...entry.msgArgs]),
          [['success', 'domain_added', 'example.com']],
        );
        const sent = JSON.parse(emulator.requests[0]?.body ?? '{}') as Record<string, unknown>;
        assert.equal(sent.quota, 2048);
        assert.equal(sent.dkim_selector, '0');
        assert.equal(sent.key_size, 0);
        assert.equal(sent.backupmx, 1);
        assert.equal(emulator.requests[0]?.headers['content-type'], 'application/json');
        const stored = value(await mailcow.getDomain('example.com'));
        assert.equal(stored?.quota.domainBytes, 2048 * MIB);
        assert.equal(stored?.quota.mailboxDefaultBytes, 512 * MIB);
        assert.equal(stored?.description, 'Shared with Exchange Online');
        assert.deepEqual(stored?.relay, { domain: true, allRecipients: true, unknownOnly: true });

        const withDkim = value(
          await mailcow.addDomain({
            domain: 'signed.example',
            dkim: { selector: 'dkim', keySize: 2048 },
          }),
        );
        assert.deepEqual(
          withDkim.entries.map((entry) => entry.msgKey),
          ['dkim_added', 'domain_added'],
        );
        mailcow.dispose();
      });
    });

    it('turns danger entries into a refusal with mailcow’s key and a sentence', async () => {
      await withEmulator(seed({ domains: [{ domain_name: 'example.com' }] }), async (emulator) => {
        const { client: mailcow } = client(emulator.url);
        const duplicate = failure(await mailcow.addDomain({ domain: 'EXAMPLE.com' }));
        assert.equal(duplicate.kind, 'rejected');
        assert.equal(duplicate.msgKey, 'domain_exists');
        assert.deepEqual(duplicate.msgArgs, ['example.com']);
        assert.match(duplicate.message, /example\.com already exists/);

        const clash = failure(await mailcow.addDomain({ domain: 'mail.sandbox.test' }));
        assert.equal(clash.msgKey, 'domain_cannot_match_hostname');
        assert.match(clash.message, /MAILCOW_HOSTNAME/);

        const quota = failure(
          await mailcow.addDomain({
            domain: 'q.example',
            quotaMiB: 10,
            maxMailboxQuotaMiB: 20,
            defaultMailboxQuotaMiB: 5,
          }),
        );
        assert.equal(quota.msgKey, 'mailbox_quota_exceeds_domain_quota');

        const unknown = failure(
          await mailcow.editDomain('missing.example', {
            relay: { domain: true, allRecipients: true, unknownOnly: false },
          }),
        );
        assert.equal(unknown.msgKey, 'domain_invalid');
        mailcow.dispose();
      });
    });

    it('treats a warning (domain stored, SOGo restart failed) as a failure that keeps every entry', async () => {
      await withEmulator(seed(), async (emulator) => {
        emulator.state.sogoRestartFails = true;
        const { client: mailcow } = client(emulator.url);
        const error = failure(
          await mailcow.addDomain({ domain: 'sogo.example', restartSogo: true }),
        );
        assert.equal(error.kind, 'rejected');
        assert.equal(error.reason, 'mailcow-warning');
        assert.equal(error.msgKey, 'domain_added_sogo_failed');
        assert.match(error.message, /read the state back/);
        assert.ok(value(await mailcow.getDomain('sogo.example')), 'the domain was stored anyway');
        mailcow.dispose();
      });
    });

    it('edits relay flags and the relayhost id together, as ints', async () => {
      await withEmulator(seed({ domains: [{ domain_name: 'example.com' }] }), async (emulator) => {
        const { client: mailcow } = client(emulator.url);
        value(
          await mailcow.editDomain('example.com', {
            relayhostId: 7,
            relay: { domain: true, allRecipients: true, unknownOnly: false },
          }),
        );
        assert.deepEqual(JSON.parse(emulator.requests[0]?.body ?? 'null'), {
          items: ['example.com'],
          attr: { relayhost: 7, backupmx: 1, relay_all_recipients: 1, relay_unknown_only: 0 },
        });
        const edited = value(await mailcow.getDomain('example.com'));
        assert.equal(edited?.relayhostId, 7);
        assert.deepEqual(edited?.relay, { domain: true, allRecipients: true, unknownOnly: false });

        value(
          await mailcow.editDomain('example.com', {
            relayhostId: 0,
            relay: { domain: false, allRecipients: false, unknownOnly: false },
          }),
        );
        const cleared = value(await mailcow.getDomain('example.com'));
        assert.deepEqual(cleared?.relay, {
          domain: false,
          allRecipients: false,
          unknownOnly: false,
        });
        assert.equal(cleared?.relayhostId, 0);
        mailcow.dispose();
      });
    });

    it('adds relayhosts: no id comes back and a duplicate hostname is a new row', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: mailcow, logger } = client(emulator.url);
        const password = newSecret();
        secretsSeen.add(password);
        const reply = value(await mailcow.addRelayhost('[gw.example]:25', 'relay', password));
        assert.deepEqual(
          reply.entries.map((entry) => [entry.msgKey, ...entry.msgArgs]),
          [['relayhost_added', '']],
        );
        value(await mailcow.addRelayhost('[gw.example]:25'));
        const relayhosts = value(await mailcow.getRelayhosts());
        assert.deepEqual(
          relayhosts.map((relayhost) => [relayhost.id, relayhost.hostname, relayhost.hasPassword]),
          [
            [1, '[gw.example]:25', true],
            [2, '[gw.example]:25', false],
          ],
        );
        const missing = failure(await mailcow.addRelayhost('  '));
        assert.equal(missing.msgKey, 'invalid_host');
        // mailcow echoes the password in its reply's log array and in GET relayhost.
        assert.ok(!logger.lines.some((line) => line.includes(password)));
        assert.ok(logger.lines.some((line) => line.startsWith('debug mailcow ← body')));
        mailcow.dispose();
      });
    });

    it('adds forwarding hosts: addresses as given, host names resolved through DNS', async () => {
      await withEmulator(
        seed(),
        async (emulator) => {
          const { client: mailcow } = client(emulator.url);
          const literal = value(await mailcow.addForwardingHost('192.0.2.10', true));
          assert.deepEqual(literal.addresses, ['192.0.2.10']);
          const viaMx = value(await mailcow.addForwardingHost('mx.gateway.test', false));
          assert.deepEqual(viaMx.addresses, ['192.0.2.200', '192.0.2.201']);
          const viaSpf = value(await mailcow.addForwardingHost('spf.gateway.test', false));
          assert.deepEqual(viaSpf.addresses, ['198.51.100.0/26', '2001:db8:7::/48']);
          const hosts = value(await mailcow.getForwardingHosts());
          assert.deepEqual(
            hosts.map((host) => [host.host, host.source, host.keepSpam]),
            [
              ['192.0.2.10', '192.0.2.10', false],
              ['192.0.2.200', 'mx.gateway.test', true],
              ['192.0.2.201', 'mx.gateway.test', true],
              ['198.51.100.0/26', 'spf.gateway.test', true],
              ['2001:db8:7::/48', 'spf.gateway.test', true],
            ],
          );
          const unknown = failure(await mailcow.addForwardingHost('nx.gateway.test', false));
          assert.equal(unknown.msgKey, 'invalid_host');
          assert.match(unknown.message, /nx\.gateway\.test/);
          assert.match(unknown.message, /SPF/);
          mailcow.dispose();
        },
        { dnsServers: [dns.address] },
      );
    });

    it('reports a read-only key on every write', async () => {
      await withEmulator(seed({ domains: [{ domain_name: 'example.com' }] }), async (emulator) => {
        const { client: mailcow } = client(emulator.url, { key: RO });
        const writes: Promise<MailcowResult<unknown>>[] = [
          mailcow.addDomain({ domain: 'new.example' }),
          mailcow.addRelayhost('[gw.example]:25'),
          mailcow.addForwardingHost('192.0.2.1', false),
          mailcow.editDomain('example.com', { relayhostId: 1 }),
        ];
        for (const result of await Promise.all(writes)) {
          const error = failure(result);
          assert.equal(error.kind, 'read-only');
          assert.equal(error.status, 403);
          assert.match(error.message, /read-only/);
        }
        assert.equal(value(await mailcow.getDomains()).length, 1, 'reads still work');
        assert.equal(emulator.state.domains.size, 1);
        mailcow.dispose();
      });
    });
  });

  describe('authentication', () => {
    it('names the address mailcow saw when the key is not allowed from it', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: mailcow } = client(emulator.url, { key: IP_DENIED });
        const error = failure(await mailcow.getDomains());
        assert.equal(error.kind, 'ip-not-allowed');
        assert.equal(error.deniedAddress, '127.0.0.1');
        assert.equal(error.status, 401);
        assert.match(error.message, /127\.0\.0\.1/);
        mailcow.dispose();
      });
    });

    it('reports unknown and inactive keys as authentication failures', async () => {
      await withEmulator(seed(), async (emulator) => {
        for (const key of [UNKNOWN, INACTIVE]) {
          const { client: mailcow } = client(emulator.url, { key });
          const error = failure(await mailcow.getVersion());
          assert.equal(error.kind, 'auth-failed');
          assert.equal(error.reason, 'key-unknown');
          assert.equal(error.msgKey, 'authentication failed');
          mailcow.dispose();
        }
      });
    });

    it('sends nothing without a key', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: mailcow } = client(emulator.url, { key: undefined });
        const error = failure(await mailcow.getDomains());
        assert.equal(error.kind, 'auth-failed');
        assert.equal(error.reason, 'no-key');
        assert.equal(apiRequests(emulator), 0);
        mailcow.dispose();
      });
    });

    it('treats an empty 200 answer to a read as not signed in', async () => {
      await withEmulator(seed(), async (emulator) => {
        emulator.injectFault({
          kind: 'status',
          status: 200,
          body: '',
          contentType: 'application/json',
        });
        const { client: mailcow } = client(emulator.url);
        const error = failure(await mailcow.getDomains());
        assert.equal(error.kind, 'auth-failed');
        assert.equal(error.reason, 'empty-answer');
        mailcow.dispose();
      });
    });

    it('backs off after a rejected key: no request reaches mailcow until the wait is over', async () => {
      await withEmulator(seed(), async (emulator) => {
        let now = 1_000_000;
        const { client: mailcow, logger } = client(emulator.url, {
          key: UNKNOWN,
          options: { now: () => now },
        });
        assert.equal(failure(await mailcow.getDomains()).kind, 'auth-failed');
        assert.equal(apiRequests(emulator), 1);

        const blocked = failure(await mailcow.getDomains());
        assert.equal(blocked.kind, 'backed-off');
        assert.equal(blocked.retryInSeconds, 2);
        assert.match(blocked.message, /2 s/);
        assert.equal(apiRequests(emulator), 1, 'the blocked call was not sent');

        now += 2_000;
        assert.equal(failure(await mailcow.getDomains()).kind, 'auth-failed');
        assert.equal(apiRequests(emulator), 2);
        now += 3_000;
        const longer = failure(await mailcow.addDomain({ domain: 'x.example' }));
        assert.equal(longer.kind, 'backed-off');
        assert.equal(longer.retryInSeconds, 1, 'the second wait is 4 s');
        assert.equal(longer.failures, 2);
        assert.equal(apiRequests(emulator), 2);
        assert.ok(
          logger.lines.some((line) => line.startsWith('warn') && line.includes('rejected')),
        );
        mailcow.dispose();
      });
    });

    it('lets one request find out whether a new key works before sending the others', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: bad } = client(emulator.url, { key: IP_DENIED });
        const result = await readMailcowState(bad);
        assert.equal(failure(result).kind, 'ip-not-allowed');
        assert.equal(apiRequests(emulator), 1, 'three of the four reads were never sent');
        bad.dispose();

        const { client: good } = client(emulator.url);
        value(await readMailcowState(good));
        assert.equal(apiRequests(emulator), 5);
        good.dispose();
      });
    });

    it('tries a different key at once, and forgets the back-off after a success', async () => {
      await withEmulator(seed(), async (emulator) => {
        let key = UNKNOWN;
        const logger = new RecordingLogger();
        loggers.push(logger);
        const mailcow = new MailcowClient({
          baseUrl: emulator.url,
          apiKey: () => Promise.resolve(key),
          timeoutMs: 2_000,
          logger,
        });
        failure(await mailcow.getVersion());
        key = RW;
        assert.equal(value(await mailcow.getVersion()), '2026-07a');
        mailcow.dispose();
      });
    });
  });

  describe('broken answers and transports', () => {
    it('reports a web page, non-JSON text, HTTP 500 and 502 as what they are', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: mailcow } = client(emulator.url);
        emulator.injectFault({ kind: 'html' }, { times: 1 });
        const html = failure(await mailcow.getDomains());
        assert.equal(html.kind, 'bad-response');
        assert.equal(html.reason, 'html');
        assert.match(html.message, /web page/);

        emulator.injectFault({ kind: 'not-json' }, { times: 1 });
        assert.equal(failure(await mailcow.getDomains()).reason, 'not-json');

        emulator.injectFault({ kind: 'status', status: 500 }, { times: 1 });
        const server = failure(await mailcow.addDomain({ domain: 'x.example' }));
        assert.equal(server.reason, 'server-error');
        assert.equal(server.status, 500);

        emulator.injectFault({ kind: 'status', status: 502 }, { times: 1 });
        const gateway = failure(await mailcow.getDomains());
        assert.equal(gateway.kind, 'unreachable');
        assert.equal(gateway.reason, 'gateway');

        emulator.injectFault(
          { kind: 'status', status: 200, body: '', contentType: 'application/json' },
          { times: 1 },
        );
        const emptyWrite = failure(await mailcow.addDomain({ domain: 'y.example' }));
        assert.equal(emptyWrite.reason, 'empty-write-answer');
        assert.match(emptyWrite.message, /read the state back/);
        mailcow.dispose();
      });
    });

    it('reports mailcow’s envelope errors: unknown routes and refused bodies', async () => {
      await withEmulator(seed(), async (emulator) => {
        const { client: mailcow } = client(emulator.url);
        emulator.injectFault(
          {
            kind: 'status',
            status: 404,
            body: '{"type":"error","msg":"route not found"}',
            contentType: 'application/json',
          },
          { times: 1 },
        );
        const route = failure(await mailcow.getPostfixLog(5));
        assert.equal(route.reason, 'route-not-found');
        emulator.injectFault(
          {
            kind: 'status',
            status: 200,
            body: '{"type":"error","msg":"Cannot add item"}',
            contentType: 'application/json',
          },
          { times: 1 },
        );
        const cannot = failure(await mailcow.addRelayhost('x'));
        assert.equal(cannot.kind, 'rejected');
        assert.equal(cannot.msgKey, 'Cannot add item');
        mailcow.dispose();
      });
    });

    it('times out when mailcow answers too late', async () => {
      await withEmulator(seed(), async (emulator) => {
        emulator.injectFault({ kind: 'delay', ms: 1_500 }, { times: 1 });
        const { client: mailcow } = client(emulator.url, { options: { timeoutMs: 200 } });
        const error = failure(await mailcow.getDomains());
        assert.equal(error.kind, 'timeout');
        mailcow.dispose();
      });
    });

    it('reports a dropped connection and a refused one', async () => {
      await withEmulator(seed(), async (emulator) => {
        emulator.injectFault({ kind: 'drop' }, { times: 1 });
        const { client: mailcow } = client(emulator.url);
        const dropped = failure(await mailcow.getDomains());
        assert.equal(dropped.kind, 'unreachable');
        assert.equal(dropped.reason, 'dropped');
        mailcow.dispose();
      });
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const { client: mailcow } = client(`http://127.0.0.1:${port}`);
      const refused = failure(await mailcow.getDomains());
      assert.equal(refused.kind, 'unreachable');
      assert.equal(refused.reason, 'refused');
      assert.match(refused.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      mailcow.dispose();
    });

    it('does not follow a redirect, so the key never reaches another origin', async () => {
      const elsewhere: http.IncomingHttpHeaders[] = [];
      const other = http.createServer((req, res) => {
        elsewhere.push(req.headers);
        res.end('{}');
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      try {
        await withEmulator(seed(), async (emulator) => {
          emulator.injectFault({
            kind: 'redirect',
            location: `${otherUrl}/api/v1/get/domain/all?x=1`,
          });
          const { client: mailcow } = client(emulator.url);
          const error = failure(await mailcow.getDomains());
          assert.equal(error.kind, 'bad-response');
          assert.equal(error.reason, 'redirect');
          assert.equal(error.location, `${otherUrl}/api/v1/get/domain/all`);
          assert.equal(elsewhere.length, 0);
          mailcow.dispose();
        });
      } finally {
        await new Promise<void>((resolve) => other.close(() => resolve()));
      }
    });
  });

  describe('TLS and proxies', () => {
    let certificates: TestCertificates;

    before(() => {
      certificates = makeTestCertificates({ dns: ['mail.sandbox.test'], ip: ['127.0.0.1'] });
    });
    after(() => {
      certificates.cleanup();
    });

    const tls = (): Parameters<typeof startMailcowEmulator>[1] => ({
      tls: { cert: certificates.serverCert, key: certificates.serverKey },
    });

    it('trusts a private CA from caFile, on top of the built-in authorities', async () => {
      await withEmulator(
        seed(),
        async (emulator) => {
          const { client: untrusting } = client(emulator.url);
          const untrusted = failure(await untrusting.getVersion());
          assert.equal(untrusted.kind, 'tls');
          assert.equal(untrusted.reason, 'tls-untrusted');
          assert.match(untrusted.message, /caFile/);
          untrusting.dispose();

          const { client: trusting } = client(emulator.url, {
            options: { caFile: certificates.caFile },
          });
          assert.equal(value(await trusting.getVersion()), '2026-07a');
          trusting.dispose();

          const { client: noFile } = client(emulator.url, {
            options: { caFile: `${certificates.caFile}.missing` },
          });
          const unreadable = failure(await noFile.getVersion());
          assert.equal(unreadable.kind, 'tls');
          assert.equal(unreadable.reason, 'ca-file');
          noFile.dispose();
        },
        tls(),
      );
    });

    it('reports a certificate issued for another name', async () => {
      await withEmulator(
        seed(),
        async (emulator) => {
          const { client: mailcow } = client(`https://localhost:${emulator.port}`, {
            options: {
              caFile: certificates.caFile,
              lookup: () => Promise.resolve({ address: '127.0.0.1', family: 4 }),
            },
          });
          const error = failure(await mailcow.getVersion());
          assert.equal(error.kind, 'tls');
          assert.equal(error.reason, 'tls-name');
          mailcow.dispose();
        },
        tls(),
      );
    });

    it('tunnels through a CONNECT proxy, and goes direct for NO_PROXY hosts', async () => {
      await withEmulator(
        seed(),
        async (emulator) => {
          const proxy = await startTestProxy({ hosts: { 'mail.sandbox.test': '127.0.0.1' } });
          const baseUrl = `https://mail.sandbox.test:${emulator.port}`;
          try {
            const { client: proxied } = client(baseUrl, {
              options: {
                caFile: certificates.caFile,
                proxy: { url: proxy.url, noProxy: 'intranet.test' },
              },
            });
            assert.equal(value(await proxied.getVersion()), '2026-07a');
            assert.deepEqual(proxy.tunnels, [`mail.sandbox.test:${emulator.port}`]);
            proxied.dispose();

            for (const noProxy of [
              'sandbox.test',
              '.sandbox.test',
              `mail.sandbox.test:${emulator.port}`,
              '*',
            ]) {
              const { client: direct } = client(baseUrl, {
                options: {
                  caFile: certificates.caFile,
                  proxy: { url: proxy.url, noProxy },
                  // Resolves only this name, so a direct request cannot leave loopback.
                  lookup: (host) =>
                    host === 'mail.sandbox.test'
                      ? Promise.resolve({ address: '127.0.0.1', family: 4 })
                      : Promise.reject(new Error(`unexpected lookup of ${host}`)),
                },
              });
              assert.equal(
                value(await direct.getVersion()),
                '2026-07a',
                `direct with NO_PROXY=${noProxy}`,
              );
              direct.dispose();
            }
            assert.equal(proxy.tunnels.length, 1, 'the bypassing requests did not use the proxy');

            const { client: wrongPort } = client(baseUrl, {
              options: {
                caFile: certificates.caFile,
                proxy: { url: proxy.url, noProxy: 'mail.sandbox.test:1' },
              },
            });
            value(await wrongPort.getVersion());
            assert.equal(proxy.tunnels.length, 2, 'an entry for another port does not bypass');
            wrongPort.dispose();
          } finally {
            await proxy.close();
          }
        },
        tls(),
      );
    });

    it('honours strictSSL false through the proxy, and reports proxy failures', async () => {
      await withEmulator(
        seed(),
        async (emulator) => {
          const proxy = await startTestProxy({ hosts: { 'mail.sandbox.test': '127.0.0.1' } });
          try {
            const { client: lax, logger } = client(`https://mail.sandbox.test:${emulator.port}`, {
              options: { proxy: { url: proxy.url, strictSSL: false } },
            });
            assert.equal(value(await lax.getVersion()), '2026-07a');
            assert.ok(logger.lines.some((line) => line.includes('certificate checks are off')));
            lax.dispose();

            const { client: unknownHost } = client(
              `https://unknown.sandbox.test:${emulator.port}`,
              {
                options: { caFile: certificates.caFile, proxy: { url: proxy.url } },
              },
            );
            const error = failure(await unknownHost.getVersion());
            assert.equal(error.kind, 'unreachable');
            unknownHost.dispose();
          } finally {
            await proxy.close();
          }
        },
        tls(),
      );
    });

    it('forwards plain-HTTP requests through an authenticating proxy without logging its password', async () => {
      await withEmulator(seed(), async (emulator) => {
        const proxyPassword = newSecret();
        secretsSeen.add(proxyPassword);
        const proxy = await startTestProxy({
          hosts: { 'mail.sandbox.test': '127.0.0.1' },
          credentials: { username: 'proxyuser', password: proxyPassword },
        });
        try {
          const baseUrl = `http://mail.sandbox.test:${emulator.port}`;
          const { client: anonymous } = client(baseUrl, { options: { proxy: { url: proxy.url } } });
          const refused = failure(await anonymous.getVersion());
          assert.equal(refused.reason, 'proxy-auth');
          anonymous.dispose();

          const withCredentials = proxy.url.replace(
            'http://',
            `http://proxyuser:${proxyPassword}@`,
          );
          const { client: signedIn, logger } = client(baseUrl, {
            options: { proxy: { url: withCredentials } },
          });
          assert.equal(value(await signedIn.getVersion()), '2026-07a');
          assert.ok(
            proxy.forwarded.some((url) => url.startsWith(`${baseUrl}/api/v1/get/status/version`)),
          );
          assert.ok(logger.lines.some((line) => line.includes(`via ${proxy.url}`)));
          signedIn.dispose();
        } finally {
          await proxy.close();
        }
      });
    });
  });

  // Runs last: every line logged and every error message made above.
  it('never logs or shows a key or a password', () => {
    const lines = loggers.flatMap((logger) => logger.lines);
    assert.ok(lines.length > 50, 'the tests above logged');
    assert.ok(errors.length > 30, 'the tests above made errors');
    const texts = [...lines, ...errors.map((error) => JSON.stringify(error))];
    for (const secret of secretsSeen) {
      for (const text of texts) {
        assert.ok(!text.includes(secret), `a secret leaked into: ${text.slice(0, 120)}`);
      }
    }
  });
});
