import type { TlsSettings } from '../spec/model';

/*
 * Cmdlet output turned into typed objects. Property names stay those of the cmdlets
 * (`RecipientDomains`, `UseMXRecord`) on purpose: they are the names of the parameters the setup
 * steps send back with Set-*, the names admins know from PowerShell, and the names sandbox
 * scenarios use, so nothing needs translating on the way in or out.
 */

export type DomainType = 'Authoritative' | 'InternalRelay' | 'ExternalRelay';
export type ConnectorType = 'Partner' | 'OnPremises';

export interface AcceptedDomain {
  Identity: string;
  Name: string;
  /** Lower case; `*.x` when the entry covers subdomains. */
  DomainName: string;
  /** A `DomainType` in its canonical spelling, or the text Exchange sent when it is new to us. */
  DomainType: string;
  Default: boolean;
  MatchSubDomains: boolean;
  OutboundOnly: boolean;
}

interface ConnectorBase {
  Identity: string;
  Name: string;
  Guid?: string;
  Enabled: boolean;
  /** A `ConnectorType` in its canonical spelling, or the text as sent when it is new to us. */
  ConnectorType: string;
  ConnectorSource?: string;
  CloudServicesMailEnabled: boolean;
  Comment?: string;
}

export interface OutboundConnector extends ConnectorBase {
  /** Lower-case domains, `*.x` wildcards kept. */
  RecipientDomains: string[];
  AllAcceptedDomains: boolean;
  UseMXRecord: boolean;
  /** Lower-case host names, or IP addresses and ranges as written. */
  SmartHosts: string[];
  TlsSettings?: TlsSettings;
  TlsDomain?: string;
  IsTransportRuleScoped: boolean;
  RouteAllMessagesViaOnPremises: boolean;
  SenderRewritingEnabled: boolean;
  TestMode: boolean;
  IsValidated: boolean;
  ValidationRecipients: string[];
}

export interface InboundConnector extends ConnectorBase {
  /** Lower-case domains with the `smtp:` prefix and `;1` suffix Exchange stores removed. */
  SenderDomains: string[];
  /** IPv4 addresses and CIDR ranges; a single address is written without `/32`. */
  SenderIPAddresses: string[];
  RequireTls: boolean;
  RestrictDomainsToCertificate: boolean;
  RestrictDomainsToIPAddresses: boolean;
  /** Lower-case certificate domain. */
  TlsSenderCertificateName?: string;
  TreatMessagesAsInternal: boolean;
  AssociatedAcceptedDomains: string[];
}

type Raw = Record<string, unknown>;

/** Exact name first; otherwise any capitalisation (snapshots edited by hand vary). */
function prop(raw: Raw, name: string): unknown {
  if (name in raw) {
    return raw[name];
  }
  const lower = name.toLowerCase();
  const key = Object.keys(raw).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : raw[key];
}

/**
 * Booleans arrive as JSON booleans, as `"True"`/`"False"` (serialised from .NET), as
 * `"$true"`, or as 0/1. Anything else counts as absent, so the cmdlet's default applies.
 */
export function normaliseBoolean(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return value !== 0;
  }
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase().replace(/^\$/, '');
    if (text === 'true' || text === '1' || text === 'yes') {
      return true;
    }
    if (text === 'false' || text === '0' || text === 'no') {
      return false;
    }
  }
  return fallback;
}

/** Text of a scalar; for an object, its most telling string property (`Domain`, `Address`…). */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (value !== null && typeof value === 'object') {
    const raw = value as Raw;
    const domain = prop(raw, 'Domain');
    if (typeof domain === 'string') {
      // SmtpDomainWithSubdomains serialised as an object.
      return normaliseBoolean(prop(raw, 'IncludeSubDomains'), false) && !domain.startsWith('*.')
        ? `*.${domain}`
        : domain;
    }
    for (const name of ['Address', 'AddressString', 'Name', 'Value', 'DisplayName']) {
      const inner = prop(raw, name);
      if (typeof inner === 'string') {
        return inner;
      }
    }
  }
  return undefined;
}

