import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  certificateCoversName,
  dnsNameMatches,
  parseSubjectAltNames,
  uncoveredNames,
} from '../../../src/core/tls/certificate-names';

describe('dnsNameMatches', () => {
  it('matches exact names case-insensitively, ignoring a trailing dot', () => {
    assert.ok(dnsNameMatches('mail.example.com', 'mail.example.com'));
    assert.ok(dnsNameMatches('MAIL.Example.COM', 'mail.example.com.'));
    assert.ok(!dnsNameMatches('mail.example.com', 'mail.example.org'));
    assert.ok(!dnsNameMatches('mail.example.com', 'smtp.mail.example.com'));
  });

  it('lets a left-most wildcard stand for exactly one label', () => {
    assert.ok(dnsNameMatches('*.example.com', 'mail.example.com'));
    assert.ok(dnsNameMatches('*.Example.com', 'MX1.example.COM'));
    assert.ok(!dnsNameMatches('*.example.com', 'example.com'));
    assert.ok(!dnsNameMatches('*.example.com', 'a.b.example.com'));
    assert.ok(!dnsNameMatches('*.example.com', '.example.com'));
  });

  it('refuses partial wildcards, wildcards elsewhere and wildcards over one label', () => {
    assert.ok(!dnsNameMatches('m*.example.com', 'mail.example.com'));
    assert.ok(!dnsNameMatches('*ail.example.com', 'mail.example.com'));
    assert.ok(!dnsNameMatches('mail.*.com', 'mail.example.com'));
    assert.ok(!dnsNameMatches('*.*.example.com', 'a.b.example.com'));
    assert.ok(!dnsNameMatches('*.com', 'example.com'));
    assert.ok(!dnsNameMatches('*', 'localhost'));
  });

  it('never treats a wildcard in the reference name as a pattern', () => {
    assert.ok(!dnsNameMatches('mail.example.com', '*.example.com'));
    assert.ok(!dnsNameMatches('*.example.com', '*.example.com'));
  });

  it('compares internationalised names in their A-label form', () => {
    assert.ok(dnsNameMatches('mail.xn--bcher-kva.example', 'mail.bücher.example'));
    assert.ok(dnsNameMatches('*.xn--bcher-kva.example', 'MAIL.Bücher.example'));
  });

  it('refuses empty labels', () => {
    assert.ok(!dnsNameMatches('mail..example.com', 'mail..example.com'));
    assert.ok(!dnsNameMatches('', ''));
  });
});

describe('certificateCoversName', () => {
  const san = {
    dnsNames: ['mail.example.com', '*.relay.example.com'],
    ipAddresses: ['192.0.2.25', '2001:DB8:0:0:0:0:0:25'],
    commonName: 'legacy.example.com',
  };

  it('matches SAN dNSNames and ignores the common name when any is present', () => {
    assert.ok(certificateCoversName(san, 'mail.example.com'));
    assert.ok(certificateCoversName(san, 'eu.relay.example.com'));
    assert.ok(!certificateCoversName(san, 'legacy.example.com'));
  });

  it('uses the common name only when there is no SAN dNSName', () => {
    const cnOnly = { dnsNames: [], ipAddresses: ['192.0.2.25'], commonName: 'mail.example.com' };
    assert.ok(certificateCoversName(cnOnly, 'mail.example.com'));
    assert.ok(!certificateCoversName(cnOnly, 'smtp.example.com'));
    assert.ok(!certificateCoversName({ dnsNames: [], ipAddresses: [] }, 'mail.example.com'));
    const wildcardCn = { dnsNames: [], ipAddresses: [], commonName: '*.example.com' };
    assert.ok(certificateCoversName(wildcardCn, 'mail.example.com'));
  });

  it('matches IP addresses against SAN iPAddress only, in any notation', () => {
    assert.ok(certificateCoversName(san, '192.0.2.25'));
    assert.ok(certificateCoversName(san, '2001:db8::25'));
    assert.ok(certificateCoversName(san, '[2001:db8::25]'));
    assert.ok(!certificateCoversName(san, '192.0.2.26'));
    const ipInCn = { dnsNames: [], ipAddresses: [], commonName: '192.0.2.25' };
    assert.ok(!certificateCoversName(ipInCn, '192.0.2.25'));
    const ipInDns = { dnsNames: ['192.0.2.25'], ipAddresses: [] };
    assert.ok(!certificateCoversName(ipInDns, '192.0.2.25'));
  });

  it('covers a wildcard reference (an Exchange TlsDomain) only with the same wildcard', () => {
    assert.ok(certificateCoversName(san, '*.relay.example.com'));
    assert.ok(!certificateCoversName(san, '*.example.com'));
  });

  it('lists the names a certificate does not cover', () => {
    assert.deepEqual(
      uncoveredNames(san, [
        'mail.example.com',
        'example.com',
        'a.relay.example.com',
        'x.y.relay.example.com',
      ]),
      ['example.com', 'x.y.relay.example.com'],
    );
  });
});

describe('parseSubjectAltNames', () => {
  it('reads DNS and IP entries and skips the rest', () => {
    assert.deepEqual(
      parseSubjectAltNames(
        'DNS:mail.example.com, DNS:*.example.com, IP Address:192.0.2.1, email:a@example.com, IP Address:2001:DB8:0:0:0:0:0:1',
      ),
      {
        dnsNames: ['mail.example.com', '*.example.com'],
        ipAddresses: ['192.0.2.1', '2001:DB8:0:0:0:0:0:1'],
      },
    );
  });

  it('decodes values Node quotes because they hold a comma', () => {
    assert.deepEqual(
      parseSubjectAltNames('DNS:"evil.example, DNS:good.example", DNS:real.example'),
      {
        dnsNames: ['evil.example, DNS:good.example', 'real.example'],
        ipAddresses: [],
      },
    );
  });

  it('reads nothing from nothing', () => {
    assert.deepEqual(parseSubjectAltNames(undefined), { dnsNames: [], ipAddresses: [] });
  });
});
