import type { ExchangeSpec, SpecPath } from '../spec/model';
import { ValueProblems } from './cmdlet-values';
import type { AcceptedDomain, InboundConnector, OutboundConnector } from './normalise';
import { normaliseDomain, normaliseIpAddress, normaliseSmartHost } from './normalise';

/*
 * What the spec wants Exchange to hold, in cmdlet parameters, and how a live connector differs
 * from it. The live check, the steps and the PowerShell export all start here, so the finding,
 * the preview, the request and the script always name the same parameters and values.
 */

export const OUTBOUND_PATH: SpecPath = ['exchange', 'outboundConnector'];
export const INBOUND_PATH: SpecPath = ['exchange', 'inboundConnector'];

/**
 * Sender domains of the inbound connector. Exchange documents SenderDomains as scoping Partner
 * connectors only, yet requires it when creating any inbound connector; Microsoft's own
 * on-premises examples (and connectors made in the admin center) use `*`.
 */
export const INBOUND_SENDER_DOMAINS = ['*'];

/** One cmdlet parameter whose live value is not the spec's. */
export interface PropertyDifference {
  parameter: string;
  desired: string;
  actual: string;
  /** The spec node the parameter comes from (the connector itself for fixed recipe values). */
  path: SpecPath;
}

export type CmdletParameters = Record<string, string | boolean | string[]>;

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((entry) => right.has(entry));
}

/** A parameter value as PowerShell users read it. */
export function showValue(value: string | boolean | readonly string[] | undefined): string {
  if (value === undefined || value === '') {
    return '$null';
  }
  if (typeof value === 'boolean') {
    return value ? '$true' : '$false';
  }
  if (typeof value === 'string') {
    return value;
  }
  return value.length === 0 ? '$null' : value.join(', ');
}

export function findConnector<T extends { Name: string; Identity: string }>(
  connectors: readonly T[],
  name: string,
): T | undefined {
  const wanted = name.trim().toLowerCase();
  return (
    connectors.find((connector) => connector.Name.toLowerCase() === wanted) ??
    connectors.find((connector) => connector.Identity.toLowerCase() === wanted)
  );
}

export function findAcceptedDomain(
  domains: readonly AcceptedDomain[],
  domain: string,
): AcceptedDomain | undefined {
  const wanted = normaliseDomain(domain);
  return domains.find((entry) => entry.DomainName === wanted);
}

// ----- outbound ---------------------------------------------------------------------------

export interface DesiredOutbound {
  Name: string;
  ConnectorType: 'OnPremises';
  RecipientDomains: string[];
  SmartHosts: string[];
  UseMXRecord: false;
  TlsSettings: string;
  /** Only with DomainValidation: Exchange ignores it otherwise. */
  TlsDomain?: string;
}

export function desiredOutbound(exchange: ExchangeSpec): DesiredOutbound {
  const spec = exchange.outboundConnector;
  const desired: DesiredOutbound = {
    Name: spec.name,
    ConnectorType: 'OnPremises',
    RecipientDomains: spec.recipientDomains.map(normaliseDomain),
    SmartHosts: spec.smartHosts.map(normaliseSmartHost),
    UseMXRecord: false,
    TlsSettings: spec.tlsSettings,
  };
  if (spec.tlsSettings === 'DomainValidation' && spec.tlsDomain) {
    desired.TlsDomain = normaliseDomain(spec.tlsDomain);
  }
  return desired;
}

type ShownValue = string | boolean | string[] | undefined;

/**
 * The differences of one connector, each placed on the connector's key or, when the spec names
 * the property, on that key below it.
 */
function differenceList(base: SpecPath): {
  differences: PropertyDifference[];
  add: (parameter: string, wanted: ShownValue, actual: ShownValue, key?: string) => void;
} {
  const differences: PropertyDifference[] = [];
  return {
    differences,
    add: (parameter, wanted, actual, key) => {
      differences.push({
        parameter,
        desired: showValue(wanted),
        actual: showValue(actual),
        path: key ? [...base, key] : base,
      });
    },
  };
}

/** Problems with the values the outbound connector's cmdlets would carry. */
export function outboundValueProblems(desired: DesiredOutbound): string[] {
  const problems = new ValueProblems();
  problems.connectorName(desired.Name);
  problems.domains('RecipientDomains', desired.RecipientDomains, { wildcard: true });
  problems.smartHosts(desired.SmartHosts);
  problems.tlsSettings(desired.TlsSettings);
  if (desired.TlsDomain !== undefined) {
    problems.domains('TlsDomain', [desired.TlsDomain], { wildcard: true });
  }
  return problems.problems;
}

