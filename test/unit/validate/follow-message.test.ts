import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { ExchangeAdminClient } from '../../../src/core/exchange/exchange-admin-client';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import { silentLogger } from '../../../src/core/log';
import { MailcowClient } from '../../../src/core/mailcow/mailcow-client';
import type { ValidationReport } from '../../../src/core/validate/follow-message';
import { followMessage } from '../../../src/core/validate/follow-message';
import { readPostfixLog } from '../../../src/core/validate/postfix-log';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import type { MailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  TENANT_ID,
  baseSeed,
  fakeClock,
} from '../exchange/exchange-test-kit';

const KEY = '0A1B2C-3D4E5F-0A1B2C-3D4E5F-0A1B2C';
const MAILBOX = 'app@example.com';
const MINUTE = 60_000;

/** Postfix lines as mailcow's log returns them, for a message EOP relayed to the mailbox. */
function inboundLines(at: number, queueId = '4Q1abcXyZ') {
  const time = String(Math.floor(at / 1000));
  return [
    {
      program: 'postfix/smtpd',
      message: `${queueId}: client=mail-db8eur05on2100.outbound.protection.outlook.com[203.0.113.20]`,
    },
    { program: 'postfix/cleanup', message: `${queueId}: message-id=<test-1@partner.example>` },
    {
      program: 'postfix/qmgr',
      message: `${queueId}: from=<friend@partner.example>, size=2211, nrcpt=1 (queue active)`,
    },
    {
      program: 'postfix/lmtp',
      message: `${queueId}: to=<app@example.com>, relay=dovecot[192.168.247.250]:24, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 <app@example.com> Saved)`,
    },
    { program: 'postfix/qmgr', message: `${queueId}: removed` },
  ].map((line) => ({ ...line, time, priority: 'info' }));
}

/** A message from the mailbox that Exchange refused to relay. */
function outboundBounceLines(at: number) {
  const time = String(Math.floor(at / 1000));
  return [
    { program: 'postfix/cleanup', message: '4Q2defAbC: message-id=<out-1@example.com>' },
    {
      program: 'postfix/qmgr',
      message: '4Q2defAbC: from=<app@example.com>, size=1024, nrcpt=1 (queue active)',
    },
    {
      program: 'postfix/smtp',
      message:
        '4Q2defAbC: to=<friend@partner.example>, relay=example-com.mail.protection.outlook.com[192.0.2.10]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=5.7.64, status=bounced (host example-com.mail.protection.outlook.com[192.0.2.10] said: 550 5.7.64 TenantAttribution; Relay Access Denied [AM0PR01MB1234.eurprd01.prod.exchangelabs.com] (in reply to RCPT TO command))',
    },
  ].map((line) => ({ ...line, time, priority: 'info' }));
}

function traceRow(received: number, extra: Record<string, unknown> = {}) {
  return {
    MessageTraceId: '5f2c0a1e-0000-4000-8000-00000000a001',
    Received: new Date(received).toISOString(),
    SenderAddress: 'friend@partner.example',
    RecipientAddress: MAILBOX,
    Subject: 'mail-hybrid test',
    Status: 'Delivered',
    FromIP: '203.0.113.20',
    ToIP: '198.51.100.25',
    MessageId: '<test-1@partner.example>',
    ...extra,
  };
}

let mailcow: MailcowEmulator;
let exchange: ExchangeEmulators;
let mailcowClient: MailcowClient;
let exchangeClient: ExchangeAdminClient;

before(async () => {
  mailcow = await startMailcowEmulator({
    apiKeys: [{ key: KEY, access: 'ro', allowFrom: ['127.0.0.1', '::1'] }],
  });
  exchange = await startExchangeEmulators(baseSeed());
  mailcowClient = new MailcowClient({
    baseUrl: mailcow.url,
    apiKey: () => Promise.resolve(KEY),
    timeoutMs: 3000,
    logger: silentLogger,
  });
  exchangeClient = new ExchangeAdminClient({
    adminBaseUrl: exchange.adminUrl,
    tenant: TENANT_ID,
    logger: silentLogger,
    tokenSource: new ClientCredentialsTokenSource({
      identity: new IdentityClient({
        loginBaseUrl: exchange.loginUrl,
        tenant: TENANT_ID,
        logger: silentLogger,
        timeoutMs: 5000,
      }),
      clientId: ADMIN_APP,
      scope: exchangeScope(exchange.adminUrl),
      loadCredential: () => Promise.resolve({ kind: 'secret', secret: ADMIN_SECRET }),
      logger: silentLogger,
    }),
  });
});
after(async () => {
  await mailcow.close();
  await exchange.close();
});

function reset(): void {
  mailcow.state.postfixLog.length = 0;
  exchange.state.messageTrace.length = 0;
}

