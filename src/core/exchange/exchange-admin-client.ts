import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import { redact, redactText } from '../log';
import { msg } from '../messages/catalogue';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { ExchangeError, ExchangeResult } from './exchange-error';
import { isExchangeAuthError } from './exchange-error';
import { ExchangeHttp, originOf } from './exchange-http';
import { describeAdminFailure, readAdminErrorText } from './admin-error-text';
import type { TokenIdentity } from './token-claims';
import { readTokenIdentity } from './token-claims';
import type { TokenSource } from './token-source';

export interface ExchangeAdminClientOptions {
  /** `https://outlook.office365.com` or the cloud's (or an emulator's) equivalent. */
  adminBaseUrl: string;
  /** Tenant GUID or initial domain. */
  tenant: string;
  tokenSource: TokenSource;
  logger: Logger;
  /** Per request. */
  timeoutMs?: number;
  /** Total time one `invoke` may spend waiting on throttling and server errors. */
  retryBudgetMs?: number;
  proxy?: string;
  caFile?: string;
  /** `Prefer: odata.maxpagesize`; Exchange accepts 1–1000. */
  pageSize?: number;
  /** Pages one `invoke` follows before it gives up (a runaway nextLink chain). */
  maxPages?: number;
  clock?: Clock;
}

/** Objects a cmdlet returned, all pages joined, with the warnings Exchange attached. */
export interface CmdletOutput {
  objects: Record<string, unknown>[];
  warnings: string[];
}

/** The routing hint Exchange expects for app-only calls: the tenant's system mailbox. */
const APP_ANCHOR_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';
const RETRYABLE_SERVER_STATUSES = new Set([500, 502, 503, 504]);
const TRANSIENT_NETWORK = /ECONNRESET|EPIPE|socket hang up/i;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;

/**
 * Client of Exchange Online's admin REST endpoint (`adminapi/beta/<tenant>/InvokeCommand`), the
 * one the Exchange PowerShell module itself calls. Every cmdlet goes through `invoke`, which
 * pages, retries throttled and failed calls within a time budget, renews the token once when
 * Exchange refuses it, and turns every failure into a sentence. The token is only ever sent to
 * the admin base URL's origin.
 */
export class ExchangeAdminClient {
  private readonly http: ExchangeHttp;
  private readonly clock: Clock;
  private readonly base: string;
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly retryBudgetMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(private readonly options: ExchangeAdminClientOptions) {
    this.base = options.adminBaseUrl.replace(/\/+$/, '');
    this.origin = originOf(this.base) ?? this.base;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retryBudgetMs = options.retryBudgetMs ?? 120_000;
    this.pageSize = Math.min(1000, Math.max(1, Math.floor(options.pageSize ?? 1000)));
    this.maxPages = Math.max(1, options.maxPages ?? 100);
    this.clock = options.clock ?? systemClock;
    this.http = new ExchangeHttp({
      timeoutMs: this.timeoutMs,
      ...(options.proxy ? { proxy: options.proxy } : {}),
      ...(options.caFile ? { caFile: options.caFile } : {}),
    });
  }

  /** The URL every cmdlet is posted to. */
  get invokeUrl(): string {
    return `${this.base}/adminapi/beta/${encodeURIComponent(this.options.tenant)}/InvokeCommand`;
  }

