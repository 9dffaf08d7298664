import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * How mailcow turns a forwarding host name into addresses: the SPF record of the name first,
 * then the A/AAAA records of its MX targets, then its own A/AAAA records. Record lookups go to
 * the DNS servers given (never to the hosts file, as in mailcow). No servers means no DNS at
 * all: every lookup fails at once, as it did in the recording without a resolver.
 */
export class FwdhostResolver {
  private readonly resolver?: Resolver;

  constructor(servers: readonly string[] | undefined) {
    if (servers && servers.length > 0) {
      this.resolver = new Resolver({ timeout: 1500, tries: 1 });
      this.resolver.setServers([...servers]);
    }
  }

  async bestGuess(name: string): Promise<string[]> {
    if (!this.resolver) {
      return [];
    }
    const fromSpf = await this.spfHosts(name, 0);
    if (fromSpf.length > 0) {
      return unique(fromSpf);
    }
    const fromMx = await this.mxHosts(name);
    if (fromMx.length > 0) {
      return unique(fromMx);
    }
    return unique(await this.addresses(name));
  }

  private async txt(name: string): Promise<string[]> {
    try {
      // Only the first string of each TXT record is read, as mailcow does.
      return (await this.resolver!.resolveTxt(name)).map((chunks) => chunks[0] ?? '');
    } catch {
      return [];
    }
  }

  private async addresses(name: string): Promise<string[]> {
    const found: string[] = [];
    try {
      found.push(...(await this.resolver!.resolve4(name)));
    } catch {
      // No A record.
    }
    try {
      found.push(...(await this.resolver!.resolve6(name)));
    } catch {
      // No AAAA record.
    }
    return found;
  }

  private async mxHosts(name: string): Promise<string[]> {
    let records: { exchange: string; priority: number }[];
    try {
      records = await this.resolver!.resolveMx(name);
    } catch {
      return [];
    }
    const found: string[] = [];
    for (const record of records) {
      found.push(...(await this.addresses(record.exchange)));
    }
    return found;
  }

  private async spfHosts(name: string, depth: number): Promise<string[]> {
    if (depth > 10) {
      return [];
    }
    const record = (await this.txt(name)).find((text) => /^v=spf1(\s|$)/i.test(text));
    if (!record) {
      return [];
    }
    let hosts: string[] = [];
    for (const term of record.split(/\s+/).slice(1)) {
      if (term === '') {
        continue;
      }
      // Parsing stops at the first mechanism qualified with - or ~ (normally -all / ~all).
      if (term.startsWith('-') || term.startsWith('~')) {
        break;
      }
      const mechanism = term.replace(/^[+?]/, '');
      const lower = mechanism.toLowerCase();
      const argument = mechanism.includes(':') ? mechanism.slice(mechanism.indexOf(':') + 1) : '';
      if (lower.startsWith('ip4:') || lower.startsWith('ip6:')) {
        hosts.push(argument);
      } else if (lower === 'a' || lower.startsWith('a:') || lower.startsWith('a/')) {
        hosts.push(...(await this.addresses(stripCidr(argument) || name)));
      } else if (lower === 'mx' || lower.startsWith('mx:') || lower.startsWith('mx/')) {
        hosts.push(...(await this.mxHosts(stripCidr(argument) || name)));
      } else if (lower.startsWith('include:')) {
        hosts.push(...(await this.spfHosts(argument, depth + 1)));
      } else if (lower.startsWith('redirect=')) {
        const target = mechanism.slice('redirect='.length);
        hosts = (await this.spfHosts(target, depth + 1)).map(expandIpv6);
      }
      // ptr, exists and all add nothing.
    }
    return hosts;
  }
}

function stripCidr(name: string): string {
  return name.replace(/\/\d+$/, '');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Writes an IPv6 address as eight 4-digit groups, as mailcow does for redirected SPF. */
function expandIpv6(address: string): string {
  if (isIP(address) !== 6) {
    return address;
  }
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const missing = 8 - left.length - right.length;
  const groups = address.includes('::')
    ? [...left, ...Array<string>(missing).fill('0'), ...right]
    : left;
  return groups.map((group) => group.padStart(4, '0')).join(':');
}
