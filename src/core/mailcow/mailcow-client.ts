import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import axios from 'axios';
import type { Logger } from '../log';
import { redact, redactText } from '../log';
import type { ProxySettings } from '../net/proxy';
import { proxyDisplay, proxyFor } from '../net/proxy';
import {
  MailcowDecodeError,
  decodeDomain,
  decodeForwardingHost,
  decodeList,
  decodeMailbox,
  decodeOne,
  decodePostfixEntry,
  decodeRelayhost,
  decodeWriteEntries,
} from './mailcow-decode';
import type {
  MailcowErrorKind,
  MailcowError,
  MailcowFailure,
  MailcowFailureReason,
  MailcowResult,
} from './mailcow-error';
import { describeMailcowFailure } from './mailcow-error';
import type {
  MailcowDomain,
  MailcowForwardingHost,
  MailcowMailbox,
  MailcowRelayFlags,
  MailcowRelayhost,
  MailcowReplyEntry,
  MailcowWriteReply,
  PostfixLogEntry,
} from './mailcow-types';

export interface MailcowClientOptions {
  /** mailcow's web address, e.g. `https://mail.example.com`. The key goes to this origin only. */
  baseUrl: string;
  /** Asked before every request, so a key stored or changed meanwhile is picked up. */
  apiKey: () => Promise<string | undefined>;
  /** A PEM file of extra certificate authorities, trusted in addition to the built-in ones. */
  caFile?: string;
  timeoutMs: number;
  logger: Logger;
  proxy?: ProxySettings;
  /** Waiting times after authentication failures; doubled per failure up to `maxMs`. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
  /** Name resolution for direct connections (the sandbox maps names to loopback with it). */
  lookup?: (hostname: string) => Promise<{ address: string; family: 4 | 6 }>;
}

export interface AddDomainOptions {
  domain: string;
  description?: string;
  active?: boolean;
  relay?: MailcowRelayFlags;
  /** Quotas in MiB, as mailcow takes them on writes (reads give bytes). */
  quotaMiB?: number;
  maxMailboxQuotaMiB?: number;
  defaultMailboxQuotaMiB?: number;
  maxAliases?: number;
  maxMailboxes?: number;
  gal?: boolean;
  tags?: string[];
  /** Only when given does mailcow create a DKIM key for the domain. */
  dkim?: { selector: string; keySize: number };
  /** Restarting SOGo can turn a stored domain into a warning reply, so it is off by default. */
  restartSogo?: boolean;
}

/** What `editDomain` may change. The relay flags always travel together (mailcow couples them). */
export interface DomainEditAttributes {
  relayhostId?: number;
  relay?: MailcowRelayFlags;
  active?: boolean;
  description?: string;
}

export interface ForwardingHostReply extends MailcowWriteReply {
  /** The addresses mailcow stored: a host name is resolved and stored as its addresses. */
  addresses: string[];
}

interface KeyGate {
  failures: number;
  blockedUntil: number;
  verified: boolean;
  /** The request that is finding out whether the key works; others wait for it. */
  probe?: Promise<void>;
}

interface Transport {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

interface RawAnswer {
  status: number;
  text: string;
  json: unknown;
}

const API = '/api/v1';
const INITIAL_BACKOFF_MS = 2_000;
// With 10 failures in 600 s (mailcow's fail2ban default) a doubling wait capped at 5 minutes
// stays below the ban threshold even for a client that retries for ever.
const MAX_BACKOFF_MS = 300_000;
const BODY_LOG_LIMIT = 2_000;

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);
const TLS_EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const flag = (value: boolean): number => (value ? 1 : 0);

/**
 * A client for mailcow's admin REST API, covering what the hybrid setup reads and writes.
 * Every call resolves to a result, never throws: `{ ok: false }` carries a kind, mailcow's own
 * reply key where it gave one, and a sentence for the admin.
 *
 * Cookies are not kept on purpose: mailcow signs a session in with whatever key was last sent,
 * and replays leftover messages of a failed request into the next reply of the same session.
 */
