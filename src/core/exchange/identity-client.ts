import type { Logger } from '../log';
import { redactText } from '../log';
import { msg } from '../messages/catalogue';
import type { ExchangeError } from './exchange-error';
import { ExchangeAuthError } from './exchange-error';
import type { HttpSettings } from './exchange-http';
import { ExchangeHttp, originOf } from './exchange-http';

export interface IdentityClientOptions extends HttpSettings {
  /** `https://login.microsoftonline.com` or the cloud's (or an emulator's) equivalent. */
  loginBaseUrl: string;
  tenant: string;
  logger: Logger;
}

/** A successful token answer, in the names the token endpoint uses. */
export interface TokenGrant {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string;
}

/** An OAuth error answer (`error`, `error_description`), which the caller interprets. */
export interface OAuthFailure {
  status: number;
  error: string;
  description: string;
  /** `AADSTS7000215` and the like, when the service named one. */
  aadsts?: string;
}

export type TokenAnswer = { ok: true; grant: TokenGrant } | { ok: false; failure: OAuthFailure };

export interface DeviceCodeStart {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  expiresInSeconds: number;
  intervalSeconds: number;
  /** The service's own instruction, in the language it chose. */
  message?: string;
}

/** Values that must never reach a log line or an error message (secrets, assertions, codes). */
export type SecretList = readonly (string | undefined)[];

/**
 * The two endpoints of the Microsoft identity platform the sign-in flows use, written by hand
 * over the same HTTP stack as the admin client: no authority discovery, so nothing but the
 * configured login host is ever contacted, and the same proxy and CA settings apply.
 */
export class IdentityClient {
  readonly tokenEndpoint: string;
  readonly deviceCodeEndpoint: string;
  private readonly http: ExchangeHttp;
  private readonly origin: string;

  constructor(private readonly options: IdentityClientOptions) {
    const base = options.loginBaseUrl.replace(/\/+$/, '');
    const tenant = encodeURIComponent(options.tenant);
    this.tokenEndpoint = `${base}/${tenant}/oauth2/v2.0/token`;
    this.deviceCodeEndpoint = `${base}/${tenant}/oauth2/v2.0/devicecode`;
    this.origin = originOf(base) ?? base;
    this.http = new ExchangeHttp(options);
  }

  get tenant(): string {
    return this.options.tenant;
  }

  /** Posts a token request. Network and format failures throw; OAuth errors are returned. */
  async requestToken(form: Record<string, string>, secrets: SecretList): Promise<TokenAnswer> {
    const body = await this.postForm(this.tokenEndpoint, form, secrets, form.grant_type ?? '');
    const json = body.json;
    if (body.status === 200 && json && typeof json.access_token === 'string') {
      const expiresIn = Number(json.expires_in);
      return {
        ok: true,
        grant: {
          accessToken: json.access_token,
          expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
          ...(typeof json.refresh_token === 'string' ? { refreshToken: json.refresh_token } : {}),
        },
      };
    }
    return { ok: false, failure: this.toFailure(body.status, json, secrets) };
  }

  /** Starts a device-code sign-in. Any failure throws, already described. */
  async startDeviceCode(clientId: string, scope: string): Promise<DeviceCodeStart> {
    const body = await this.postForm(
      this.deviceCodeEndpoint,
      { client_id: clientId, scope },
      [],
      'device code',
    );
    const json = body.json;
    if (
      body.status === 200 &&
      json &&
      typeof json.device_code === 'string' &&
      typeof json.user_code === 'string'
    ) {
      const uri = json.verification_uri ?? json.verification_url;
      const interval = Number(json.interval);
      const expiresIn = Number(json.expires_in);
      return {
        deviceCode: json.device_code,
        userCode: json.user_code,
        verificationUri: typeof uri === 'string' ? uri : '',
        intervalSeconds: Number.isFinite(interval) && interval > 0 ? interval : 5,
        expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 900,
        ...(typeof json.message === 'string' ? { message: json.message } : {}),
      };
    }
    if (!json) {
      throw this.badAnswer(body.status);
    }
    throw new ExchangeAuthError(
      describeSignInFailure(this.toFailure(body.status, json, []), {
        clientId,
        tenant: this.options.tenant,
      }),
    );
  }

