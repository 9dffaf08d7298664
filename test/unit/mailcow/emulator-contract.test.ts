// Replays every recorded request/response pair of a genuine mailcow against the emulator and
// checks that the emulator answers the same way: status, the headers that matter, and the body
// (byte for byte once timestamps are masked). Each case is seeded with the state the recording
// had at that point, partly by replaying the recorded writes that led there.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RawMailcowDomain } from '../../../src/core/mailcow/mailcow-types';
import type { DnsEmulator } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import type { MailcowEmulator, MailcowSeed } from '../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import type { TestCertificates } from '../../emulators/mailcow/test-ca';
import { makeTestCertificates } from '../../emulators/mailcow/test-ca';

// Genuine replies recorded from a running mailcow, kept with the tests so a fresh clone can run them.
const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'mailcow-recorded');

interface Fixture {
  case: string;
  description: string;
  setup: string | null;
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: [string, string][]; body_raw: string };
}

function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

function headerOf(fixture: Fixture, name: string): string | undefined {
  return fixture.response.headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

function keyOf(name: string): string {
  return loadFixture(name).request.headers['X-API-Key'] ?? '';
}

/** A key in mailcow's UI format: five groups of six upper-case hex digits. */
function newKey(): string {
  return Array.from({ length: 5 }, () => randomBytes(3).toString('hex').toUpperCase()).join('-');
}

// The recording's keys are mapped by role onto keys made for this run.
const roles = existsSync(FIXTURES)
  ? {
      rw: { recorded: keyOf('get-status-version.ok'), key: newKey() },
      ro: { recorded: keyOf('add-domain.readonly-key'), key: newKey() },
      inactive: { recorded: keyOf('auth.inactive-key'), key: newKey() },
      ipDenied: { recorded: keyOf('auth.ip-not-allowed'), key: newKey() },
    }
  : undefined;

function mapKey(recorded: string): string {
  const core = recorded.replace(/[^a-zA-Z0-9-]/g, '');
  for (const role of Object.values(roles ?? {})) {
    if (role.recorded === core) {
      return recorded.replace(core, role.key);
    }
  }
  return recorded;
}

const HOSTNAME = 'mail.fixture.test';

function apiKeys(): MailcowSeed['apiKeys'] {
  if (!roles) {
    return [];
  }
  return [
    { key: roles.rw.key, access: 'rw', allowFrom: ['127.0.0.1'] },
    { key: roles.ro.key, access: 'ro', allowFrom: '127.0.0.1' },
    // As the recording inserted them: an inactive key, and one allowed only from 10.0.0.1.
    { key: roles.inactive.key, access: 'rw', allowFrom: ['127.0.0.1'], active: 0 },
    { key: roles.ipDenied.key, access: 'rw', allowFrom: ['10.0.0.1'], active: 1 },
  ];
}

const domain = (name: string, extra: Partial<RawMailcowDomain> = {}): RawMailcowDomain => ({
  domain_name: name,
  ...extra,
});

const EXAMPLE_ORG = domain('example.org', {
  description: 'Example domain',
  rl: { value: '10', frame: 's' },
  tags: ['tag1', 'tag2'],
});

/** The domains as they stood after the recording's add-domain cases. */
const ALL_ADDED: RawMailcowDomain[] = [
  domain('charset.example'),
  EXAMPLE_ORG,
  domain('form.example'),
  domain('https.example'),
  domain('minimal.example'),
  domain('nonnum.example', { max_num_aliases_for_domain: 0 }),
  domain('relay.example', { backupmx: 1, relay_all_recipients: 1, relay_unknown_only: 1 }),
  domain('singlelabel'),
  domain('typed.example', { description: 'typed' }),
  domain('bücher.example'),
];

type SeedName = 'empty' | 'example-only' | 'all-added';

function seedFor(name: SeedName): MailcowSeed {
  const domains = name === 'empty' ? [] : name === 'example-only' ? [EXAMPLE_ORG] : ALL_ADDED;
  return { hostname: HOSTNAME, apiKeys: apiKeys(), domains };
}

interface CaseSpec {
  seed: SeedName;
  /** Recorded requests replayed first, in order, to reach the case's starting state. */
  before?: string[];
  /** No DNS for the emulator (the recording had none for these cases). */
  noDns?: boolean;
  /** Sent to the HTTPS listener. */
  https?: boolean;
}

const RELAYHOST_ADDS = [
  'add-relayhost.ok',
  'add-relayhost.no-credentials.ok',
  'add-relayhost.duplicate',
];
const FWDHOST_ADDS = [
  'add-fwdhost.ipv4.ok',
  'add-fwdhost.ipv4-filter-spam.ok',
  'add-fwdhost.cidr.ok',
  'add-fwdhost.ipv6.ok',
  'add-fwdhost.hostname.fake-dns-spf.ok',
  'add-fwdhost.hostname.fake-dns-a.ok',
  'add-fwdhost.hostname.fake-dns-mx.ok',
  'add-fwdhost.garbage-ip',
  'add-fwdhost.duplicate',
];

/** Starting state per case; any case not named here starts from all domains added. */
const CASES: Record<string, CaseSpec> = {
  'add-domain.ok': { seed: 'empty' },
  'add-domain.https.ok': { seed: 'example-only', https: true },
  'get-domain-all.empty': { seed: 'empty' },
  'get-fwdhost-all.empty': { seed: 'empty' },
  'get-relayhost-all.empty': { seed: 'empty' },
  'get-relayhost-all.ok': { seed: 'all-added', before: RELAYHOST_ADDS },
  'get-relayhost.single.ok': { seed: 'all-added', before: RELAYHOST_ADDS },
  'get-relayhost-all.in-use': {
    seed: 'all-added',
    before: [
      ...RELAYHOST_ADDS,
      'edit-relayhost.ok',
      'edit-domain.relay-settings.ok',
      'edit-domain.multiple-items.ok',
      'edit-domain.typed-values.ok',
    ],
  },
  'get-relayhost-all.after-delete': {
    seed: 'all-added',
    before: [...RELAYHOST_ADDS, 'delete-relayhost.ok', 'delete-relayhost.int-id.ok'],
  },
  'edit-relayhost.ok': { seed: 'all-added', before: RELAYHOST_ADDS },
  'get-domain.after-edit': { seed: 'all-added', before: ['edit-domain.relay-settings.ok'] },
  'get-domain.after-duplicate-tag': {
    seed: 'all-added',
    before: ['edit-domain.relay-settings.ok', 'edit-domain.duplicate-tag'],
  },
  'get-domain.after-clear-relay': { seed: 'all-added', before: ['edit-domain.clear-relay.ok'] },
  'get-domain.after-nonexistent-relayhost': {
    seed: 'all-added',
    before: ['edit-domain.items-as-string.ok', 'edit-domain.relayhost-nonexistent-id'],
  },
  'get-domain.after-relay-all-only': {
    seed: 'all-added',
    before: ['edit-domain.relay-all-only.ok'],
  },
  'get-domain.after-typed-edit': { seed: 'all-added', before: ['edit-domain.typed-values.ok'] },
  'get-domain.after-relayhost-delete': {
    seed: 'all-added',
    before: [...RELAYHOST_ADDS, 'edit-domain.relay-settings.ok', 'delete-relayhost.ok'],
  },
  'get-domain-all.after-delete': {
    seed: 'all-added',
    before: [
      ...RELAYHOST_ADDS,
      'edit-domain.typed-values.ok',
      'edit-domain.multiple-items.ok',
      'delete-domain.ok',
      'delete-domain.multiple.ok',
      'delete-domain.string-body',
      'delete-relayhost.int-id.ok',
    ],
  },
  'add-fwdhost.hostname.no-dns': { seed: 'all-added', noDns: true },
  'add-fwdhost.localhost.no-dns': { seed: 'all-added', noDns: true },
  'get-fwdhost-all.ok': { seed: 'all-added', before: FWDHOST_ADDS },
  'get-fwdhost-all.after-delete': {
    seed: 'all-added',
    before: [...FWDHOST_ADDS, 'edit-fwdhost.ok', 'delete-fwdhost.ok', 'delete-fwdhost.multiple.ok'],
  },
  'get-fwdhost.single.ok': {
    seed: 'all-added',
    before: ['add-fwdhost.ipv4.ok', 'add-fwdhost.duplicate'],
  },
  'get-fwdhost.cidr-in-path': { seed: 'all-added', before: ['add-fwdhost.cidr.ok'] },
  'get-fwdhost.cidr-urlencoded': { seed: 'all-added', before: ['add-fwdhost.cidr.ok'] },
  'edit-fwdhost.ok': { seed: 'all-added', before: ['add-fwdhost.ipv4-filter-spam.ok'] },
  'session.cookie-without-key.get': {
    seed: 'all-added',
    before: ['session.key-request-sets-cookie'],
  },
  'session.cookie-without-key.add': {
    seed: 'all-added',
    before: ['session.key-request-sets-cookie'],
  },
  'session.cookie-plus-readonly-key.add': {
    seed: 'all-added',
    before: ['session.key-request-sets-cookie'],
  },
  'session.after-exception.same-cookie': {
    seed: 'all-added',
    before: ['edit-domain.duplicate-tag'],
  },
  'session.after-exception.same-cookie.again': {
    seed: 'all-added',
    before: ['edit-domain.duplicate-tag', 'session.after-exception.same-cookie'],
  },
};

/** Cases whose starting point is the (near) empty mailcow at the start of the recording. */
const EMPTY_PREFIXES = ['auth.', 'get-status-version', 'route.', 'session.key-request'];
/** add-domain cases ran while example.org existed (the duplicates need it). */
const EXAMPLE_ONLY_PREFIX = 'add-domain.';

/**
 * Fixtures the emulator cannot model, with the reason. Kept empty on purpose: every recorded
 * case is replayed.
 */
const SKIPPED: Record<string, string> = {};

function specFor(name: string): CaseSpec {
  const explicit = CASES[name];
  if (explicit) {
    return explicit;
  }
  if (EMPTY_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    return { seed: 'empty' };
  }
  if (name.startsWith(EXAMPLE_ONLY_PREFIX)) {
    return { seed: 'example-only' };
  }
  return { seed: 'all-added' };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends a recorded request as it was recorded, to the emulator instead of the recorded host. */
function replay(
  fixture: Fixture,
  target: MailcowEmulator,
  cookies: Map<string, string>,
  ca?: string,
): Promise<Answer> {
  const recorded = new URL(fixture.request.url);
  const url = new URL(recorded.pathname + recorded.search, target.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fixture.request.headers)) {
    if (name.toLowerCase() === 'x-api-key') {
      headers[name] = mapKey(value);
    } else if (name.toLowerCase() === 'cookie') {
      headers[name] = value.replace(/MCSESSID=([0-9a-f]+)/, (whole, id: string) => {
        const mapped = cookies.get(id);
        assert.ok(mapped, `${fixture.case}: no replayed request set the cookie it sends`);
        return `MCSESSID=${mapped}`;
      });
    } else {
      headers[name] = value;
    }
  }
  const body = fixture.request.body;
  if (body !== null) {
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const options = { method: fixture.request.method, headers, ca, agent: false as const };
    const request = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const answer = {
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        // Map the recording's session cookie onto the one the emulator handed out.
        const recordedCookie = /MCSESSID=([0-9a-f]+)/.exec(
          headerOf(fixture, 'set-cookie') ?? '',
        )?.[1];
        const setCookie = answer.headers['set-cookie']?.[0];
        const emulatedCookie = /MCSESSID=([0-9a-f]+)/.exec(setCookie ?? '')?.[1];
        if (recordedCookie && emulatedCookie) {
          cookies.set(recordedCookie, emulatedCookie);
        }
        resolve(answer);
      });
    });
    request.setTimeout(10_000, () => request.destroy(new Error('replay timed out')));
    request.on('error', reject);
    request.end(body ?? undefined);
  });
}

