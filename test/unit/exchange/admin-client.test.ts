import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import type {
  CmdletOutput,
  ExchangeAdminClientOptions,
} from '../../../src/core/exchange/exchange-admin-client';
import { ExchangeAdminClient } from '../../../src/core/exchange/exchange-admin-client';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { DeviceCodeTokenSource } from '../../../src/core/exchange/device-code-token-source';
import type { ExchangeError, ExchangeResult } from '../../../src/core/exchange/exchange-error';
import { ExchangeAuthError } from '../../../src/core/exchange/exchange-error';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import type { TokenSource } from '../../../src/core/exchange/token-source';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import { closeServer, listenOnLoopback } from '../../emulators/exchange/emulator-http';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  INITIAL_DOMAIN,
  NO_ROLE_APP,
  NO_ROLE_SECRET,
  READER_APP,
  READER_SECRET,
  TENANT_ID,
  assertNoSecrets,
  baseSeed,
  fakeClock,
  guardLoopback,
  recordingLogger,
} from './exchange-test-kit';

const APP_ANCHOR = `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${TENANT_ID}`;

function connectors(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({
    Name: `Connector ${index + 1}`,
    ConnectorType: 'OnPremises',
    RecipientDomains: [`d${index + 1}.example.com`],
    UseMXRecord: false,
    SmartHosts: ['mail.example.com'],
  }));
}

