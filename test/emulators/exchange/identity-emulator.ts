import { X509Certificate, createHash, randomBytes, randomUUID, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Claims } from './emulator-jwt';
import { decodeJwt, signHs256, verifyHs256 } from './emulator-jwt';
import { closeServer, listenOnLoopback, readBody, send } from './emulator-http';
import type { ExchangeAppSeed, ExchangeSeed, ExchangeUserSeed } from './exchange-seed';
import { APP_PERMISSION, DELEGATED_SCOPE, PUBLIC_CLIENT_IDS, roleIds } from './exchange-seed';

/*
 * The tenant's Microsoft identity platform endpoints, as far as sign-in to Exchange needs them:
 * client credentials (secret or certificate assertion), device code, refresh token, the
 * discovery document. Errors use Entra's shape (`error`, `error_description` starting with an
 * AADSTS code, `error_codes`), so clients are tested against what they will really parse.
 */

export interface IdentityEmulatorOptions {
  /** Lifetime of issued access tokens; real tokens live 60–90 minutes. */
  tokenLifetimeSeconds?: number;
  deviceCodeIntervalSeconds?: number;
  deviceCodeLifetimeSeconds?: number;
}

export type TokenCheck =
  | { ok: true; claims: Claims }
  | {
      ok: false;
      reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'audience' | 'tenant';
    };

type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'redeemed';

interface DeviceCodeEntry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  resource: string;
  status: DeviceCodeStatus;
  denyError: string;
  expiresAt: number;
  user?: ExchangeUserSeed;
  polls: number;
}

interface RefreshEntry {
  clientId: string;
  resource: string;
  user: ExchangeUserSeed;
}

export interface TokenRequestRecord {
  grantType: string;
  clientId: string;
  /** `issued`, or what went wrong (`wrong-secret`, `authorization_pending`, …). */
  outcome: string;
}