/**
 * A multi-valued property: an array (with or without its `X@odata.type` annotation), a single
 * string, or a comma-separated string as PowerShell prints it. Empty entries are dropped.
 */
export function normaliseList(value: unknown): string[] {
  const items: unknown[] = Array.isArray(value)
    ? value
    : value === undefined || value === null
      ? []
      : [value];
  const result: string[] = [];
  for (const item of items) {
    const text = scalarText(item);
    if (text === undefined) {
      continue;
    }
    for (const part of text.split(',')) {
      const trimmed = part.trim();
      if (trimmed !== '') {
        result.push(trimmed);
      }
    }
  }
  return result;
}

/** `smtp:Example.COM;1` → `example.com`: Exchange's stored form of a sender domain. */
export function stripAddressPrefix(value: string): string {
  return value
    .trim()
    .replace(/^smtp:/i, '')
    .replace(/;\d+$/, '');
}

/** Lower case, no address prefix or suffix, no trailing dot. */
export function normaliseDomain(value: string): string {
  return stripAddressPrefix(value).toLowerCase().replace(/\.$/, '');
}

export function normaliseDomains(value: unknown): string[] {
  return unique(
    normaliseList(value)
      .map(normaliseDomain)
      .filter((entry) => entry !== ''),
  );
}

/** Host names are case-insensitive, so lower-cased; addresses and ranges kept as written. */
export function normaliseSmartHost(value: string): string {
  return value.trim().toLowerCase().replace(/\.$/, '');
}

/** `198.51.100.25/32` → `198.51.100.25`, so a single address compares equal either way. */
export function normaliseIpAddress(value: string): string {
  return value.trim().replace(/\/32$/, '');
}

/**
 * A TLS certificate name may come as a plain domain or as Exchange's `<I>issuer<S>subject`
 * descriptor; for the latter the subject's CN is the name that matters.
 */
export function normaliseCertificateName(value: unknown): string | undefined {
  const text = scalarText(value)?.trim();
  if (!text) {
    return undefined;
  }
  const subject = /<S>(.*)$/i.exec(text)?.[1];
  if (subject !== undefined) {
    const cn = /(?:^|,)\s*CN=([^,]+)/i.exec(subject)?.[1];
    return cn === undefined ? subject.trim().toLowerCase() : normaliseDomain(cn);
  }
  return normaliseDomain(text);
}

const TLS_SETTINGS: readonly TlsSettings[] = [
  'EncryptionOnly',
  'CertificateValidation',
  'DomainValidation',
];
const DOMAIN_TYPES: readonly DomainType[] = ['Authoritative', 'InternalRelay', 'ExternalRelay'];
const CONNECTOR_TYPES: readonly ConnectorType[] = ['Partner', 'OnPremises'];

/** The canonical spelling of an enum value, or the text as sent when it is unknown. */
function canonical(value: unknown, known: readonly string[]): string | undefined {
  const text = scalarText(value)?.trim();
  if (!text) {
    return undefined;
  }
  return known.find((entry) => entry.toLowerCase() === text.toLowerCase()) ?? text;
}

