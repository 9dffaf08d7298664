import { isIP, isIPv4, isIPv6 } from 'node:net';

/** Lower case without a trailing dot: the form names are compared in. */
export function canonicalHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** True when `name` equals `parent` or lies below it. */
export function isAtOrBelow(name: string, parent: string): boolean {
  const child = canonicalHost(name);
  const base = canonicalHost(parent);
  return child === base || child.endsWith(`.${base}`);
}

/**
 * Whether a certificate-style name (possibly `*.example.com`) covers a host name: a wildcard
 * stands for exactly one left-most label, never for a partial label or several labels.
 */
export function nameCovers(pattern: string, host: string): boolean {
  const wanted = canonicalHost(host);
  const candidate = canonicalHost(pattern);
  if (!candidate.startsWith('*.')) {
    return candidate === wanted;
  }
  const suffix = candidate.slice(1);
  if (!wanted.endsWith(suffix)) {
    return false;
  }
  const label = wanted.slice(0, wanted.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

export function isIpAddress(value: string): boolean {
  return isIP(value.replace(/^\[|\]$/g, '')) !== 0;
}

export { isIPv4, isIPv6 };

/** A host with an optional port, as Postfix relayhosts and smart hosts are written. */
export interface HostAndPort {
  host: string;
  port?: number;
  bracketed: boolean;
}

/**
 * Splits `[host]:port`, `host:port`, `[host]` or `host`. A bare IPv6 address (several colons,
 * no brackets) is a host without port.
 */
export function splitHostPort(value: string): HostAndPort {
  const trimmed = value.trim();
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) {
    return {
      host: bracketed[1] ?? '',
      port: bracketed[2] !== undefined ? Number(bracketed[2]) : undefined,
      bracketed: true,
    };
  }
  const colons = trimmed.split(':').length - 1;
  if (colons === 1) {
    const [host, port] = trimmed.split(':');
    if (port !== undefined && /^\d+$/.test(port)) {
      return { host: host ?? '', port: Number(port), bracketed: false };
    }
  }
  return { host: trimmed, bracketed: false };
}
