/**
 * How a call to Exchange Online (its sign-in or its admin API) can fail, sorted by what the
 * admin has to do about it. `message` is the sentence to show; the other fields are for logs,
 * findings and tests.
 */
export type ExchangeErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'auth-failed'
  | 'forbidden'
  | 'throttled'
  | 'rejected'
  | 'bad-response';

export interface ExchangeError {
  kind: ExchangeErrorKind;
  message: string;
  /** HTTP status, when an answer came. */
  status?: number;
  /** The cmdlet the failure is about, for admin API calls. */
  cmdlet?: string;
  /** The service's own error code (`AADSTS7000215`, `invalid_client`, …). */
  serverCode?: string;
  /** The service's own text, secrets removed; already part of `message` where it helps. */
  serverMessage?: string;
}

export type ExchangeResult<T> = { ok: true; value: T } | { ok: false; error: ExchangeError };

/**
 * Thrown by token sources. The admin client catches it and returns its `error` as a failed
 * result, so a sign-in problem reaches the user through the same path as an API problem.
 */
export class ExchangeAuthError extends Error {
  constructor(readonly error: ExchangeError) {
    super(error.message);
    this.name = 'ExchangeAuthError';
  }
}

export function isExchangeAuthError(value: unknown): value is ExchangeAuthError {
  return value instanceof ExchangeAuthError;
}
