import { Resolver } from 'node:dns/promises';
import { domainToASCII } from 'node:url';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { msg } from '../messages/catalogue';
import { ipFamily } from './ip-network';

export type DnsRecordType = 'A' | 'AAAA' | 'MX' | 'TXT';

export interface MxRecord {
  /** Target host, lower-cased, without the trailing dot. Empty for a null MX (RFC 7505). */
  exchange: string;
  priority: number;
}

/**
 * Why a lookup produced no answer that can be believed. None of these says anything about the
 * records themselves, so a rule must never read them as "the record is missing".
 */
export type DnsFailureReason =
  'servfail' | 'timeout' | 'refused' | 'unreachable' | 'bad-response' | 'bad-name' | 'other';

interface DnsResultBase {
  /** The queried name, normalised (lower case, no trailing dot). */
  name: string;
  type: DnsRecordType;
}

/**
 * The outcome of one lookup. `nxdomain` (the name does not exist) and `nodata` (it exists
 * without records of this type) are answers from DNS; `failed` means no answer was had.
 */
export type DnsResult<T> =
  | (DnsResultBase & { outcome: 'records'; records: T[] })
  | (DnsResultBase & { outcome: 'nxdomain' })
  | (DnsResultBase & { outcome: 'nodata' })
  | (DnsResultBase & { outcome: 'failed'; reason: DnsFailureReason; code: string });

export type DnsFailure = Extract<DnsResult<unknown>, { outcome: 'failed' }>;

export interface DnsServer {
  /** IP address, without brackets. */
  address: string;
  port: number;
  family: 4 | 6;
}

export type DnsServerParse = { ok: true; server: DnsServer } | { ok: false; message: string };

const DEFAULT_PORT = 53;

/**
 * Reads one `checks.dnsServers` entry: `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`,
 * `[2001:db8::53]` or `[2001:db8::53]:5353`. Host names are refused: a resolver has to be
 * reachable before names can be resolved, so it is given by address.
 */
export function parseDnsServer(text: string): DnsServerParse {
  const value = text.trim();
  let host = value;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (value.split(':').length === 2) {
    const [hostPart, portPart] = value.split(':');
    host = hostPart ?? '';
    portText = portPart;
  }
  const family = ipFamily(host);
  if (family === undefined || (bracketed && family !== 6)) {
    return { ok: false, message: msg('dns.server.notAddress', { server: text }) };
  }
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) {
    return { ok: false, message: msg('dns.server.badPort', { server: text }) };
  }
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (port < 1 || port > 65535) {
    return { ok: false, message: msg('dns.server.badPort', { server: text }) };
  }
  return { ok: true, server: { address: host, port, family } };
}

/** The text Node's resolver takes for a server: it needs brackets around IPv6 with a port. */
function serverText(server: DnsServer): string {
  if (server.family === 6) {
    return server.port === DEFAULT_PORT ? server.address : `[${server.address}]:${server.port}`;
  }
  return server.port === DEFAULT_PORT ? server.address : `${server.address}:${server.port}`;
}

export class DnsServerError extends Error {}

export interface DnsLookupOptions {
  /** Resolvers to ask, in `checks.dnsServers` form. None: the system's resolvers. */
  servers?: readonly string[];
  /** Time to wait for one try at one server, in milliseconds. */
  timeoutMs?: number;
  /** How many times each server is tried before the lookup fails. */
  tries?: number;
  logger?: Logger;
}

/** Lower case, no trailing dot, and internationalised names in their A-label (`xn--`) form. */
function normaliseName(name: string): string {
  const plain = name.trim().replace(/\.$/, '').toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(plain) ? domainToASCII(plain) || plain : plain;
}

/** Node's resolver reports outcomes as error codes; these are the ones that are answers. */
function classify(code: string): 'nxdomain' | 'nodata' | DnsFailureReason {
  switch (code) {
    case 'ENOTFOUND':
      return 'nxdomain';
    case 'ENODATA':
      return 'nodata';
    case 'ESERVFAIL':
      return 'servfail';
    case 'ETIMEOUT':
      return 'timeout';
    case 'EREFUSED':
      return 'refused';
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'EBADRESP':
    case 'EFORMERR':
    case 'EBADFAMILY':
      return 'bad-response';
    case 'EBADNAME':
    case 'EBADQUERY':
      return 'bad-name';
    default:
      return 'other';
  }
}

const NAME_PATTERN =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * MX, TXT, A and AAAA lookups against chosen resolvers, with every answer cached for the life
 * of the instance. Make one per refresh: within a refresh the same name is asked once however
 * many rules want it, and the next refresh sees changes.
 */
