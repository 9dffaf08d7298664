import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseNetwork } from '../../../src/core/dns/ip-network';
import { DnsLookup } from '../../../src/core/dns/resolver';
import type { SpfExpansion, SpfProblemKind } from '../../../src/core/dns/spf';
import {
  evaluateSpf,
  expandDomainSpec,
  expandSpf,
  isSpfRecord,
  parseSpf,
  spfPassNetworksCover,
  spfProblemMessage,
} from '../../../src/core/dns/spf';
import type { DnsEmulator, DnsScenarioRecords } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';

describe('parseSpf', () => {
  it('recognises SPF records by their version tag only', () => {
    assert.ok(isSpfRecord('v=spf1 -all'));
    assert.ok(isSpfRecord('V=SPF1'));
    assert.ok(!isSpfRecord('v=spf10 -all'));
    assert.ok(!isSpfRecord('spf2.0/pra -all'));
    assert.ok(!isSpfRecord(' v=spf1 -all'));
  });

  it('reads qualifiers, mechanisms and modifiers', () => {
    const record = parseSpf(
      'v=spf1 +a -mx:Mail.Example.com/24 ~ip4:192.0.2.0/24 ?ip6:2001:db8::/32 include:spf.example.net a//64 ptr exists:%{i}.x.example.com redirect=_spf.example.com exp=explain.example.com custom=value -all',
    );
    assert.deepEqual(record.errors, []);
    assert.deepEqual(
      record.mechanisms.map((m) => `${m.qualifier}${m.kind}`),
      ['+a', '-mx', '~ip4', '?ip6', '+include', '+a', '+ptr', '+exists', '-all'],
    );
    const mx = record.mechanisms[1];
    assert.equal(mx?.domainSpec, 'Mail.Example.com');
    assert.equal(mx?.cidr4, 24);
    assert.equal(mx?.cidr6, 128);
    assert.equal(record.mechanisms[5]?.cidr6, 64);
    assert.equal(record.mechanisms[2]?.network?.cidr, '192.0.2.0/24');
    assert.equal(record.mechanisms[3]?.network?.cidr, '2001:db8::/32');
    assert.equal(record.redirect, '_spf.example.com');
    assert.equal(record.exp, 'explain.example.com');
    assert.deepEqual(record.unknownModifiers, [{ name: 'custom', value: 'value' }]);
  });

  it('treats mechanism names case-insensitively and tolerates repeated spaces', () => {
    const record = parseSpf('v=spf1  INCLUDE:spf.protection.outlook.com   IP4:192.0.2.1 -ALL');
    assert.deepEqual(record.errors, []);
    assert.deepEqual(
      record.mechanisms.map((m) => m.kind),
      ['include', 'ip4', 'all'],
    );
  });

  it('collects syntax errors with a reason', () => {
    const record = parseSpf(
      'v=spf1 ip4:192.0.2.300 ip4:192.0.2.0/33 ip6:192.0.2.1 include: a/33 foo:bar allx redirect=a.example redirect=b.example',
    );
    assert.deepEqual(
      record.errors.map((error) => `${error.term} ${error.reason}`),
      [
        'ip4:192.0.2.300 bad-address',
        'ip4:192.0.2.0/33 bad-prefix',
        'ip6:192.0.2.1 bad-address',
        'include: missing-domain',
        'a/33 bad-prefix',
        'foo:bar unknown-term',
        'allx unknown-term',
        'redirect=b.example duplicate-modifier',
      ],
    );
  });
});