  /**
   * Runs one cmdlet. Parameters are JSON as the cmdlet binds them: booleans as `true`/`false`,
   * multi-valued properties as arrays.
   */
  async invoke(
    cmdlet: string,
    parameters: Record<string, unknown> = {},
  ): Promise<ExchangeResult<CmdletOutput>> {
    const { logger } = this.options;
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    logger.debug(`Exchange: ${cmdlet} ${JSON.stringify(redact(parameters))}`);
    const run: InvokeRun = {
      cmdlet,
      body,
      requestId: randomUUID(),
      deadline: this.clock.now() + this.retryBudgetMs,
      refreshed: false,
      token: '',
    };
    const first = await this.fetchToken(run, false);
    if (first) {
      return { ok: false, error: first };
    }
    const output: CmdletOutput = { objects: [], warnings: [] };
    let url = this.invokeUrl;
    for (let page = 1; ; page += 1) {
      if (page > this.maxPages) {
        return this.fail(run, {
          kind: 'bad-response',
          message: msg('exchange.tooManyPages', { cmdlet, pages: this.maxPages }),
        });
      }
      const answer = await this.postWithRetries(run, url);
      if (!answer.ok) {
        return answer;
      }
      const json = answer.value;
      const value = json.value;
      const objects = Array.isArray(value)
        ? value.filter(
            (item): item is Record<string, unknown> => item !== null && typeof item === 'object',
          )
        : value !== null && typeof value === 'object'
          ? [value as Record<string, unknown>]
          : [];
      output.objects.push(...objects);
      const warnings = json['@adminapi.warnings'];
      if (Array.isArray(warnings)) {
        output.warnings.push(...warnings.map(String));
      }
      logger.info(`Exchange: ${cmdlet} page ${page} → ${objects.length} object(s)`);
      const next = json['@odata.nextLink'];
      if (typeof next !== 'string' || next === '') {
        break;
      }
      let nextUrl: string;
      try {
        nextUrl = new URL(next, url).toString();
      } catch {
        return this.fail(run, {
          kind: 'bad-response',
          message: msg('exchange.nextLinkInvalid', { cmdlet }),
        });
      }
      if (originOf(nextUrl) !== this.origin) {
        return this.fail(run, {
          kind: 'bad-response',
          message: msg('exchange.nextLinkForeign', {
            cmdlet,
            target: originOf(nextUrl) ?? '',
            origin: this.origin,
          }),
        });
      }
      url = nextUrl;
    }
    for (const warning of output.warnings) {
      logger.info(`Exchange: ${cmdlet} warned: ${redactText(warning, [run.token])}`);
    }
    return { ok: true, value: output };
  }