/** Timestamps differ between runs; their presence (or null) does not. */
function maskTimes(text: string): string {
  return text.replace(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/g, '"<time>"');
}

const COMPARED_HEADERS = [
  'content-type',
  'expires',
  'cache-control',
  'pragma',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'strict-transport-security',
  'x-content-type-options',
  'x-robots-tag',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'referrer-policy',
];

function compare(fixture: Fixture, answer: Answer): void {
  const label = fixture.case;
  assert.equal(answer.status, fixture.response.status, `${label}: status`);
  for (const name of COMPARED_HEADERS) {
    assert.equal(answer.headers[name], headerOf(fixture, name), `${label}: header ${name}`);
  }
  const recordedVaryOrigin = fixture.response.headers.some(
    ([key, value]) => key.toLowerCase() === 'vary' && value.includes('Origin'),
  );
  assert.equal(
    String(answer.headers.vary ?? '').includes('Origin'),
    recordedVaryOrigin,
    `${label}: Vary`,
  );
  assert.equal(
    answer.headers['set-cookie'] !== undefined,
    headerOf(fixture, 'set-cookie') !== undefined,
    `${label}: Set-Cookie`,
  );
  const recorded = fixture.response.body_raw;
  if (recorded === '') {
    assert.equal(answer.body, '', `${label}: empty body`);
    return;
  }
  // The meaning first (clearer failure output), then the exact text PHP wrote.
  assert.deepEqual(
    JSON.parse(maskTimes(answer.body)),
    JSON.parse(maskTimes(recorded)),
    `${label}: body`,
  );
  assert.equal(maskTimes(answer.body), maskTimes(recorded), `${label}: body text`);
}

