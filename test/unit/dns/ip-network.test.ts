import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IpNetwork } from '../../../src/core/dns/ip-network';
import {
  ipFamily,
  makeNetwork,
  networkContains,
  networksCoverAddress,
  networksCoverNetwork,
  parseNetwork,
  simplifyNetworks,
} from '../../../src/core/dns/ip-network';

function net(text: string): IpNetwork {
  const network = parseNetwork(text);
  assert.ok(network, `${text} should parse`);
  return network;
}

describe('parseNetwork', () => {
  it('reads IPv4 and IPv6 networks and bare addresses', () => {
    assert.equal(net('192.0.2.0/24').cidr, '192.0.2.0/24');
    assert.equal(net('192.0.2.7').cidr, '192.0.2.7/32');
    assert.equal(net('2001:DB8:0:0::/32').cidr, '2001:db8::/32');
    assert.equal(net('2001:db8::1').cidr, '2001:db8::1/128');
    assert.equal(net('0.0.0.0/0').prefixLength, 0);
  });

  it('clears host bits past the prefix', () => {
    assert.equal(net('192.0.2.77/26').cidr, '192.0.2.64/26');
    assert.equal(net('2001:db8:abcd::1/33').cidr, '2001:db8:8000::/33');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    const mapped = net('::ffff:192.0.2.9');
    assert.equal(mapped.family, 4);
    assert.equal(mapped.cidr, '192.0.2.9/32');
  });

  it('refuses what is not an address or a prefix', () => {
    for (const text of [
      '',
      '192.0.2.0/33',
      '2001:db8::/129',
      '192.0.2.0/-1',
      '192.0.2.0/+8',
      '192.0.2.0/08',
      '192.0.2.0/',
      '10.1',
      '010.0.0.1',
      '192.0.2.256',
      'fe80::1%eth0',
      'mail.example.com',
    ]) {
      assert.equal(parseNetwork(text), undefined, text);
    }
  });

  it('gives the family of an address literal', () => {
    assert.equal(ipFamily('192.0.2.1'), 4);
    assert.equal(ipFamily('::1'), 6);
    assert.equal(ipFamily('example.com'), undefined);
  });

  it('makes a network from an address and a prefix length', () => {
    assert.equal(makeNetwork('192.0.2.200', 24)?.cidr, '192.0.2.0/24');
    assert.equal(makeNetwork('192.0.2.200', 40), undefined);
  });
});

describe('coverage', () => {
  it('tells whether one network contains another', () => {
    assert.ok(networkContains(net('192.0.2.0/24'), net('192.0.2.128/25')));
    assert.ok(networkContains(net('192.0.2.0/24'), net('192.0.2.0/24')));
    assert.ok(!networkContains(net('192.0.2.128/25'), net('192.0.2.0/24')));
    assert.ok(networkContains(net('2001:db8::/32'), net('2001:db8:1::/48')));
    // Families never mix, even where the bits would.
    assert.ok(!networkContains(net('::/0'), net('192.0.2.1')));
  });

  it('covers an address inside any of the networks', () => {
    const networks = [net('192.0.2.0/26'), net('2001:db8::/32')];
    assert.ok(networksCoverAddress(networks, '192.0.2.63'));
    assert.ok(!networksCoverAddress(networks, '192.0.2.64'));
    assert.ok(networksCoverAddress(networks, '2001:db8:ffff::1'));
    assert.ok(!networksCoverAddress(networks, '2001:db9::1'));
    assert.ok(networksCoverAddress(networks, '::ffff:192.0.2.1'));
    assert.ok(!networksCoverAddress(networks, 'not-an-address'));
  });

  it('covers a network that only the union of several networks spans', () => {
    const halves = [net('192.0.2.128/25'), net('192.0.2.0/25')];
    assert.ok(networksCoverNetwork(halves, net('192.0.2.0/24')));
    assert.ok(!networksCoverNetwork(halves, net('192.0.2.0/23')));
    const gap = [net('192.0.2.0/26'), net('192.0.2.128/25')];
    assert.ok(!networksCoverNetwork(gap, net('192.0.2.0/24')));
    const overlapping = [
      net('192.0.2.0/25'),
      net('192.0.2.64/26'),
      net('192.0.2.100/30'),
      net('192.0.2.128/25'),
    ];
    assert.ok(networksCoverNetwork(overlapping, net('192.0.2.0/24')));
    assert.ok(networksCoverNetwork([net('::/1'), net('8000::/1')], net('::/0')));
    assert.ok(!networksCoverNetwork([], net('192.0.2.1')));
  });

  it('simplifies a list by dropping networks inside others', () => {
    const simplified = simplifyNetworks([
      net('192.0.2.5'),
      net('2001:db8::/32'),
      net('192.0.2.0/24'),
      net('192.0.2.0/24'),
      net('198.51.100.0/24'),
    ]);
    assert.deepEqual(
      simplified.map((network) => network.cidr),
      ['192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32'],
    );
  });
});