describe('readPostfixLog', () => {
  it('groups lines by queue id and keeps the reply of each delivery', () => {
    const now = Date.now();
    const entries = [...inboundLines(now), ...outboundBounceLines(now)]
      .reverse()
      .map((entry) => ({ ...entry, time: Number(entry.time) }));
    const view = readPostfixLog(entries);
    const inbound = view.messages.find((message) => message.queueId === '4Q1abcXyZ');
    assert.equal(inbound?.from, 'friend@partner.example');
    assert.equal(inbound?.messageId, 'test-1@partner.example');
    assert.equal(inbound?.deliveries[0]?.status, 'sent');
    assert.equal(inbound?.deliveries[0]?.agent, 'lmtp');
    const outbound = view.messages.find((message) => message.queueId === '4Q2defAbC');
    assert.equal(outbound?.deliveries[0]?.dsn, '5.7.64');
    assert.match(outbound?.deliveries[0]?.reply ?? '', /^host example-com.*RCPT TO command\)$/);
  });

  it('keeps recipients refused before queueing apart', () => {
    const view = readPostfixLog([
      {
        time: 1,
        priority: 'info',
        program: 'postfix/smtpd',
        message:
          'NOQUEUE: reject: RCPT from mail-db8eur05on2100.outbound.protection.outlook.com[203.0.113.20]: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table; from=<friend@partner.example> to=<bob@example.org> proto=ESMTP helo=<EUR05-DB8-obe.outbound.protection.outlook.com>',
      },
    ]);
    assert.deepEqual(view.messages, []);
    assert.equal(view.rejections[0]?.to, 'bob@example.org');
    assert.match(view.rejections[0]?.reply ?? '', /virtual mailbox table$/);
  });
});

describe('followMessage', () => {
  it('follows an inbound message through Exchange to its delivery on mailcow', async () => {
    reset();
    const now = Date.now();
    exchange.state.messageTrace.push(traceRow(now - 2 * MINUTE));
    for (const line of inboundLines(now - MINUTE).reverse()) {
      mailcow.state.postfixLog.unshift(line);
    }
    const report = await followMessage(
      'inbound',
      MAILBOX,
      { mailcow: mailcowClient, exchange: exchangeClient },
      { since: now - 10 * MINUTE, clock: fakeClock() },
    );
    assert.equal(report.outcome, 'delivered');
    assert.equal(report.polls, 1);
    assert.deepEqual(
      report.hops.map((hop) => `${hop.system}:${hop.state}`),
      ['exchange:done', 'mailcow:done'],
    );
    assert.match(report.hops[0]?.detail ?? '', /passed it on to 198\.51\.100\.25/);
    assert.match(report.hops[1]?.detail ?? '', /delivered the message to app@example\.com/);
    const cmdlets = exchange.admin.requests.map((request) => request.cmdlet);
    assert.ok(cmdlets.includes('Get-MessageTraceV2'));
  });

  it('waits while the trace lags and mailcow has not seen the message, then sees it arrive', async () => {
    reset();
    const start = Date.now();
    const progress: ValidationReport[] = [];
    const clock = fakeClock((_ms, index) => {
      if (index === 1) {
        exchange.state.messageTrace.push(traceRow(start + MINUTE));
        for (const line of inboundLines(start + 2 * MINUTE).reverse()) {
          mailcow.state.postfixLog.unshift(line);
        }
      }
    });
    const report = await followMessage(
      'inbound',
      MAILBOX,
      { mailcow: mailcowClient, exchange: exchangeClient },
      { since: start, clock, onProgress: (step) => progress.push(step) },
    );
    assert.equal(report.outcome, 'delivered');
    assert.equal(report.polls, 3);
    assert.deepEqual(clock.sleeps, [MINUTE, MINUTE]);
    assert.deepEqual(
      progress[0]?.hops.map((hop) => hop.state),
      ['pending', 'pending'],
    );
    assert.match(progress[0]?.hops[0]?.detail ?? '', /5 to 10 minutes/);
  });

  it("explains an outbound bounce from Exchange in mailcow's log", async () => {
    reset();
    const now = Date.now();
    for (const line of outboundBounceLines(now - MINUTE).reverse()) {
      mailcow.state.postfixLog.unshift(line);
    }
    const report = await followMessage(
      'outbound',
      MAILBOX,
      { mailcow: mailcowClient, exchange: exchangeClient },
      { since: now - 10 * MINUTE, clock: fakeClock() },
    );
    assert.equal(report.outcome, 'failed');
    const hop = report.hops[0];
    assert.equal(hop?.system, 'mailcow');
    assert.equal(hop?.state, 'failed');
    assert.match(hop?.detail ?? '', /550 5\.7\.64/);
    assert.equal(hop?.explanations?.[0]?.kind, 'tenant-attribution');
  });

  it('does not count a message from before the window', async () => {
    reset();
    const now = Date.now();
    exchange.state.messageTrace.push(traceRow(now - 60 * MINUTE));
    for (const line of inboundLines(now - 60 * MINUTE).reverse()) {
      mailcow.state.postfixLog.unshift(line);
    }
    const report = await followMessage(
      'inbound',
      MAILBOX,
      { mailcow: mailcowClient, exchange: exchangeClient },
      { since: now - 10 * MINUTE, clock: fakeClock(), timeoutMs: 2.5 * MINUTE },
    );
    assert.equal(report.outcome, 'timeout');
    assert.equal(report.polls, 3);
  });

  it('says a system could not be asked instead of waiting for it', async () => {
    reset();
    const broken = new MailcowClient({
      baseUrl: mailcow.url,
      apiKey: () => Promise.resolve('FFFFFF-FFFFFF-FFFFFF-FFFFFF-FFFFFF'),
      timeoutMs: 3000,
      logger: silentLogger,
    });
    const clock = fakeClock();
    const report = await followMessage(
      'inbound',
      MAILBOX,
      { mailcow: broken },
      { since: Date.now() - MINUTE, clock },
    );
    assert.equal(report.outcome, 'unreadable');
    assert.deepEqual(clock.sleeps, []);
    assert.deepEqual(
      report.hops.map((hop) => hop.state),
      ['unknown', 'unknown'],
    );
    assert.match(report.hops[1]?.detail ?? '', /^Not checked: /);
  });
});