export function outboundDifferences(
  desired: DesiredOutbound,
  live: OutboundConnector,
): PropertyDifference[] {
  const { differences, add } = differenceList(OUTBOUND_PATH);
  if (live.ConnectorType !== desired.ConnectorType) {
    add('ConnectorType', desired.ConnectorType, live.ConnectorType);
  }
  if (!sameSet(live.RecipientDomains, desired.RecipientDomains)) {
    add('RecipientDomains', desired.RecipientDomains, live.RecipientDomains, 'recipientDomains');
  }
  if (!sameSet(live.SmartHosts, desired.SmartHosts)) {
    add('SmartHosts', desired.SmartHosts, live.SmartHosts, 'smartHosts');
  }
  if (live.UseMXRecord !== desired.UseMXRecord) {
    add('UseMXRecord', desired.UseMXRecord, live.UseMXRecord);
  }
  if (live.TlsSettings !== desired.TlsSettings) {
    add('TlsSettings', desired.TlsSettings, live.TlsSettings, 'tlsSettings');
  }
  if (desired.TlsDomain !== undefined && live.TlsDomain !== desired.TlsDomain) {
    add('TlsDomain', desired.TlsDomain, live.TlsDomain, 'tlsDomain');
  }
  // Not in the spec, but either one breaks the recipe: a rule-scoped connector carries nothing
  // unless a transport rule sends mail to it, and routing everything via mailcow sends the
  // tenant's internet mail there too.
  for (const parameter of OUTBOUND_RECIPE_OFF) {
    if (live[parameter]) {
      add(parameter, false, true);
    }
  }
  return differences;
}

/** Outbound settings the recipe needs off; they are sent only to a connector that has them on. */
const OUTBOUND_RECIPE_OFF = ['IsTransportRuleScoped', 'RouteAllMessagesViaOnPremises'] as const;

export function outboundNewParameters(desired: DesiredOutbound): CmdletParameters {
  const parameters: CmdletParameters = {
    Name: desired.Name,
    ConnectorType: desired.ConnectorType,
    RecipientDomains: desired.RecipientDomains,
    SmartHosts: desired.SmartHosts,
    UseMXRecord: desired.UseMXRecord,
    TlsSettings: desired.TlsSettings,
  };
  if (desired.TlsDomain !== undefined) {
    parameters.TlsDomain = desired.TlsDomain;
  }
  return parameters;
}

/**
 * The Set-OutboundConnector parameters that bring `live` to the spec: only those that differ,
 * except that UseMXRecord $false always travels with SmartHosts (Exchange requires both in the
 * same command), and Enabled when the connector is off.
 */
export function outboundSetParameters(
  desired: DesiredOutbound,
  live: OutboundConnector,
): CmdletParameters | undefined {
  const differing = new Set(outboundDifferences(desired, live).map((entry) => entry.parameter));
  if (differing.has('UseMXRecord')) {
    differing.add('SmartHosts');
  }
  const all = outboundNewParameters(desired);
  const parameters: CmdletParameters = { Identity: live.Identity };
  for (const name of Object.keys(all)) {
    const value = all[name];
    if (differing.has(name) && value !== undefined) {
      parameters[name] = value;
    }
  }
  for (const parameter of OUTBOUND_RECIPE_OFF) {
    if (differing.has(parameter)) {
      parameters[parameter] = false;
    }
  }
  if (!live.Enabled) {
    parameters.Enabled = true;
  }
  return Object.keys(parameters).length > 1 ? parameters : undefined;
}

/**
 * Everything a script's Set-OutboundConnector writes, so running it puts any connector of that
 * name into the recipe's shape whatever it held before.
 */
export function outboundFullSetParameters(desired: DesiredOutbound): CmdletParameters {
  const { Name: name, ...rest } = outboundNewParameters(desired);
  const parameters: CmdletParameters = { Identity: String(name), ...rest };
  for (const parameter of OUTBOUND_RECIPE_OFF) {
    parameters[parameter] = false;
  }
  return { ...parameters, Enabled: true };
}

// ----- inbound ----------------------------------------------------------------------------

export interface DesiredInbound {
  Name: string;
  ConnectorType: 'OnPremises';
  SenderDomains: string[];
  auth: 'certificate' | 'ip';
  TlsSenderCertificateName?: string;
  SenderIPAddresses?: string[];
}

export function desiredInbound(exchange: ExchangeSpec): DesiredInbound {
  const spec = exchange.inboundConnector;
  const desired: DesiredInbound = {
    Name: spec.name,
    ConnectorType: 'OnPremises',
    SenderDomains: [...INBOUND_SENDER_DOMAINS],
    auth: spec.auth,
  };
  if (spec.auth === 'certificate') {
    desired.TlsSenderCertificateName = normaliseDomain(spec.certificateName);
  } else {
    desired.SenderIPAddresses = spec.senderIPs.map(normaliseIpAddress);
  }
  return desired;
}