describe('expandDomainSpec', () => {
  it('expands the macros that do not depend on the message', () => {
    assert.equal(expandDomainSpec('_spf.%{d}', 'example.com', 'example.org'), '_spf.example.com');
    assert.equal(expandDomainSpec('%{o}', 'a.example.com', 'example.org'), 'example.org');
    assert.equal(
      expandDomainSpec('%{d2}.x.net', 'mail.sub.example.com', 'o.example'),
      'example.com.x.net',
    );
    assert.equal(expandDomainSpec('%{dr}', 'a.b.example', 'o.example'), 'example.b.a');
    assert.equal(expandDomainSpec('%%%_%-', 'a.example', 'o.example'), '% %20');
  });

  it('gives up on macros that need the sender, client or HELO', () => {
    assert.equal(expandDomainSpec('%{i}._spf.%{d}', 'example.com', 'example.com'), undefined);
    assert.equal(expandDomainSpec('%{l}.example.com', 'example.com', 'example.com'), undefined);
    assert.equal(expandDomainSpec('%{d', 'example.com', 'example.com'), undefined);
    assert.equal(expandDomainSpec('%x', 'example.com', 'example.com'), undefined);
  });
});

function kinds(expansion: SpfExpansion): SpfProblemKind[] {
  return expansion.problems.map((problem) => problem.kind);
}

function chain(prefix: string, length: number, last: string): DnsScenarioRecords {
  const records: DnsScenarioRecords = {};
  for (let index = 1; index <= length; index += 1) {
    records[`${prefix}${index}.example`] = {
      TXT: [
        index === length
          ? `v=spf1 ${last} -all`
          : `v=spf1 ip4:198.51.${index}.0/24 include:${prefix}${index + 1}.example -all`,
      ],
    };
  }
  return records;
}

