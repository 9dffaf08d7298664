import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signInToExchange } from '../../../src/core/exchange/exchange-live';
import { createLiveSession } from '../../../src/core/live/live-check';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import type { TokenSource } from '../../../src/core/exchange/token-source';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import type { Finding } from '../../../src/core/findings/finding';
import { exchangeCliHooks, exchangeCliSecret } from '../../../src/cli/exchange-cli-hooks';
import { makeSelfSignedCertificate } from '../../emulators/exchange/self-signed-certificate';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import type { LiveRun } from './exchange-live-kit';
import { checkLive, coveredText, liveSpecText } from './exchange-live-kit';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  INITIAL_DOMAIN,
  NO_ROLE_APP,
  NO_ROLE_SECRET,
  TENANT_ID,
  assertNoSecrets,
  baseSeed,
  guardLoopback,
  recordingLogger,
} from './exchange-test-kit';

const CERT_APP = '66666666-7777-8888-9999-000000000003';

/** The one read failure of a run, with the spec text it sits on. */
function readFailure(run: LiveRun): { finding: Finding; on: string } {
  assert.equal(run.report.unreadable.length, 1, 'Exchange could not be read');
  assert.equal(run.report.steps.length, 0, 'nothing is planned from an unread state');
  const [finding] = run.report.findings;
  assert.ok(finding);
  return { finding, on: coveredText(run, finding) };
}