export function inboundValueProblems(desired: DesiredInbound): string[] {
  const problems = new ValueProblems();
  problems.connectorName(desired.Name);
  if (desired.auth === 'certificate') {
    problems.domains('TlsSenderCertificateName', [desired.TlsSenderCertificateName ?? ''], {
      wildcard: true,
    });
  } else {
    problems.senderIps(desired.SenderIPAddresses ?? []);
  }
  return problems.problems;
}

export function inboundDifferences(
  desired: DesiredInbound,
  live: InboundConnector,
): PropertyDifference[] {
  const { differences, add } = differenceList(INBOUND_PATH);
  if (live.ConnectorType !== desired.ConnectorType) {
    add('ConnectorType', desired.ConnectorType, live.ConnectorType);
  }
  if (!sameSet(live.SenderDomains, desired.SenderDomains)) {
    add('SenderDomains', desired.SenderDomains, live.SenderDomains);
  }
  if (desired.auth === 'certificate') {
    if (live.TlsSenderCertificateName !== desired.TlsSenderCertificateName) {
      add(
        'TlsSenderCertificateName',
        desired.TlsSenderCertificateName,
        live.TlsSenderCertificateName,
        'certificateName',
      );
    }
    if (!live.RequireTls) {
      add('RequireTls', true, false, 'auth');
    }
    if (!live.RestrictDomainsToCertificate) {
      add('RestrictDomainsToCertificate', true, false, 'auth');
    }
  } else {
    if (!sameSet(live.SenderIPAddresses, desired.SenderIPAddresses ?? [])) {
      add('SenderIPAddresses', desired.SenderIPAddresses, live.SenderIPAddresses, 'senderIPs');
    }
    // Left on from a certificate setup, it refuses whatever mailcow sends without that
    // certificate, however right its address is.
    if (live.RestrictDomainsToCertificate) {
      add('RestrictDomainsToCertificate', false, true, 'auth');
    }
  }
  return differences;
}

export function inboundNewParameters(desired: DesiredInbound): CmdletParameters {
  const parameters: CmdletParameters = {
    Name: desired.Name,
    ConnectorType: desired.ConnectorType,
    SenderDomains: desired.SenderDomains,
  };
  return { ...parameters, ...inboundAuthParameters(desired) };
}

/** How the connector recognises mailcow; the certificate's three parameters go together. */
function inboundAuthParameters(desired: DesiredInbound): CmdletParameters {
  return desired.auth === 'certificate'
    ? {
        TlsSenderCertificateName: desired.TlsSenderCertificateName ?? '',
        RequireTls: true,
        RestrictDomainsToCertificate: true,
      }
    : { SenderIPAddresses: desired.SenderIPAddresses ?? [] };
}

/** Everything a script's Set-InboundConnector writes (see `outboundFullSetParameters`). */
export function inboundFullSetParameters(desired: DesiredInbound): CmdletParameters {
  const { Name: name, ...rest } = inboundNewParameters(desired);
  const parameters: CmdletParameters = { Identity: String(name), ...rest };
  if (desired.auth === 'ip') {
    parameters.RestrictDomainsToCertificate = false;
  }
  return { ...parameters, Enabled: true };
}

export function inboundSetParameters(
  desired: DesiredInbound,
  live: InboundConnector,
): CmdletParameters | undefined {
  const differing = new Set(inboundDifferences(desired, live).map((entry) => entry.parameter));
  const parameters: CmdletParameters = { Identity: live.Identity };
  if (differing.has('ConnectorType')) {
    parameters.ConnectorType = desired.ConnectorType;
  }
  if (differing.has('SenderDomains')) {
    parameters.SenderDomains = desired.SenderDomains;
  }
  const authParameters = ['TlsSenderCertificateName', 'RequireTls', 'RestrictDomainsToCertificate'];
  if (desired.auth === 'certificate' && authParameters.some((name) => differing.has(name))) {
    Object.assign(parameters, inboundAuthParameters(desired));
  }
  if (desired.auth === 'ip') {
    if (differing.has('SenderIPAddresses')) {
      Object.assign(parameters, inboundAuthParameters(desired));
    }
    if (differing.has('RestrictDomainsToCertificate')) {
      parameters.RestrictDomainsToCertificate = false;
    }
  }
  if (!live.Enabled) {
    parameters.Enabled = true;
  }
  return Object.keys(parameters).length > 1 ? parameters : undefined;
}