describe('ExchangeAdminClient against the emulated admin API', () => {
  const guard = guardLoopback();
  const log = recordingLogger();
  const errors: string[] = [];
  let emulators: ExchangeEmulators;
  /** A loopback server standing in for "another host": it must never see a request. */
  let elsewhere: Server;
  let elsewhereUrl: string;
  const elsewhereRequests: string[] = [];

  before(async () => {
    emulators = await startExchangeEmulators(
      baseSeed({
        outboundConnectors: connectors(5),
        users: [
          { userPrincipalName: `admin@${INITIAL_DOMAIN}`, roles: ['Exchange Administrator'] },
          { userPrincipalName: `reader@${INITIAL_DOMAIN}`, roles: ['Global Reader'] },
        ],
      }),
    );
    elsewhere = createServer((request, response) => {
      elsewhereRequests.push(
        `${request.method ?? ''} ${request.url ?? ''} auth=${request.headers.authorization ? 'yes' : 'no'}`,
      );
      response.end('{}');
    });
    elsewhereUrl = await listenOnLoopback(elsewhere);
  });

  beforeEach(() => {
    emulators.admin.setPageSize(1000);
  });

  after(async () => {
    await closeServer(elsewhere);
    await emulators.close();
    guard.dispose();
    assert.deepEqual(elsewhereRequests, []);
    assertNoSecrets(
      [...log.lines, ...errors],
      [
        ADMIN_SECRET,
        READER_SECRET,
        NO_ROLE_SECRET,
        ...emulators.identity.issuedTokens,
        ...emulators.identity.receivedCredentials,
      ],
    );
    assert.deepEqual(guard.violations, []);
  });

  function appTokens(
    clientId = ADMIN_APP,
    secret = ADMIN_SECRET,
    scope?: string,
  ): ClientCredentialsTokenSource {
    return new ClientCredentialsTokenSource({
      identity: new IdentityClient({
        loginBaseUrl: emulators.loginUrl,
        tenant: TENANT_ID,
        logger: log.logger,
        timeoutMs: 5000,
      }),
      clientId,
      scope: scope ?? exchangeScope(emulators.adminUrl),
      loadCredential: () => Promise.resolve({ kind: 'secret', secret }),
      logger: log.logger,
    });
  }

  function userTokens(userPrincipalName: string): DeviceCodeTokenSource {
    let userCode = '';
    return new DeviceCodeTokenSource({
      identity: new IdentityClient({
        loginBaseUrl: emulators.loginUrl,
        tenant: TENANT_ID,
        logger: log.logger,
        timeoutMs: 5000,
      }),
      scope: exchangeScope(emulators.adminUrl),
      onCode: (prompt) => {
        userCode = prompt.userCode;
      },
      logger: log.logger,
      clock: fakeClock(() => emulators.identity.approveDeviceCode(userCode, userPrincipalName)),
    });
  }

  function client(overrides: Partial<ExchangeAdminClientOptions> = {}): ExchangeAdminClient {
    return new ExchangeAdminClient({
      adminBaseUrl: emulators.adminUrl,
      tenant: TENANT_ID,
      tokenSource: appTokens(),
      logger: log.logger,
      timeoutMs: 5000,
      clock: fakeClock(),
      ...overrides,
    });
  }

  function failed(result: ExchangeResult<CmdletOutput>): ExchangeError {
    assert.equal(result.ok, false, 'expected the call to fail');
    if (result.ok) {
      throw new Error('unreachable');
    }
    errors.push(result.error.message);
    return result.error;
  }

  function succeeded(result: ExchangeResult<CmdletOutput>): CmdletOutput {
    if (!result.ok) {
      assert.fail(`expected success, got ${result.error.kind}: ${result.error.message}`);
    }
    return result.value;
  }

  const requestsFrom = (start: number) => emulators.admin.requests.slice(start);

  it('posts the cmdlet as CmdletInput with the headers the admin API expects', async () => {
    const start = emulators.admin.requests.length;
    const output = succeeded(
      await client().invoke('Get-AcceptedDomain', { ResultSize: 'Unlimited' }),
    );
    assert.equal(output.objects.length, 2);
    const [request] = requestsFrom(start);
    assert.ok(request);
    assert.equal(request.url, `/adminapi/beta/${TENANT_ID}/InvokeCommand`);
    assert.deepEqual(JSON.parse(request.body), {
      CmdletInput: { CmdletName: 'Get-AcceptedDomain', Parameters: { ResultSize: 'Unlimited' } },
    });
    assert.match(request.headers.authorization ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(request.headers['x-cmdletname'], 'Get-AcceptedDomain');
    assert.equal(request.headers['x-responseformat'], 'json');
    assert.equal(request.headers['x-anchormailbox'], APP_ANCHOR);
    assert.equal(request.headers.prefer, 'odata.maxpagesize=1000');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
  });

  it('anchors delegated calls on the signed-in admin', async () => {
    const start = emulators.admin.requests.length;
    succeeded(
      await client({ tokenSource: userTokens(`admin@${INITIAL_DOMAIN}`) }).invoke(
        'Get-InboundConnector',
      ),
    );
    assert.equal(requestsFrom(start)[0]?.headers['x-anchormailbox'], `UPN:admin@${INITIAL_DOMAIN}`);
  });

  it('follows @odata.nextLink by posting the same body again, and joins the pages', async () => {
    emulators.admin.setPageSize(2);
    const start = emulators.admin.requests.length;
    const output = succeeded(
      await client().invoke('Get-OutboundConnector', { ResultSize: 'Unlimited' }),
    );
    assert.deepEqual(
      output.objects.map((object) => object.Name),
      ['Connector 1', 'Connector 2', 'Connector 3', 'Connector 4', 'Connector 5'],
    );
    const requests = requestsFrom(start);
    assert.equal(requests.length, 3);
    assert.ok(requests.slice(1).every((request) => request.url.includes('$skiptoken=')));
    assert.ok(requests.every((request) => request.body === requests[0]?.body));
    assert.ok(requests.every((request) => request.status === 200));
  });

  it('asks for smaller pages through Prefer', async () => {
    const start = emulators.admin.requests.length;
    const output = succeeded(await client({ pageSize: 2 }).invoke('Get-OutboundConnector'));
    assert.equal(output.objects.length, 5);
    assert.equal(requestsFrom(start).length, 3);
    assert.equal(requestsFrom(start)[0]?.headers.prefer, 'odata.maxpagesize=2');
  });

  it('stops a listing that runs past its page bound', async () => {
    emulators.admin.setPageSize(1);
    const error = failed(await client({ maxPages: 3 }).invoke('Get-OutboundConnector'));
    assert.equal(error.kind, 'bad-response');
    assert.match(error.message, /more than 3 pages/);
  });

  it('renews an expired token once in the middle of a sequence and carries on', async () => {
    const tokens = appTokens();
    const exchange = client({ tokenSource: tokens });
    succeeded(await exchange.invoke('Get-AcceptedDomain'));
    emulators.identity.expireIssuedTokens();
    const start = emulators.admin.requests.length;
    const issuedBefore = emulators.identity.issuedTokens.length;
    const output = succeeded(await exchange.invoke('Get-InboundConnector'));
    assert.deepEqual(output.objects, []);
    assert.deepEqual(
      requestsFrom(start).map((request) => request.status),
      [401, 200],
    );
    assert.equal(emulators.identity.issuedTokens.length, issuedBefore + 1);
    // The renewed token is cached for the rest of the sequence.
    succeeded(await exchange.invoke('Get-AcceptedDomain'));
    assert.equal(emulators.identity.issuedTokens.length, issuedBefore + 1);
  });

  it('gives up after one renewal when Exchange keeps refusing the token', async () => {
    emulators.identity.addResource('api://other-resource');
    const start = emulators.admin.requests.length;
    const error = failed(
      await client({
        tokenSource: appTokens(ADMIN_APP, ADMIN_SECRET, 'api://other-resource/.default'),
      }).invoke('Get-AcceptedDomain'),
    );
    assert.equal(error.kind, 'auth-failed');
    assert.equal(error.status, 401);
    assert.match(
      error.message,
      /did not accept the sign-in for Get-AcceptedDomain \(HTTP 401\), even with a fresh token/,
    );
    assert.ok(error.message.includes(emulators.adminUrl));
    assert.equal(requestsFrom(start).length, 2);
  });

  it('names the missing app permission and role on a 403 whose body is not JSON', async () => {
    const error = failed(
      await client({ tokenSource: appTokens(NO_ROLE_APP, NO_ROLE_SECRET) }).invoke(
        'Get-AcceptedDomain',
      ),
    );
    assert.equal(error.kind, 'forbidden');
    assert.equal(error.status, 403);
    assert.ok(error.message.includes(NO_ROLE_APP));
    assert.match(error.message, /Exchange\.ManageAsApp/);
    assert.match(error.message, /Exchange Administrator role to its service principal/);
    const reader = client({ tokenSource: appTokens(READER_APP, READER_SECRET) });
    succeeded(await reader.invoke('Get-AcceptedDomain'));
    const write = failed(
      await reader.invoke('Set-AcceptedDomain', {
        Identity: 'example.com',
        DomainType: 'InternalRelay',
      }),
    );
    assert.equal(write.kind, 'forbidden');
  });

  it('names the delegated admin role on a 403 for a signed-in person', async () => {
    const error = failed(
      await client({ tokenSource: userTokens(`reader@${INITIAL_DOMAIN}`) }).invoke(
        'Set-AcceptedDomain',
        {
          Identity: 'example.com',
          DomainType: 'InternalRelay',
        },
      ),
    );
    assert.equal(error.kind, 'forbidden');
    assert.match(
      error.message,
      new RegExp(`^reader@${INITIAL_DOMAIN.replace(/\./g, '\\.')} signed in`),
    );
    assert.match(error.message, /Exchange Administrator \(or Global Administrator\) role/);
  });

  it('shows the real text of a 400 without its exception-type prefix', async () => {
    const error = failed(
      await client().invoke('Set-AcceptedDomain', {
        Identity: 'nowhere.example',
        DomainType: 'InternalRelay',
      }),
    );
    assert.equal(error.kind, 'rejected');
    assert.equal(error.status, 400);
    assert.equal(
      error.serverMessage,
      `The operation couldn't be performed because object 'nowhere.example' couldn't be found on '${INITIAL_DOMAIN}'.`,
    );
    assert.equal(
      error.message,
      `Exchange Online rejected Set-AcceptedDomain: ${error.serverMessage}`,
    );
    assert.ok(!error.message.includes('|'));
  });

  it('reads the reason from innererror.internalexception when details are missing', async () => {
    emulators.admin.enqueueFault({
      status: 400,
      body: {
        error: {
          code: 'BadRequest',
          message: 'Invalid Operation',
          innererror: {
            internalexception: { message: '|Microsoft.Exchange.Some.Exception|The inner reason.' },
          },
        },
      },
    });
    const error = failed(await client().invoke('Get-AcceptedDomain'));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.serverMessage, 'The inner reason.');
  });

  it('treats an unknown cmdlet as one this sign-in is not offered', async () => {
    const error = failed(
      await client().invoke('New-AcceptedDomain', { Name: 'x', DomainName: 'x.example' }),
    );
    assert.equal(error.kind, 'forbidden');
    assert.match(error.message, /does not offer New-AcceptedDomain/);
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const clock = fakeClock();
    emulators.admin.enqueueFault({ status: 429, headers: { 'Retry-After': '3' } });
    succeeded(await client({ clock }).invoke('Get-AcceptedDomain'));
    assert.deepEqual(clock.sleeps, [3000]);
  });

  it('ends with a throttling sentence when the retry budget runs out', async () => {
    const clock = fakeClock();
    for (let index = 0; index < 5; index += 1) {
      emulators.admin.enqueueFault({ status: 429, headers: { 'Retry-After': '4' } });
    }
    const error = failed(
      await client({ clock, retryBudgetMs: 10_000 }).invoke('Get-AcceptedDomain'),
    );
    assert.equal(error.kind, 'throttled');
    assert.match(error.message, /kept throttling Get-AcceptedDomain \(HTTP 429\) for 10 s/);
    assert.deepEqual(clock.sleeps, [4000, 4000]);
    // The faults the client did not wait for are still queued: drain them.
    for (let index = 0; index < 2; index += 1) {
      await client().invoke('Get-AcceptedDomain');
    }
  });

  it('backs off exponentially on server errors and succeeds', async () => {
    const clock = fakeClock();
    emulators.admin.enqueueFault({ status: 503 });
    emulators.admin.enqueueFault({ status: 500 });
    succeeded(await client({ clock }).invoke('Get-AcceptedDomain'));
    assert.deepEqual(clock.sleeps, [1000, 2000]);
  });

  it('reports a service that keeps failing once the budget is spent', async () => {
    const clock = fakeClock();
    for (let index = 0; index < 3; index += 1) {
      emulators.admin.enqueueFault({ status: 502 });
    }
    const error = failed(await client({ clock, retryBudgetMs: 3500 }).invoke('Get-AcceptedDomain'));
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /kept failing Get-AcceptedDomain \(HTTP 502\)/);
    assert.deepEqual(clock.sleeps, [1000, 2000]);
  });

  it('never follows a redirect, so the token stays with the admin origin', async () => {
    emulators.admin.enqueueFault({ status: 302, headers: { Location: `${elsewhereUrl}/collect` } });
    const error = failed(await client().invoke('Get-AcceptedDomain'));
    assert.equal(error.kind, 'bad-response');
    assert.ok(error.message.includes(elsewhereUrl));
    assert.deepEqual(elsewhereRequests, []);
  });

  it('refuses a next-page link to another origin', async () => {
    emulators.admin.enqueueFault({
      status: 200,
      body: {
        value: [{ Name: 'first' }],
        '@odata.nextLink': `${elsewhereUrl}/adminapi/beta/x/InvokeCommand?$skiptoken=1`,
      },
    });
    const error = failed(await client().invoke('Get-OutboundConnector'));
    assert.equal(error.kind, 'bad-response');
    assert.match(error.message, /is not http:\/\/127\.0\.0\.1/);
    assert.deepEqual(elsewhereRequests, []);
  });

  it('calls an answer that is not the API JSON a bad response', async () => {
    emulators.admin.enqueueFault({ status: 200, body: '<html>Sign in to the proxy</html>' });
    const error = failed(await client().invoke('Get-AcceptedDomain'));
    assert.equal(error.kind, 'bad-response');
    assert.match(error.message, /not the admin API's JSON/);
  });

  it('points at the tenant setting when the tenant is unknown to the admin API', async () => {
    const error = failed(
      await client({ tenant: 'fabrikam.onmicrosoft.com' }).invoke('Get-AcceptedDomain'),
    );
    assert.equal(error.kind, 'bad-response');
    assert.equal(error.status, 404);
    assert.match(error.message, /exchange\.tenant/);
  });

  it('reports an admin endpoint that refuses connections', async () => {
    const closed = createServer();
    const closedUrl = await listenOnLoopback(closed);
    await closeServer(closed);
    const error = failed(await client({ adminBaseUrl: closedUrl }).invoke('Get-AcceptedDomain'));
    assert.equal(error.kind, 'unreachable');
    assert.ok(error.message.includes(closedUrl));
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('reports an admin endpoint that never answers as a timeout', async () => {
    const silent = createServer(() => undefined);
    const silentUrl = await listenOnLoopback(silent);
    try {
      const error = failed(
        await client({ adminBaseUrl: silentUrl, timeoutMs: 300 }).invoke('Get-AcceptedDomain'),
      );
      assert.equal(error.kind, 'timeout');
      assert.match(error.message, /did not answer Get-AcceptedDomain/);
    } finally {
      await closeServer(silent);
    }
  });

  it('turns a failing token source into an auth-failed result', async () => {
    const refusing: TokenSource = {
      getToken: () =>
        Promise.reject(
          new ExchangeAuthError({ kind: 'auth-failed', message: 'No sign-in for you.' }),
        ),
    };
    const error = failed(await client({ tokenSource: refusing }).invoke('Get-AcceptedDomain'));
    assert.deepEqual(error, {
      kind: 'auth-failed',
      message: 'No sign-in for you.',
      cmdlet: 'Get-AcceptedDomain',
    });
    const broken: TokenSource = {
      getToken: () => Promise.reject(new Error('account provider unavailable')),
    };
    const other = failed(await client({ tokenSource: broken }).invoke('Get-AcceptedDomain'));
    assert.equal(other.kind, 'auth-failed');
    assert.equal(
      other.message,
      'Signing in to Exchange Online failed: account provider unavailable',
    );
  });

  it('passes on the warnings Exchange attaches', async () => {
    const exchange = client();
    succeeded(
      await exchange.invoke('Set-AcceptedDomain', {
        Identity: 'example.com',
        DomainType: 'InternalRelay',
      }),
    );
    const output = succeeded(
      await exchange.invoke('Set-AcceptedDomain', {
        Identity: 'example.com',
        DomainType: 'InternalRelay',
      }),
    );
    assert.deepEqual(output.warnings, [
      "The command completed successfully but no settings of 'example.com' have been modified.",
    ]);
    succeeded(
      await exchange.invoke('Set-AcceptedDomain', {
        Identity: 'example.com',
        DomainType: 'Authoritative',
      }),
    );
  });
});