describe('expandSpf against the emulator', () => {
  let dns: DnsEmulator;
  let lookup: () => DnsLookup;

  before(async () => {
    dns = await startDnsEmulator({
      // The recipe's own shape: the domain includes EOP, which includes its ranges.
      'example.com': {
        TXT: ['v=spf1 include:spf.protection.outlook.com ip4:203.0.113.25 -all', 'MS=ms12345'],
        MX: [{ exchange: 'example-com.mail.protection.outlook.com', priority: 0 }],
      },
      'spf.protection.outlook.com': {
        TXT: ['v=spf1 include:spfa.protection.outlook.com ip6:2001:db8:400::/40 -all'],
      },
      'spfa.protection.outlook.com': { TXT: ['v=spf1 ip4:192.0.2.0/26 ip4:192.0.2.64/26 -all'] },

      'redirect.example': { TXT: ['v=spf1 redirect=_spf.example.com'] },
      '_spf.example.com': { TXT: ['v=spf1 ip4:198.51.100.0/24 ~all'] },
      'redirect-with-all.example': {
        TXT: ['v=spf1 ip4:203.0.113.1 -all redirect=_spf.example.com'],
      },
      'macro-redirect.example': { TXT: ['v=spf1 redirect=_spf.%{d}'] },
      '_spf.macro-redirect.example': { TXT: ['v=spf1 ip4:203.0.113.77 -all'] },

      'hosts.example': {
        TXT: ['v=spf1 a a:mail.hosts.example/28 mx//64 -all'],
        A: ['203.0.113.10'],
        MX: [
          { exchange: 'mx1.hosts.example', priority: 10 },
          { exchange: 'mx2.hosts.example', priority: 20 },
        ],
      },
      'mail.hosts.example': { A: ['203.0.113.40'] },
      'mx1.hosts.example': { A: ['198.51.100.1'], AAAA: ['2001:db8:1::1'] },
      'mx2.hosts.example': { AAAA: ['2001:db8:2::1'] },

      'order.example': {
        TXT: ['v=spf1 -ip4:192.0.2.5 ip4:192.0.2.0/24 ?ip4:198.51.100.0/24 ~all'],
      },

      ...chain('ten', 11, 'ip4:203.0.113.201'),

      'loop-a.example': { TXT: ['v=spf1 ip4:192.0.2.1 include:loop-b.example -all'] },
      'loop-b.example': { TXT: ['v=spf1 include:loop-a.example -all'] },
      'self-redirect.example': { TXT: ['v=spf1 redirect=self-redirect.example'] },

      'voids.example': {
        TXT: ['v=spf1 a:gone1.example mx:gone2.example include:gone3.example ip4:192.0.2.9 -all'],
      },
      'two-voids.example': { TXT: ['v=spf1 a:gone1.example mx:gone2.example ip4:192.0.2.9 -all'] },

      'multiple.example': { TXT: ['v=spf1 -all', 'v=spf1 ip4:192.0.2.1 -all'] },
      'nospf.example': { TXT: ['google-site-verification=abc'] },
      'broken.example': { TXT: ['v=spf1 ip4:192.0.2.999 -all'] },
      'include-nospf.example': { TXT: ['v=spf1 include:nospf.example -all'] },
      'include-servfail.example': { TXT: ['v=spf1 ip4:192.0.2.1 include:flaky.example -all'] },
      'flaky.example': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
      'ptr.example': { TXT: ['v=spf1 ptr ip4:192.0.2.1 exists:%{i}.rbl.example -all'] },
      'exists.example': { TXT: ['v=spf1 exists:always.example -all'] },
      'always.example': { A: ['127.0.0.2'] },
      'many-mx.example': {
        TXT: ['v=spf1 mx -all'],
        MX: Array.from({ length: 11 }, (_, index) => ({
          exchange: `mx${index}.many-mx.example`,
          priority: index,
        })),
      },
    });
    lookup = () => new DnsLookup({ servers: [dns.address], timeoutMs: 500, tries: 1 });
  });
  after(() => dns.close());

  it('follows nested includes into the networks EOP sends from', async () => {
    const expansion = await expandSpf('example.com', lookup());
    assert.deepEqual(expansion.problems, []);
    assert.equal(expansion.root.status, 'ok');
    assert.deepEqual(expansion.includes, [
      'spf.protection.outlook.com',
      'spfa.protection.outlook.com',
    ]);
    assert.equal(expansion.lookups, 2);
    assert.equal(expansion.voidLookups, 0);
    assert.ok(expansion.complete);
    assert.deepEqual(
      expansion.passNetworks.map((network) => network.cidr),
      ['192.0.2.0/26', '192.0.2.64/26', '2001:db8:400::/40', '203.0.113.25/32'],
    );
    assert.equal(evaluateSpf(expansion, '192.0.2.70'), 'pass');
    assert.equal(evaluateSpf(expansion, '2001:db8:4ff::1'), 'pass');
    assert.equal(evaluateSpf(expansion, '203.0.113.25'), 'pass');
    assert.equal(evaluateSpf(expansion, '192.0.2.200'), 'fail');
    assert.equal(evaluateSpf(expansion, 'not an address'), undefined);
    // Two adjacent /26 from the include together cover the /25.
    assert.ok(spfPassNetworksCover(expansion, parseNetwork('192.0.2.0/25')!));
    assert.ok(!spfPassNetworksCover(expansion, parseNetwork('192.0.2.0/24')!));
  });

  it('follows redirect= and counts it as a lookup', async () => {
    const expansion = await expandSpf('redirect.example', lookup());
    assert.deepEqual(expansion.problems, []);
    assert.equal(expansion.lookups, 1);
    assert.deepEqual(expansion.includes, ['_spf.example.com']);
    assert.equal(expansion.root.redirect?.kind, 'target');
    assert.equal(evaluateSpf(expansion, '198.51.100.7'), 'pass');
    assert.equal(evaluateSpf(expansion, '192.0.2.1'), 'softfail');
  });

  it('ignores redirect= when the record has an all mechanism', async () => {
    const expansion = await expandSpf('redirect-with-all.example', lookup());
    assert.equal(expansion.root.redirect, undefined);
    assert.equal(expansion.lookups, 0);
    assert.equal(evaluateSpf(expansion, '198.51.100.7'), 'fail');
  });

  it('expands %{d} in a redirect target', async () => {
    const expansion = await expandSpf('macro-redirect.example', lookup());
    assert.deepEqual(expansion.includes, ['_spf.macro-redirect.example']);
    assert.equal(evaluateSpf(expansion, '203.0.113.77'), 'pass');
  });

  it('resolves a and mx mechanisms with their prefix lengths, in both families', async () => {
    const expansion = await expandSpf('hosts.example', lookup());
    assert.deepEqual(expansion.problems, []);
    assert.equal(expansion.lookups, 3);
    assert.deepEqual(
      expansion.passNetworks.map((network) => network.cidr),
      [
        '203.0.113.10/32',
        '203.0.113.32/28',
        '198.51.100.1/32',
        '2001:db8:1::/64',
        '2001:db8:2::/64',
      ],
    );
    assert.equal(evaluateSpf(expansion, '203.0.113.47'), 'pass');
    assert.equal(evaluateSpf(expansion, '2001:db8:2::ffff'), 'pass');
    assert.equal(evaluateSpf(expansion, '203.0.113.11'), 'fail');
  });

  it('evaluates by first match, so an earlier -ip4 wins over a later +ip4', async () => {
    const expansion = await expandSpf('order.example', lookup());
    assert.equal(evaluateSpf(expansion, '192.0.2.5'), 'fail');
    assert.equal(evaluateSpf(expansion, '192.0.2.6'), 'pass');
    assert.equal(evaluateSpf(expansion, '198.51.100.1'), 'neutral');
    assert.equal(evaluateSpf(expansion, '203.0.113.1'), 'softfail');
  });

  it('allows exactly ten DNS-querying terms', async () => {
    const expansion = await expandSpf('ten1.example', lookup());
    assert.equal(expansion.lookups, 10);
    assert.deepEqual(expansion.problems, []);
    assert.equal(evaluateSpf(expansion, '203.0.113.201'), 'pass');
  });

  it('stops at the eleventh DNS-querying term with a permanent error', async () => {
    const deep = await startDnsEmulator({
      'start.example': { TXT: ['v=spf1 include:long1.example -all'] },
      ...chain('long', 11, 'ip4:203.0.113.200'),
    });
    try {
      const limited = await expandSpf(
        'start.example',
        new DnsLookup({ servers: [deep.address], timeoutMs: 500, tries: 1 }),
      );
      assert.deepEqual(kinds(limited), ['lookup-limit']);
      const problem = limited.problems[0];
      assert.equal(problem?.domain, 'long10.example');
      assert.equal(problem?.term, 'include:long11.example');
      assert.equal(limited.lookups, 11);
      assert.ok(!limited.complete);
      // Networks met before the limit still decide; past it a receiver has given up.
      assert.equal(evaluateSpf(limited, '198.51.1.1'), 'pass');
      assert.equal(evaluateSpf(limited, '203.0.113.200'), 'permerror');
      // The eleventh record is never fetched.
      assert.ok(!deep.queries.some((query) => query.name === 'long11.example'));
      assert.match(spfProblemMessage(problem, lookup()), /more than 10 DNS lookups/);
    } finally {
      await deep.close();
    }
  });

  it('detects include loops and redirect loops', async () => {
    const loop = await expandSpf('loop-a.example', lookup());
    assert.deepEqual(kinds(loop), ['loop']);
    assert.equal(loop.problems[0]?.target, 'loop-a.example');
    assert.equal(evaluateSpf(loop, '192.0.2.1'), 'pass');
    assert.equal(evaluateSpf(loop, '192.0.2.2'), 'permerror');

    const self = await expandSpf('self-redirect.example', lookup());
    assert.deepEqual(kinds(self), ['loop']);
    assert.equal(evaluateSpf(self, '192.0.2.2'), 'permerror');
  });

  it('counts void lookups and stops after the second', async () => {
    const two = await expandSpf('two-voids.example', lookup());
    assert.equal(two.voidLookups, 2);
    assert.deepEqual(kinds(two), []);
    assert.equal(evaluateSpf(two, '192.0.2.9'), 'pass');

    const three = await expandSpf('voids.example', lookup());
    assert.equal(three.voidLookups, 3);
    assert.deepEqual(kinds(three), ['void-lookup-limit']);
    assert.equal(three.problems[0]?.term, 'include:gone3.example');
    assert.equal(evaluateSpf(three, '192.0.2.9'), 'permerror');
  });

  it('reports a missing record, several records and a broken record', async () => {
    const missing = await expandSpf('nospf.example', lookup());
    assert.deepEqual(kinds(missing), ['missing']);
    assert.equal(missing.root.status, 'none');
    assert.equal(evaluateSpf(missing, '192.0.2.1'), 'none');

    const absent = await expandSpf('no-such-domain.example', lookup());
    assert.deepEqual(kinds(absent), ['missing']);

    const multiple = await expandSpf('multiple.example', lookup());
    assert.deepEqual(kinds(multiple), ['multiple-records']);
    assert.equal(multiple.problems[0]?.count, 2);
    assert.equal(evaluateSpf(multiple, '192.0.2.1'), 'permerror');

    const broken = await expandSpf('broken.example', lookup());
    assert.deepEqual(kinds(broken), ['syntax']);
    assert.match(spfProblemMessage(broken.problems[0]!, lookup()), /ip4:192\.0\.2\.999/);
  });

  it('reports an include of a domain without SPF as a permanent error', async () => {
    const expansion = await expandSpf('include-nospf.example', lookup());
    assert.deepEqual(kinds(expansion), ['include-missing']);
    assert.equal(evaluateSpf(expansion, '192.0.2.1'), 'permerror');
  });

  it('reports a lookup that got no answer as a temporary error, never as missing', async () => {
    dns.fault({ fault: 'servfail', name: 'flaky.example' });
    try {
      const expansion = await expandSpf('include-servfail.example', lookup());
      assert.deepEqual(kinds(expansion), ['dns-failed']);
      assert.equal(expansion.problems[0]?.failure?.reason, 'servfail');
      assert.ok(!expansion.complete);
      assert.equal(evaluateSpf(expansion, '192.0.2.1'), 'pass');
      assert.equal(evaluateSpf(expansion, '198.51.100.1'), 'temperror');
      assert.match(spfProblemMessage(expansion.problems[0], lookup()), /server failure/);
    } finally {
      dns.clearFaults();
    }

    dns.fault({ fault: 'servfail', name: 'example.com', type: 'TXT' });
    try {
      const top = await expandSpf('example.com', lookup());
      assert.equal(top.root.status, 'failed');
      assert.deepEqual(kinds(top), ['dns-failed']);
      assert.equal(evaluateSpf(top, '192.0.2.1'), 'temperror');
    } finally {
      dns.clearFaults();
    }
  });

  it('marks terms that depend on the message as undecidable', async () => {
    const expansion = await expandSpf('ptr.example', lookup());
    assert.deepEqual(kinds(expansion), ['not-expandable', 'not-expandable']);
    assert.equal(expansion.lookups, 2);
    assert.ok(!expansion.complete);
    assert.equal(evaluateSpf(expansion, '192.0.2.1'), 'undecidable');
  });

  it('evaluates exists: on a fixed name', async () => {
    const expansion = await expandSpf('exists.example', lookup());
    assert.deepEqual(kinds(expansion), []);
    assert.equal(evaluateSpf(expansion, '198.51.100.200'), 'pass');
    assert.equal(evaluateSpf(expansion, '2001:db8::1'), 'pass');
  });

  it('refuses an mx term with more than ten hosts', async () => {
    const expansion = await expandSpf('many-mx.example', lookup());
    assert.deepEqual(kinds(expansion), ['mx-limit']);
    assert.equal(expansion.problems[0]?.count, 11);
    assert.equal(evaluateSpf(expansion, '192.0.2.1'), 'permerror');
  });

  it('writes a sentence for every problem', async () => {
    const expansion = await expandSpf('nospf.example', lookup());
    const text = spfProblemMessage(expansion.problems[0]!, lookup());
    assert.match(text, /nospf\.example has no SPF record/);
    assert.doesNotMatch(text, /\{/);
  });
});