  private async postWithRetries(
    run: InvokeRun,
    url: string,
  ): Promise<ExchangeResult<Record<string, unknown>>> {
    const { logger } = this.options;
    const { cmdlet } = run;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.http.post(url, run.body, this.headers(run));
      if (!outcome.ok) {
        const reason = redactText(outcome.reason, [run.token]);
        logger.warn(`Exchange: ${cmdlet} → ${outcome.kind} (${reason})`);
        if (outcome.kind === 'unreachable' && TRANSIENT_NETWORK.test(reason)) {
          if (await this.waitBeforeRetry(run, this.backoff(attempt))) {
            continue;
          }
        }
        return this.fail(run, {
          kind: outcome.kind,
          message:
            outcome.kind === 'timeout'
              ? msg('exchange.timeout', {
                  cmdlet,
                  origin: this.origin,
                  seconds: Math.round(this.timeoutMs / 1000),
                })
              : msg('exchange.unreachable', { origin: this.origin, reason }),
        });
      }
      const { status, headers, body } = outcome.response;
      logger.debug(`Exchange: POST ${url} (${cmdlet}) → HTTP ${status}`);
      if (status >= 200 && status < 300) {
        const json = parseJsonObject(body);
        if (!json) {
          return this.fail(run, {
            kind: 'bad-response',
            status,
            message: msg('exchange.badResponse', { cmdlet, status }),
          });
        }
        return { ok: true, value: json };
      }
      if (status === 401 && !run.refreshed) {
        // An expired or revoked token: ask the source for a new one once, then give up.
        run.refreshed = true;
        logger.info(`Exchange: ${cmdlet} → HTTP 401; renewing the sign-in once`);
        const failure = await this.fetchToken(run, true);
        if (failure) {
          return { ok: false, error: failure };
        }
        continue;
      }
      if (status === 429 || RETRYABLE_SERVER_STATUSES.has(status)) {
        const wait =
          parseRetryAfter(headers['retry-after'], this.clock.now()) ?? this.backoff(attempt);
        logger.info(
          `Exchange: ${cmdlet} → HTTP ${status}; retrying in ${Math.round(wait / 1000)} s`,
        );
        if (await this.waitBeforeRetry(run, wait)) {
          continue;
        }
        const seconds = Math.round(this.retryBudgetMs / 1000);
        return this.fail(
          run,
          status === 429
            ? { kind: 'throttled', status, message: msg('exchange.throttled', { cmdlet, seconds }) }
            : {
                kind: 'unreachable',
                status,
                message: msg('exchange.serverError', { cmdlet, status, seconds }),
              },
        );
      }
      return this.fail(run, this.describeStatus(run, status, headers, body));
    }
  }

  private describeStatus(
    run: InvokeRun,
    status: number,
    headers: Record<string, string>,
    body: Buffer,
  ): ExchangeError {
    const identity: TokenIdentity = readTokenIdentity(run.token) ?? { kind: 'app' };
    const serverText = readAdminErrorText(body);
    return describeAdminFailure({
      cmdlet: run.cmdlet,
      status,
      origin: this.origin,
      resource: this.base,
      identity,
      location: headers.location
        ? (originOf(new URL(headers.location, this.base).toString()) ?? '')
        : '',
      ...(serverText ? { serverText: redactText(serverText, [run.token]) } : {}),
    });
  }

  private async fetchToken(run: InvokeRun, force: boolean): Promise<ExchangeError | undefined> {
    try {
      run.token = await this.options.tokenSource.getToken(force);
      return undefined;
    } catch (error) {
      const failure: ExchangeError = isExchangeAuthError(error)
        ? { ...error.error, cmdlet: run.cmdlet }
        : {
            kind: 'auth-failed',
            cmdlet: run.cmdlet,
            message: msg('exchange.auth.failed', {
              detail:
                error instanceof Error ? redactText(error.message, [run.token]) : String(error),
            }),
          };
      this.options.logger.warn(`Exchange: signing in for ${run.cmdlet} failed: ${failure.kind}`);
      return failure;
    }
  }

  private headers(run: InvokeRun): Record<string, string> {
    const identity = readTokenIdentity(run.token);
    const anchor =
      identity?.kind === 'user' && identity.name
        ? `UPN:${identity.name}`
        : `APP:${APP_ANCHOR_MAILBOX}@${identity?.tenantId ?? this.options.tenant}`;
    return {
      Authorization: `Bearer ${run.token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-CmdletName': run.cmdlet,
      'X-ResponseFormat': 'json',
      'X-AnchorMailbox': anchor,
      Prefer: `odata.maxpagesize=${this.pageSize}`,
      'client-request-id': run.requestId,
    };
  }

  /** Exponential, without jitter: one admin's tool does not stampede, and waits stay predictable. */
  private backoff(attempt: number): number {
    return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  }

  /** Sleeps when the wait still fits the budget; false when it does not. */
  private async waitBeforeRetry(run: InvokeRun, waitMs: number): Promise<boolean> {
    if (this.clock.now() + waitMs > run.deadline) {
      return false;
    }
    await this.clock.sleep(waitMs);
    return true;
  }

  private fail(run: InvokeRun, error: ExchangeError): { ok: false; error: ExchangeError } {
    const full: ExchangeError = { ...error, cmdlet: run.cmdlet };
    this.options.logger.warn(
      `Exchange: ${run.cmdlet} failed (${full.kind}${full.status ? `, HTTP ${full.status}` : ''})`,
    );
    return { ok: false, error: full };
  }
}

interface InvokeRun {
  cmdlet: string;
  body: string;
  requestId: string;
  deadline: number;
  /** Whether this invoke already renewed its token after a 401. */
  refreshed: boolean;
  token: string;
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `Retry-After` as seconds or as an HTTP date, in milliseconds from now. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
