import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { after, afterEach, before, describe, it } from 'node:test';
import type { DnsState } from '../../../src/core/dns/dns-live';
import { dnsLiveModule } from '../../../src/core/dns/dns-live';
import { runLiveCheck } from '../../../src/core/live/live-check';
import { NodeIds } from '../../../src/core/tree/node-ids';
import type { DnsEmulator, DnsScenarioRecords } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import { codesOf, liveSpec, only, sessionFor, testHost } from '../live/live-test-kit';

const GATEWAY = 'example-com.mail.protection.outlook.com';
const EOP = 'spf.protection.outlook.com';

/** A domain set up as the recipe wants, with EOP's senders in documentation ranges. */
function goodZone(): DnsScenarioRecords {
  return {
    'example.com': {
      MX: [{ exchange: GATEWAY, priority: 0 }],
      TXT: ['v=spf1 include:spf.protection.outlook.com -all', 'google-site-verification=abc'],
    },
    [GATEWAY]: { A: ['192.0.2.10', '192.0.2.11'] },
    [EOP]: { TXT: ['v=spf1 ip4:203.0.113.0/25 ip4:203.0.113.128/25 ip6:2001:db8:f400::/48 -all'] },
    'mail.example.com': { A: ['127.0.0.1'] },
  };
}

async function check(dns: DnsEmulator, timeoutMs = 3000) {
  const session = sessionFor(liveSpec({ dnsServer: dns.address }), testHost(timeoutMs));
  const read = await dnsLiveModule.read(session);
  assert.ok(read.ok, read.ok ? '' : read.reason);
  const result = dnsLiveModule.check(session, read.state, { dns: read });
  return { ...result, state: read.state };
}

