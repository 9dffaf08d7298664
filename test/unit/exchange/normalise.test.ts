import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  normaliseAcceptedDomain,
  normaliseBoolean,
  normaliseCertificateName,
  normaliseDomains,
  normaliseInboundConnector,
  normaliseList,
  normaliseOutboundConnector,
  stripAddressPrefix,
} from '../../../src/core/exchange/normalise';

describe('normalising cmdlet output', () => {
  it('strips the smtp: prefix and ;1 suffix Exchange stores sender domains with', () => {
    assert.equal(stripAddressPrefix('smtp:example.com;1'), 'example.com');
    assert.equal(stripAddressPrefix('SMTP:*.example.com;1'), '*.example.com');
    assert.equal(stripAddressPrefix('smtp:*;1'), '*');
    assert.equal(stripAddressPrefix('example.com'), 'example.com');
  });

  it('reads booleans sent as JSON booleans, .NET strings, PowerShell literals and numbers', () => {
    for (const value of [true, 'True', 'true', '$true', 1, '1']) {
      assert.equal(normaliseBoolean(value, false), true, String(value));
    }
    for (const value of [false, 'False', '$false', 0, '0']) {
      assert.equal(normaliseBoolean(value, true), false, String(value));
    }
    assert.equal(normaliseBoolean('maybe', true), true);
    assert.equal(normaliseBoolean(undefined, false), false);
    assert.equal(normaliseBoolean(null, true), true);
  });

  it('reads multi-valued properties as arrays, single strings, comma lists and objects', () => {
    assert.deepEqual(normaliseList(['a.example', ' b.example ']), ['a.example', 'b.example']);
    assert.deepEqual(normaliseList('a.example'), ['a.example']);
    assert.deepEqual(normaliseList('a.example, b.example'), ['a.example', 'b.example']);
    assert.deepEqual(normaliseList(null), []);
    assert.deepEqual(normaliseList(undefined), []);
    assert.deepEqual(normaliseList(['', '  ']), []);
    assert.deepEqual(
      normaliseList([{ Domain: 'example.com', IncludeSubDomains: true }, { Address: '192.0.2.1' }]),
      ['*.example.com', '192.0.2.1'],
    );
    assert.deepEqual(normaliseDomains(['Example.COM.', 'smtp:example.com;1', 'EXAMPLE.com']), [
      'example.com',
    ]);
  });

  it('reads the subject CN out of a certificate descriptor', () => {
    assert.equal(normaliseCertificateName('Mail.Example.COM'), 'mail.example.com');
    assert.equal(
      normaliseCertificateName('<I>CN=Some CA, O=Issuer<S>CN=mail.example.com, O=Example'),
      'mail.example.com',
    );
    assert.equal(normaliseCertificateName(''), undefined);
    assert.equal(normaliseCertificateName(null), undefined);
  });

  it('normalises an accepted domain, defaulting what the read leaves out', () => {
    assert.deepEqual(
      normaliseAcceptedDomain({
        DomainName: 'Example.COM',
        'DomainName@odata.type': '#Microsoft.Exchange.Data.SmtpDomainWithSubdomains',
        DomainType: 'internalrelay',
        Default: 'False',
      }),
      {
        Identity: 'example.com',
        Name: 'example.com',
        DomainName: 'example.com',
        DomainType: 'InternalRelay',
        Default: false,
        MatchSubDomains: false,
        OutboundOnly: false,
      },
    );
    assert.equal(
      normaliseAcceptedDomain({ DomainName: 'x.example', DomainType: 'SomethingNew' }).DomainType,
      'SomethingNew',
    );
  });

  it('normalises an outbound connector with every quirk at once', () => {
    const connector = normaliseOutboundConnector({
      Identity: 'To mailcow',
      Name: 'To mailcow',
      Guid: 'f1f0ad43-0000-4000-8000-000000000001',
      enabled: 'False',
      ConnectorType: 'onpremises',
      ConnectorSource: 'AdminUI',
      'RecipientDomains@odata.type': '#Collection(String)',
      RecipientDomains: 'Example.COM',
      UseMXRecord: '$false',
      'SmartHosts@odata.type': '#Collection(String)',
      SmartHosts: ['Mail.Example.COM', '192.0.2.10', 'mail.example.com'],
      TlsSettings: 'domainvalidation',
      TlsDomain: 'Mail.Example.com',
      CloudServicesMailEnabled: 0,
      IsValidated: 'True',
      ValidationRecipients: ['smtp:App@Example.com'],
      Comment: '',
    });
    assert.deepEqual(connector, {
      Identity: 'To mailcow',
      Name: 'To mailcow',
      Guid: 'f1f0ad43-0000-4000-8000-000000000001',
      Enabled: false,
      ConnectorType: 'OnPremises',
      ConnectorSource: 'AdminUI',
      CloudServicesMailEnabled: false,
      RecipientDomains: ['example.com'],
      AllAcceptedDomains: false,
      UseMXRecord: false,
      SmartHosts: ['mail.example.com', '192.0.2.10'],
      TlsSettings: 'DomainValidation',
      TlsDomain: 'mail.example.com',
      IsTransportRuleScoped: false,
      RouteAllMessagesViaOnPremises: false,
      SenderRewritingEnabled: false,
      TestMode: false,
      IsValidated: true,
      ValidationRecipients: ['app@example.com'],
    });
  });

  it('defaults an outbound connector like Exchange: enabled, MX delivery, no TLS setting', () => {
    const connector = normaliseOutboundConnector({
      Name: 'Bare',
      TlsSettings: null,
      TlsDomain: null,
    });
    assert.equal(connector.Identity, 'Bare');
    assert.equal(connector.Enabled, true);
    assert.equal(connector.UseMXRecord, true);
    assert.equal(connector.ConnectorType, 'Partner');
    assert.equal('TlsSettings' in connector, false);
    assert.equal('TlsDomain' in connector, false);
    assert.equal(
      normaliseOutboundConnector({ Name: 'Odd', TlsSettings: 'Strict' }).TlsSettings,
      undefined,
    );
  });

  it('normalises an inbound connector: stored sender domains, /32 addresses, certificate name', () => {
    const connector = normaliseInboundConnector({
      Identity: 'From mailcow',
      Name: 'From mailcow',
      Enabled: true,
      ConnectorType: 'OnPremises',
      SenderDomains: ['smtp:*;1', 'smtp:Example.com;1'],
      SenderIPAddresses: ['198.51.100.25/32', '203.0.113.0/24', ' 198.51.100.26 '],
      RequireTls: 'True',
      RestrictDomainsToCertificate: true,
      RestrictDomainsToIPAddresses: 'false',
      TlsSenderCertificateName: 'Mail.Example.com',
      CloudServicesMailEnabled: false,
      TreatMessagesAsInternal: 'False',
      AssociatedAcceptedDomains: [],
    });
    assert.deepEqual(connector, {
      Identity: 'From mailcow',
      Name: 'From mailcow',
      Enabled: true,
      ConnectorType: 'OnPremises',
      CloudServicesMailEnabled: false,
      SenderDomains: ['*', 'example.com'],
      SenderIPAddresses: ['198.51.100.25', '203.0.113.0/24', '198.51.100.26'],
      RequireTls: true,
      RestrictDomainsToCertificate: true,
      RestrictDomainsToIPAddresses: false,
      TreatMessagesAsInternal: false,
      AssociatedAcceptedDomains: [],
      TlsSenderCertificateName: 'mail.example.com',
    });
  });
});