export class MailcowClient {
  readonly origin: string;
  private readonly base: string;
  private readonly http: AxiosInstance;
  private readonly gates = new Map<string, KeyGate>();
  private readonly secrets = new Set<string>();
  private transport?: Promise<Transport | MailcowFailure>;
  private readonly now: () => number;

  constructor(private readonly options: MailcowClientOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.now = options.now ?? Date.now;
    this.http = axios.create({
      timeout: options.timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      transformRequest: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
      maxContentLength: 64 * 1024 * 1024,
    });
  }

  /** Closes pooled connections. */
  dispose(): void {
    void this.transport?.then((transport) => {
      if ('httpAgent' in transport) {
        transport.httpAgent.destroy();
        transport.httpsAgent.destroy();
      }
    });
  }

  /** The cheapest authenticated call; answers mailcow's version. */
  async getVersion(): Promise<MailcowResult<string>> {
    return this.read('/get/status/version', (json) => {
      const version: unknown =
        json !== null && typeof json === 'object'
          ? (json as { version?: unknown }).version
          : undefined;
      if (typeof version === 'string') {
        return version;
      }
      throw new MailcowDecodeError('version');
    });
  }

  async getDomains(): Promise<MailcowResult<MailcowDomain[]>> {
    return this.read('/get/domain/all', (json) =>
      decodeList(json, 'domains', 'domain_name', decodeDomain),
    );
  }

  /** One domain, or undefined when mailcow does not have it. */
  async getDomain(name: string): Promise<MailcowResult<MailcowDomain | undefined>> {
    return this.read(`/get/domain/${encodeURIComponent(name)}`, (json) =>
      decodeOne(json, 'domain', 'domain_name', decodeDomain),
    );
  }

  async getRelayhosts(): Promise<MailcowResult<MailcowRelayhost[]>> {
    return this.read('/get/relayhost/all', (json) =>
      decodeList(json, 'relayhosts', 'hostname', decodeRelayhost),
    );
  }

  async getRelayhost(id: number): Promise<MailcowResult<MailcowRelayhost | undefined>> {
    return this.read(`/get/relayhost/${id}`, (json) =>
      decodeOne(json, 'relayhost', 'hostname', decodeRelayhost),
    );
  }

  async getForwardingHosts(): Promise<MailcowResult<MailcowForwardingHost[]>> {
    return this.read('/get/fwdhost/all', (json) =>
      decodeList(json, 'forwarding hosts', 'host', decodeForwardingHost),
    );
  }

  async getMailboxes(): Promise<MailcowResult<MailcowMailbox[]>> {
    return this.read('/get/mailbox/all', (json) =>
      decodeList(json, 'mailboxes', 'username', decodeMailbox),
    );
  }

  /** The newest `count` Postfix log entries, newest first. */
  async getPostfixLog(count: number): Promise<MailcowResult<PostfixLogEntry[]>> {
    const lines = Math.max(1, Math.trunc(count));
    return this.read(`/get/logs/postfix/${lines}`, (json) =>
      decodeList(json, 'postfix log', 'message', decodePostfixEntry),
    );
  }

  async addDomain(options: AddDomainOptions): Promise<MailcowResult<MailcowWriteReply>> {
    return this.write('/add/domain', addDomainBody(options), (entries) => ({ entries }));
  }

  /**
   * Adds a sender-dependent transport. mailcow answers without the new id and allows
   * duplicates, so callers look the relayhost up by hostname before and after.
   */
  async addRelayhost(
    hostname: string,
    username?: string,
    password?: string,
  ): Promise<MailcowResult<MailcowWriteReply>> {
    if (password) {
      this.secrets.add(password);
    }
    const body: Record<string, string> = { hostname };
    if (username !== undefined) {
      body.username = username;
    }
    if (password !== undefined) {
      body.password = password;
    }
    return this.write('/add/relayhost', body, (entries) => ({ entries }));
  }