  private async postForm(
    url: string,
    form: Record<string, string>,
    secrets: SecretList,
    what: string,
  ): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
    const outcome = await this.http.post(url, new URLSearchParams(form).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    });
    if (!outcome.ok) {
      this.options.logger.warn(`Sign-in: POST ${url} (${what}) failed: ${outcome.kind}`);
      const id =
        outcome.kind === 'timeout' ? 'exchange.identityTimeout' : 'exchange.identityUnreachable';
      throw new ExchangeAuthError({
        kind: outcome.kind,
        message: msg(id, {
          origin: this.origin,
          reason: redactText(outcome.reason, secrets),
          seconds: Math.round(this.options.timeoutMs / 1000),
        }),
      });
    }
    const { status } = outcome.response;
    this.options.logger.debug(`Sign-in: POST ${url} (${what}) → HTTP ${status}`);
    if (status === 429) {
      throw new ExchangeAuthError({
        kind: 'throttled',
        status,
        message: msg('exchange.identityThrottled', { origin: this.origin }),
      });
    }
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(outcome.response.body.toString('utf8'));
      json =
        parsed !== null && typeof parsed === 'object'
          ? (parsed as Record<string, unknown>)
          : undefined;
    } catch {
      json = undefined;
    }
    if (!json) {
      throw this.badAnswer(status);
    }
    return { status, json };
  }

  private badAnswer(status: number): ExchangeAuthError {
    return new ExchangeAuthError({
      kind: 'bad-response',
      status,
      message: msg('exchange.identityBadResponse', { origin: this.origin, status }),
    });
  }

  private toFailure(
    status: number,
    json: Record<string, unknown> | undefined,
    secrets: SecretList,
  ): OAuthFailure {
    const error = typeof json?.error === 'string' ? json.error : 'unknown_error';
    const rawDescription =
      typeof json?.error_description === 'string' ? json.error_description : '';
    // Entra appends trace and correlation ids on further lines; they help support, not admins.
    const description = redactText(rawDescription.split(/\r?\n/)[0] ?? '', secrets).trim();
    const codes = Array.isArray(json?.error_codes) ? json.error_codes : [];
    const fromText = /AADSTS(\d+)/.exec(description)?.[1];
    const first: unknown = codes[0];
    const number = fromText ?? (typeof first === 'number' ? String(first) : undefined);
    return { status, error, description, ...(number ? { aadsts: `AADSTS${number}` } : {}) };
  }
}

interface FailureContext {
  clientId: string;
  tenant: string;
  resource?: string;
  /** SHA-1 thumbprint of the app certificate, for certificate sign-in. */
  thumbprint?: string;
}

/**
 * The sentence for a refused sign-in. Entra's codes say precisely what is wrong; the common
 * ones get an instruction, the rest the service's own first line.
 */
export function describeSignInFailure(
  failure: OAuthFailure,
  context: FailureContext,
): ExchangeError {
  const args = {
    clientId: context.clientId,
    tenant: context.tenant,
    resource: context.resource ?? '',
    thumbprint: context.thumbprint ?? '',
    detail: failure.description || failure.error,
  };
  const byCode: Record<string, Parameters<typeof msg>[0]> = {
    AADSTS7000215: 'exchange.auth.invalidSecret',
    AADSTS7000222: 'exchange.auth.secretExpired',
    AADSTS700016: 'exchange.auth.appNotFound',
    AADSTS90002: 'exchange.auth.tenantNotFound',
    AADSTS900023: 'exchange.auth.tenantNotFound',
    AADSTS700027: 'exchange.auth.certificateNotAccepted',
    AADSTS500011: 'exchange.auth.resourceNotFound',
    AADSTS65001: 'exchange.auth.consentMissing',
    AADSTS7000218: 'exchange.auth.publicClientDisabled',
    AADSTS50076: 'exchange.auth.mfaRequired',
    AADSTS53003: 'exchange.auth.conditionalAccess',
  };
  const id = (failure.aadsts && byCode[failure.aadsts]) || 'exchange.auth.refused';
  return {
    kind: 'auth-failed',
    status: failure.status,
    message: msg(id, args),
    serverCode: failure.aadsts ?? failure.error,
    serverMessage: failure.description,
  };
}
