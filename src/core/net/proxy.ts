import { BlockList, isIP } from 'node:net';

/**
 * Proxy settings as a host hands them in: VS Code's `http.proxy`, `http.noProxy` (or the
 * `NO_PROXY` environment variable) and `http.proxyStrictSSL`; the CLI builds the same from the
 * environment with `proxySettingsFromEnvironment`. The core never reads the environment itself,
 * so what a request does depends only on what it was given.
 */
export interface ProxySettings {
  /** `http://[user:password@]host:port`; empty or absent means no proxy. */
  url?: string;
  /** Hosts that bypass the proxy: a comma or space separated string, or a list of entries. */
  noProxy?: string | readonly string[];
  /** False turns off certificate checks, as VS Code's `http.proxyStrictSSL: false` does. */
  strictSSL?: boolean;
}

type NoProxyEntry =
  | { kind: 'all' }
  | { kind: 'host'; host: string; port?: number }
  | { kind: 'address'; list: BlockList; port?: number };

/**
 * Reads NO_PROXY entries the way curl and most tools do: `*` for everything; a host name
 * matches itself and every name below it (`example.com`, `.example.com` and `*.example.com`
 * are the same entry); IP addresses and CIDR ranges match address hosts; `:port` narrows an
 * entry to one port.
 */
export function parseNoProxy(noProxy: string | readonly string[] | undefined): NoProxyEntry[] {
  const raw = typeof noProxy === 'string' ? noProxy.split(/[\s,]+/) : [...(noProxy ?? [])];
  const entries: NoProxyEntry[] = [];
  for (const item of raw) {
    const entry = item.trim().toLowerCase();
    if (entry === '') {
      continue;
    }
    if (entry === '*') {
      entries.push({ kind: 'all' });
      continue;
    }
    const { host, port } = splitPort(entry);
    const address = addressEntry(host);
    if (address) {
      entries.push({ kind: 'address', list: address, port });
      continue;
    }
    const name = host.replace(/^\*?\./, '').replace(/\.$/, '');
    if (name !== '') {
      entries.push({ kind: 'host', host: name, port });
    }
  }
  return entries;
}

function splitPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    return { host: bracketed[1] ?? '', port: bracketed[2] ? Number(bracketed[2]) : undefined };
  }
  // A bare IPv6 address has several colons; only one colon can introduce a port.
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) {
    return { host: withPort[1] ?? '', port: Number(withPort[2]) };
  }
  return { host: entry };
}

function addressEntry(host: string): BlockList | undefined {
  const [address, prefix] = host.split('/');
  const family = isIP(address ?? '');
  if (!address || family === 0) {
    return undefined;
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (prefix === undefined) {
    list.addAddress(address, type);
  } else {
    const bits = Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      return undefined;
    }
    list.addSubnet(address, bits, type);
  }
  return list;
}

/** The host of a URL without IPv6 brackets, lower-cased. */
function hostOf(target: URL): string {
  return target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function portOf(target: URL): number {
  if (target.port !== '') {
    return Number(target.port);
  }
  return target.protocol === 'https:' ? 443 : 80;
}

/** Loopback never goes through a proxy: a proxy elsewhere cannot reach this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) {
    return true;
  }
  if (isIP(bare) === 4) {
    return bare.startsWith('127.');
  }
  return bare === '::1' || bare === '::ffff:127.0.0.1';
}

/** True when a request to `target` must not use the proxy. */
export function bypassesProxy(
  target: URL,
  noProxy: string | readonly string[] | undefined,
): boolean {
  const host = hostOf(target);
  if (isLoopbackHost(host)) {
    return true;
  }
  const port = portOf(target);
  const family = isIP(host);
  for (const entry of parseNoProxy(noProxy)) {
    if (entry.kind === 'all') {
      return true;
    }
    if (entry.port !== undefined && entry.port !== port) {
      continue;
    }
    if (entry.kind === 'address') {
      if (family !== 0 && entry.list.check(host, family === 4 ? 'ipv4' : 'ipv6')) {
        return true;
      }
    } else if (host === entry.host || host.endsWith(`.${entry.host}`)) {
      return true;
    }
  }
  return false;
}

/** The proxy to use for `target`, or undefined for a direct connection. */
export function proxyFor(target: URL, settings: ProxySettings | undefined): URL | undefined {
  const url = settings?.url?.trim();
  if (!url || bypassesProxy(target, settings?.noProxy)) {
    return undefined;
  }
  // `host:port` without a scheme is common in settings; it means an HTTP proxy.
  const parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`unsupported proxy scheme ${parsed.protocol}`);
  }
  return parsed;
}

/** scheme://host:port of a proxy URL, without credentials: safe for logs and messages. */
export function proxyDisplay(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/**
 * Proxy settings from environment variables as command-line tools read them: `HTTPS_PROXY`
 * for https targets, `HTTP_PROXY` for http, `ALL_PROXY` for both, lower-case forms too, and
 * `NO_PROXY`.
 */
export function proxySettingsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  target: URL,
): ProxySettings {
  const pick = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = env[name] ?? env[name.toLowerCase()];
      if (value !== undefined && value.trim() !== '') {
        return value.trim();
      }
    }
    return undefined;
  };
  const url =
    target.protocol === 'https:'
      ? pick('HTTPS_PROXY', 'ALL_PROXY')
      : pick('HTTP_PROXY', 'ALL_PROXY');
  return { url, noProxy: pick('NO_PROXY') };
}