export interface IdentityEmulator {
  /** Base URL to use as `exchange.endpoints.login`. */
  readonly url: string;
  readonly tenantId: string;
  readonly initialDomain: string;
  /** Every token request, in order (no secrets). */
  readonly tokenRequests: TokenRequestRecord[];
  /** Every access and refresh token issued, for leak checks in tests. */
  readonly issuedTokens: string[];
  /** Every secret, assertion and device code received, for leak checks in tests. */
  readonly receivedCredentials: string[];
  /** Lets tokens be issued for this resource (an admin API base URL). */
  addResource(resource: string): void;
  verifyAccessToken(token: string | undefined, audience: string): TokenCheck;
  /** Codes shown to users so far, newest last. */
  deviceCodes(): { userCode: string; status: DeviceCodeStatus; polls: number }[];
  approveDeviceCode(userCode: string, userPrincipalName?: string): void;
  /** Entra answers `authorization_declined`; RFC 8628 says `access_denied`. */
  denyDeviceCode(userCode: string, error?: 'authorization_declined' | 'access_denied'): void;
  expireDeviceCode(userCode: string): void;
  /** Answers the next polls with `slow_down`. */
  slowDownNextPolls(count: number): void;
  /** Makes every token issued so far count as expired (a token that ran out mid-sequence). */
  expireIssuedTokens(): void;
  close(): Promise<void>;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const DEVICE_CODE_GRANTS = new Set(['urn:ietf:params:oauth:grant-type:device_code', 'device_code']);
const CLOCK_SKEW_SECONDS = 300;

/** The signing key shared with the admin emulator; never leaves this process. */
export interface IdentityInternals {
  signingKey: Buffer;
}

export async function startIdentityEmulator(
  seed: ExchangeSeed,
  options: IdentityEmulatorOptions = {},
): Promise<IdentityEmulator & IdentityInternals> {
  const signingKey = randomBytes(32);
  const resources = new Set<string>();
  const deviceCodes: DeviceCodeEntry[] = [];
  const refreshTokens = new Map<string, RefreshEntry>();
  const expiredJtis = new Set<string>();
  const issuedJtis: string[] = [];
  const tokenRequests: TokenRequestRecord[] = [];
  const issuedTokens: string[] = [];
  const receivedCredentials: string[] = [];
  const tokenLifetime = options.tokenLifetimeSeconds ?? 3600;
  let slowDowns = 0;
  let url = '';

  const apps = seed.apps ?? [];
  const tenantMatches = (value: string): boolean =>
    value.toLowerCase() === seed.tenantId.toLowerCase() ||
    value.toLowerCase() === seed.initialDomain.toLowerCase();
  const nowSeconds = (): number => Math.floor(Date.now() / 1000);

  function oauthError(
    response: ServerResponse,
    status: number,
    error: string,
    code: number,
    text: string,
  ): void {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
    send(response, status, {
      error,
      error_description: [
        `AADSTS${code}: ${text}`,
        `Trace ID: ${traceId}`,
        `Correlation ID: ${correlationId}`,
        `Timestamp: ${timestamp}`,
      ].join('\r\n'),
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    });
  }

  /** `<resource>/.default`, or undefined with the error already sent. */
  function resourceOf(scope: string | undefined, response: ServerResponse): string | undefined {
    const parts = (scope ?? '').split(/\s+/).filter((item) => item !== '');
    const main = parts.find((item) => item.endsWith('/.default'));
    if (!main) {
      oauthError(
        response,
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
      return undefined;
    }
    const resource = main.slice(0, -'/.default'.length);
    if (!resources.has(resource)) {
      oauthError(
        response,
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${seed.initialDomain}.`,
      );
      return undefined;
    }
    return resource;
  }

  function issue(claims: Claims, resource: string): { token: string; jti: string } {
    const now = nowSeconds();
    const jti = randomUUID();
    const token = signHs256(
      {
        aud: resource,
        iss: `${url}/${seed.tenantId}/v2.0`,
        tid: seed.tenantId,
        iat: now,
        nbf: now,
        exp: now + tokenLifetime,
        jti,
        ...claims,
      },
      signingKey,
    );
    issuedJtis.push(jti);
    issuedTokens.push(token);
    return { token, jti };
  }

  function tokenResponse(token: string, refreshToken?: string): object {
    return {
      token_type: 'Bearer',
      expires_in: tokenLifetime,
      ext_expires_in: tokenLifetime,
      access_token: token,
      ...(refreshToken ? { refresh_token: refreshToken, scope: `${DELEGATED_SCOPE}` } : {}),
    };
  }

  function userToken(
    user: ExchangeUserSeed,
    clientId: string,
    resource: string,
    scope: string,
  ): object {
    const { token } = issue(
      {
        idtyp: 'user',
        upn: user.userPrincipalName,
        unique_name: user.userPrincipalName,
        oid: createHash('sha256').update(user.userPrincipalName).digest('hex').slice(0, 32),
        appid: clientId,
        scp: DELEGATED_SCOPE,
        wids: roleIds(user.roles),
      },
      resource,
    );
    let refresh: string | undefined;
    if (scope.split(/\s+/).includes('offline_access')) {
      refresh = randomBytes(32).toString('base64url');
      refreshTokens.set(refresh, { clientId, resource, user });
      issuedTokens.push(refresh);
    }
    return tokenResponse(token, refresh);
  }

  function checkAssertion(
    assertion: string,
    app: ExchangeAppSeed,
    tenantSegment: string,
    response: ServerResponse,
  ): boolean {
    const decoded = decodeJwt(assertion);
    if (!decoded) {
      oauthError(response, 400, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
      return false;
    }
    if (!app.certificate) {
      oauthError(
        response,
        401,
        'invalid_client',
        700027,
        `Client assertion failed signature validation. No certificate is registered on application '${app.clientId}'.`,
      );
      return false;
    }
    const certificate = new X509Certificate(app.certificate);
    const x5t = createHash('sha1').update(certificate.raw).digest('base64url');
    const x5tS256 = createHash('sha256').update(certificate.raw).digest('base64url');
    const header = decoded.header;
    if (header.x5t !== x5t && header['x5t#S256'] !== x5tS256) {
      oauthError(
        response,
        401,
        'invalid_client',
        700027,
        `The certificate with identifier used to sign the client assertion is not registered on application '${app.clientId}'.`,
      );
      return false;
    }
    const algorithm = header.alg;
    const signatureOk =
      algorithm === 'RS256'
        ? verify(
            'sha256',
            Buffer.from(decoded.signingInput),
            certificate.publicKey,
            decoded.signature,
          )
        : algorithm === 'PS256'
          ? verify(
              'sha256',
              Buffer.from(decoded.signingInput),
              { key: certificate.publicKey, padding: 6, saltLength: 32 },
              decoded.signature,
            )
          : false;
    if (!signatureOk) {
      oauthError(
        response,
        401,
        'invalid_client',
        700027,
        'Client assertion failed signature validation.',
      );
      return false;
    }
    const claims = decoded.payload;
    const audiences = [seed.tenantId, seed.initialDomain, tenantSegment].map((tenant) =>
      `${url}/${tenant}/oauth2/v2.0/token`.toLowerCase(),
    );
    if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud.toLowerCase())) {
      oauthError(
        response,
        401,
        'invalid_client',
        700016,
        `Client assertion audience claim does not match the token endpoint of tenant '${seed.tenantId}'.`,
      );
      return false;
    }
    if (claims.iss !== app.clientId || claims.sub !== app.clientId) {
      oauthError(
        response,
        401,
        'invalid_client',
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
      );
      return false;
    }
    const now = nowSeconds();
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
    if (exp + CLOCK_SKEW_SECONDS < now || nbf - CLOCK_SKEW_SECONDS > now) {
      oauthError(
        response,
        401,
        'invalid_client',
        700024,
        'Client assertion is not within its valid time range.',
      );
      return false;
    }
    return true;
  }

  function clientCredentials(
    form: URLSearchParams,
    tenantSegment: string,
    response: ServerResponse,
    record: TokenRequestRecord,
  ): void {
    const clientId = form.get('client_id') ?? '';
    const app = apps.find(
      (candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase(),
    );
    if (!app) {
      record.outcome = 'unknown-app';
      oauthError(
        response,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${seed.initialDomain}'. This can happen if the application has not been installed by the administrator of the tenant.`,
      );
      return;
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      receivedCredentials.push(secret);
    }
    if (assertion !== null) {
      receivedCredentials.push(assertion);
    }
    if (secret === null && assertion === null) {
      record.outcome = 'no-credential';
      oauthError(
        response,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
      return;
    }
    if (secret !== null && assertion !== null) {
      record.outcome = 'two-credentials';
      oauthError(
        response,
        400,
        'invalid_request',
        90014,
        'Only one client credential may be sent.',
      );
      return;
    }
    if (secret !== null) {
      if (app.clientSecret === undefined || secret !== app.clientSecret) {
        record.outcome = 'wrong-secret';
        oauthError(
          response,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
        );
        return;
      }
    } else {
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
        record.outcome = 'bad-assertion-type';
        oauthError(
          response,
          400,
          'invalid_request',
          90014,
          "The request body must contain the following parameter: 'client_assertion_type'.",
        );
        return;
      }
      if (!checkAssertion(assertion ?? '', app, tenantSegment, response)) {
        record.outcome = 'bad-assertion';
        return;
      }
    }
    const resource = resourceOf(form.get('scope') ?? undefined, response);
    if (resource === undefined) {
      record.outcome = 'bad-scope';
      return;
    }
    const { token } = issue(
      {
        idtyp: 'app',
        appid: app.clientId,
        azp: app.clientId,
        oid: createHash('sha256').update(app.clientId).digest('hex').slice(0, 32),
        roles: app.permissions ?? [APP_PERMISSION],
        wids: roleIds(app.roles),
      },
      resource,
    );
    record.outcome = 'issued';
    send(response, 200, tokenResponse(token));
  }

  function deviceCodeGrant(
    form: URLSearchParams,
    response: ServerResponse,
    record: TokenRequestRecord,
  ): void {
    const code = form.get('device_code') ?? '';
    receivedCredentials.push(code);
    const entry = deviceCodes.find((candidate) => candidate.deviceCode === code);
    if (!entry || entry.clientId !== (form.get('client_id') ?? '')) {
      record.outcome = 'bad-code';
      oauthError(
        response,
        400,
        'bad_verification_code',
        70000,
        'The provided value for the device code is not valid.',
      );
      return;
    }
    entry.polls += 1;
    if (entry.status === 'pending' && Date.now() > entry.expiresAt) {
      entry.status = 'expired';
    }
    const app = apps.find((candidate) => candidate.clientId === entry.clientId);
    if (app && !app.allowPublicClient) {
      record.outcome = 'not-public';
      oauthError(
        response,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
      return;
    }
    if (entry.status === 'pending' && slowDowns > 0) {
      slowDowns -= 1;
      record.outcome = 'slow_down';
      oauthError(
        response,
        400,
        'slow_down',
        70016,
        'OAuth 2.0 device flow error. Poll less often.',
      );
      return;
    }
    switch (entry.status) {
      case 'pending':
        record.outcome = 'authorization_pending';
        oauthError(
          response,
          400,
          'authorization_pending',
          70016,
          'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
        );
        return;
      case 'denied':
        record.outcome = entry.denyError;
        oauthError(response, 400, entry.denyError, 70000, 'The user declined the sign-in request.');
        return;
      case 'expired':
        record.outcome = 'expired_token';
        oauthError(response, 400, 'expired_token', 70019, 'Verification code expired.');
        return;
      case 'redeemed':
        record.outcome = 'redeemed';
        oauthError(
          response,
          400,
          'invalid_grant',
          54005,
          'OAuth2 Authorization code was already redeemed.',
        );
        return;
      case 'approved':
        entry.status = 'redeemed';
        record.outcome = 'issued';
        send(
          response,
          200,
          userToken(entry.user as ExchangeUserSeed, entry.clientId, entry.resource, entry.scope),
        );
        return;
    }
  }

  function refreshGrant(
    form: URLSearchParams,
    response: ServerResponse,
    record: TokenRequestRecord,
  ): void {
    const token = form.get('refresh_token') ?? '';
    receivedCredentials.push(token);
    const entry = refreshTokens.get(token);
    if (!entry || entry.clientId !== (form.get('client_id') ?? '')) {
      record.outcome = 'bad-refresh';
      oauthError(response, 400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.');
      return;
    }
    // Refresh tokens rotate: the old one is spent.
    refreshTokens.delete(token);
    record.outcome = 'issued';
    send(response, 200, userToken(entry.user, entry.clientId, entry.resource, 'offline_access'));
  }

  async function handleToken(
    request: IncomingMessage,
    response: ServerResponse,
    tenantSegment: string,
  ): Promise<void> {
    const form = await readForm(request);
    const grantType = form?.get('grant_type') ?? '';
    const record: TokenRequestRecord = {
      grantType,
      clientId: form?.get('client_id') ?? '',
      outcome: '',
    };
    tokenRequests.push(record);
    if (!form) {
      record.outcome = 'bad-content-type';
      oauthError(
        response,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
      return;
    }
    if (grantType === 'client_credentials') {
      clientCredentials(form, tenantSegment, response, record);
    } else if (DEVICE_CODE_GRANTS.has(grantType)) {
      deviceCodeGrant(form, response, record);
    } else if (grantType === 'refresh_token') {
      refreshGrant(form, response, record);
    } else {
      record.outcome = 'unsupported-grant';
      oauthError(
        response,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    }
  }

  async function handleDeviceCode(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const form = await readForm(request);
    const clientId = form?.get('client_id') ?? '';
    const known =
      PUBLIC_CLIENT_IDS.includes(clientId) ||
      apps.some((candidate) => candidate.clientId === clientId);
    if (!known) {
      oauthError(
        response,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${seed.initialDomain}'.`,
      );
      return;
    }
    const scope = form?.get('scope') ?? '';
    const resource = resourceOf(scope, response);
    if (resource === undefined) {
      return;
    }
    const lifetime = options.deviceCodeLifetimeSeconds ?? 900;
    const entry: DeviceCodeEntry = {
      deviceCode: randomBytes(48).toString('base64url'),
      userCode: randomBytes(6).toString('hex').toUpperCase().slice(0, 9),
      clientId,
      scope,
      resource,
      status: 'pending',
      denyError: 'authorization_declined',
      expiresAt: Date.now() + lifetime * 1000,
      polls: 0,
    };
    deviceCodes.push(entry);
    const verificationUri = `${url}/devicelogin`;
    send(response, 200, {
      user_code: entry.userCode,
      device_code: entry.deviceCode,
      verification_uri: verificationUri,
      expires_in: lifetime,
      interval: options.deviceCodeIntervalSeconds ?? 5,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${entry.userCode} to authenticate.`,
    });
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://emulator').pathname;
    const match =
      /^\/([^/]+)\/(oauth2\/v2\.0\/token|oauth2\/v2\.0\/devicecode|v2\.0\/\.well-known\/openid-configuration)$/.exec(
        path,
      );
    const tenantSegment = decodeURIComponent(match?.[1] ?? '');
    if (match && !tenantMatches(tenantSegment)) {
      oauthError(
        response,
        400,
        'invalid_request',
        90002,
        `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
      return;
    }
    const route = match?.[2];
    if (route === 'v2.0/.well-known/openid-configuration' && request.method === 'GET') {
      const base = `${url}/${seed.tenantId}`;
      send(response, 200, {
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
        tenant_region_scope: 'EU',
      });
      return;
    }
    if (request.method !== 'POST' || !route) {
      send(response, 404, { error: 'not_found' });
      return;
    }
    const handler = route.endsWith('token')
      ? handleToken(request, response, tenantSegment)
      : handleDeviceCode(request, response);
    handler.catch(() => send(response, 500, { error: 'server_error' }));
  });
  url = await listenOnLoopback(server);

  const findCode = (userCode: string): DeviceCodeEntry => {
    const entry = deviceCodes.find((candidate) => candidate.userCode === userCode);
    if (!entry) {
      throw new Error(`no device code ${userCode}`);
    }
    return entry;
  };

  return {
    url,
    tenantId: seed.tenantId,
    initialDomain: seed.initialDomain,
    tokenRequests,
    issuedTokens,
    receivedCredentials,
    signingKey,
    addResource: (resource) => {
      resources.add(resource.replace(/\/+$/, ''));
    },
    verifyAccessToken(token, audience) {
      if (!token) {
        return { ok: false, reason: 'missing' };
      }
      const decoded = decodeJwt(token);
      if (!decoded) {
        return { ok: false, reason: 'malformed' };
      }
      const claims = verifyHs256(token, signingKey);
      if (!claims) {
        return { ok: false, reason: 'signature' };
      }
      const exp = typeof claims.exp === 'number' ? claims.exp : 0;
      if (exp <= nowSeconds() || expiredJtis.has(String(claims.jti))) {
        return { ok: false, reason: 'expired' };
      }
      if (claims.aud !== audience.replace(/\/+$/, '')) {
        return { ok: false, reason: 'audience' };
      }
      return { ok: true, claims };
    },
    deviceCodes: () =>
      deviceCodes.map(({ userCode, status, polls }) => ({ userCode, status, polls })),
    approveDeviceCode(userCode, userPrincipalName) {
      const entry = findCode(userCode);
      const users = seed.users ?? [];
      const user =
        (userPrincipalName
          ? users.find(
              (candidate) =>
                candidate.userPrincipalName.toLowerCase() === userPrincipalName.toLowerCase(),
            )
          : users[0]) ??
        ({
          userPrincipalName: userPrincipalName ?? `admin@${seed.initialDomain}`,
          roles: ['Exchange Administrator'],
        } satisfies ExchangeUserSeed);
      entry.user = user;
      entry.status = 'approved';
    },
    denyDeviceCode(userCode, error = 'authorization_declined') {
      const entry = findCode(userCode);
      entry.status = 'denied';
      entry.denyError = error;
    },
    expireDeviceCode(userCode) {
      findCode(userCode).status = 'expired';
    },
    slowDownNextPolls(count) {
      slowDowns = count;
    },
    expireIssuedTokens() {
      for (const jti of issuedJtis) {
        expiredJtis.add(jti);
      }
    },
    close: () => closeServer(server),
  };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBody(request);
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return undefined;
  }
  return new URLSearchParams(body.toString('utf8'));
}