export class DnsLookup {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, Promise<DnsResult<unknown>>>();
  private readonly logger: Logger;
  readonly servers: readonly DnsServer[];
  readonly timeoutMs: number;
  readonly tries: number;

  /** @throws DnsServerError when a server entry is not an address with an optional port. */
  constructor(options: DnsLookupOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.timeoutMs = options.timeoutMs ?? 2500;
    this.tries = options.tries ?? 2;
    const servers: DnsServer[] = [];
    for (const entry of options.servers ?? []) {
      const parsed = parseDnsServer(entry);
      if (!parsed.ok) {
        throw new DnsServerError(parsed.message);
      }
      servers.push(parsed.server);
    }
    this.servers = servers;
    this.resolver = new Resolver({ timeout: this.timeoutMs, tries: this.tries });
    if (servers.length > 0) {
      this.resolver.setServers(servers.map(serverText));
    }
  }

  /** The resolvers asked, for messages: `127.0.0.1:5353, 192.0.2.53` or "the system resolver". */
  describeServers(): string {
    return this.servers.length === 0
      ? msg('dns.server.system')
      : this.servers.map(serverText).join(', ');
  }

  /** MX records sorted by priority, then name. */
  mx(name: string): Promise<DnsResult<MxRecord>> {
    return this.lookup(name, 'MX', async (query) => {
      const records = await this.resolver.resolveMx(query);
      return records
        .map((record) => ({
          exchange: normaliseName(record.exchange),
          priority: record.priority,
        }))
        .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
    });
  }

  /** TXT records, each with its character-strings joined as SPF and DKIM require (no spaces). */
  txt(name: string): Promise<DnsResult<string>> {
    return this.lookup(name, 'TXT', async (query) =>
      (await this.resolver.resolveTxt(query)).map((chunks) => chunks.join('')),
    );
  }

  a(name: string): Promise<DnsResult<string>> {
    return this.lookup(name, 'A', (query) => this.resolver.resolve4(query));
  }

  aaaa(name: string): Promise<DnsResult<string>> {
    return this.lookup(name, 'AAAA', (query) => this.resolver.resolve6(query));
  }

  /** Forgets every cached answer, for a host that keeps one instance across refreshes. */
  clearCache(): void {
    this.cache.clear();
  }

  private lookup<T>(
    rawName: string,
    type: DnsRecordType,
    run: (name: string) => Promise<T[]>,
  ): Promise<DnsResult<T>> {
    const name = normaliseName(rawName);
    const key = `${type} ${name}`;
    const cached = this.cache.get(key);
    if (cached) {
      return cached as Promise<DnsResult<T>>;
    }
    const pending = this.perform(name, type, run);
    this.cache.set(key, pending);
    return pending;
  }

  private async perform<T>(
    name: string,
    type: DnsRecordType,
    run: (name: string) => Promise<T[]>,
  ): Promise<DnsResult<T>> {
    let result: DnsResult<T>;
    if (!NAME_PATTERN.test(name)) {
      result = { name, type, outcome: 'failed', reason: 'bad-name', code: 'EBADNAME' };
    } else {
      try {
        const records = await run(name);
        result =
          records.length > 0
            ? { name, type, outcome: 'records', records }
            : { name, type, outcome: 'nodata' };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
        const kind = classify(code);
        result =
          kind === 'nxdomain' || kind === 'nodata'
            ? { name, type, outcome: kind }
            : { name, type, outcome: 'failed', reason: kind, code };
      }
    }
    this.logger.debug(
      msg('dns.log.lookup', {
        type,
        name,
        servers: this.describeServers(),
        outcome:
          result.outcome === 'records'
            ? JSON.stringify(result.records)
            : result.outcome === 'failed'
              ? `${result.reason} (${result.code})`
              : result.outcome,
      }),
    );
    return result;
  }
}

/** A sentence for a failed lookup, naming the resolvers, for findings and notifications. */
export function dnsFailureMessage(failure: DnsFailure, lookup: DnsLookup): string {
  const args = {
    name: failure.name,
    type: failure.type,
    servers: lookup.describeServers(),
    timeout: lookup.timeoutMs,
    tries: lookup.tries,
    code: failure.code,
  };
  switch (failure.reason) {
    case 'servfail':
      return msg('dns.failure.servfail', args);
    case 'timeout':
      return msg('dns.failure.timeout', args);
    case 'refused':
      return msg('dns.failure.refused', args);
    case 'unreachable':
      return msg('dns.failure.unreachable', args);
    case 'bad-response':
      return msg('dns.failure.badResponse', args);
    case 'bad-name':
      return msg('dns.failure.badName', args);
    case 'other':
      return msg('dns.failure.other', args);
  }
}
