import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { BlockList, isIP } from 'node:net';
import { FwdhostResolver } from './fwdhost-resolver';
import type { HandlerOutcome, MailcowSeed, ReplyEntry } from './mailcow-emulator-state';
import { EmulatedException, MailcowEmulatorState } from './mailcow-emulator-state';
import { phpJson } from './php-values';

export type { MailcowSeed, SeedApiKey } from './mailcow-emulator-state';

export interface MailcowEmulatorOptions {
  /** Serve HTTPS with this certificate instead of plain HTTP. */
  tls?: { cert: string; key: string };
  /** `host:port` of DNS servers for forwarding-host names; none means no DNS at all. */
  dnsServers?: string[];
  /** The clock for `created`/`modified` and log times. */
  now?: () => Date;
}

/** Misbehaviour for tests: what the next matching requests get instead of mailcow's answer. */
export type MailcowFault =
  | { kind: 'html'; status?: number }
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  | { kind: 'redirect'; location: string; status?: number }
  | { kind: 'not-json' };

interface FaultRule {
  fault: MailcowFault;
  remaining: number;
  path?: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  remoteAddress: string;
}

export interface MailcowEmulator {
  url: string;
  port: number;
  state: MailcowEmulatorState;
  /** Every request that reached the server, in order. */
  requests: RecordedRequest[];
  /** Applies `fault` to the next `times` requests (default: all) whose path starts with `path`. */
  injectFault(fault: MailcowFault, options?: { times?: number; path?: string }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface Session {
  role?: 'admin';
  access?: 'rw' | 'ro';
  /** Entries left over by a request that ended in an exception. */
  pending: ReplyEntry[];
}

interface Reply {
  status: number;
  body: string;
  contentType: string;
}

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';

/** Headers mailcow's nginx + PHP send on every reply except the 401s. */
const CORS_HEADERS: [string, string][] = [
  ['Vary', 'Origin'],
  ['Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTION, OPTIONS'],
  ['Access-Control-Allow-Headers', 'Accept, Content-Type, X-Api-Key, Origin'],
];
const SECURITY_HEADERS: [string, string][] = [
  ['Strict-Transport-Security', 'max-age=15768000;'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Robots-Tag', 'none'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['Referrer-Policy', 'strict-origin'],
];

const json = (status: number, value: unknown): Reply => ({
  status,
  body: phpJson(value, 'compact'),
  contentType: JSON_TYPE,
});
const pretty = (value: unknown): Reply => ({
  status: 200,
  body: phpJson(value, 'pretty'),
  contentType: JSON_TYPE,
});
const EMPTY_JSON = (status: number): Reply => ({ status, body: '', contentType: JSON_TYPE });
const RW_DENIED = json(403, { type: 'error', msg: 'API read/write access denied' });
const ROUTE_NOT_FOUND = json(404, { type: 'error', msg: 'route not found' });
const NO_ATTRIBUTES = json(200, { type: 'error', msg: 'Cannot find attributes in post data' });
const INVALID_JSON = json(400, { type: 'error', msg: "Request body doesn't contain valid json!" });

function normaliseAddress(address: string | undefined): string {
  const value = address ?? '';
  return value.startsWith('::ffff:') && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
}

/** mailcow's `ip_acl`: single addresses match exactly, CIDR entries by range. */
function ipAllowed(address: string, allowFrom: readonly string[]): boolean {
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  for (const entry of allowFrom) {
    const [base = '', bits] = entry.split('/');
    const entryFamily = isIP(base);
    if (entryFamily === 0) {
      continue;
    }
    if (bits === undefined) {
      if (normaliseAddress(base) === address) {
        return true;
      }
      continue;
    }
    if (entryFamily !== family) {
      continue;
    }
    const list = new BlockList();
    const type = family === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(base, Number(bits), type);
    if (list.check(address, type)) {
      return true;
    }
  }
  return false;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      return value.join('=');
    }
  }
  return undefined;
}

/**
 * Starts an emulated mailcow API on 127.0.0.1 (a free port). It behaves as mailcow's
 * json_api.php does for domains, relayhosts, forwarding hosts, mailboxes, the Postfix log and
 * the version probe: statuses, headers, body shapes and `msg` keys, sessions included.
 */
export async function startMailcowEmulator(
  seed: MailcowSeed,
  options: MailcowEmulatorOptions = {},
): Promise<MailcowEmulator> {
  const now = options.now ?? (() => new Date());
  const state = new MailcowEmulatorState(seed, new FwdhostResolver(options.dnsServers), now);
  const sessions = new Map<string, Session>();
  const requests: RecordedRequest[] = [];
  let faults: FaultRule[] = [];
  const sockets = new Set<Socket>();

  const takeFault = (path: string): MailcowFault | undefined => {
    const rule = faults.find((candidate) => !candidate.path || path.startsWith(candidate.path));
    if (!rule) {
      return undefined;
    }
    rule.remaining -= 1;
    if (rule.remaining <= 0) {
      faults = faults.filter((candidate) => candidate !== rule);
    }
    return rule.fault;
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const remoteAddress = normaliseAddress(req.socket.remoteAddress);
      requests.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        remoteAddress,
      });
      void respond(req, res, body, remoteAddress).catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': HTML_TYPE });
        }
        res.end();
      });
    });
  };

  const respond = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    remoteAddress: string,
  ): Promise<void> => {
    const fault = takeFault(req.url ?? '/');
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (req.socket.destroyed) {
        return;
      }
    }
    if (fault && fault.kind !== 'delay') {
      const raw = faultReply(fault);
      res.writeHead(raw.status, { 'Content-Type': raw.contentType, ...raw.headers });
      res.end(raw.body);
      return;
    }
    // A request without a session cookie gets a new session, as PHP's session_start() does.
    let sessionId = readCookie(req.headers.cookie, 'MCSESSID');
    let session = sessionId ? sessions.get(sessionId) : undefined;
    const setCookie = !sessionId;
    if (!session) {
      sessionId = sessionId ?? randomBytes(16).toString('hex');
      session = { pending: [] };
      sessions.set(sessionId, session);
    }
    const reply = await route(req, body, remoteAddress, session);
    const headers: [string, string][] = [['Content-Type', reply.contentType]];
    if (setCookie) {
      headers.push(['Set-Cookie', `MCSESSID=${sessionId}; path=/; HttpOnly; SameSite=Lax`]);
    }
    headers.push(
      ['Expires', 'Thu, 19 Nov 1981 08:52:00 GMT'],
      ['Cache-Control', 'no-store, no-cache, must-revalidate'],
      ['Pragma', 'no-cache'],
    );
    if (reply.status !== 401) {
      headers.push(...CORS_HEADERS);
    }
    if (reply.status === 200) {
      headers.push(...SECURITY_HEADERS);
    } else {
      headers.push(['X-Frame-Options', 'SAMEORIGIN']);
    }
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const route = async (
    req: http.IncomingMessage,
    body: string,
    remoteAddress: string,
    session: Session,
  ): Promise<Reply> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (!url.pathname.startsWith('/api/v1/')) {
      return {
        status: 404,
        body: '<html><body>404 Not Found</body></html>',
        contentType: HTML_TYPE,
      };
    }
    if (method === 'OPTIONS') {
      return { status: 200, body: '', contentType: HTML_TYPE };
    }
    const fetchDest = req.headers['sec-fetch-dest'];
    if (typeof fetchDest === 'string' && fetchDest !== 'empty') {
      return EMPTY_JSON(403);
    }
    // The API key, when sent, decides the session; mailcow strips it to [a-zA-Z0-9-] first.
    const rawKey = req.headers['x-api-key'];
    if (typeof rawKey === 'string' && rawKey !== '') {
      const key = state.findKey(rawKey.replace(/[^a-zA-Z0-9-]/g, ''));
      if (!key) {
        return {
          ...json(401, { type: 'error', msg: 'authentication failed' }),
          contentType: HTML_TYPE,
        };
      }
      if (!key.skipIpCheck && !ipAllowed(remoteAddress, key.allowFrom)) {
        return {
          ...json(401, { type: 'error', msg: `api access denied for ip ${remoteAddress}` }),
          contentType: HTML_TYPE,
        };
      }
      session.role = 'admin';
      session.access = key.access;
    }
    // nginx hands the decoded path to PHP, which splits it on "/" (so %2F splits too).
    const query = decodeURIComponent(url.pathname.slice('/api/v1/'.length));
    const [action = '', category = '', object, extra] = query.split('/');
    if (action === 'get') {
      if (method !== 'GET') {
        return json(405, { type: 'error', msg: 'only GET method is allowed' });
      }
      if (!session.role) {
        return EMPTY_JSON(200);
      }
      return readRoute(category, object, extra, url.searchParams);
    }
    if (action !== 'add' && action !== 'edit' && action !== 'delete') {
      return session.role || method !== 'GET' ? ROUTE_NOT_FOUND : EMPTY_JSON(200);
    }
    if (session.access === 'ro') {
      return RW_DENIED;
    }
    if (action !== 'add' && !session.role) {
      return RW_DENIED;
    }
    const parsed = parseWriteBody(action, req.headers['content-type'], body);
    if (parsed === 'invalid-json') {
      return INVALID_JSON;
    }
    if (parsed === 'no-attributes') {
      return NO_ATTRIBUTES;
    }
    if (method !== 'POST') {
      return json(405, { type: 'error', msg: 'only POST method is allowed' });
    }
    const admin = session.role === 'admin';
    let outcome: HandlerOutcome | undefined;
    try {
      outcome = await writeRoute(action, category, parsed, admin);
    } catch (error) {
      if (error instanceof EmulatedException) {
        session.pending = error.entry ? [error.entry] : [];
        return EMPTY_JSON(200);
      }
      throw error;
    }
    if (!outcome) {
      return ROUTE_NOT_FOUND;
    }
    const entries = [...session.pending, ...outcome.entries];
    session.pending = [];
    if (entries.length > 0) {
      return json(200, entries);
    }
    if (outcome.returned) {
      return json(200, { type: 'success', msg: 'Task completed' });
    }
    const verb = action === 'add' ? 'add' : action === 'edit' ? 'edit' : 'delete';
    return json(200, { type: 'error', msg: `Cannot ${verb} item` });
  };

  const readRoute = (
    category: string,
    object: string | undefined,
    extra: string | undefined,
    search: URLSearchParams,
  ): Reply => {
    const listOrEmpty = (items: unknown[]): Reply => pretty(items.length === 0 ? {} : items);
    switch (category) {
      case 'domain': {
        if (object === 'all') {
          const tags = search.get('tags');
          return listOrEmpty(
            state.listDomains(tags ? tags.split(',').map((tag) => tag.trim()) : undefined),
          );
        }
        const row = object ? state.findDomain(object) : undefined;
        return pretty(row ? state.domainView(row) : {});
      }
      case 'relayhost': {
        if (object === 'all') {
          return listOrEmpty(state.listRelayhosts());
        }
        const row =
          object && /^\d+$/.test(object) ? state.relayhosts.get(Number(object)) : undefined;
        return pretty(row ? state.relayhostView(row) : {});
      }
      case 'fwdhost': {
        if (object === 'all') {
          return listOrEmpty(state.listFwdhosts());
        }
        const row = object ? state.fwdhosts.get(object) : undefined;
        return pretty(row && object ? state.fwdhostView(object, row) : {});
      }
      case 'mailbox': {
        if (object === 'all' || object === 'reduced') {
          const domains = extra
            ? extra.split(',').map((domain) => domain.trim().toLowerCase())
            : undefined;
          return listOrEmpty(state.listMailboxes(domains));
        }
        const found = state
          .listMailboxes()
          .find((mailbox) => mailbox.username === (object ?? '').toLowerCase());
        return pretty(found ?? {});
      }
      case 'logs': {
        if (object !== 'postfix') {
          return ROUTE_NOT_FOUND;
        }
        return listOrEmpty(state.postfixEntries(extra));
      }
      case 'status': {
        if (object === 'version') {
          // The version probe is written compactly, unlike the other reads.
          return json(200, { version: state.version });
        }
        return ROUTE_NOT_FOUND;
      }
      default:
        return ROUTE_NOT_FOUND;
    }
  };

  const writeRoute = async (
    action: 'add' | 'edit' | 'delete',
    category: string,
    parsed: { attr?: unknown; items?: unknown },
    admin: boolean,
  ): Promise<HandlerOutcome | undefined> => {
    switch (`${action}/${category}`) {
      case 'add/domain':
        return state.addDomain(parsed.attr, admin);
      case 'add/relayhost':
        return state.addRelayhost(parsed.attr, admin);
      case 'add/fwdhost':
        return state.addFwdhost(parsed.attr, admin);
      case 'edit/domain':
        return state.editDomain(parsed.items, parsed.attr, admin);
      case 'edit/relayhost':
        return state.editRelayhosts(parsed.items, parsed.attr, admin);
      case 'edit/fwdhost':
        return state.editFwdhosts(parsed.items, parsed.attr, admin);
      case 'delete/domain':
        return state.deleteDomains(parsed.items, admin);
      case 'delete/relayhost':
        return state.deleteRelayhosts(parsed.items, admin);
      case 'delete/fwdhost':
        return state.deleteFwdhosts(parsed.items, admin);
      default:
        return undefined;
    }
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : http.createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    state,
    requests,
    injectFault(fault, faultOptions = {}) {
      faults.push({ fault, remaining: faultOptions.times ?? Infinity, path: faultOptions.path });
    },
    clearFaults() {
      faults = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

/**
 * How json_api.php reads a write body: JSON only when the Content-Type says so (add takes the
 * whole body, edit its `items` and `attr`, delete the whole body as the items); otherwise the
 * form fields `attr` and `items`, each holding JSON text.
 */
function parseWriteBody(
  action: 'add' | 'edit' | 'delete',
  contentType: string | undefined,
  body: string,
): { attr?: unknown; items?: unknown } | 'invalid-json' | 'no-attributes' {
  if ((contentType ?? '').includes('application/json')) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(body);
    } catch {
      decoded = null;
    }
    if (decoded === null) {
      return 'invalid-json';
    }
    if (action === 'add') {
      return { attr: decoded };
    }
    if (action === 'edit') {
      const object =
        typeof decoded === 'object' && !Array.isArray(decoded)
          ? (decoded as Record<string, unknown>)
          : {};
      return { attr: object.attr ?? null, items: object.items ?? null };
    }
    return { items: decoded };
  }
  const form = new URLSearchParams(
    (contentType ?? '').includes('application/x-www-form-urlencoded') ? body : '',
  );
  const decodeField = (name: string): unknown => {
    const value = form.get(name);
    if (value === null) {
      return undefined;
    }
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  };
  const attr = decodeField('attr');
  const items = decodeField('items');
  if (action === 'add') {
    return attr === undefined ? 'no-attributes' : { attr };
  }
  if (action === 'edit') {
    return attr === undefined || items === undefined ? 'no-attributes' : { attr, items };
  }
  return items === undefined ? 'no-attributes' : { items };
}

function faultReply(fault: Exclude<MailcowFault, { kind: 'delay' } | { kind: 'drop' }>): Reply & {
  headers?: Record<string, string>;
} {
  switch (fault.kind) {
    case 'html':
      return {
        status: fault.status ?? 200,
        body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>',
        contentType: HTML_TYPE,
      };
    case 'status':
      return {
        status: fault.status,
        body: fault.body ?? '<html><body><h1>Internal Server Error</h1></body></html>',
        contentType: fault.contentType ?? HTML_TYPE,
      };
    case 'redirect':
      return {
        status: fault.status ?? 302,
        body: '',
        contentType: HTML_TYPE,
        headers: { Location: fault.location },
      };
    case 'not-json':
      return { status: 200, body: 'Array', contentType: JSON_TYPE };
  }
}
