import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { loadCertificateCredential } from '../../../src/core/exchange/client-assertion';
import type { ClientCredential } from '../../../src/core/exchange/client-credentials-token-source';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { ExchangeAuthError } from '../../../src/core/exchange/exchange-error';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import { makeSelfSignedCertificate } from '../../emulators/exchange/self-signed-certificate';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  TENANT_ID,
  assertNoSecrets,
  baseSeed,
  fakeClock,
  guardLoopback,
  recordingLogger,
} from './exchange-test-kit';

const CERT_APP = '77777777-0000-0000-0000-000000000001';

async function authError(promise: Promise<unknown>): Promise<ExchangeAuthError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(
      error instanceof ExchangeAuthError,
      `expected ExchangeAuthError, got ${String(error)}`,
    );
    return error;
  }
  assert.fail('expected the sign-in to fail');
}

describe('client credentials sign-in against the emulated identity platform', () => {
  const guard = guardLoopback();
  const certificate = makeSelfSignedCertificate({ commonName: 'mail-hybrid app' });
  const log = recordingLogger();
  const errors: string[] = [];
  let emulators: ExchangeEmulators;

  before(async () => {
    const seed = baseSeed();
    seed.apps?.push({
      clientId: CERT_APP,
      certificate: certificate.certificatePem,
      roles: ['Exchange Administrator'],
    });
    emulators = await startExchangeEmulators(seed, { tokenLifetimeSeconds: 3600 });
  });

  after(async () => {
    await emulators.close();
    guard.dispose();
    assertNoSecrets(
      [...log.lines, ...errors],
      [
        ADMIN_SECRET,
        certificate.privateKeyPem,
        ...emulators.identity.issuedTokens,
        ...emulators.identity.receivedCredentials,
      ],
    );
    assert.deepEqual(guard.violations, []);
    assert.ok(guard.connected.length > 0, 'the loopback guard saw the connections');
  });

  function identity(tenant = TENANT_ID): IdentityClient {
    return new IdentityClient({
      loginBaseUrl: emulators.loginUrl,
      tenant,
      logger: log.logger,
      timeoutMs: 5000,
    });
  }

  function source(
    credential: ClientCredential,
    options: {
      clientId?: string;
      tenant?: string;
      scope?: string;
      clock?: ReturnType<typeof fakeClock>;
    } = {},
  ): ClientCredentialsTokenSource {
    return new ClientCredentialsTokenSource({
      identity: identity(options.tenant),
      clientId: options.clientId ?? ADMIN_APP,
      scope: options.scope ?? exchangeScope(emulators.adminUrl),
      loadCredential: () => Promise.resolve(credential),
      logger: log.logger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  it('gets an app token with the client secret, for the admin API as audience', async () => {
    const token = await source({ kind: 'secret', secret: ADMIN_SECRET }).getToken();
    const check = emulators.identity.verifyAccessToken(token, emulators.adminUrl);
    assert.equal(check.ok, true);
    assert.equal(check.ok && check.claims.idtyp, 'app');
    assert.equal(check.ok && check.claims.appid, ADMIN_APP);
  });

  it('reuses a cached token and renews it shortly before expiry', async () => {
    const clock = fakeClock();
    const tokens = source({ kind: 'secret', secret: ADMIN_SECRET }, { clock });
    const requestsBefore = emulators.identity.tokenRequests.length;
    const first = await tokens.getToken();
    assert.equal(await tokens.getToken(), first);
    assert.equal(emulators.identity.tokenRequests.length, requestsBefore + 1);
    clock.advance(54 * 60 * 1000); // 6 minutes left: still outside the 5-minute margin
    assert.equal(await tokens.getToken(), first);
    clock.advance(2 * 60 * 1000); // 4 minutes left: inside the margin
    const second = await tokens.getToken();
    assert.notEqual(second, first);
    assert.equal(emulators.identity.tokenRequests.length, requestsBefore + 2);
  });

  it('skips the cache when asked to refresh, and shares one request between concurrent callers', async () => {
    const tokens = source({ kind: 'secret', secret: ADMIN_SECRET });
    const first = await tokens.getToken();
    const requestsBefore = emulators.identity.tokenRequests.length;
    const [a, b, c] = await Promise.all([
      tokens.getToken(true),
      tokens.getToken(true),
      tokens.getToken(true),
    ]);
    assert.equal(emulators.identity.tokenRequests.length, requestsBefore + 1);
    assert.equal(a, b);
    assert.equal(b, c);
    assert.notEqual(a, first);
  });

  it('explains a wrong client secret with the secret-value hint, without echoing it', async () => {
    const wrong = 'Wrong~Secret.Value-9876543210';
    const error = await authError(source({ kind: 'secret', secret: wrong }).getToken());
    errors.push(error.message);
    assert.equal(error.error.kind, 'auth-failed');
    assert.equal(error.error.serverCode, 'AADSTS7000215');
    assert.match(
      error.message,
      /rejected the client secret of app 66666666-7777-8888-9999-000000000000/,
    );
    assert.match(error.message, /value \(not its secret ID\)/);
    assert.ok(!error.message.includes(wrong));
    assertNoSecrets(log.lines, [wrong]);
  });

  it('names an unknown app and an unknown tenant', async () => {
    const unknownApp = await authError(
      source(
        { kind: 'secret', secret: ADMIN_SECRET },
        { clientId: '99999999-0000-0000-0000-000000000000' },
      ).getToken(),
    );
    errors.push(unknownApp.message);
    assert.equal(unknownApp.error.serverCode, 'AADSTS700016');
    assert.match(
      unknownApp.message,
      /has no app with client ID 99999999-0000-0000-0000-000000000000/,
    );
    const unknownTenant = await authError(
      source(
        { kind: 'secret', secret: ADMIN_SECRET },
        { tenant: 'fabrikam.onmicrosoft.com' },
      ).getToken(),
    );
    errors.push(unknownTenant.message);
    assert.equal(unknownTenant.error.serverCode, 'AADSTS90002');
    assert.match(unknownTenant.message, /does not know the tenant fabrikam\.onmicrosoft\.com/);
  });

  it('reports a resource the tenant does not know', async () => {
    const error = await authError(
      source(
        { kind: 'secret', secret: ADMIN_SECRET },
        { scope: 'api://unknown-resource/.default' },
      ).getToken(),
    );
    errors.push(error.message);
    assert.equal(error.error.serverCode, 'AADSTS500011');
    assert.match(error.message, /api:\/\/unknown-resource/);
  });

  it('signs in with a certificate: a client assertion the emulator verifies against the registered certificate', async () => {
    const credential = loadCertificateCredential(certificate.pem, 'app.pem');
    assert.equal(credential.thumbprint, certificate.thumbprint);
    const token = await source(
      { kind: 'certificate', certificate: credential },
      { clientId: CERT_APP },
    ).getToken();
    const check = emulators.identity.verifyAccessToken(token, emulators.adminUrl);
    assert.equal(check.ok && check.claims.appid, CERT_APP);
    const last = emulators.identity.tokenRequests.at(-1);
    assert.equal(last?.outcome, 'issued');
  });

  it('explains a certificate that is not registered on the app, naming its thumbprint', async () => {
    const other = makeSelfSignedCertificate({ commonName: 'someone else' });
    const credential = loadCertificateCredential(other.pem, 'other.pem');
    const error = await authError(
      source({ kind: 'certificate', certificate: credential }, { clientId: CERT_APP }).getToken(),
    );
    errors.push(error.message);
    assert.equal(error.error.serverCode, 'AADSTS700027');
    assert.ok(error.message.includes(other.thumbprint));
    assertNoSecrets(
      [...log.lines, error.message],
      [other.privateKeyPem, ...emulators.identity.receivedCredentials],
    );
  });

  it('refuses an expired certificate before contacting the sign-in service', async () => {
    const old = makeSelfSignedCertificate({
      notBefore: new Date(Date.now() - 400 * 24 * 3600 * 1000),
      notAfter: new Date(Date.now() - 24 * 3600 * 1000),
    });
    const requestsBefore = emulators.identity.tokenRequests.length;
    const error = await authError(
      source(
        { kind: 'certificate', certificate: loadCertificateCredential(old.pem, 'old.pem') },
        { clientId: CERT_APP },
      ).getToken(),
    );
    assert.match(error.message, /expired on \d{4}-\d{2}-\d{2}/);
    assert.equal(emulators.identity.tokenRequests.length, requestsBefore);
  });

  it('reads a PEM only when it holds a matching unencrypted RSA key and certificate', () => {
    const other = makeSelfSignedCertificate();
    const cases: [string, RegExp][] = [
      [certificate.certificatePem, /holds no private key/],
      [certificate.privateKeyPem, /holds no certificate/],
      [
        `${certificate.certificatePem}${other.privateKeyPem}`,
        /belongs to none of the certificates/,
      ],
      [
        `${certificate.certificatePem}${generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()}`,
        /not an RSA key/,
      ],
      [
        `${certificate.certificatePem}${generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({
            type: 'pkcs8',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: 'x-passphrase',
          })
          .toString()}`,
        /is encrypted/,
      ],
    ];
    for (const [pem, expected] of cases) {
      assert.throws(
        () => loadCertificateCredential(pem, 'app.pem'),
        (error: unknown) => {
          assert.ok(error instanceof ExchangeAuthError);
          assert.match(error.message, expected);
          assert.ok(error.message.includes('app.pem'));
          return true;
        },
      );
    }
    // A chain with the leaf after another certificate: the leaf matching the key is used.
    const chained = loadCertificateCredential(
      `${other.certificatePem}${certificate.pem}`,
      'chain.pem',
    );
    assert.equal(chained.thumbprint, certificate.thumbprint);
  });
});