  /**
   * Adds a forwarding host. A host name is resolved by mailcow (SPF, then MX, then A/AAAA) and
   * stored as the addresses found, which the reply lists.
   */
  async addForwardingHost(
    hostname: string,
    filterSpam: boolean,
  ): Promise<MailcowResult<ForwardingHostReply>> {
    return this.write('/add/fwdhost', { hostname, filter_spam: flag(filterSpam) }, (entries) => {
      const added = entries.find((entry) => entry.msgKey === 'forwarding_host_added');
      const addresses = (added?.msgArgs[0] ?? '')
        .split(',')
        .map((address) => address.trim())
        .filter((address) => address !== '');
      return { entries, addresses };
    });
  }

  /** Changes one domain. Relay flags are sent as a set of three ints, as mailcow couples them. */
  async editDomain(
    domain: string,
    attributes: DomainEditAttributes,
  ): Promise<MailcowResult<MailcowWriteReply>> {
    return this.write('/edit/domain', editDomainBody(domain, attributes), (entries) => ({
      entries,
    }));
  }

  /**
   * Whether the key may write, found out without changing anything: an edit of no domain with
   * no attributes (`{}`) is refused with 403 for a read-only key, and answered "Task
   * completed" for a read-write key while nothing is touched.
   */
  async canWrite(): Promise<MailcowResult<boolean>> {
    const result = await this.write('/edit/domain', {}, () => true);
    if (!result.ok && result.error.kind === 'read-only') {
      return { ok: true, value: false };
    }
    return result;
  }

  private async read<T>(path: string, decode: (json: unknown) => T): Promise<MailcowResult<T>> {
    const request = `GET ${API}${path}`;
    const answer = await this.send('GET', path, undefined);
    if (!answer.ok) {
      return answer;
    }
    const { json } = answer.value;
    if (path.startsWith('/get/relayhost')) {
      this.rememberRelayhostPasswords(json);
    }
    try {
      return { ok: true, value: decode(json) };
    } catch (error) {
      const detail = error instanceof MailcowDecodeError ? error.field : 'unreadable reply';
      return this.fail({ kind: 'bad-response', reason: 'unexpected-shape', request, detail });
    }
  }

  private async write<T>(
    path: string,
    body: unknown,
    onSuccess: (entries: MailcowReplyEntry[]) => T,
  ): Promise<MailcowResult<T>> {
    const request = `POST ${API}${path}`;
    const answer = await this.send('POST', path, body);
    if (!answer.ok) {
      return answer;
    }
    let entries: MailcowReplyEntry[];
    try {
      entries = decodeWriteEntries(answer.value.json);
    } catch (error) {
      const detail = error instanceof MailcowDecodeError ? error.field : 'unreadable reply';
      return this.fail({ kind: 'bad-response', reason: 'unexpected-shape', request, detail });
    }
    // Every entry counts: one call can add a domain and fail on its tags, and the entry for
    // the object itself is not always the last one.
    const failed = entries.find((entry) => entry.type === 'danger' || entry.type === 'error');
    const warned = entries.find((entry) => entry.type === 'warning');
    const bad = failed ?? warned;
    if (bad) {
      return this.fail({
        kind: 'rejected',
        reason: failed ? 'mailcow-refused' : 'mailcow-warning',
        request,
        status: answer.value.status,
        msgKey: bad.msgKey,
        msgArgs: bad.msgArgs,
        entries,
      });
    }
    return { ok: true, value: onSuccess(entries) };
  }

