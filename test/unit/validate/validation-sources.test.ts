import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exchangeClientFor } from '../../../src/core/exchange/exchange-live';
import { createLiveSession } from '../../../src/core/live/live-check';
import type { LiveHost } from '../../../src/core/live/live-system';
import { silentLogger } from '../../../src/core/log';
import { mailcowClientFor } from '../../../src/core/mailcow/mailcow-session';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import type { SecretRef } from '../../../src/core/spec/model';
import { followMessage } from '../../../src/core/validate/follow-message';
import { validationSourcesFor } from '../../../src/core/validate/validation-sources';
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
  guardLoopback,
} from '../exchange/exchange-test-kit';

const KEY = '1F2E3D-4C5B6A-1F2E3D-4C5B6A-1F2E3D';
const MINUTE = 60_000;

describe('validationSourcesFor', () => {
  const guard = guardLoopback();
  let mailcow: MailcowEmulator;
  let exchange: ExchangeEmulators;

  before(async () => {
    mailcow = await startMailcowEmulator({
      apiKeys: [{ key: KEY, access: 'ro', allowFrom: ['127.0.0.1', '::1'] }],
    });
    exchange = await startExchangeEmulators(baseSeed());
  });

  after(async () => {
    await mailcow.close();
    await exchange.close();
    guard.dispose();
    assert.deepEqual(guard.violations, []);
  });

  function session(asked: { name: string; origin: string }[]) {
    const text = [
      'version: 1',
      'domains:',
      '  - example.com',
      'mailcow:',
      `  url: ${mailcow.url}`,
      '  hostname: mail.example.com',
      '  apiKey: secret:mailcow-key',
      'exchange:',
      `  tenant: ${TENANT_ID}`,
      '  gateway: example-com.mail.protection.outlook.com',
      '  endpoints:',
      `    login: ${exchange.loginUrl}`,
      `    admin: ${exchange.adminUrl}`,
      '  auth:',
      '    method: clientSecret',
      `    clientId: ${ADMIN_APP}`,
      '    clientSecret: secret:exchange-app',
      '',
    ].join('\n');
    const parsed = parseSpec(text);
    assert.ok(parsed.spec, 'the spec parses');
    const host: LiveHost = {
      logger: silentLogger,
      timeoutMs: 5000,
      resolveSecret(ref: SecretRef, origin: string) {
        const name = ref.kind === 'inline' ? '' : ref.name;
        asked.push({ name, origin });
        const values: Record<string, string> = { 'mailcow-key': KEY, 'exchange-app': ADMIN_SECRET };
        return Promise.resolve(values[name]);
      },
    };
    return createLiveSession(parsed.spec, parsed.source, host);
  }

  it("hands out the session's own clients, so a message is followed with what the check used", () => {
    const one = session([]);
    const sources = validationSourcesFor(one);
    assert.equal(sources.mailcow, mailcowClientFor(one));
    assert.equal(sources.exchange, exchangeClientFor(one));
    assert.notEqual(validationSourcesFor(session([])).mailcow, sources.mailcow);
  });

  it('follows a delivered message, each secret asked for the origin it is sent to', async () => {
    const now = Date.now();
    exchange.state.messageTrace.push({
      MessageTraceId: '00000000-0000-4000-8000-0000000000a1',
      Received: new Date(now - 5 * MINUTE).toISOString(),
      SenderAddress: 'friend@partner.example',
      RecipientAddress: 'app@example.com',
      Subject: 'test in',
      Status: 'Delivered',
      FromIP: '203.0.113.20',
      ToIP: '198.51.100.25',
      MessageId: '<in-a1@partner.example>',
    });
    const time = String(Math.floor((now - 4 * MINUTE) / 1000));
    mailcow.state.postfixLog.unshift(
      {
        time,
        priority: 'info',
        program: 'postfix/lmtp',
        message:
          '4QsrcAAA1: to=<app@example.com>, relay=dovecot[192.168.247.250]:24, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 <app@example.com> Saved)',
      },
      {
        time,
        priority: 'info',
        program: 'postfix/qmgr',
        message: '4QsrcAAA1: from=<friend@partner.example>, size=900, nrcpt=1 (queue active)',
      },
    );
    const asked: { name: string; origin: string }[] = [];
    const report = await followMessage(
      'inbound',
      'app@example.com',
      validationSourcesFor(session(asked)),
      { since: now - 30 * MINUTE, clock: fakeClock() },
    );
    assert.equal(report.outcome, 'delivered');
    assert.deepEqual(
      report.hops.map((hop) => [hop.system, hop.state]),
      [
        ['exchange', 'done'],
        ['mailcow', 'done'],
      ],
    );
    assert.deepEqual(
      asked.sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'exchange-app', origin: new URL(exchange.loginUrl).origin },
        { name: 'mailcow-key', origin: new URL(mailcow.url).origin },
      ],
    );
  });
});