describe('Exchange live sign-in, each way and each way it fails', () => {
  const guard = guardLoopback();
  const log = recordingLogger();
  const certificate = makeSelfSignedCertificate({ commonName: 'mail-hybrid app' });
  const folder = mkdtempSync(join(tmpdir(), 'mail-hybrid-exchange-'));
  const certificateFile = join(folder, 'app.pem');
  let emulators: ExchangeEmulators;

  before(async () => {
    writeFileSync(certificateFile, `${certificate.certificatePem}\n${certificate.privateKeyPem}`);
    const seed = baseSeed({
      users: [{ userPrincipalName: `admin@${INITIAL_DOMAIN}`, roles: ['Exchange Administrator'] }],
    });
    seed.apps?.push({
      clientId: CERT_APP,
      certificate: certificate.certificatePem,
      roles: ['Exchange Administrator'],
    });
    emulators = await startExchangeEmulators(seed, {
      deviceCodeIntervalSeconds: 0.01,
      deviceCodeLifetimeSeconds: 600,
    });
  });

  after(async () => {
    await emulators.close();
    rmSync(folder, { recursive: true, force: true });
    guard.dispose();
    assertNoSecrets(log.lines, [
      ADMIN_SECRET,
      NO_ROLE_SECRET,
      certificate.privateKeyPem,
      ...emulators.identity.issuedTokens,
      ...emulators.identity.receivedCredentials,
    ]);
    assert.deepEqual(guard.violations, []);
  });

  it('signs in with an app certificate from the file the spec names', async () => {
    const run = await checkLive(
      liveSpecText(emulators, {
        auth: [
          'method: certificate',
          `clientId: ${CERT_APP}`,
          `certificateFile: ${certificateFile}`,
        ],
      }),
      log.logger,
    );
    assert.deepEqual(run.report.unreadable, []);
    assert.equal(emulators.identity.tokenRequests.at(-1)?.clientId, CERT_APP);
    assert.equal(emulators.identity.tokenRequests.at(-1)?.outcome, 'issued');
  });

  it('signs in by device code through the host, and keeps the sign-in for the next check', async () => {
    const prompts: { userCode: string; verificationUri: string; message: string }[] = [];
    const signIns = new Map<string, TokenSource>();
    const hooks = {
      signIns,
      onDeviceCode: (prompt: { userCode: string; verificationUri: string; message: string }) => {
        prompts.push(prompt);
        emulators.identity.approveDeviceCode(prompt.userCode, `admin@${INITIAL_DOMAIN}`);
      },
    };
    const text = liveSpecText(emulators, { auth: ['method: deviceCode'] });
    const first = await checkLive(text, log.logger, { hooks });
    assert.deepEqual(first.report.unreadable, []);
    assert.equal(prompts.length, 1);
    assert.match(prompts[0]?.message ?? '', new RegExp(prompts[0]?.userCode ?? '-'));
    assert.equal(prompts[0]?.verificationUri, `${emulators.loginUrl}/devicelogin`);
    assert.equal(signIns.size, 1);
    const second = await checkLive(text, log.logger, { hooks });
    assert.deepEqual(second.report.unreadable, []);
    assert.equal(prompts.length, 1, 'no second code');
    // After sign-out the host forgets the sign-in; the next check asks again.
    for (const source of signIns.values()) {
      source.signOut?.();
    }
    signIns.clear();
    await checkLive(text, log.logger, { hooks });
    assert.equal(prompts.length, 2);
  });

  it('signs in ahead of a check when asked (the editor command), and the check reuses it', async () => {
    const prompts: string[] = [];
    const signIns = new Map<string, TokenSource>();
    const hooks = {
      signIns,
      onDeviceCode: (prompt: { userCode: string; verificationUri: string; message: string }) => {
        prompts.push(prompt.userCode);
        emulators.identity.approveDeviceCode(prompt.userCode, `admin@${INITIAL_DOMAIN}`);
      },
    };
    const text = liveSpecText(emulators, { auth: ['method: deviceCode'] });
    const parsed = parseSpec(text, '/specs/hybrid.yaml');
    assert.ok(parsed.spec);
    const session = createLiveSession(parsed.spec, parsed.source, {
      logger: log.logger,
      timeoutMs: 5000,
      resolveSecret: () => Promise.resolve(undefined),
      exchange: hooks,
    });
    const result = await signInToExchange(session);
    assert.equal(result.ok, true);
    assert.equal(prompts.length, 1);
    const run = await checkLive(text, log.logger, { hooks });
    assert.deepEqual(run.report.unreadable, []);
    assert.equal(prompts.length, 1, 'the check used the sign-in');

    const refused = await signInToExchange(
      createLiveSession(parsed.spec, parsed.source, {
        logger: log.logger,
        timeoutMs: 5000,
        resolveSecret: () => Promise.resolve(undefined),
      }),
    );
    assert.ok(!refused.ok && /somewhere to show the code/.test(refused.error.message));
  });

  it('prints the device code of the command line to stderr and signs in', async () => {
    const printed: string[] = [];
    const hooks = exchangeCliHooks({
      err: (text) => {
        printed.push(text);
        const code = /enter the code (\S+) /.exec(text)?.[1];
        if (code) {
          emulators.identity.approveDeviceCode(code, `admin@${INITIAL_DOMAIN}`);
        }
      },
    });
    const run = await checkLive(
      liveSpecText(emulators, { auth: ['method: deviceCode'] }),
      log.logger,
      {
        hooks,
      },
    );
    assert.deepEqual(run.report.unreadable, []);
    assert.equal(printed.length, 1);
    assert.match(
      printed[0] ?? '',
      new RegExp(`open ${emulators.loginUrl}/devicelogin and enter the code`),
    );
  });

  it('reads an env: client secret on the command line, never a secret: or an empty one', async () => {
    const env = { EXO_SECRET: ADMIN_SECRET, EMPTY: '' };
    assert.equal(await exchangeCliSecret({ kind: 'env', name: 'EXO_SECRET' }, env), ADMIN_SECRET);
    assert.equal(await exchangeCliSecret({ kind: 'env', name: 'EMPTY' }, env), undefined);
    assert.equal(await exchangeCliSecret({ kind: 'env', name: 'UNSET' }, env), undefined);
    assert.equal(await exchangeCliSecret({ kind: 'secret', name: 'EXO_SECRET' }, env), undefined);
    assert.equal(await exchangeCliSecret({ kind: 'inline', value: ADMIN_SECRET }, env), undefined);
  });

  it('refuses device code where the host cannot show a code', async () => {
    const run = await checkLive(
      liveSpecText(emulators, { auth: ['method: deviceCode'] }),
      log.logger,
    );
    const { finding, on } = readFailure(run);
    assert.equal(finding.code, 'exchange-auth-failed');
    assert.equal(on, 'deviceCode');
    assert.match(finding.message, /somewhere to show the code/);
  });

  it("uses the editor's Microsoft account for method vscode, with the admin scope and the tenant", async () => {
    const calls: [string[], string][] = [];
    const appToken = new ClientCredentialsTokenSource({
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
    });
    const run = await checkLive(liveSpecText(emulators, { auth: ['method: vscode'] }), log.logger, {
      hooks: {
        getVscodeToken: async (scopes, tenant) => {
          calls.push([scopes, tenant]);
          return appToken.getToken();
        },
      },
    });
    assert.deepEqual(run.report.unreadable, []);
    assert.deepEqual(calls[0], [[`${emulators.adminUrl}/.default`], TENANT_ID]);
  });

  it('says how to sign in when the editor has no account for the tenant', async () => {
    const run = await checkLive(liveSpecText(emulators, { auth: ['method: vscode'] }), log.logger, {
      hooks: { getVscodeToken: () => Promise.resolve(undefined) },
    });
    const { finding, on } = readFailure(run);
    assert.equal(finding.code, 'exchange-auth-failed');
    assert.equal(on, 'vscode');
    assert.match(finding.message, /Sign in to Exchange Online/);
  });

  it('explains that method vscode works only in the editor', async () => {
    const run = await checkLive(liveSpecText(emulators, { auth: ['method: vscode'] }), log.logger);
    const { finding } = readFailure(run);
    assert.match(finding.message, /only inside VS Code/);
  });

  it('puts a refused client secret on the secret, without echoing it', async () => {
    const run = await checkLive(liveSpecText(emulators), log.logger, {
      secrets: { EXO_SECRET: 'Wrong~Secret.Value-0123456789' },
    });
    const { finding, on } = readFailure(run);
    assert.equal(finding.code, 'exchange-auth-failed');
    assert.equal(on, 'env:EXO_SECRET');
    assert.match(finding.message, /rejected the client secret/);
    assert.ok(!finding.message.includes('Wrong~Secret'));
  });

  it('puts a secret that is not set on the secret reference', async () => {
    const run = await checkLive(liveSpecText(emulators), log.logger, { secrets: {} });
    const { finding, on } = readFailure(run);
    assert.equal(finding.code, 'exchange-auth-failed');
    assert.equal(on, 'env:EXO_SECRET');
    assert.match(finding.message, /is not set/);
  });

  it('puts an unknown tenant on exchange.tenant', async () => {
    const run = await checkLive(
      liveSpecText(emulators, { tenant: 'unknown.onmicrosoft.com' }),
      log.logger,
      { secrets: { EXO_SECRET: ADMIN_SECRET } },
    );
    const { finding, on } = readFailure(run);
    assert.equal(on, 'unknown.onmicrosoft.com');
    assert.match(finding.message, /does not know the tenant/);
  });

  it('reports a missing role as exchange-forbidden, naming the role to assign', async () => {
    const run = await checkLive(
      liveSpecText(emulators, {
        auth: ['method: clientSecret', `clientId: ${NO_ROLE_APP}`, 'clientSecret: env:NO_ROLE'],
      }),
      log.logger,
      { secrets: { NO_ROLE: NO_ROLE_SECRET } },
    );
    const { finding, on } = readFailure(run);
    assert.equal(finding.code, 'exchange-forbidden');
    assert.equal(on, 'auth');
    assert.match(finding.message, /Exchange\.ManageAsApp/);
    assert.match(finding.message, /Exchange Administrator/);
  });

  it('places an admin endpoint that refuses connections on the endpoints', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const adminUrl = `http://127.0.0.1:${closed}`;
    // Sign-in works for that resource; only the admin API is not there.
    emulators.identity.addResource(adminUrl);
    const text = liveSpecText({ loginUrl: emulators.loginUrl, adminUrl });
    const run = await checkLive(text, log.logger, { secrets: { EXO_SECRET: ADMIN_SECRET } });
    const { finding, on } = readFailure(run);
    assert.equal(finding.code, 'exchange-auth-failed');
    assert.equal(on, 'endpoints');
    assert.match(finding.message, /Could not reach the Exchange admin API/);
  });
});
