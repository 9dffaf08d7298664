import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceCodePrompt } from '../../../src/core/exchange/device-code-token-source';
import {
  DeviceCodeTokenSource,
  EXCHANGE_PUBLIC_CLIENT_ID,
} from '../../../src/core/exchange/device-code-token-source';
import { ExchangeAuthError } from '../../../src/core/exchange/exchange-error';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import {
  ADMIN_APP,
  INITIAL_DOMAIN,
  TENANT_ID,
  assertNoSecrets,
  baseSeed,
  fakeClock,
  guardLoopback,
  recordingLogger,
} from './exchange-test-kit';

const INTERVAL_SECONDS = 2;

describe('device-code sign-in against the emulated identity platform', () => {
  const guard = guardLoopback();
  const log = recordingLogger();
  const errors: string[] = [];
  let emulators: ExchangeEmulators;

  before(async () => {
    emulators = await startExchangeEmulators(
      baseSeed({
        users: [
          { userPrincipalName: `admin@${INITIAL_DOMAIN}`, roles: ['Exchange Administrator'] },
        ],
      }),
      { deviceCodeIntervalSeconds: INTERVAL_SECONDS, deviceCodeLifetimeSeconds: 600 },
    );
  });

  after(async () => {
    await emulators.close();
    guard.dispose();
    assertNoSecrets(
      [...log.lines, ...errors],
      [...emulators.identity.issuedTokens, ...emulators.identity.receivedCredentials],
    );
    assert.deepEqual(guard.violations, []);
    assert.ok(guard.connected.length > 0);
  });

  /**
   * A device-code source whose clock acts on the emulator after a number of polls: `act`
   * receives the user code and the index of the sleep that just ended.
   */
  function deviceSource(
    act: (userCode: string, sleepIndex: number) => void,
    clientId?: string,
  ): {
    source: DeviceCodeTokenSource;
    prompts: DeviceCodePrompt[];
    clock: ReturnType<typeof fakeClock>;
  } {
    const prompts: DeviceCodePrompt[] = [];
    const clock = fakeClock((_ms, index) => {
      const prompt = prompts.at(-1);
      if (prompt) {
        act(prompt.userCode, index);
      }
    });
    const source = new DeviceCodeTokenSource({
      identity: new IdentityClient({
        loginBaseUrl: emulators.loginUrl,
        tenant: TENANT_ID,
        logger: log.logger,
        timeoutMs: 5000,
      }),
      scope: exchangeScope(emulators.adminUrl),
      onCode: (prompt) => prompts.push(prompt),
      logger: log.logger,
      clock,
      ...(clientId ? { clientId } : {}),
    });
    return { source, prompts, clock };
  }

  async function failure(promise: Promise<string>): Promise<ExchangeAuthError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof ExchangeAuthError);
      errors.push(error.message);
      return error;
    }
    assert.fail('expected the sign-in to fail');
  }

  it('shows the code and URL, polls while pending at the server interval, then gets a delegated token', async () => {
    const { source, prompts, clock } = deviceSource((code, index) => {
      if (index === 2) {
        emulators.identity.approveDeviceCode(code);
      }
    });
    const token = await source.getToken();
    assert.equal(prompts.length, 1);
    const prompt = prompts[0] as DeviceCodePrompt;
    assert.equal(prompt.verificationUri, `${emulators.loginUrl}/devicelogin`);
    assert.ok(prompt.message.includes(prompt.userCode));
    assert.ok(prompt.message.includes(prompt.verificationUri));
    assert.deepEqual(clock.sleeps, [2000, 2000, 2000]);
    const polls = emulators.identity.tokenRequests.filter((request) =>
      request.grantType.endsWith('device_code'),
    );
    assert.deepEqual(
      polls.slice(-3).map((request) => request.outcome),
      ['authorization_pending', 'authorization_pending', 'issued'],
    );
    assert.equal(polls.at(-1)?.clientId, EXCHANGE_PUBLIC_CLIENT_ID);
    const check = emulators.identity.verifyAccessToken(token, emulators.adminUrl);
    assert.equal(check.ok && check.claims.upn, `admin@${INITIAL_DOMAIN}`);
    assert.equal(check.ok && check.claims.idtyp, 'user');
    // Cached: no second code.
    assert.equal(await source.getToken(), token);
    assert.equal(prompts.length, 1);
  });

  it('adds five seconds to the interval for each slow_down', async () => {
    emulators.identity.slowDownNextPolls(2);
    const { source, clock } = deviceSource((code, index) => {
      if (index === 3) {
        emulators.identity.approveDeviceCode(code);
      }
    });
    await source.getToken();
    assert.deepEqual(clock.sleeps, [2000, 7000, 12000, 12000]);
  });

  it('stops with a clear sentence when the code expires', async () => {
    const { source } = deviceSource((code, index) => {
      if (index === 1) {
        emulators.identity.expireDeviceCode(code);
      }
    });
    const error = await failure(source.getToken());
    assert.equal(error.error.kind, 'auth-failed');
    assert.match(error.message, /code expired before it was used/);
    assert.equal(error.error.serverCode, 'AADSTS70019');
  });

  it('stops by itself at the code lifetime when nobody signs in', async () => {
    const { source, clock } = deviceSource(() => undefined);
    const realStart = Date.now();
    const error = await failure(source.getToken());
    assert.match(error.message, /code expired/);
    const waited = clock.sleeps.reduce((sum, ms) => sum + ms, 0);
    // The fake clock runs on real time plus the sleeps, so a slow machine reaches the
    // deadline after correspondingly fewer sleeps.
    const realElapsed = Date.now() - realStart;
    assert.ok(
      waited + realElapsed >= 600_000 && waited <= 600_000 + INTERVAL_SECONDS * 1000,
      `waited ${waited} ms (plus ${realElapsed} ms of real time)`,
    );
  });

  for (const denial of ['authorization_declined', 'access_denied'] as const) {
    it(`stops when the sign-in is declined (${denial})`, async () => {
      const { source } = deviceSource((code, index) => {
        if (index === 0) {
          emulators.identity.denyDeviceCode(code, denial);
        }
      });
      const error = await failure(source.getToken());
      assert.match(error.message, /declined in the browser/);
      assert.equal(error.error.serverCode, 'AADSTS70000');
    });
  }

  it('renews the token silently with the refresh token once it expires', async () => {
    const { source, prompts, clock } = deviceSource((code, index) => {
      if (index === 0) {
        emulators.identity.approveDeviceCode(code);
      }
    });
    const first = await source.getToken();
    clock.advance(3600 * 1000);
    const second = await source.getToken();
    assert.notEqual(second, first);
    assert.equal(prompts.length, 1, 'no second code was shown');
    assert.equal(emulators.identity.tokenRequests.at(-1)?.grantType, 'refresh_token');
    assert.equal(emulators.identity.tokenRequests.at(-1)?.outcome, 'issued');
  });

  it('forgets everything on sign-out and cancels a poll under way', async () => {
    const holder: { source?: DeviceCodeTokenSource } = {};
    const { source, prompts } = deviceSource((_code, index) => {
      if (index === 1) {
        holder.source?.signOut();
      }
    });
    holder.source = source;
    const error = await failure(source.getToken());
    assert.match(error.message, /cancelled/);
    assert.equal(prompts.length, 1);
  });

  it('explains an app registration that does not allow public-client flows', async () => {
    const { source } = deviceSource(() => undefined, ADMIN_APP);
    const error = await failure(source.getToken());
    assert.equal(error.error.serverCode, 'AADSTS7000218');
    assert.match(error.message, /Allow public client flows/);
  });

  it('the emulator accepts both spellings of the device-code grant type', async () => {
    for (const grant of ['urn:ietf:params:oauth:grant-type:device_code', 'device_code']) {
      const start = await fetchJson(`${emulators.loginUrl}/${TENANT_ID}/oauth2/v2.0/devicecode`, {
        client_id: EXCHANGE_PUBLIC_CLIENT_ID,
        scope: exchangeScope(emulators.adminUrl),
      });
      emulators.identity.approveDeviceCode(String(start.body.user_code));
      const token = await fetchJson(`${emulators.loginUrl}/${TENANT_ID}/oauth2/v2.0/token`, {
        grant_type: grant,
        client_id: EXCHANGE_PUBLIC_CLIENT_ID,
        device_code: String(start.body.device_code),
      });
      assert.equal(token.status, 200, grant);
      assert.equal(typeof token.body.access_token, 'string');
      // A device code is good for one token only.
      const again = await fetchJson(`${emulators.loginUrl}/${TENANT_ID}/oauth2/v2.0/token`, {
        grant_type: grant,
        client_id: EXCHANGE_PUBLIC_CLIENT_ID,
        device_code: String(start.body.device_code),
      });
      assert.equal(again.status, 400);
      assert.equal(again.body.error, 'invalid_grant');
    }
  });
});

async function fetchJson(
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