  /** Sends one request and sorts out transport, HTTP and envelope failures. */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
  ): Promise<MailcowResult<RawAnswer>> {
    const request = `${method} ${API}${path}`;
    let key: string | undefined;
    try {
      key = (await this.options.apiKey())?.trim();
    } catch {
      key = undefined;
    }
    if (!key) {
      return this.fail({ kind: 'auth-failed', reason: 'no-key', request });
    }
    this.secrets.add(key);
    const gate = this.gateFor(key);
    const blocked = this.blockedError(gate, request);
    if (blocked) {
      return blocked;
    }
    let finishProbe: (() => void) | undefined;
    if (!gate.verified) {
      if (gate.probe) {
        // Another request is finding out whether this key works; sending more with a bad key
        // would only count towards a ban.
        await gate.probe;
        const stillBlocked = this.blockedError(gate, request);
        if (stillBlocked) {
          return stillBlocked;
        }
      } else {
        gate.probe = new Promise<void>((resolve) => {
          finishProbe = resolve;
        });
      }
    }
    try {
      const result = await this.exchange(method, path, body, key, request);
      this.updateGate(gate, result);
      return result;
    } finally {
      if (finishProbe) {
        gate.probe = undefined;
        finishProbe();
      }
    }
  }

  private gateFor(key: string): KeyGate {
    const id = createHash('sha256').update(key).digest('hex');
    let gate = this.gates.get(id);
    if (!gate) {
      gate = { failures: 0, blockedUntil: 0, verified: false };
      this.gates.set(id, gate);
    }
    return gate;
  }

  private blockedError(gate: KeyGate, request: string): MailcowResult<never> | undefined {
    const wait = gate.blockedUntil - this.now();
    if (wait <= 0) {
      return undefined;
    }
    return this.fail({
      kind: 'backed-off',
      reason: 'backed-off',
      request,
      retryInSeconds: Math.ceil(wait / 1000),
      failures: gate.failures,
    });
  }

  private updateGate(gate: KeyGate, result: MailcowResult<RawAnswer>): void {
    if (result.ok) {
      gate.failures = 0;
      gate.blockedUntil = 0;
      gate.verified = true;
      return;
    }
    const kind = result.error.kind;
    if (kind === 'auth-failed' || kind === 'ip-not-allowed') {
      gate.failures += 1;
      gate.verified = false;
      const initial = this.options.backoff?.initialMs ?? INITIAL_BACKOFF_MS;
      const max = this.options.backoff?.maxMs ?? MAX_BACKOFF_MS;
      const wait = Math.min(initial * 2 ** (gate.failures - 1), max);
      gate.blockedUntil = this.now() + wait;
      this.options.logger.warn(
        `mailcow: key rejected ${gate.failures} time(s); next attempt in ${Math.ceil(wait / 1000)} s`,
      );
    } else if (result.error.status !== undefined) {
      // mailcow answered past its authentication step (e.g. read-only refusal, 4xx envelope),
      // so the key itself is fine.
      gate.failures = 0;
      gate.verified = true;
    }
  }

  private getTransport(): Promise<Transport | MailcowFailure> {
    if (!this.transport) {
      this.transport = this.makeTransport();
    }
    return this.transport;
  }

  private async makeTransport(): Promise<Transport | MailcowFailure> {
    const strict = this.options.proxy?.strictSSL !== false;
    let ca: string[] | undefined;
    if (this.options.caFile) {
      try {
        const pem = await readFile(this.options.caFile, 'utf8');
        if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
          throw Object.assign(new Error('no PEM certificate'), { code: 'no PEM certificate' });
        }
        // Added to the built-in authorities, not instead of them: a public certificate on
        // mailcow keeps working when a private CA file is configured too.
        ca = [...rootCertificates, pem];
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'unreadable';
        return {
          kind: 'tls',
          reason: 'ca-file',
          origin: this.origin,
          request: '',
          detail: `${this.options.caFile}: ${code}`,
        };
      }
    }
    if (!strict) {
      this.options.logger.warn('mailcow: certificate checks are off (proxy strictSSL is false)');
    }
    return {
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true, ca, rejectUnauthorized: strict }),
    };
  }

  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    key: string,
    request: string,
  ): Promise<MailcowResult<RawAnswer>> {
    const transport = await this.getTransport();
    if (!('httpAgent' in transport)) {
      return this.fail({ ...transport, request });
    }
    const url = `${this.base}${API}${path}`;
    const target = new URL(url);
    if (target.origin !== this.origin) {
      // Cannot happen with the paths this class builds; kept as the last guard for the key.
      return this.fail({ kind: 'bad-response', reason: 'redirect', request, location: url });
    }
    let proxy: URL | undefined;
    try {
      proxy = proxyFor(target, this.options.proxy);
    } catch (error) {
      return this.fail({
        kind: 'unreachable',
        reason: 'proxy-failed',
        request,
        proxy: this.options.proxy?.url ? safeProxyText(this.options.proxy.url) : undefined,
        detail: error instanceof Error ? error.message : 'invalid proxy',
      });
    }
    const lookup = this.options.lookup;
    const config: AxiosRequestConfig = {
      method,
      url,
      headers: {
        Accept: 'application/json',
        'X-API-Key': key,
        ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      },
      data: body === undefined ? undefined : JSON.stringify(body),
      httpAgent: transport.httpAgent,
      httpsAgent: transport.httpsAgent,
      proxy: proxy
        ? {
            protocol: proxy.protocol.replace(':', ''),
            host: proxy.hostname,
            port: Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80)),
            auth: proxy.username
              ? {
                  username: decodeURIComponent(proxy.username),
                  password: decodeURIComponent(proxy.password),
                }
              : undefined,
          }
        : false,
      // axios treats only a declared `async` function as promise-based, hence the wrapper.
      lookup: lookup ? async (hostname: string) => lookup(hostname) : undefined,
    };
    if (proxy?.password) {
      this.secrets.add(decodeURIComponent(proxy.password));
    }
    const write = method === 'POST';
    const logger = this.options.logger;
    const log = (line: string): void => {
      const clean = redactText(line, [...this.secrets]);
      if (write) {
        logger.info(clean);
      } else {
        logger.debug(clean);
      }
    };
    const proxyNote = proxy ? ` via ${proxyDisplay(proxy)}` : '';
    log(`mailcow → ${request}${proxyNote}`);
    if (body !== undefined) {
      this.options.logger.debug(`mailcow → body ${this.forLog(JSON.stringify(redact(body)))}`);
    }
    const started = this.now();
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>(config);
    } catch (error) {
      const failure = this.networkFailure(error, request, proxy);
      logger.warn(
        redactText(`mailcow ← ${request}: ${failure.reason} (${failure.detail ?? ''})`, [
          ...this.secrets,
        ]),
      );
      return this.fail(failure);
    }
    const status = response.status;
    const text = typeof response.data === 'string' ? response.data : '';
    const contentType = String(response.headers['content-type'] ?? '');
    let json: unknown;
    let parsed = false;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
        parsed = true;
      } catch {
        parsed = false;
      }
    }
    const envelope = parsed ? envelopeOf(json) : undefined;
    log(
      `mailcow ← ${request}: ${status}${envelope ? ` ${envelope.type} ${envelope.msg}` : ''}` +
        ` (${this.now() - started} ms)`,
    );
    if (text !== '') {
      this.options.logger.debug(
        `mailcow ← body ${this.forLog(parsed ? JSON.stringify(redact(json)) : text)}`,
      );
    }
    const base = { request, status };
    if (status >= 300 && status < 400) {
      const location = String(response.headers.location ?? '');
      return this.fail({
        ...base,
        kind: 'bad-response',
        reason: 'redirect',
        location: location.split('?')[0] || '?',
      });
    }
    if (status === 401) {
      const denied = /^api access denied for ip (.+)$/i.exec(envelope?.msg ?? '');
      if (denied) {
        return this.fail({
          ...base,
          kind: 'ip-not-allowed',
          reason: 'ip-denied',
          msgKey: envelope?.msg,
          deniedAddress: denied[1]?.trim(),
        });
      }
      return this.fail({
        ...base,
        kind: 'auth-failed',
        reason: 'key-unknown',
        msgKey: envelope?.msg,
      });
    }
    if (status === 403 && envelope && /read\/write access denied/i.test(envelope.msg)) {
      return this.fail({ ...base, kind: 'read-only', reason: 'read-only', msgKey: envelope.msg });
    }
    if (status === 407) {
      return this.fail({
        ...base,
        kind: 'unreachable',
        reason: 'proxy-auth',
        proxy: proxy ? proxyDisplay(proxy) : undefined,
      });
    }
    if (status === 502 || status === 503 || status === 504) {
      return this.fail({
        ...base,
        kind: 'unreachable',
        reason: proxy ? 'proxy-failed' : 'gateway',
        proxy: proxy ? proxyDisplay(proxy) : undefined,
        detail: `HTTP ${status}`,
      });
    }
    if (!parsed) {
      if (status >= 500) {
        return this.fail({ ...base, kind: 'bad-response', reason: 'server-error' });
      }
      if (text.trim() === '') {
        if (status === 200 && method === 'GET') {
          // mailcow runs its GET handlers only for a signed-in session; without one it answers
          // 200 with nothing at all.
          return this.fail({ ...base, kind: 'auth-failed', reason: 'empty-answer' });
        }
        if (status === 200) {
          return this.fail({ ...base, kind: 'bad-response', reason: 'empty-write-answer' });
        }
        return this.fail({ ...base, kind: 'bad-response', reason: 'http-status' });
      }
      const html = /html/i.test(contentType) || text.trimStart().startsWith('<');
      return this.fail({ ...base, kind: 'bad-response', reason: html ? 'html' : 'not-json' });
    }
    if (status === 404) {
      return this.fail({
        ...base,
        kind: 'bad-response',
        reason: 'route-not-found',
        msgKey: envelope?.msg,
      });
    }
    if (status === 400) {
      return this.fail({
        ...base,
        kind: 'rejected',
        reason: 'mailcow-refused',
        msgKey: envelope?.msg,
      });
    }
    if (status >= 500) {
      return this.fail({
        ...base,
        kind: 'bad-response',
        reason: 'server-error',
        msgKey: envelope?.msg,
      });
    }
    if (status !== 200) {
      return this.fail({
        ...base,
        kind: 'bad-response',
        reason: 'http-status',
        msgKey: envelope?.msg,
      });
    }
    if (method === 'GET' && envelope?.type === 'error') {
      return this.fail({
        ...base,
        kind: 'rejected',
        reason: 'mailcow-refused',
        msgKey: envelope.msg,
      });
    }
    return { ok: true, value: { status, text, json } };
  }

  private networkFailure(error: unknown, request: string, proxy: URL | undefined): MailcowFailure {
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    const code = text((error as { code?: unknown }).code);
    const innerCode = text((error as { cause?: { code?: unknown } }).cause?.code);
    const any = innerCode || code;
    const detail = any || (error instanceof Error ? error.message : 'unknown error');
    const failure = (kind: MailcowErrorKind, reason: MailcowFailureReason): MailcowFailure => ({
      kind,
      reason,
      origin: this.origin,
      request,
      detail,
      proxy: proxy ? proxyDisplay(proxy) : undefined,
    });
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || innerCode === 'ETIMEDOUT') {
      return failure('timeout', 'timeout');
    }
    if (TLS_EXPIRED.has(any)) {
      return failure('tls', 'tls-expired');
    }
    if (TLS_UNTRUSTED.has(any)) {
      return failure('tls', 'tls-untrusted');
    }
    if (any === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return failure('tls', 'tls-name');
    }
    if (/^(ERR_SSL_|ERR_TLS_|EPROTO$)/.test(any)) {
      return failure('tls', 'tls-other');
    }
    if (proxy && (any === 'ECONNREFUSED' || any === 'ENOTFOUND' || any === 'EAI_AGAIN')) {
      return failure('unreachable', 'proxy-failed');
    }
    if (any === 'ECONNREFUSED') {
      return failure('unreachable', 'refused');
    }
    if (any === 'ENOTFOUND' || any === 'EAI_AGAIN') {
      return failure('unreachable', 'dns');
    }
    if (any === 'ECONNRESET' || any === 'EPIPE' || /socket hang up/i.test(detail)) {
      return failure('unreachable', 'dropped');
    }
    return failure('unreachable', 'network');
  }

  /** Makes the error for a failure, with every known secret removed from its text. */
  private fail(failure: Omit<MailcowFailure, 'origin'> & { origin?: string }): {
    ok: false;
    error: MailcowError;
  } {
    const full: MailcowFailure = { ...failure, origin: failure.origin ?? this.origin };
    const secrets = [...this.secrets];
    const clean = (value: string | undefined): string | undefined =>
      value === undefined ? undefined : redactText(value, secrets);
    const error: MailcowError = {
      ...full,
      msgKey: clean(full.msgKey),
      msgArgs: full.msgArgs?.map((arg) => redactText(arg, secrets)),
      detail: clean(full.detail),
      entries: full.entries?.map((entry) => ({
        ...entry,
        msgKey: redactText(entry.msgKey, secrets),
        msgArgs: entry.msgArgs.map((arg) => redactText(arg, secrets)),
      })),
      message: '',
    };
    error.message = redactText(describeMailcowFailure(error), secrets);
    return { ok: false, error };
  }

  private rememberRelayhostPasswords(json: unknown): void {
    const items: unknown[] = Array.isArray(json) ? json : [json];
    for (const item of items) {
      const password = (item as { password?: unknown } | null)?.password;
      if (typeof password === 'string' && password !== '') {
        this.secrets.add(password);
      }
    }
  }

  private forLog(text: string): string {
    const clean = redactText(text, [...this.secrets]);
    return clean.length > BODY_LOG_LIMIT ? `${clean.slice(0, BODY_LOG_LIMIT)}…` : clean;
  }
}