describe('DNS live check', () => {
  let dns: DnsEmulator;

  before(async () => {
    dns = await startDnsEmulator(goodZone());
  });
  after(() => dns.close());
  afterEach(() => {
    dns.clearFaults();
    const zone = goodZone();
    for (const [name, records] of Object.entries(zone)) {
      for (const type of ['MX', 'TXT', 'A', 'AAAA'] as const) {
        dns.set(name, type, (records[type] ?? []));
      }
    }
    dns.remove('mx.other.example');
    dns.remove('_spf.example.com');
  });

  it('finds nothing in a domain set up as the recipe says, and reports what it read', async () => {
    const { findings, liveValues, state } = await check(dns);
    assert.deepEqual(codesOf(findings), []);
    assert.deepEqual(liveValues.get(NodeIds.dnsMx('example.com')), {
      value: `0 ${GATEWAY}`,
      drift: false,
    });
    assert.deepEqual(liveValues.get(NodeIds.dnsSpf('example.com')), {
      value: 'v=spf1 include:spf.protection.outlook.com -all',
      drift: false,
    });
    assert.deepEqual(state.eopSenders.networks, [
      '203.0.113.0/25',
      '203.0.113.128/25',
      '2001:db8:f400::/48',
    ]);
    assert.equal(state.eopSenders.complete, true);
    assert.deepEqual(state.mailcowHost.addresses, ['127.0.0.1']);
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state, 'the state is plain JSON');
  });

  it('mx-missing when the domain has no MX, with the record expected', async () => {
    dns.set('example.com', 'MX', []);
    const { findings, liveValues } = await check(dns);
    const finding = only(findings, 'mx-missing');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /expected: 0 example-com\.mail\.protection\.outlook\.com/);
    assert.deepEqual(finding.path, ['domains', 0]);
    assert.equal(liveValues.get(NodeIds.dnsMx('example.com'))?.drift, true);
  });

  it('mx-missing for a domain that does not exist, together with spf-missing', async () => {
    const text = liveSpec({
      dnsServer: dns.address,
      domains: ['  - example.com', '  - example.net'],
    });
    const session = sessionFor(text);
    const read = await dnsLiveModule.read(session);
    assert.ok(read.ok);
    const { findings } = dnsLiveModule.check(session, read.state, { dns: read });
    assert.deepEqual(codesOf(findings), ['mx-missing', 'spf-missing']);
    assert.match(only(findings, 'mx-missing').message, /NXDOMAIN/);
    assert.deepEqual(only(findings, 'mx-missing').path, ['domains', 1]);
  });

  it('mx-missing for a null MX', async () => {
    dns.set('example.com', 'MX', [{ exchange: '.', priority: 0 }]);
    const { findings } = await check(dns);
    assert.match(only(findings, 'mx-missing').message, /null MX/);
  });

  it('mx-not-gateway shows the records found and the one expected', async () => {
    dns.set('example.com', 'MX', [{ exchange: 'mx.other.example', priority: 10 }]);
    dns.set('mx.other.example', 'A', ['192.0.2.99']);
    const { findings } = await check(dns);
    assert.deepEqual(codesOf(findings), ['mx-not-gateway']);
    assert.match(
      only(findings, 'mx-not-gateway').message,
      /found: 10 mx\.other\.example; expected: 0 example-com\.mail\.protection\.outlook\.com/,
    );
  });

  it('does not mind the gateway written with a trailing dot or in capitals', async () => {
    dns.set('example.com', 'MX', [
      { exchange: 'Example-COM.mail.protection.outlook.com.', priority: 5 },
    ]);
    const { findings } = await check(dns);
    assert.deepEqual(codesOf(findings), []);
  });

  it('mx-extra as a warning for a backup MX and as an error for one senders prefer', async () => {
    dns.set('example.com', 'MX', [
      { exchange: GATEWAY, priority: 10 },
      { exchange: 'mx.other.example', priority: 20 },
    ]);
    dns.set('mx.other.example', 'A', ['192.0.2.99']);
    let findings = (await check(dns)).findings;
    assert.equal(only(findings, 'mx-extra').severity, 'warning');
    assert.match(only(findings, 'mx-extra').message, /20 mx\.other\.example/);

    dns.set('example.com', 'MX', [
      { exchange: GATEWAY, priority: 10 },
      { exchange: 'mx.other.example', priority: 5 },
    ]);
    findings = (await check(dns)).findings;
    assert.equal(only(findings, 'mx-extra').severity, 'error');
  });

  it('mx-target-unresolvable when the gateway has no address, but not when it has only AAAA', async () => {
    dns.set(GATEWAY, 'A', []);
    let findings = (await check(dns)).findings;
    const finding = only(findings, 'mx-target-unresolvable');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /example-com\.mail\.protection\.outlook\.com/);

    dns.set(GATEWAY, 'AAAA', ['2001:db8::10']);
    findings = (await check(dns)).findings;
    assert.deepEqual(codesOf(findings), []);
  });

  it('spf-missing with the record to publish', async () => {
    dns.set('example.com', 'TXT', ['google-site-verification=abc']);
    const { findings } = await check(dns);
    const finding = only(findings, 'spf-missing');
    assert.match(finding.message, /"v=spf1 include:spf\.protection\.outlook\.com -all"/);
  });

  it('spf-no-eop-include shows the record found and where the include goes', async () => {
    dns.set('example.com', 'TXT', ['v=spf1 mx ip4:198.51.100.25 ~all']);
    const { findings } = await check(dns);
    const finding = only(findings, 'spf-no-eop-include');
    assert.match(finding.message, /is "v=spf1 mx ip4:198\.51\.100\.25 ~all"/);
    assert.match(
      finding.message,
      /"v=spf1 mx ip4:198\.51\.100\.25 include:spf\.protection\.outlook\.com ~all"/,
    );
  });

  it('follows includes and redirects to find the cloud include', async () => {
    dns.set('example.com', 'TXT', ['v=spf1 include:_spf.example.com -all']);
    dns.set('_spf.example.com', 'TXT', [
      'v=spf1 ip4:198.51.100.25 include:spf.protection.outlook.com -all',
    ]);
    assert.deepEqual(codesOf((await check(dns)).findings), []);

    dns.set('example.com', 'TXT', ['v=spf1 redirect=_spf.example.com']);
    assert.deepEqual(codesOf((await check(dns)).findings), []);

    dns.set('_spf.example.com', 'TXT', ['v=spf1 ip4:198.51.100.25 -all']);
    assert.deepEqual(codesOf((await check(dns)).findings), ['spf-no-eop-include']);
  });

  it('spf-no-eop-include for two SPF records', async () => {
    dns.set('example.com', 'TXT', [
      'v=spf1 include:spf.protection.outlook.com -all',
      'v=spf1 ip4:198.51.100.25 -all',
    ]);
    const { findings } = await check(dns);
    assert.match(only(findings, 'spf-no-eop-include').message, /several SPF records/);
  });

  it('a SERVFAIL on MX is a failed lookup, never mx-missing', async () => {
    dns.fault({ fault: 'servfail', name: 'example.com', type: 'MX' });
    const { findings, liveValues } = await check(dns);
    assert.deepEqual(codesOf(findings), ['dns-lookup-failed']);
    const finding = only(findings, 'dns-lookup-failed');
    assert.match(finding.message, /server failure/);
    assert.match(finding.message, /not a missing record/);
    assert.equal(liveValues.get(NodeIds.dnsMx('example.com'))?.value, 'lookup failed');
  });

  it('a TXT lookup that times out is a failed lookup, never spf-missing', async () => {
    dns.fault({ fault: 'drop', name: 'example.com', type: 'TXT' });
    const { findings } = await check(dns, 300);
    assert.deepEqual(codesOf(findings), ['dns-lookup-failed']);
    assert.match(only(findings, 'dns-lookup-failed').message, /SPF/);
  });

  it('an include that cannot be followed is a failed lookup, not spf-no-eop-include', async () => {
    dns.set('example.com', 'TXT', ['v=spf1 include:_spf.example.com -all']);
    dns.set('_spf.example.com', 'TXT', ['v=spf1 include:spf.protection.outlook.com -all']);
    dns.fault({ fault: 'servfail', name: '_spf.example.com' });
    const { findings } = await check(dns);
    assert.deepEqual(codesOf(findings), ['dns-lookup-failed']);
  });

  it('a resolver that answers nothing makes the read fail, with no finding about records', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const session = sessionFor(liveSpec({ dnsServer: `127.0.0.1:${port}` }), testHost(300));
    const report = await runLiveCheck(session, { systems: ['dns'] });
    assert.equal(report.unreadable.length, 1);
    assert.equal(report.unreadable[0]?.system, 'dns');
    assert.deepEqual(codesOf(report.findings), ['dns-lookup-failed']);
    assert.deepEqual(report.findings[0]?.path, ['checks', 'dnsServers']);
  });

  it('is registered as a live system and runs through runLiveCheck', async () => {
    dns.set('example.com', 'MX', []);
    const session = sessionFor(liveSpec({ dnsServer: dns.address }));
    const report = await runLiveCheck(session, { systems: ['dns'] });
    assert.deepEqual(codesOf(report.findings), ['mx-missing']);
    assert.ok(report.snapshot.dns?.ok);
    const state = (report.snapshot.dns as { state: DnsState }).state;
    assert.equal(state.domains[0]?.domain, 'example.com');
    assert.equal(report.findings[0]?.source, 'dns');
  });
});
