import type { Logger } from '../log';
import { msg } from '../messages/catalogue';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { ExchangeErrorKind } from './exchange-error';
import { ExchangeAuthError } from './exchange-error';
import type { IdentityClient, OAuthFailure } from './identity-client';
import { describeSignInFailure } from './identity-client';
import type { TokenSource } from './token-source';
import { SingleFlight, TokenCache } from './token-source';

/**
 * "Microsoft Exchange REST API Based Powershell", the public client the Exchange Online
 * PowerShell module signs in with. Tenants that allow the module allow this app, so admins need
 * no app registration of their own for interactive use.
 */
export const EXCHANGE_PUBLIC_CLIENT_ID = 'fb78d390-0c51-40cd-8e17-fdbfab77341b';

/** What the person signing in must be shown. */
export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  expiresInSeconds: number;
  /** Our sentence with URL and code, ready to print. */
  message: string;
}

export interface DeviceCodeOptions {
  identity: IdentityClient;
  /** Defaults to the Exchange module's public client. */
  clientId?: string;
  /** `<admin>/.default`; `offline_access` is added so the sign-in survives token expiry. */
  scope: string;
  onCode: (prompt: DeviceCodePrompt) => void;
  logger: Logger;
  clock?: Clock;
  refreshMarginMs?: number;
}

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628: on `slow_down` the client adds five seconds to its polling interval for good. */
const SLOW_DOWN_STEP_SECONDS = 5;

/**
 * Delegated sign-in by device code (RFC 8628), for the command line and for editors without a
 * Microsoft account provider. The refresh token it gets stays in memory only, so a long run
 * renews its token silently and a new process asks again.
 */
export class DeviceCodeTokenSource implements TokenSource {
  private readonly cache: TokenCache;
  private readonly flight = new SingleFlight<string>();
  private readonly clock: Clock;
  private readonly clientId: string;
  private refreshToken: string | undefined;
  /** Bumped by signOut so a poll loop under way stops at its next turn. */
  private generation = 0;

  constructor(private readonly options: DeviceCodeOptions) {
    this.clock = options.clock ?? systemClock;
    this.cache = new TokenCache(this.clock, options.refreshMarginMs);
    this.clientId = options.clientId ?? EXCHANGE_PUBLIC_CLIENT_ID;
  }

  getToken(forceRefresh = false): Promise<string> {
    const cached = forceRefresh ? undefined : this.cache.get();
    if (cached !== undefined) {
      return Promise.resolve(cached);
    }
    return this.flight.run(() => this.acquire());
  }

  signOut(): void {
    this.generation += 1;
    this.cache.clear();
    this.refreshToken = undefined;
  }

  private get scopeWithRefresh(): string {
    return `${this.options.scope} offline_access`;
  }

  private async acquire(): Promise<string> {
    if (this.refreshToken !== undefined) {
      const renewed = await this.redeemRefreshToken(this.refreshToken);
      if (renewed !== undefined) {
        return renewed;
      }
    }
    return this.signInWithCode();
  }

  private async redeemRefreshToken(refreshToken: string): Promise<string | undefined> {
    const answer = await this.options.identity.requestToken(
      {
        grant_type: 'refresh_token',
        client_id: this.clientId,
        refresh_token: refreshToken,
        scope: this.scopeWithRefresh,
      },
      [refreshToken],
    );
    if (!answer.ok) {
      // An expired or revoked refresh token is normal after a long pause: sign in again.
      this.options.logger.info(
        `Refreshing the Exchange sign-in failed (${answer.failure.error}); asking again`,
      );
      this.refreshToken = undefined;
      return undefined;
    }
    return this.keep(
      answer.grant.accessToken,
      answer.grant.expiresInSeconds,
      answer.grant.refreshToken,
    );
  }

  private async signInWithCode(): Promise<string> {
    const { identity, logger } = this.options;
    const generation = this.generation;
    const start = await identity.startDeviceCode(this.clientId, this.scopeWithRefresh);
    const secrets = [start.deviceCode];
    this.options.onCode({
      userCode: start.userCode,
      verificationUri: start.verificationUri,
      expiresInSeconds: start.expiresInSeconds,
      message: msg('exchange.auth.deviceCodePrompt', {
        url: start.verificationUri,
        code: start.userCode,
        minutes: Math.max(1, Math.round(start.expiresInSeconds / 60)),
      }),
    });
    logger.info(`Waiting for the device-code sign-in at ${start.verificationUri}`);
    const deadline = this.clock.now() + start.expiresInSeconds * 1000;
    let intervalSeconds = start.intervalSeconds;
    // The deadline bounds the loop in time; the count bounds it when a clock misbehaves.
    const maxPolls = Math.ceil(start.expiresInSeconds / Math.max(1, intervalSeconds)) + 10;
    for (let poll = 0; poll < maxPolls; poll += 1) {
      await this.clock.sleep(intervalSeconds * 1000);
      if (generation !== this.generation) {
        throw this.failure('auth-failed', 'exchange.auth.deviceCodeCancelled');
      }
      if (this.clock.now() >= deadline) {
        break;
      }
      const answer = await identity.requestToken(
        { grant_type: DEVICE_CODE_GRANT, client_id: this.clientId, device_code: start.deviceCode },
        secrets,
      );
      if (generation !== this.generation) {
        throw this.failure('auth-failed', 'exchange.auth.deviceCodeCancelled');
      }
      if (answer.ok) {
        logger.info(
          `Signed in to Exchange Online by device code; token valid for ${answer.grant.expiresInSeconds} s`,
        );
        return this.keep(
          answer.grant.accessToken,
          answer.grant.expiresInSeconds,
          answer.grant.refreshToken,
        );
      }
      const next = this.interpretPollFailure(answer.failure);
      if (next === 'slow-down') {
        intervalSeconds += SLOW_DOWN_STEP_SECONDS;
        logger.debug(`Sign-in service asked to poll more slowly; now every ${intervalSeconds} s`);
      }
    }
    throw this.failure('auth-failed', 'exchange.auth.deviceCodeExpired');
  }

  /** `pending` and `slow-down` keep polling; everything else ends the sign-in. */
  private interpretPollFailure(failure: OAuthFailure): 'pending' | 'slow-down' {
    switch (failure.error) {
      case 'authorization_pending':
        return 'pending';
      case 'slow_down':
        return 'slow-down';
      case 'expired_token':
      case 'code_expired':
        throw this.failure('auth-failed', 'exchange.auth.deviceCodeExpired', failure);
      case 'access_denied':
      case 'authorization_declined':
        throw this.failure('auth-failed', 'exchange.auth.deviceCodeDeclined', failure);
      default:
        throw new ExchangeAuthError(
          describeSignInFailure(failure, {
            clientId: this.clientId,
            tenant: this.options.identity.tenant,
            resource: this.options.scope.replace(/\/\.default$/, ''),
          }),
        );
    }
  }

  private failure(
    kind: ExchangeErrorKind,
    id: Parameters<typeof msg>[0],
    failure?: OAuthFailure,
  ): ExchangeAuthError {
    return new ExchangeAuthError({
      kind,
      message: msg(id),
      ...(failure
        ? {
            status: failure.status,
            serverCode: failure.aadsts ?? failure.error,
            serverMessage: failure.description,
          }
        : {}),
    });
  }

  private keep(
    accessToken: string,
    expiresInSeconds: number,
    refreshToken: string | undefined,
  ): string {
    this.cache.put(accessToken, expiresInSeconds);
    if (refreshToken !== undefined) {
      this.refreshToken = refreshToken;
    }
    return accessToken;
  }
}