function relayAttributes(relay: MailcowRelayFlags): Record<string, number> {
  return {
    backupmx: flag(relay.domain),
    relay_all_recipients: flag(relay.allRecipients),
    relay_unknown_only: flag(relay.unknownOnly),
  };
}

/**
 * The body of `POST /api/v1/add/domain` (flat), exactly as `addDomain` sends it; steps show it
 * in their preview.
 */
export function addDomainBody(options: AddDomainOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { domain: options.domain };
  const setIf = (name: string, value: unknown): void => {
    if (value !== undefined) {
      body[name] = value;
    }
  };
  setIf('description', options.description);
  setIf('active', options.active === undefined ? undefined : flag(options.active));
  setIf('quota', options.quotaMiB);
  setIf('maxquota', options.maxMailboxQuotaMiB);
  setIf('defquota', options.defaultMailboxQuotaMiB);
  setIf('aliases', options.maxAliases);
  setIf('mailboxes', options.maxMailboxes);
  setIf('gal', options.gal === undefined ? undefined : flag(options.gal));
  setIf('tags', options.tags);
  if (options.relay) {
    Object.assign(body, relayAttributes(options.relay));
  }
  // mailcow generates a DKIM key unless selector or key size is "empty" in PHP's sense; "0"
  // and 0 are, and unlike an absent value they do not fall back to the domain template.
  body.dkim_selector = options.dkim?.selector ?? '0';
  body.key_size = options.dkim?.keySize ?? 0;
  body.restart_sogo = options.restartSogo ? 1 : 0;
  return body;
}

