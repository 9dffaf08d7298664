import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { ExchangeAdminClient } from '../../../src/core/exchange/exchange-admin-client';
import { readExchangeState } from '../../../src/core/exchange/exchange-state';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  NO_ROLE_APP,
  NO_ROLE_SECRET,
  TENANT_ID,
  baseSeed,
  guardLoopback,
  recordingLogger,
} from './exchange-test-kit';

describe('readExchangeState', () => {
  const guard = guardLoopback();
  const log = recordingLogger();
  let emulators: ExchangeEmulators;

  before(async () => {
    emulators = await startExchangeEmulators(
      baseSeed({
        acceptedDomains: [
          { DomainName: 'Example.COM', DomainType: 'InternalRelay', Default: 'False' },
          { DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative', Default: true },
        ],
        outboundConnectors: [
          {
            Name: 'To mailcow',
            ConnectorType: 'OnPremises',
            RecipientDomains: 'Example.COM',
            UseMXRecord: false,
            SmartHosts: ['Mail.Example.com'],
            TlsSettings: 'domainvalidation',
            TlsDomain: 'mail.example.com',
            Enabled: 'False',
          },
          { Name: 'Trial', TestMode: true, RecipientDomains: ['trial.example'] },
        ],
        inboundConnectors: [
          {
            Name: 'From mailcow',
            ConnectorType: 'OnPremises',
            SenderDomains: ['*'],
            RequireTls: true,
            RestrictDomainsToCertificate: true,
            TlsSenderCertificateName: 'mail.example.com',
          },
        ],
      }),
    );
  });

  after(async () => {
    await emulators.close();
    guard.dispose();
    assert.deepEqual(guard.violations, []);
  });

  function client(clientId: string, secret: string): ExchangeAdminClient {
    return new ExchangeAdminClient({
      adminBaseUrl: emulators.adminUrl,
      tenant: TENANT_ID,
      logger: log.logger,
      tokenSource: new ClientCredentialsTokenSource({
        identity: new IdentityClient({
          loginBaseUrl: emulators.loginUrl,
          tenant: TENANT_ID,
          logger: log.logger,
          timeoutMs: 5000,
        }),
        clientId,
        scope: exchangeScope(emulators.adminUrl),
        loadCredential: () => Promise.resolve({ kind: 'secret', secret }),
        logger: log.logger,
      }),
    });
  }

  it('reads domains and both connector kinds, one cmdlet each, and normalises them', async () => {
    const start = emulators.admin.requests.length;
    const result = await readExchangeState(client(ADMIN_APP, ADMIN_SECRET));
    if (!result.ok) {
      assert.fail(result.error.message);
    }
    const state = result.value;
    assert.deepEqual(
      emulators.admin.requests
        .slice(start)
        .map((request) => request.cmdlet)
        .sort(),
      ['Get-AcceptedDomain', 'Get-InboundConnector', 'Get-OutboundConnector'],
    );
    assert.deepEqual(
      state.acceptedDomains.map((domain) => [domain.DomainName, domain.DomainType, domain.Default]),
      [
        ['example.com', 'InternalRelay', false],
        ['contoso.onmicrosoft.com', 'Authoritative', true],
      ],
    );
    const [outbound, trial] = state.outboundConnectors;
    assert.equal(outbound?.Enabled, false);
    assert.deepEqual(outbound?.RecipientDomains, ['example.com']);
    assert.deepEqual(outbound?.SmartHosts, ['mail.example.com']);
    assert.equal(outbound?.TlsSettings, 'DomainValidation');
    assert.equal(outbound?.UseMXRecord, false);
    assert.equal(trial?.Name, 'Trial', 'test-mode connectors are read too');
    const [inbound] = state.inboundConnectors;
    // Seeded as `*`, stored by Exchange as `smtp:*;1`, read back as `*`.
    assert.deepEqual(emulators.state.inboundConnectors[0]?.SenderDomains, ['smtp:*;1']);
    assert.deepEqual(inbound?.SenderDomains, ['*']);
    assert.equal(inbound?.TlsSenderCertificateName, 'mail.example.com');
    assert.equal(inbound?.RequireTls, true);
  });

  it('fails with the most telling error when the reads are refused', async () => {
    const result = await readExchangeState(client(NO_ROLE_APP, NO_ROLE_SECRET));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.kind, 'forbidden');
  });
});
