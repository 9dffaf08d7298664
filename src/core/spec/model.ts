/**
 * The typed view of a hybrid.yaml with every default resolved. Rules, clients, steps and the
 * tree read this, never the raw YAML. Each value remembers the spec path it came from so a
 * finding about it can be placed on the right node (or, for a default, on the nearest key that
 * is present).
 */

export type SpecPath = (string | number)[];

export type Cloud = 'global' | 'usgov-gcchigh' | 'usgov-dod' | 'china';
export type ExchangeAuthMethod = 'vscode' | 'deviceCode' | 'clientSecret' | 'certificate';
export type TlsSettings = 'EncryptionOnly' | 'CertificateValidation' | 'DomainValidation';
export type InboundAuth = 'certificate' | 'ip';

/** Where a secret comes from. `inline` is a value written into the file: always a finding. */
export type SecretRef =
  | { kind: 'secret'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'inline'; value: string };

export interface RelayFlags {
  domain: boolean;
  allRecipients: boolean;
  unknownOnly: boolean;
}

export interface DomainSpec {
  /** Lower-cased domain name. */
  name: string;
  relay: RelayFlags;
  mailboxes: string[];
  /** Path of the list item (`['domains', i]`). */
  path: SpecPath;
  /** True when the item is written as a plain string (short form). */
  shortForm: boolean;
}

export interface MailcowSpec {
  url: string;
  /** scheme://host:port of `url`: the only origin the mailcow key may be sent to. */
  origin: string;
  hostname: string;
  apiKey?: SecretRef;
  /** Absolute path, resolved against the spec file's folder. */
  caFile?: string;
  egressIPs: string[];
  relayhost: string;
  forwardingHosts: string[];
}

export interface OutboundConnectorSpec {
  name: string;
  recipientDomains: string[];
  smartHosts: string[];
  tlsSettings: TlsSettings;
  /** Set only for DomainValidation. */
  tlsDomain?: string;
}

export interface InboundConnectorSpec {
  name: string;
  auth: InboundAuth;
  certificateName: string;
  senderIPs: string[];
}

export interface ExchangeEndpoints {
  login: string;
  admin: string;
}

export interface ExchangeAuthSpec {
  method: ExchangeAuthMethod;
  clientId?: string;
  clientSecret?: SecretRef;
  /** Absolute path, resolved against the spec file's folder. */
  certificateFile?: string;
}

export interface ExchangeSpec {
  tenant: string;
  gateway: string;
  cloud: Cloud;
  endpoints: ExchangeEndpoints;
  auth: ExchangeAuthSpec;
  outboundConnector: OutboundConnectorSpec;
  inboundConnector: InboundConnectorSpec;
}

export interface ValidationSpec {
  mailcowMailbox?: string;
  exchangeMailbox?: string;
}

export interface ChecksSpec {
  dnsServers: string[];
  smtpPort: number;
  /** Days before expiry at which `cert-expiring` fires. */
  certExpiryWarningDays: number;
  validation: ValidationSpec;
}

export interface HybridSpec {
  version: 1;
  /** Absolute path of the spec file, when it has one (relative paths in the spec resolve against it). */
  file?: string;
  domains: DomainSpec[];
  mailcow: MailcowSpec;
  exchange: ExchangeSpec;
  checks: ChecksSpec;
}

/** Facts that differ per Microsoft cloud. */
export interface CloudProfile {
  login: string;
  admin: string;
  /** Host suffix of the tenant's MX gateways. */
  gatewaySuffixes: string[];
  /** The SPF include that lists the addresses EOP sends from. */
  spfInclude: string;
}

export const CLOUD_PROFILES: Record<Cloud, CloudProfile> = {
  global: {
    login: 'https://login.microsoftonline.com',
    admin: 'https://outlook.office365.com',
    gatewaySuffixes: ['.mail.protection.outlook.com', '.mx.microsoft'],
    spfInclude: 'spf.protection.outlook.com',
  },
  'usgov-gcchigh': {
    login: 'https://login.microsoftonline.us',
    admin: 'https://outlook.office365.us',
    gatewaySuffixes: ['.mail.protection.office365.us'],
    spfInclude: 'spf.protection.office365.us',
  },
  'usgov-dod': {
    login: 'https://login.microsoftonline.us',
    admin: 'https://outlook-dod.office365.us',
    gatewaySuffixes: ['.mail.protection.office365.us'],
    spfInclude: 'spf.protection.office365.us',
  },
  china: {
    login: 'https://login.chinacloudapi.cn',
    admin: 'https://outlook.office365.cn',
    gatewaySuffixes: ['.mail.protection.partner.outlook.cn'],
    spfInclude: 'spf.protection.partner.outlook.cn',
  },
};