function optionalText(value: unknown): string | undefined {
  const text = scalarText(value)?.trim();
  return text ? text : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function identityOf(raw: Raw): { Identity: string; Name: string } {
  const name = optionalText(prop(raw, 'Name')) ?? optionalText(prop(raw, 'Identity')) ?? '';
  return { Identity: optionalText(prop(raw, 'Identity')) ?? name, Name: name };
}

export function normaliseAcceptedDomain(raw: Raw): AcceptedDomain {
  const ids = identityOf(raw);
  const domainName = normaliseDomain(optionalText(prop(raw, 'DomainName')) ?? ids.Name);
  return {
    ...ids,
    Name: ids.Name || domainName,
    Identity: ids.Identity || domainName,
    DomainName: domainName,
    DomainType: canonical(prop(raw, 'DomainType'), DOMAIN_TYPES) ?? 'Authoritative',
    Default: normaliseBoolean(prop(raw, 'Default'), false),
    MatchSubDomains: normaliseBoolean(prop(raw, 'MatchSubDomains'), false),
    OutboundOnly: normaliseBoolean(prop(raw, 'OutboundOnly'), false),
  };
}

function connectorBase(raw: Raw): ConnectorBase {
  const base: ConnectorBase = {
    ...identityOf(raw),
    Enabled: normaliseBoolean(prop(raw, 'Enabled'), true),
    ConnectorType: canonical(prop(raw, 'ConnectorType'), CONNECTOR_TYPES) ?? 'Partner',
    CloudServicesMailEnabled: normaliseBoolean(prop(raw, 'CloudServicesMailEnabled'), false),
  };
  const guid = optionalText(prop(raw, 'Guid'));
  const source = optionalText(prop(raw, 'ConnectorSource'));
  const comment = optionalText(prop(raw, 'Comment'));
  if (guid) {
    base.Guid = guid;
  }
  if (source) {
    base.ConnectorSource = source;
  }
  if (comment) {
    base.Comment = comment;
  }
  return base;
}

export function normaliseOutboundConnector(raw: Raw): OutboundConnector {
  const connector: OutboundConnector = {
    ...connectorBase(raw),
    RecipientDomains: normaliseDomains(prop(raw, 'RecipientDomains')),
    AllAcceptedDomains: normaliseBoolean(prop(raw, 'AllAcceptedDomains'), false),
    UseMXRecord: normaliseBoolean(prop(raw, 'UseMXRecord'), true),
    SmartHosts: unique(normaliseList(prop(raw, 'SmartHosts')).map(normaliseSmartHost)),
    IsTransportRuleScoped: normaliseBoolean(prop(raw, 'IsTransportRuleScoped'), false),
    RouteAllMessagesViaOnPremises: normaliseBoolean(
      prop(raw, 'RouteAllMessagesViaOnPremises'),
      false,
    ),
    SenderRewritingEnabled: normaliseBoolean(prop(raw, 'SenderRewritingEnabled'), false),
    TestMode: normaliseBoolean(prop(raw, 'TestMode'), false),
    IsValidated: normaliseBoolean(prop(raw, 'IsValidated'), false),
    ValidationRecipients: normaliseList(prop(raw, 'ValidationRecipients')).map((entry) =>
      stripAddressPrefix(entry).toLowerCase(),
    ),
  };
  const tlsSettings = canonical(prop(raw, 'TlsSettings'), TLS_SETTINGS);
  if (tlsSettings !== undefined && (TLS_SETTINGS as readonly string[]).includes(tlsSettings)) {
    connector.TlsSettings = tlsSettings as TlsSettings;
  }
  const tlsDomain = optionalText(prop(raw, 'TlsDomain'));
  if (tlsDomain) {
    connector.TlsDomain = normaliseDomain(tlsDomain);
  }
  return connector;
}

export function normaliseInboundConnector(raw: Raw): InboundConnector {
  const connector: InboundConnector = {
    ...connectorBase(raw),
    SenderDomains: normaliseDomains(prop(raw, 'SenderDomains')),
    SenderIPAddresses: unique(
      normaliseList(prop(raw, 'SenderIPAddresses')).map(normaliseIpAddress),
    ),
    // Limitation: the cmdlet reference and Microsoft365DSC disagree on RequireTls' default; a
    // read always carries the field, so the fallback only matters for hand-written snapshots.
    RequireTls: normaliseBoolean(prop(raw, 'RequireTls'), false),
    RestrictDomainsToCertificate: normaliseBoolean(
      prop(raw, 'RestrictDomainsToCertificate'),
      false,
    ),
    RestrictDomainsToIPAddresses: normaliseBoolean(
      prop(raw, 'RestrictDomainsToIPAddresses'),
      false,
    ),
    TreatMessagesAsInternal: normaliseBoolean(prop(raw, 'TreatMessagesAsInternal'), false),
    AssociatedAcceptedDomains: normaliseDomains(prop(raw, 'AssociatedAcceptedDomains')),
  };
  const certificateName = normaliseCertificateName(prop(raw, 'TlsSenderCertificateName'));
  if (certificateName) {
    connector.TlsSenderCertificateName = certificateName;
  }
  return connector;
}