/** The body of `POST /api/v1/edit/domain` for one domain, exactly as `editDomain` sends it. */
export function editDomainBody(
  domain: string,
  attributes: DomainEditAttributes,
): { items: string[]; attr: Record<string, unknown> } {
  const attr: Record<string, unknown> = {};
  if (attributes.relayhostId !== undefined) {
    attr.relayhost = Math.trunc(attributes.relayhostId);
  }
  if (attributes.relay) {
    Object.assign(attr, relayAttributes(attributes.relay));
  }
  if (attributes.active !== undefined) {
    attr.active = flag(attributes.active);
  }
  if (attributes.description !== undefined) {
    attr.description = attributes.description;
  }
  return { items: [domain], attr };
}

/** mailcow's envelope `{type, msg}` (a single object, or the last entry of an array). */
function envelopeOf(json: unknown): { type: string; msg: string } | undefined {
  const entry: unknown = Array.isArray(json) ? json[json.length - 1] : json;
  if (entry === null || typeof entry !== 'object' || !('type' in entry)) {
    return undefined;
  }
  const { type, msg } = entry as { type: unknown; msg: unknown };
  const part = (value: unknown): string =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  const text = Array.isArray(msg) ? msg.map(part).join(' ') : msg === undefined ? '' : part(msg);
  return { type: String(type), msg: text };
}

function safeProxyText(url: string): string {
  try {
    return proxyDisplay(new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`));
  } catch {
    return 'the configured proxy';
  }
}
