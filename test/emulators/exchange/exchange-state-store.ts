import { randomUUID } from 'node:crypto';
import type { ExchangeSeed } from './exchange-seed';

export type Raw = Record<string, unknown>;

/**
 * What the emulated tenant holds, as the real cmdlets return it. The sandbox and tests may read
 * and change it directly; the admin API changes it only through cmdlets.
 */
export interface ExchangeEmulatorState {
  tenantId: string;
  initialDomain: string;
  acceptedDomains: Raw[];
  outboundConnectors: Raw[];
  inboundConnectors: Raw[];
  recipients: string[];
  messageTrace: Raw[];
}

function text(...values: unknown[]): string {
  const found = values.find((value) => typeof value === 'string');
  return typeof found === 'string' ? found : '';
}

function withDefaults(object: Raw, defaults: Raw): Raw {
  const filled: Raw = { ...object };
  for (const [name, value] of Object.entries(defaults)) {
    if (!(name in filled)) {
      filled[name] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
  }
  return filled;
}

export function acceptedDomainDefaults(domainName: string): Raw {
  return {
    Name: domainName,
    Identity: domainName,
    Guid: randomUUID(),
    DomainName: domainName,
    DomainType: 'Authoritative',
    Default: false,
    MatchSubDomains: false,
    OutboundOnly: false,
    SendingFromDomainDisabled: false,
    SendingToDomainDisabled: false,
  };
}

export function outboundConnectorDefaults(name: string): Raw {
  return {
    Identity: name,
    Name: name,
    Guid: randomUUID(),
    Enabled: true,
    UseMXRecord: true,
    Comment: null,
    ConnectorType: 'Partner',
    ConnectorSource: 'Default',
    RecipientDomains: [],
    SmartHosts: [],
    TlsDomain: null,
    TlsSettings: null,
    IsTransportRuleScoped: false,
    RouteAllMessagesViaOnPremises: false,
    CloudServicesMailEnabled: false,
    AllAcceptedDomains: false,
    SenderRewritingEnabled: false,
    TestMode: false,
    MtaStsMode: 'Opportunistic',
    SmtpDaneMode: 'Opportunistic',
    ValidationRecipients: [],
    IsValidated: false,
    LastValidationTimestamp: null,
  };
}

export function inboundConnectorDefaults(name: string): Raw {
  return {
    Identity: name,
    Name: name,
    Guid: randomUUID(),
    Enabled: true,
    Comment: null,
    ConnectorType: 'Partner',
    ConnectorSource: 'Default',
    SenderDomains: [],
    SenderIPAddresses: [],
    AssociatedAcceptedDomains: [],
    RequireTls: false,
    RestrictDomainsToCertificate: false,
    RestrictDomainsToIPAddresses: false,
    TlsSenderCertificateName: null,
    CloudServicesMailEnabled: false,
    TreatMessagesAsInternal: false,
    TrustedOrganizations: [],
    EFSkipLastIP: false,
    EFSkipIPs: [],
    EFSkipMailGateway: [],
    EFTestMode: false,
    EFUsers: [],
    ScanAndDropRecipients: [],
  };
}

/** `example.com` → `smtp:example.com;1`, the form Exchange stores sender domains in. */
export function storedSenderDomain(value: string): string {
  return /^smtp:/i.test(value) ? value : `smtp:${value};1`;
}

export function createState(seed: ExchangeSeed): ExchangeEmulatorState {
  return {
    tenantId: seed.tenantId,
    initialDomain: seed.initialDomain,
    acceptedDomains: (seed.acceptedDomains ?? []).map((domain) =>
      withDefaults(domain, acceptedDomainDefaults(text(domain.DomainName, domain.Name))),
    ),
    outboundConnectors: (seed.outboundConnectors ?? []).map((connector) =>
      withDefaults(connector, outboundConnectorDefaults(text(connector.Name, connector.Identity))),
    ),
    inboundConnectors: (seed.inboundConnectors ?? []).map((connector) => {
      const filled = withDefaults(
        connector,
        inboundConnectorDefaults(text(connector.Name, connector.Identity)),
      );
      if (Array.isArray(filled.SenderDomains)) {
        filled.SenderDomains = filled.SenderDomains.map((domain) =>
          storedSenderDomain(String(domain)),
        );
      }
      return filled;
    }),
    recipients: [...(seed.recipients ?? [])],
    messageTrace: (seed.messageTrace ?? []).map((row) => ({ ...row })),
  };
}
