import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import {
  DnsLookup,
  DnsServerError,
  dnsFailureMessage,
  parseDnsServer,
} from '../../../src/core/dns/resolver';
import type { DnsFailure } from '../../../src/core/dns/resolver';
import type { DnsEmulator } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';

/** A UDP port that was free a moment ago and has nothing listening now. */
async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('parseDnsServer', () => {
  it('reads IPv4 with and without a port', () => {
    assert.deepEqual(parseDnsServer('192.0.2.53'), {
      ok: true,
      server: { address: '192.0.2.53', port: 53, family: 4 },
    });
    assert.deepEqual(parseDnsServer(' 127.0.0.1:5353 '), {
      ok: true,
      server: { address: '127.0.0.1', port: 5353, family: 4 },
    });
  });

  it('reads bare and bracketed IPv6', () => {
    assert.deepEqual(parseDnsServer('2001:db8::53'), {
      ok: true,
      server: { address: '2001:db8::53', port: 53, family: 6 },
    });
    assert.deepEqual(parseDnsServer('[::1]'), {
      ok: true,
      server: { address: '::1', port: 53, family: 6 },
    });
    assert.deepEqual(parseDnsServer('[2001:db8::53]:5353'), {
      ok: true,
      server: { address: '2001:db8::53', port: 5353, family: 6 },
    });
  });

  it('refuses host names, bad ports and bracketed IPv4', () => {
    for (const text of ['dns.example.com', 'dns.example.com:53', '[192.0.2.1]:53', '', '1.2.3']) {
      const parsed = parseDnsServer(text);
      assert.equal(parsed.ok, false, text);
    }
    for (const text of ['192.0.2.1:0', '192.0.2.1:65536', '192.0.2.1:abc', '[::1]:99999']) {
      const parsed = parseDnsServer(text);
      assert.equal(parsed.ok, false, text);
      assert.match(parsed.ok ? '' : parsed.message, /port/, text);
    }
  });

  it('makes DnsLookup throw a readable error for a bad server', () => {
    assert.throws(
      () => new DnsLookup({ servers: ['resolver.example'] }),
      (error: unknown) =>
        error instanceof DnsServerError && /resolver\.example/.test(error.message),
    );
  });
});

