import { msg } from '../messages/catalogue';
import type { ExchangeError } from './exchange-error';
import type { TokenIdentity } from './token-claims';

/**
 * Server-side exception text arrives as `|Namespace.TypeException|What went wrong` or with an
 * error id before it (`Ex6F9304|Namespace.TypeException|…`). The type name helps support, the
 * rest is what an admin reads.
 */
const TYPE_PREFIX = /^[^|\s]*\|[\w.+`]+\|\s*/;
/** Texts Exchange puts in `error.message` for every failure; they say nothing. */
const GENERIC_MESSAGES = new Set(['invalid operation', 'an error has occurred.', '']);

function field(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (name in record) {
    return record[name];
  }
  const key = Object.keys(record).find(
    (candidate) => candidate.toLowerCase() === name.toLowerCase(),
  );
  return key === undefined ? undefined : record[key];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function stripExceptionType(message: string): string {
  return message.replace(TYPE_PREFIX, '').trim();
}

/**
 * The real reason inside an admin API error body, or undefined when the body is not the API's
 * JSON (Exchange answers some 403s with a few NUL bytes).
 */
export function readAdminErrorText(body: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const error = field(parsed, 'error');
  if (error === undefined) {
    return undefined;
  }
  const details = field(error, 'details');
  const firstDetail: unknown = Array.isArray(details) ? details[0] : details;
  const inner = field(error, 'innererror');
  const candidates = [
    text(field(firstDetail, 'message')),
    text(field(field(inner, 'internalexception'), 'message')),
    text(field(inner, 'message')),
    text(field(error, 'message')),
  ];
  for (const candidate of candidates) {
    if (candidate !== undefined) {
      const stripped = stripExceptionType(candidate);
      if (!GENERIC_MESSAGES.has(stripped.toLowerCase())) {
        return stripped;
      }
    }
  }
  return undefined;
}

export interface AdminFailureContext {
  cmdlet: string;
  status: number;
  origin: string;
  /** The admin base URL, which is the token's audience. */
  resource: string;
  identity: TokenIdentity;
  /** Origin a redirect pointed at. */
  location: string;
  serverText?: string;
}

const CMDLET_NOT_RECOGNISED = /is not recognized as (?:the |a )?name of a cmdlet/i;

/** The sentence for an admin API answer that is neither success nor worth retrying. */
export function describeAdminFailure(context: AdminFailureContext): ExchangeError {
  const { cmdlet, status, serverText, identity } = context;
  const base = { status, cmdlet, ...(serverText ? { serverMessage: serverText } : {}) };
  if (status >= 300 && status < 400) {
    return {
      ...base,
      kind: 'bad-response',
      message: msg('exchange.redirectRefused', {
        cmdlet,
        status,
        target: context.location || '?',
        origin: context.origin,
      }),
    };
  }
  if (status === 401) {
    return {
      ...base,
      kind: 'auth-failed',
      message: msg('exchange.unauthorized', { cmdlet, resource: context.resource }),
    };
  }
  if (status === 403) {
    return {
      ...base,
      kind: 'forbidden',
      message:
        identity.kind === 'app'
          ? msg('exchange.forbiddenApp', { cmdlet, clientId: identity.name ?? '?' })
          : msg('exchange.forbiddenUser', { cmdlet, user: identity.name ?? '?' }),
    };
  }
  if (status === 404) {
    return {
      ...base,
      kind: 'bad-response',
      message: msg('exchange.notFound', { cmdlet, origin: context.origin }),
    };
  }
  if (status >= 400 && status < 500) {
    if (serverText && CMDLET_NOT_RECOGNISED.test(serverText)) {
      // Exchange hides cmdlets the caller's roles do not grant, so "not recognized" is usually
      // a permission problem rather than a typo.
      return {
        ...base,
        kind: 'forbidden',
        message: msg('exchange.cmdletNotAvailable', { cmdlet }),
      };
    }
    return {
      ...base,
      kind: 'rejected',
      message: serverText
        ? msg('exchange.rejected', { cmdlet, detail: serverText })
        : msg('exchange.rejectedNoDetail', { cmdlet, status }),
    };
  }
  return {
    ...base,
    kind: 'bad-response',
    message: msg('exchange.unexpectedStatus', { cmdlet, status }),
  };
}
