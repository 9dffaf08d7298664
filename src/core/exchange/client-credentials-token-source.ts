import type { Logger } from '../log';
import { msg } from '../messages/catalogue';
import type { CertificateCredential } from './client-assertion';
import { buildClientAssertion } from './client-assertion';
import type { Clock } from './clock';
import { systemClock } from './clock';
import { ExchangeAuthError } from './exchange-error';
import type { IdentityClient } from './identity-client';
import { describeSignInFailure } from './identity-client';
import type { TokenSource } from './token-source';
import { SingleFlight, TokenCache } from './token-source';

/** The app's proof of identity, loaded on first use so a missing secret is reported then. */
export type ClientCredential =
  { kind: 'secret'; secret: string } | { kind: 'certificate'; certificate: CertificateCredential };

export interface ClientCredentialsOptions {
  identity: IdentityClient;
  clientId: string;
  scope: string;
  /** Resolves the secret or certificate; throws `ExchangeAuthError` when it cannot. */
  loadCredential: () => Promise<ClientCredential>;
  logger: Logger;
  clock?: Clock;
  refreshMarginMs?: number;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * App-only sign-in (OAuth client credentials) with a client secret or a certificate. There is
 * no refresh token in this flow: a fresh token is simply requested again.
 */
export class ClientCredentialsTokenSource implements TokenSource {
  private readonly cache: TokenCache;
  private readonly flight = new SingleFlight<string>();
  private readonly clock: Clock;
  private credential: ClientCredential | undefined;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.clock = options.clock ?? systemClock;
    this.cache = new TokenCache(this.clock, options.refreshMarginMs);
  }

  getToken(forceRefresh = false): Promise<string> {
    const cached = forceRefresh ? undefined : this.cache.get();
    if (cached !== undefined) {
      return Promise.resolve(cached);
    }
    return this.flight.run(() => this.acquire());
  }

  signOut(): void {
    this.cache.clear();
    this.credential = undefined;
  }

  private async acquire(): Promise<string> {
    const { identity, clientId, scope, logger } = this.options;
    this.credential ??= await this.options.loadCredential();
    const credential = this.credential;
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: clientId,
      scope,
    };
    let secret: string;
    if (credential.kind === 'secret') {
      secret = credential.secret;
      form.client_secret = secret;
    } else {
      if (credential.certificate.notAfter.getTime() < this.clock.now()) {
        throw new ExchangeAuthError({
          kind: 'auth-failed',
          message: msg('exchange.auth.certificateExpired', {
            thumbprint: credential.certificate.thumbprint,
            date: credential.certificate.notAfter.toISOString().slice(0, 10),
          }),
        });
      }
      secret = buildClientAssertion(
        credential.certificate,
        clientId,
        identity.tokenEndpoint,
        this.clock.now(),
      );
      form.client_assertion_type = ASSERTION_TYPE;
      form.client_assertion = secret;
    }
    const answer = await identity.requestToken(form, [secret]);
    if (!answer.ok) {
      const error = describeSignInFailure(answer.failure, {
        clientId,
        tenant: identity.tenant,
        resource: scope.replace(/\/\.default$/, ''),
        ...(credential.kind === 'certificate'
          ? { thumbprint: credential.certificate.thumbprint }
          : {}),
      });
      logger.warn(
        `Sign-in for app ${clientId} refused: ${answer.failure.aadsts ?? answer.failure.error}`,
      );
      throw new ExchangeAuthError(error);
    }
    logger.info(
      `Signed in as app ${clientId} (${credential.kind}); token valid for ${answer.grant.expiresInSeconds} s`,
    );
    this.cache.put(answer.grant.accessToken, answer.grant.expiresInSeconds);
    return answer.grant.accessToken;
  }
}
