import type { MessageId } from '../messages/catalogue';
import { hasMessage, msg } from '../messages/catalogue';
import type { MailcowReplyEntry } from './mailcow-types';

export type MailcowErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'auth-failed'
  | 'ip-not-allowed'
  | 'read-only'
  | 'rejected'
  | 'bad-response'
  | 'backed-off';

/** The finer cause inside a kind; each has its own sentence. */
export type MailcowFailureReason =
  | 'refused'
  | 'dns'
  | 'dropped'
  | 'network'
  | 'gateway'
  | 'proxy-auth'
  | 'proxy-failed'
  | 'timeout'
  | 'tls-untrusted'
  | 'tls-name'
  | 'tls-expired'
  | 'tls-other'
  | 'ca-file'
  | 'no-key'
  | 'key-unknown'
  | 'empty-answer'
  | 'ip-denied'
  | 'read-only'
  | 'backed-off'
  | 'mailcow-refused'
  | 'mailcow-warning'
  | 'empty-write-answer'
  | 'html'
  | 'not-json'
  | 'unexpected-shape'
  | 'redirect'
  | 'route-not-found'
  | 'server-error'
  | 'http-status';

/** What went wrong, as data; `describeMailcowFailure` makes the sentence from it. */
export interface MailcowFailure {
  kind: MailcowErrorKind;
  reason: MailcowFailureReason;
  /** scheme://host:port of mailcow. */
  origin: string;
  /** `POST /api/v1/add/domain`: what was being asked. */
  request: string;
  status?: number;
  /** mailcow's own `msg` key (or envelope text) where it gave one. */
  msgKey?: string;
  msgArgs?: string[];
  /** For IP-denied keys: the address mailcow saw the request come from. */
  deniedAddress?: string;
  /** For back-off: how long until the key may be tried again, and how many failures led here. */
  retryInSeconds?: number;
  failures?: number;
  /** A short technical detail (an error code, a field name); never a secret. */
  detail?: string;
  /** For redirects: where the server pointed to. */
  location?: string;
  /** The proxy in use, without credentials. */
  proxy?: string;
  /** Every entry of a write reply that failed, so callers can see partial outcomes. */
  entries?: MailcowReplyEntry[];
}

export interface MailcowError extends MailcowFailure {
  /** A sentence a mail administrator understands. */
  message: string;
}

export type MailcowResult<T> = { ok: true; value: T } | { ok: false; error: MailcowError };

const REASON_MESSAGES: Record<MailcowFailureReason, MessageId> = {
  refused: 'mailcow.error.refused',
  dns: 'mailcow.error.dns',
  dropped: 'mailcow.error.dropped',
  network: 'mailcow.error.network',
  gateway: 'mailcow.error.gateway',
  'proxy-auth': 'mailcow.error.proxyAuth',
  'proxy-failed': 'mailcow.error.proxyFailed',
  timeout: 'mailcow.error.timeout',
  'tls-untrusted': 'mailcow.error.tlsUntrusted',
  'tls-name': 'mailcow.error.tlsName',
  'tls-expired': 'mailcow.error.tlsExpired',
  'tls-other': 'mailcow.error.tlsOther',
  'ca-file': 'mailcow.error.caFile',
  'no-key': 'mailcow.error.noKey',
  'key-unknown': 'mailcow.error.keyUnknown',
  'empty-answer': 'mailcow.error.emptyAnswer',
  'ip-denied': 'mailcow.error.ipDenied',
  'read-only': 'mailcow.error.readOnly',
  'backed-off': 'mailcow.error.backedOff',
  'mailcow-refused': 'mailcow.error.refusedByMailcow',
  'mailcow-warning': 'mailcow.error.warning',
  'empty-write-answer': 'mailcow.error.emptyWriteAnswer',
  html: 'mailcow.error.html',
  'not-json': 'mailcow.error.notJson',
  'unexpected-shape': 'mailcow.error.unexpectedShape',
  redirect: 'mailcow.error.redirect',
  'route-not-found': 'mailcow.error.routeNotFound',
  'server-error': 'mailcow.error.serverError',
  'http-status': 'mailcow.error.httpStatus',
};

/** Envelope-level texts mailcow sends as `msg` (not language keys), mapped to explanations. */
const ENVELOPE_TEXTS: Record<string, MessageId> = {
  "Request body doesn't contain valid json!": 'mailcow.reply.invalidJson',
  'Cannot find attributes in post data': 'mailcow.reply.noAttributes',
  'Cannot add item': 'mailcow.reply.cannotAdd',
  'Cannot edit item': 'mailcow.reply.cannotEdit',
  'Cannot delete item': 'mailcow.reply.cannotDelete',
  'only POST method is allowed': 'mailcow.reply.wrongMethod',
  'only GET method is allowed': 'mailcow.reply.wrongMethod',
  'route not found': 'mailcow.reply.routeNotFound',
};

/**
 * mailcow's reason in words: its language keys (`domain_exists`, `["invalid_host", h]`) have a
 * sentence each; anything else is quoted as mailcow said it.
 */
export function describeMailcowMessage(key: string, args: readonly string[] = []): string {
  const envelope = ENVELOPE_TEXTS[key];
  if (envelope) {
    return msg(envelope);
  }
  const id = `mailcow.reply.${key}`;
  const values = { arg: args[0] ?? '', args: args.join(', '), key };
  if (/^[a-z0-9_]+$/.test(key) && hasMessage(id)) {
    return msg(id, values);
  }
  return msg('mailcow.reply.other', { ...values, key: [key, ...args].join(' ') });
}

/** The one place an API failure becomes a sentence. */
export function describeMailcowFailure(failure: MailcowFailure): string {
  const reason =
    failure.msgKey !== undefined ? describeMailcowMessage(failure.msgKey, failure.msgArgs) : '';
  return msg(REASON_MESSAGES[failure.reason], {
    origin: failure.origin,
    request: failure.request,
    status: failure.status,
    address: failure.deniedAddress,
    seconds: failure.retryInSeconds,
    failures: failure.failures,
    detail: failure.detail ?? '',
    location: failure.location,
    proxy: failure.proxy,
    reason,
  });
}