describe('DnsLookup against the emulator', () => {
  let dns: DnsEmulator;

  before(async () => {
    dns = await startDnsEmulator({
      'example.com': {
        MX: [
          { exchange: 'backup.example.net', priority: 20 },
          { exchange: 'example-com.mail.protection.outlook.com.', priority: 0 },
        ],
        TXT: ['v=spf1 include:spf.protection.outlook.com -all', ['google-site-', 'verification=x']],
      },
      'mail.example.com': { A: ['127.0.0.1', '192.0.2.10'], AAAA: ['2001:db8::25'] },
      'long.example.com': { TXT: ['v=spf1 ' + 'ip4:192.0.2.1 '.repeat(60) + '-all'] },
      'spf.protection.outlook.com': { TXT: ['v=spf1 ip4:192.0.2.0/26 -all'] },
    });
  });
  after(() => dns.close());

  const lookup = (): DnsLookup =>
    new DnsLookup({ servers: [dns.address], timeoutMs: 500, tries: 1 });

  it('returns MX records sorted by priority, without trailing dots', async () => {
    const result = await lookup().mx('Example.COM.');
    assert.deepEqual(result, {
      name: 'example.com',
      type: 'MX',
      outcome: 'records',
      records: [
        { exchange: 'example-com.mail.protection.outlook.com', priority: 0 },
        { exchange: 'backup.example.net', priority: 20 },
      ],
    });
  });

  it('joins the character-strings of one TXT record without spaces', async () => {
    const result = await lookup().txt('example.com');
    assert.equal(result.outcome, 'records');
    assert.deepEqual(result.outcome === 'records' ? [...result.records].sort() : [], [
      'google-site-verification=x',
      'v=spf1 include:spf.protection.outlook.com -all',
    ]);
  });

  it('reads a TXT record too long for UDP (the emulator truncates, the resolver retries on TCP)', async () => {
    const result = await lookup().txt('long.example.com');
    assert.equal(result.outcome, 'records');
    assert.equal(result.outcome === 'records' ? result.records[0]?.length : 0, 7 + 14 * 60 + 4);
    assert.ok(
      dns.queries.some((query) => query.name === 'long.example.com' && query.transport === 'tcp'),
    );
  });

  it('returns A and AAAA records', async () => {
    const dnsLookup = lookup();
    const a = await dnsLookup.a('mail.example.com');
    const aaaa = await dnsLookup.aaaa('mail.example.com');
    assert.deepEqual(a.outcome === 'records' ? a.records : a, ['127.0.0.1', '192.0.2.10']);
    assert.deepEqual(aaaa.outcome === 'records' ? aaaa.records : aaaa, ['2001:db8::25']);
  });

  it('tells NXDOMAIN (no such name) from NODATA (name without that type)', async () => {
    const dnsLookup = lookup();
    assert.equal((await dnsLookup.mx('nothing.example.com')).outcome, 'nxdomain');
    assert.equal((await dnsLookup.a('example.com')).outcome, 'nodata');
    assert.equal((await dnsLookup.mx('mail.example.com')).outcome, 'nodata');
    // A name that only has names below it exists, so it is NODATA too.
    assert.equal((await dnsLookup.txt('protection.outlook.com')).outcome, 'nodata');
  });

  it('reports SERVFAIL as a failure, not as a missing record', async () => {
    dns.fault({ fault: 'servfail', name: 'example.com', type: 'MX' });
    try {
      const result = await lookup().mx('example.com');
      assert.equal(result.outcome, 'failed');
      assert.equal(result.outcome === 'failed' ? result.reason : '', 'servfail');
    } finally {
      dns.clearFaults();
    }
  });

  it('reports REFUSED as a failure', async () => {
    dns.fault({ fault: 'refused' });
    try {
      const result = await lookup().txt('example.com');
      assert.equal(result.outcome === 'failed' ? result.reason : result.outcome, 'refused');
    } finally {
      dns.clearFaults();
    }
  });

  it('reports a server that never answers as a timeout', async () => {
    dns.fault({ fault: 'drop', name: 'mail.example.com' });
    try {
      const dnsLookup = new DnsLookup({ servers: [dns.address], timeoutMs: 150, tries: 1 });
      const result = await dnsLookup.a('mail.example.com');
      assert.equal(result.outcome === 'failed' ? result.reason : result.outcome, 'timeout');
      const text = dnsFailureMessage(result as DnsFailure, dnsLookup);
      assert.match(text, /mail\.example\.com/);
      assert.match(text, new RegExp(dns.address.replace(/\./g, '\\.')));
    } finally {
      dns.clearFaults();
    }
  });

  it('reports a resolver port with nothing listening as a failure', async () => {
    const port = await closedUdpPort();
    const dnsLookup = new DnsLookup({ servers: [`127.0.0.1:${port}`], timeoutMs: 200, tries: 1 });
    const result = await dnsLookup.mx('example.com');
    assert.equal(result.outcome, 'failed');
    assert.ok(
      result.outcome === 'failed' && ['unreachable', 'timeout'].includes(result.reason),
      JSON.stringify(result),
    );
  });

  it('falls through to the next server when the first cannot be reached', async () => {
    const port = await closedUdpPort();
    const dnsLookup = new DnsLookup({
      servers: [`127.0.0.1:${port}`, dns.address],
      timeoutMs: 300,
      tries: 1,
    });
    const result = await dnsLookup.a('mail.example.com');
    assert.equal(result.outcome, 'records');
  });

  it('asks the server once per name and type for the life of one lookup object', async () => {
    const before = dns.queries.filter((q) => q.name === 'spf.protection.outlook.com').length;
    const dnsLookup = lookup();
    const [first, second] = await Promise.all([
      dnsLookup.txt('spf.protection.outlook.com'),
      dnsLookup.txt('SPF.protection.outlook.com.'),
    ]);
    assert.deepEqual(first, second);
    assert.equal(
      dns.queries.filter((q) => q.name === 'spf.protection.outlook.com').length,
      before + 1,
    );

    dns.set('spf.protection.outlook.com', 'TXT', ['v=spf1 ip4:192.0.2.64/26 -all']);
    try {
      const cached = await dnsLookup.txt('spf.protection.outlook.com');
      assert.deepEqual(cached.outcome === 'records' ? cached.records : [], [
        'v=spf1 ip4:192.0.2.0/26 -all',
      ]);
      // The next refresh (a new object, or a cleared cache) sees the change.
      dnsLookup.clearCache();
      const fresh = await dnsLookup.txt('spf.protection.outlook.com');
      assert.deepEqual(fresh.outcome === 'records' ? fresh.records : [], [
        'v=spf1 ip4:192.0.2.64/26 -all',
      ]);
    } finally {
      dns.set('spf.protection.outlook.com', 'TXT', ['v=spf1 ip4:192.0.2.0/26 -all']);
    }
  });

  it('sees live updates and removals in a new refresh', async () => {
    dns.set('new.example.com', 'A', ['192.0.2.99']);
    const added = await lookup().a('new.example.com');
    assert.deepEqual(added.outcome === 'records' ? added.records : added, ['192.0.2.99']);
    dns.set('new.example.com', 'A', []);
    assert.equal((await lookup().a('new.example.com')).outcome, 'nodata');
    dns.remove('new.example.com');
    assert.equal((await lookup().a('new.example.com')).outcome, 'nxdomain');
  });

  it('fails a name that cannot be queried without asking the server', async () => {
    const count = dns.queries.length;
    const result = await lookup().a('bad name.example.com');
    assert.equal(result.outcome === 'failed' ? result.reason : result.outcome, 'bad-name');
    assert.equal(dns.queries.length, count);
  });

  it('logs each lookup at debug level', async () => {
    const lines: string[] = [];
    const logger = {
      trace: () => undefined,
      debug: (line: string) => lines.push(line),
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    await new DnsLookup({ servers: [dns.address], timeoutMs: 500, tries: 1, logger }).mx(
      'example.com',
    );
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /MX example\.com/);
  });
});

describe('DnsLookup over IPv6', () => {
  it('asks a resolver given as [::1]:port', async () => {
    const dns = await startDnsEmulator({ 'example.com': { A: ['192.0.2.1'] } }, { host: '::1' });
    try {
      assert.match(dns.address, /^\[::1\]:\d+$/);
      const result = await new DnsLookup({ servers: [dns.address], timeoutMs: 500, tries: 1 }).a(
        'example.com',
      );
      assert.deepEqual(result.outcome === 'records' ? result.records : result, ['192.0.2.1']);
      assert.equal(dns.queries.length, 1);
    } finally {
      await dns.close();
    }
  });
});
