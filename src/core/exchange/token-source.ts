import type { Clock } from './clock';

/**
 * Where the admin client gets its bearer token. The core's sign-in flows implement it, and the
 * editor plugs in its own Microsoft account provider through the same shape, so the core never
 * needs to know about VS Code. `getToken(true)` must not answer from a cache: the admin client
 * asks for it once after Exchange refused a token.
 *
 * Implementations throw `ExchangeAuthError` when they cannot sign in.
 */
export interface TokenSource {
  getToken(forceRefresh?: boolean): Promise<string>;
  signOut?(): void;
}

/** What every sign-in flow needs to know about the tenant and the resource. */
export interface TokenRequestTarget {
  /** Tenant GUID or initial domain, as written in `exchange.tenant`. */
  tenant: string;
  /** Base URL of the admin API; the token's scope is `<admin>/.default`. */
  adminBaseUrl: string;
}

/** `https://outlook.office365.com/.default` for the global cloud. */
export function exchangeScope(adminBaseUrl: string): string {
  return `${adminBaseUrl.replace(/\/+$/, '')}/.default`;
}

const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * One token held in memory with its expiry. It counts as fresh until `marginMs` before it
 * expires, so a long sequence of calls does not run into the expiry halfway; for short-lived
 * tokens the margin shrinks to half the lifetime, or such a token would never be reused.
 */
export class TokenCache {
  private token: string | undefined;
  private expiresAt = 0;
  private refreshAt = 0;

  constructor(
    private readonly clock: Clock,
    private readonly marginMs = DEFAULT_REFRESH_MARGIN_MS,
  ) {}

  get(): string | undefined {
    return this.token !== undefined && this.clock.now() < this.refreshAt ? this.token : undefined;
  }

  /** The time (ms) at which the cached token expires; 0 without one. */
  get expiry(): number {
    return this.token === undefined ? 0 : this.expiresAt;
  }

  put(token: string, expiresInSeconds: number): void {
    const now = this.clock.now();
    const lifetimeMs = Math.max(0, expiresInSeconds * 1000);
    this.token = token;
    this.expiresAt = now + lifetimeMs;
    this.refreshAt = now + lifetimeMs - Math.min(this.marginMs, lifetimeMs / 2);
  }

  clear(): void {
    this.token = undefined;
    this.expiresAt = 0;
    this.refreshAt = 0;
  }
}

/**
 * Runs at most one sign-in at a time: callers that ask while one is under way share its result
 * instead of each starting their own (which for device code would show several codes).
 */
export class SingleFlight<T> {
  private running: Promise<T> | undefined;

  run(task: () => Promise<T>): Promise<T> {
    if (!this.running) {
      this.running = task().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }
}
