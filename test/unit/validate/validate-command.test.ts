import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runValidate } from '../../../src/cli/validate-command';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import type { MailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  TENANT_ID,
  assertNoSecrets,
  baseSeed,
  fakeClock,
  guardLoopback,
} from '../exchange/exchange-test-kit';

const KEY = '9A8B7C-6D5E4F-9A8B7C-6D5E4F-9A8B7C';
const MINUTE = 60_000;
const KEY_VARIABLE = 'MAIL_HYBRID_TEST_MAILCOW_KEY';
const SECRET_VARIABLE = 'MAIL_HYBRID_TEST_EXCHANGE_SECRET';

function line(at: number, program: string, message: string) {
  return { time: String(Math.floor(at / 1000)), priority: 'info', program, message };
}

describe('validate on the command line', () => {
  const guard = guardLoopback();
  let mailcow: MailcowEmulator;
  let exchange: ExchangeEmulators;
  let folder: string;
  let specFile: string;

  before(async () => {
    process.env[KEY_VARIABLE] = KEY;
    process.env[SECRET_VARIABLE] = ADMIN_SECRET;
    mailcow = await startMailcowEmulator({
      apiKeys: [{ key: KEY, access: 'ro', allowFrom: ['127.0.0.1', '::1'] }],
    });
    exchange = await startExchangeEmulators(baseSeed());
    folder = await mkdtemp(join(tmpdir(), 'mail-hybrid-validate-'));
    specFile = join(folder, 'hybrid.yaml');
    await writeFile(
      specFile,
      [
        'version: 1',
        'domains:',
        '  - example.com',
        'mailcow:',
        `  url: ${mailcow.url}`,
        '  hostname: mail.example.com',
        `  apiKey: env:${KEY_VARIABLE}`,
        'exchange:',
        `  tenant: ${TENANT_ID}`,
        '  gateway: example-com.mail.protection.outlook.com',
        '  endpoints:',
        `    login: ${exchange.loginUrl}`,
        `    admin: ${exchange.adminUrl}`,
        '  auth:',
        '    method: clientSecret',
        `    clientId: ${ADMIN_APP}`,
        `    clientSecret: env:${SECRET_VARIABLE}`,
        'checks:',
        '  validation:',
        '    mailcowMailbox: app@example.com',
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    delete process.env[KEY_VARIABLE];
    delete process.env[SECRET_VARIABLE];
    await mailcow.close();
    await exchange.close();
    await rm(folder, { recursive: true, force: true });
    guard.dispose();
    assert.deepEqual(guard.violations, []);
  });

  beforeEach(() => {
    mailcow.state.postfixLog.length = 0;
    exchange.state.messageTrace.length = 0;
  });

  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runValidate(
      [specFile, ...args],
      { out: (text) => out.push(text), err: (text) => err.push(text) },
      { clock: fakeClock() },
    );
    assertNoSecrets([...out, ...err], [KEY, ADMIN_SECRET]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('reports both directions delivered, step by step, and exits 0', async () => {
    const now = Date.now();
    exchange.state.messageTrace.push(
      {
        MessageTraceId: '00000000-0000-4000-8000-000000000001',
        Received: new Date(now - 5 * MINUTE).toISOString(),
        SenderAddress: 'friend@partner.example',
        RecipientAddress: 'app@example.com',
        Subject: 'test in',
        Status: 'Delivered',
        FromIP: '203.0.113.20',
        ToIP: '198.51.100.25',
        MessageId: '<in-1@partner.example>',
      },
      {
        MessageTraceId: '00000000-0000-4000-8000-000000000002',
        Received: new Date(now - 3 * MINUTE).toISOString(),
        SenderAddress: 'app@example.com',
        RecipientAddress: 'friend@partner.example',
        Subject: 'test out',
        Status: 'Delivered',
        FromIP: '198.51.100.25',
        ToIP: '203.0.113.80',
        MessageId: '<out-1@example.com>',
      },
    );
    mailcow.state.postfixLog.unshift(
      line(
        now - 4 * MINUTE,
        'postfix/qmgr',
        '4QinAAA1: from=<friend@partner.example>, size=900, nrcpt=1 (queue active)',
      ),
      line(
        now - 4 * MINUTE,
        'postfix/lmtp',
        '4QinAAA1: to=<app@example.com>, relay=dovecot[192.168.247.250]:24, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 <app@example.com> Saved)',
      ),
      line(
        now - 3 * MINUTE,
        'postfix/qmgr',
        '4QoutBBB2: from=<app@example.com>, size=800, nrcpt=1 (queue active)',
      ),
      line(
        now - 3 * MINUTE,
        'postfix/smtp',
        '4QoutBBB2: to=<friend@partner.example>, relay=example-com.mail.protection.outlook.com[192.0.2.10]:25, delay=0.9, delays=0/0/0.4/0.5, dsn=2.6.0, status=sent (250 2.6.0 <out-1@example.com> [InternalId=1] Queued mail for delivery)',
      ),
    );
    mailcow.state.postfixLog.reverse();
    const { code, out, err } = await run([]);
    assert.equal(code, 0, err);
    assert.match(
      out,
      /^Inbound: the internet → Exchange → mailcow \(app@example\.com\): arrived$/m,
    );
    assert.match(
      out,
      /✓ Exchange Online: Exchange received the message from friend@partner\.example/,
    );
    assert.match(out, /✓ mailcow: mailcow delivered the message to app@example\.com/);
    assert.match(
      out,
      /^Outbound: mailcow \(app@example\.com\) → Exchange → the internet: arrived$/m,
    );
    assert.match(
      out,
      /✓ mailcow: mailcow handed the message to example-com\.mail\.protection\.outlook\.com/,
    );
    assert.match(err, /inbound: look 1, exchange done, mailcow done/);
  });

  it("explains the bounce and exits 1 when mailcow's mail is refused", async () => {
    const now = Date.now();
    mailcow.state.postfixLog.unshift(
      line(
        now - MINUTE,
        'postfix/smtp',
        '4QoutCCC3: to=<friend@partner.example>, relay=example-com.mail.protection.outlook.com[192.0.2.10]:25, delay=0.9, delays=0/0/0.4/0.5, dsn=5.7.64, status=bounced (host example-com.mail.protection.outlook.com[192.0.2.10] said: 550 5.7.64 TenantAttribution; Relay Access Denied [AM0PR01MB1234.eurprd01.prod.exchangelabs.com] (in reply to RCPT TO command))',
      ),
      line(
        now - MINUTE,
        'postfix/qmgr',
        '4QoutCCC3: from=<app@example.com>, size=800, nrcpt=1 (queue active)',
      ),
    );
    const { code, out } = await run(['--direction', 'outbound', '--timeout', '1']);
    assert.equal(code, 1);
    assert.match(out, /: failed$/m);
    assert.match(out, /✗ mailcow: mailcow gave up on the message for friend@partner\.example/);
    assert.match(out, /→ 5\.7\.64 TenantAttribution.*Findings: inbound-cert-not-accepted-domain/);
  });

  it('prints JSON and refuses a spec without a validation mailbox', async () => {
    const json = await run(['--direction', 'inbound', '--timeout', '0.5', '--format', 'json']);
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.out) as { reports: { outcome: string; polls: number }[] };
    assert.equal(parsed.reports[0]?.outcome, 'timeout');

    const bare = join(folder, 'bare.yaml');
    await writeFile(
      bare,
      'version: 1\ndomains: [example.com]\nmailcow:\n  url: https://mail.example.com\nexchange:\n  tenant: contoso.onmicrosoft.com\n  gateway: example-com.mail.protection.outlook.com\n',
    );
    const out: string[] = [];
    const code = await runValidate([bare], {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
    });
    assert.equal(code, 2);
    assert.match(out.join('\n'), /checks\.validation\.mailcowMailbox/);
  });
});