const FAKE_DNS_ZONE = {
  'spf.fwd.fixture.test': {
    TXT: ['v=spf1 ip4:203.0.113.5 ip4:203.0.113.64/26 ip6:2001:db8:5::5 a:a.fwd.fixture.test -all'],
  },
  'mx.fwd.fixture.test': { MX: [{ exchange: 'mx1.fwd.fixture.test', priority: 10 }] },
  'mx1.fwd.fixture.test': { A: ['203.0.113.25'] },
  'a.fwd.fixture.test': { A: ['203.0.113.80'], AAAA: ['2001:db8::80'] },
};

describe('mailcow emulator against the recorded mailcow replies', () => {
  let dns: DnsEmulator;
  let certificates: TestCertificates;
  const index = existsSync(FIXTURES)
    ? (JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as { case: string }[])
    : [];

  before(async () => {
    dns = await startDnsEmulator(FAKE_DNS_ZONE);
    certificates = makeTestCertificates({ ip: ['127.0.0.1'] });
  });
  after(async () => {
    await dns.close();
    certificates.cleanup();
  });

  it('finds the recordings', () => {
    assert.ok(existsSync(FIXTURES), `recorded mailcow replies expected in ${FIXTURES}`);
    assert.equal(index.length, 142);
  });

  it('names only recorded cases in its tables', () => {
    const names = new Set(index.map((entry) => entry.case));
    for (const name of [...Object.keys(CASES), ...Object.keys(SKIPPED)]) {
      assert.ok(names.has(name), `${name} is not a recorded case`);
    }
    for (const spec of Object.values(CASES)) {
      for (const name of spec.before ?? []) {
        assert.ok(names.has(name), `${name} is not a recorded case`);
      }
    }
  });

  for (const { case: name } of index) {
    const skipped = SKIPPED[name];
    it(name, { skip: skipped ?? false }, async () => {
      const fixture = loadFixture(name);
      const spec = specFor(name);
      const emulator = await startMailcowEmulator(seedFor(spec.seed), {
        dnsServers: spec.noDns ? undefined : [dns.address],
        tls: spec.https
          ? { cert: certificates.serverCert, key: certificates.serverKey }
          : undefined,
      });
      const cookies = new Map<string, string>();
      const ca = spec.https ? certificates.caCert : undefined;
      try {
        for (const step of spec.before ?? []) {
          const answer = await replay(loadFixture(step), emulator, cookies, ca);
          compare(loadFixture(step), answer);
        }
        compare(fixture, await replay(fixture, emulator, cookies, ca));
      } finally {
        await emulator.close();
      }
    });
  }
});
