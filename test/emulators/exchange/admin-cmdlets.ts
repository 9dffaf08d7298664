import { isIPv4, isIPv6 } from 'node:net';
import type { ExchangeEmulatorState, Raw } from './exchange-state-store';
import {
  inboundConnectorDefaults,
  outboundConnectorDefaults,
  storedSenderDomain,
} from './exchange-state-store';

/*
 * The cmdlets of the emulated admin API with the parameter rules Exchange Online documents:
 * binding (unknown parameters, types, enums, mandatory parameters) and the rules between
 * parameters (UseMXRecord $false needs SmartHosts, IPv4-only sender addresses, …). Failures are
 * thrown as CmdletError and leave the state untouched.
 */

export const EXCEPTION = {
  binding: 'System.Management.Automation.ParameterBindingException',
  commandNotFound: 'System.Management.Automation.CommandNotFoundException',
  notFound: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
  exists: 'Microsoft.Exchange.Configuration.Tasks.ManagementObjectAlreadyExistsException',
  validation: 'Microsoft.Exchange.Data.DataValidationException',
  argument: 'System.ArgumentException',
} as const;

export class CmdletError extends Error {
  constructor(
    readonly exceptionType: string,
    message: string,
    /** Task errors carry an error id before the type; binding errors do not. */
    readonly errorId = '',
  ) {
    super(message);
  }
}

export interface CmdletResult {
  objects: Raw[];
  warnings: string[];
}

type Enum = { enum: readonly string[] };
type ParamKind = 'string' | 'bool' | 'multi' | 'resultSize' | 'int' | 'date' | Enum;

interface CmdletDefinition {
  write: boolean;
  params: Record<string, ParamKind>;
  mandatory?: string[];
  run(state: ExchangeEmulatorState, bound: Bound): CmdletResult;
}

/** Parameters after binding, keyed by their canonical names. */
type Bound = Map<string, unknown>;

/** A multi-valued parameter given as PowerShell's `@{Add=…; Remove=…}`. */
interface AddRemove {
  add: string[];
  remove: string[];
}

const COMMON_PARAMS: Record<string, ParamKind> = {
  Confirm: 'bool',
  WarningAction: 'string',
  ErrorAction: 'string',
};

const TLS_SETTINGS: Enum = {
  enum: ['EncryptionOnly', 'CertificateValidation', 'DomainValidation'],
};
const CONNECTOR_TYPE: Enum = { enum: ['Partner', 'OnPremises'] };
const CONNECTOR_SOURCE: Enum = { enum: ['Default', 'HybridWizard', 'Migrated', 'AdminUI'] };
const DOMAIN_TYPE: Enum = { enum: ['Authoritative', 'InternalRelay', 'ExternalRelay'] };
const TRACE_STATUS: Enum = {
  enum: [
    'Delivered',
    'Expanded',
    'Failed',
    'FilteredAsSpam',
    'GettingStatus',
    'Pending',
    'Quarantined',
  ],
};

const ENUM_TYPE_NAMES = new Map<Enum, string>([
  [TLS_SETTINGS, 'Microsoft.Exchange.Data.TlsAuthLevel'],
  [CONNECTOR_TYPE, 'Microsoft.Exchange.Data.TenantConnectorType'],
  [CONNECTOR_SOURCE, 'Microsoft.Exchange.Data.TenantConnectorSource'],
  [DOMAIN_TYPE, 'Microsoft.Exchange.Data.AcceptedDomainType'],
  [TRACE_STATUS, 'Microsoft.Exchange.Management.FfoReporting.Common.MessageTraceStatus'],
]);

const MULTI_ADD_REMOVE = new Set([
  'RecipientDomains',
  'SmartHosts',
  'SenderDomains',
  'SenderIPAddresses',
  'AssociatedAcceptedDomains',
  'ValidationRecipients',
  'EFSkipIPs',
  'EFUsers',
  'TrustedOrganizations',
]);

function bindingError(text: string): CmdletError {
  return new CmdletError(EXCEPTION.binding, text);
}

function taskError(type: string, text: string): CmdletError {
  return new CmdletError(type, text, 'Ex6F9304');
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

function bindValue(cmdlet: string, name: string, kind: ParamKind, value: unknown): unknown {
  const cannotConvert = (type: string): CmdletError =>
    bindingError(
      `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${shown(value)}" to type "${type}".`,
    );
  if (typeof kind === 'object') {
    if (value === null) {
      return null;
    }
    const found = kind.enum.find(
      (entry) => typeof value === 'string' && entry.toLowerCase() === value.toLowerCase(),
    );
    if (!found) {
      throw bindingError(
        `Cannot bind parameter '${name}'. Cannot convert value "${shown(value)}" to type "${ENUM_TYPE_NAMES.get(kind) ?? 'enum'}". Error: "Unable to match the identifier name ${shown(value)} to a valid enumerator name. Specify one of the following enumerator names and try again: ${kind.enum.join(', ')}"`,
      );
    }
    return found;
  }
  switch (kind) {
    case 'bool':
      if (typeof value === 'boolean') {
        return value;
      }
      if (typeof value === 'string' && /^\$?(true|false)$/i.test(value)) {
        return /true/i.test(value);
      }
      throw cannotConvert('System.Boolean');
    case 'string':
      if (value === null || typeof value === 'string') {
        return value;
      }
      if (typeof value === 'number') {
        return String(value);
      }
      throw cannotConvert('System.String');
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) {
        return value;
      }
      if (typeof value === 'string' && /^\d+$/.test(value)) {
        return Number(value);
      }
      throw cannotConvert('System.Int32');
    case 'resultSize':
      if (typeof value === 'string' && value.toLowerCase() === 'unlimited') {
        return Infinity;
      }
      if (
        (typeof value === 'number' && Number.isInteger(value) && value > 0) ||
        (typeof value === 'string' && /^\d+$/.test(value))
      ) {
        return Number(value);
      }
      throw cannotConvert('Microsoft.Exchange.Data.Unlimited`1[System.UInt32]');
    case 'date': {
      const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(parsed)) {
        throw cannotConvert('System.DateTime');
      }
      return new Date(parsed);
    }
    case 'multi': {
      if (value === null) {
        return [];
      }
      if (typeof value === 'string') {
        return [value];
      }
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
        return value;
      }
      if (
        value &&
        typeof value === 'object' &&
        cmdlet.startsWith('Set-') &&
        MULTI_ADD_REMOVE.has(name)
      ) {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record).map((key) => key.toLowerCase());
        if (keys.length > 0 && keys.every((key) => key === 'add' || key === 'remove')) {
          const list = (key: string): string[] => {
            const entry = Object.entries(record).find(
              ([candidate]) => candidate.toLowerCase() === key,
            )?.[1];
            return entry === undefined
              ? []
              : Array.isArray(entry)
                ? entry.map(String)
                : [shown(entry)];
          };
          return { add: list('add'), remove: list('remove') } satisfies AddRemove;
        }
      }
      throw cannotConvert('Microsoft.Exchange.Data.MultiValuedProperty`1[System.String]');
    }
  }
}

function bind(cmdlet: string, definition: CmdletDefinition, parameters: Raw): Bound {
  const known: Record<string, ParamKind> = { ...COMMON_PARAMS, ...definition.params };
  const names = Object.keys(known);
  const bound: Bound = new Map();
  for (const [given, value] of Object.entries(parameters)) {
    const name = names.find((candidate) => candidate.toLowerCase() === given.toLowerCase());
    if (!name) {
      throw bindingError(`A parameter cannot be found that matches parameter name '${given}'.`);
    }
    bound.set(name, bindValue(cmdlet, name, known[name] as ParamKind, value));
  }
  const missing = (definition.mandatory ?? []).filter((name) => {
    const value = bound.get(name);
    return (
      value === undefined ||
      value === null ||
      value === '' ||
      (Array.isArray(value) && value.length === 0)
    );
  });
  if (missing.length > 0) {
    throw bindingError(
      `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`,
    );
  }
  return bound;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function isHostName(value: string): boolean {
  const labels = value.replace(/\.$/, '').split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}

/** An SMTP domain; `*.x` when `prefixWildcard`, `*` alone when `star`. */
function checkDomain(
  name: string,
  value: string,
  options: { prefixWildcard: boolean; star: boolean },
): void {
  const domain = value.replace(/^smtp:/i, '').replace(/;\d+$/, '');
  if (domain === '*' && options.star) {
    return;
  }
  const rest = options.prefixWildcard && domain.startsWith('*.') ? domain.slice(2) : domain;
  if (rest.includes('*')) {
    throw taskError(
      EXCEPTION.argument,
      `'${value}' is not a valid value for ${name}: a wildcard is allowed only as the whole first label, as in *.contoso.com.`,
    );
  }
  if (!isHostName(rest)) {
    throw taskError(EXCEPTION.argument, `'${value}' is not a valid SMTP domain for ${name}.`);
  }
}

function checkSmartHost(value: string): void {
  if (/:\d+$/.test(value) && !isIPv6(value)) {
    throw bindingError(
      `Cannot bind parameter 'SmartHosts'. '${value}' is not a valid smart host: Exchange Online connects to smart hosts on port 25 only, so a smart host cannot carry a port.`,
    );
  }
  const [address = '', bits, extra] = value.split('/');
  if (
    extra === undefined &&
    bits !== undefined &&
    isIPv4(address) &&
    /^\d+$/.test(bits) &&
    Number(bits) <= 32
  ) {
    return;
  }
  if (bits === undefined && (isIPv4(value) || isHostName(value))) {
    return;
  }
  throw bindingError(`Cannot bind parameter 'SmartHosts'. '${value}' is not a valid smart host.`);
}

function checkSenderIp(value: string): void {
  const [address = '', bits, extra] = value.split('/');
  if (isIPv6(address)) {
    throw taskError(
      EXCEPTION.validation,
      `'${value}' is an IPv6 address; SenderIPAddresses accepts IPv4 addresses and IPv4 ranges only.`,
    );
  }
  if (!isIPv4(address) || extra !== undefined || (bits !== undefined && !/^\d+$/.test(bits))) {
    throw taskError(
      EXCEPTION.validation,
      `'${value}' is not a valid IPv4 address or range for SenderIPAddresses.`,
    );
  }
  if (bits !== undefined && (Number(bits) < 24 || Number(bits) > 32)) {
    throw taskError(
      EXCEPTION.validation,
      `The range '${value}' is not allowed; SenderIPAddresses accepts ranges from /24 to /32.`,
    );
  }
}

function findBy(objects: Raw[], identity: string, fields: string[]): Raw | undefined {
  const wanted = identity.toLowerCase();
  return objects.find((object) =>
    fields.some(
      (field) => typeof object[field] === 'string' && object[field].toLowerCase() === wanted,
    ),
  );
}

function lookup(
  state: ExchangeEmulatorState,
  objects: Raw[],
  identity: string,
  fields: string[],
): Raw {
  const found = findBy(objects, identity, fields);
  if (!found) {
    throw taskError(
      EXCEPTION.notFound,
      `The operation couldn't be performed because object '${identity}' couldn't be found on '${state.initialDomain}'.`,
    );
  }
  return found;
}

function limit(objects: Raw[], bound: Bound): Raw[] {
  const size = bound.get('ResultSize');
  return typeof size === 'number' && Number.isFinite(size) ? objects.slice(0, size) : objects;
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** Applies a multi-valued parameter (a replacement list or Add/Remove) to the current value. */
function applyMulti(current: unknown, value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map(String);
  }
  const change = value as AddRemove;
  // Stored sender domains carry `smtp:` and `;1`; an Add/Remove names the bare domain.
  const key = (entry: string): string =>
    entry
      .toLowerCase()
      .replace(/^smtp:/, '')
      .replace(/;\d+$/, '');
  const removed = new Set(change.remove.map(key));
  const kept = list(current).filter((entry) => !removed.has(key(entry)));
  for (const entry of change.add) {
    if (!kept.some((existing) => key(existing) === key(entry))) {
      kept.push(entry);
    }
  }
  return kept;
}

/** Copies the bound parameters onto an object; returns whether anything changed. */
function assign(target: Raw, bound: Bound, skip: string[]): boolean {
  let changed = false;
  for (const [name, value] of bound) {
    if (skip.includes(name) || name in COMMON_PARAMS) {
      continue;
    }
    const next =
      value instanceof Date
        ? value.toISOString()
        : Array.isArray(value) || (value !== null && typeof value === 'object')
          ? applyMulti(target[name], value)
          : value;
    if (JSON.stringify(target[name]) !== JSON.stringify(next)) {
      changed = true;
    }
    target[name] = next;
  }
  return changed;
}

function notModified(identity: string): string {
  return `The command completed successfully but no settings of '${identity}' have been modified.`;
}

const truthy = (value: unknown): boolean =>
  value === true || (typeof value === 'string' && /^true$/i.test(value));

function checkNameFree(objects: Raw[], name: string, except?: Raw): void {
  if (name.length > 64) {
    throw taskError(EXCEPTION.validation, `The name '${name}' is longer than 64 characters.`);
  }
  const clash = findBy(objects, name, ['Name', 'Identity']);
  if (clash && clash !== except) {
    throw taskError(EXCEPTION.exists, `A connector with the name '${name}' already exists.`);
  }
}

// ----- accepted domains -----------------------------------------------------------------

function checkAcceptedDomain(domain: Raw): void {
  if (domain.DomainType === 'ExternalRelay') {
    throw taskError(
      EXCEPTION.validation,
      'ExternalRelay accepted domains are not supported in Exchange Online.',
    );
  }
  if (truthy(domain.MatchSubDomains) && domain.DomainType !== 'InternalRelay') {
    throw taskError(
      EXCEPTION.validation,
      'MatchSubDomains can only be enabled on an InternalRelay accepted domain.',
    );
  }
}

const ACCEPTED_DOMAIN_FIELDS = ['Name', 'DomainName', 'Identity', 'Guid'];

const getAcceptedDomain: CmdletDefinition = {
  write: false,
  params: { Identity: 'string', ResultSize: 'resultSize' },
  run(state, bound) {
    const identity = bound.get('Identity');
    const objects =
      typeof identity === 'string' && identity !== ''
        ? [lookup(state, state.acceptedDomains, identity, ACCEPTED_DOMAIN_FIELDS)]
        : state.acceptedDomains;
    return { objects: limit(objects, bound), warnings: [] };
  },
};

const setAcceptedDomain: CmdletDefinition = {
  write: true,
  mandatory: ['Identity'],
  params: {
    Identity: 'string',
    DomainType: DOMAIN_TYPE,
    MatchSubDomains: 'bool',
    OutboundOnly: 'bool',
    SendingFromDomainDisabled: 'bool',
    SendingToDomainDisabled: 'bool',
    CanHaveCloudCache: 'bool',
    EnableNego2Authentication: 'bool',
  },
  run(state, bound) {
    const domain = lookup(
      state,
      state.acceptedDomains,
      String(bound.get('Identity')),
      ACCEPTED_DOMAIN_FIELDS,
    );
    const draft = { ...domain };
    const changed = assign(draft, bound, ['Identity']);
    checkAcceptedDomain(draft);
    Object.assign(domain, draft);
    return { objects: [], warnings: changed ? [] : [notModified(String(domain.Identity))] };
  },
};

// ----- outbound connectors --------------------------------------------------------------

const CONNECTOR_FIELDS = ['Name', 'Identity', 'Guid'];

const OUTBOUND_PARAMS: Record<string, ParamKind> = {
  ConnectorType: CONNECTOR_TYPE,
  RecipientDomains: 'multi',
  AllAcceptedDomains: 'bool',
  UseMXRecord: 'bool',
  SmartHosts: 'multi',
  TlsSettings: TLS_SETTINGS,
  TlsDomain: 'string',
  IsTransportRuleScoped: 'bool',
  RouteAllMessagesViaOnPremises: 'bool',
  CloudServicesMailEnabled: 'bool',
  SenderRewritingEnabled: 'bool',
  Enabled: 'bool',
  Comment: 'string',
  ConnectorSource: CONNECTOR_SOURCE,
  TestMode: 'bool',
  MtaStsMode: { enum: ['Opportunistic', 'None'] },
  SmtpDaneMode: { enum: ['Opportunistic', 'Mandatory', 'None'] },
};

function checkOutbound(connector: Raw, bound: Bound): void {
  for (const domain of list(connector.RecipientDomains)) {
    checkDomain('RecipientDomains', domain, { prefixWildcard: true, star: true });
  }
  for (const host of list(connector.SmartHosts)) {
    checkSmartHost(host);
  }
  if (bound.get('UseMXRecord') === false && !bound.has('SmartHosts')) {
    throw taskError(
      EXCEPTION.validation,
      'When UseMXRecord is set to $false, the SmartHosts parameter must be specified in the same command.',
    );
  }
  if (connector.UseMXRecord === false && list(connector.SmartHosts).length === 0) {
    throw taskError(
      EXCEPTION.validation,
      'A connector that does not use MX records needs at least one smart host.',
    );
  }
  if (typeof connector.TlsDomain === 'string' && connector.TlsDomain !== '') {
    checkDomain('TlsDomain', connector.TlsDomain, { prefixWildcard: true, star: false });
  }
  for (const name of [
    'AllAcceptedDomains',
    'RouteAllMessagesViaOnPremises',
    'SenderRewritingEnabled',
  ]) {
    if (truthy(connector[name]) && connector.ConnectorType !== 'OnPremises') {
      throw taskError(
        EXCEPTION.validation,
        `${name} can be set to $true only when ConnectorType is OnPremises.`,
      );
    }
  }
}

const getOutboundConnector: CmdletDefinition = {
  write: false,
  params: {
    Identity: 'string',
    IncludeTestModeConnectors: 'bool',
    IsTransportRuleScoped: 'bool',
    ResultSize: 'resultSize',
  },
  run(state, bound) {
    const identity = bound.get('Identity');
    if (typeof identity === 'string' && identity !== '') {
      return {
        objects: [lookup(state, state.outboundConnectors, identity, CONNECTOR_FIELDS)],
        warnings: [],
      };
    }
    const includeTestMode = bound.get('IncludeTestModeConnectors') === true;
    const scoped = bound.get('IsTransportRuleScoped');
    const objects = state.outboundConnectors.filter(
      (connector) =>
        (includeTestMode || !truthy(connector.TestMode)) &&
        (typeof scoped !== 'boolean' || truthy(connector.IsTransportRuleScoped) === scoped),
    );
    return { objects: limit(objects, bound), warnings: [] };
  },
};

const newOutboundConnector: CmdletDefinition = {
  write: true,
  mandatory: ['Name'],
  params: { Name: 'string', LinkForModifiedConnector: 'string', ...OUTBOUND_PARAMS },
  run(state, bound) {
    const name = String(bound.get('Name'));
    checkNameFree(state.outboundConnectors, name);
    const connector = outboundConnectorDefaults(name);
    assign(connector, bound, ['Name', 'LinkForModifiedConnector']);
    checkOutbound(connector, bound);
    state.outboundConnectors.push(connector);
    return { objects: [connector], warnings: [] };
  },
};

const setOutboundConnector: CmdletDefinition = {
  write: true,
  mandatory: ['Identity'],
  params: {
    Identity: 'string',
    Name: 'string',
    ValidationRecipients: 'multi',
    IsValidated: 'bool',
    LastValidationTimestamp: 'date',
    ...OUTBOUND_PARAMS,
  },
  run(state, bound) {
    const connector = lookup(
      state,
      state.outboundConnectors,
      String(bound.get('Identity')),
      CONNECTOR_FIELDS,
    );
    const draft = { ...connector };
    const rename = bound.get('Name');
    if (typeof rename === 'string' && rename !== '') {
      checkNameFree(state.outboundConnectors, rename, connector);
      draft.Identity = rename;
    }
    const changed = assign(draft, bound, ['Identity']);
    checkOutbound(draft, bound);
    Object.assign(connector, draft);
    return { objects: [], warnings: changed ? [] : [notModified(String(connector.Identity))] };
  },
};

// ----- inbound connectors ---------------------------------------------------------------

const INBOUND_PARAMS: Record<string, ParamKind> = {
  ConnectorType: CONNECTOR_TYPE,
  SenderDomains: 'multi',
  SenderIPAddresses: 'multi',
  RestrictDomainsToIPAddresses: 'bool',
  RestrictDomainsToCertificate: 'bool',
  TlsSenderCertificateName: 'string',
  RequireTls: 'bool',
  AssociatedAcceptedDomains: 'multi',
  CloudServicesMailEnabled: 'bool',
  TreatMessagesAsInternal: 'bool',
  Enabled: 'bool',
  Comment: 'string',
  ConnectorSource: CONNECTOR_SOURCE,
  EFSkipIPs: 'multi',
  EFSkipLastIP: 'bool',
  EFUsers: 'multi',
  EFSkipMailGateway: 'multi',
  EFTestMode: 'bool',
  TrustedOrganizations: 'multi',
  ScanAndDropRecipients: 'multi',
  ClientHostNames: 'multi',
};

function checkInbound(state: ExchangeEmulatorState, connector: Raw): void {
  for (const domain of list(connector.SenderDomains)) {
    checkDomain('SenderDomains', domain, { prefixWildcard: true, star: true });
  }
  for (const address of list(connector.SenderIPAddresses)) {
    checkSenderIp(address);
  }
  const certificateName =
    typeof connector.TlsSenderCertificateName === 'string'
      ? connector.TlsSenderCertificateName
      : '';
  if (certificateName !== '') {
    checkDomain('TlsSenderCertificateName', certificateName, { prefixWildcard: true, star: false });
    if (!truthy(connector.RequireTls)) {
      throw taskError(
        EXCEPTION.validation,
        'TlsSenderCertificateName can be set only when RequireTls is $true.',
      );
    }
  }
  if (truthy(connector.RestrictDomainsToCertificate) && certificateName === '') {
    throw taskError(
      EXCEPTION.validation,
      'RestrictDomainsToCertificate needs TlsSenderCertificateName.',
    );
  }
  if (
    truthy(connector.RestrictDomainsToIPAddresses) &&
    list(connector.SenderIPAddresses).length === 0
  ) {
    throw taskError(EXCEPTION.validation, 'RestrictDomainsToIPAddresses needs SenderIPAddresses.');
  }
  if (
    connector.ConnectorType === 'OnPremises' &&
    certificateName === '' &&
    list(connector.SenderIPAddresses).length === 0
  ) {
    throw taskError(
      EXCEPTION.validation,
      'An OnPremises inbound connector must identify the sending server by TlsSenderCertificateName or SenderIPAddresses.',
    );
  }
  if (truthy(connector.TreatMessagesAsInternal)) {
    if (connector.ConnectorType !== 'OnPremises') {
      throw taskError(
        EXCEPTION.validation,
        'TreatMessagesAsInternal can be set only on an OnPremises connector.',
      );
    }
    if (truthy(connector.CloudServicesMailEnabled)) {
      throw taskError(
        EXCEPTION.validation,
        'TreatMessagesAsInternal cannot be combined with CloudServicesMailEnabled.',
      );
    }
  }
  for (const domain of list(connector.AssociatedAcceptedDomains)) {
    if (!findBy(state.acceptedDomains, domain, ACCEPTED_DOMAIN_FIELDS)) {
      throw taskError(
        EXCEPTION.validation,
        `'${domain}' is not an accepted domain of this organization.`,
      );
    }
  }
}

function storeSenderDomains(connector: Raw): void {
  connector.SenderDomains = list(connector.SenderDomains).map(storedSenderDomain);
}

const getInboundConnector: CmdletDefinition = {
  write: false,
  params: { Identity: 'string', ResultSize: 'resultSize' },
  run(state, bound) {
    const identity = bound.get('Identity');
    const objects =
      typeof identity === 'string' && identity !== ''
        ? [lookup(state, state.inboundConnectors, identity, CONNECTOR_FIELDS)]
        : state.inboundConnectors;
    return { objects: limit(objects, bound), warnings: [] };
  },
};

const newInboundConnector: CmdletDefinition = {
  write: true,
  mandatory: ['Name', 'SenderDomains'],
  params: { Name: 'string', ...INBOUND_PARAMS },
  run(state, bound) {
    const name = String(bound.get('Name'));
    checkNameFree(state.inboundConnectors, name);
    const connector = inboundConnectorDefaults(name);
    assign(connector, bound, ['Name']);
    checkInbound(state, connector);
    storeSenderDomains(connector);
    state.inboundConnectors.push(connector);
    return { objects: [connector], warnings: [] };
  },
};

const setInboundConnector: CmdletDefinition = {
  write: true,
  mandatory: ['Identity'],
  params: { Identity: 'string', Name: 'string', ...INBOUND_PARAMS },
  run(state, bound) {
    const connector = lookup(
      state,
      state.inboundConnectors,
      String(bound.get('Identity')),
      CONNECTOR_FIELDS,
    );
    const draft = { ...connector };
    const rename = bound.get('Name');
    if (typeof rename === 'string' && rename !== '') {
      checkNameFree(state.inboundConnectors, rename, connector);
      draft.Identity = rename;
    }
    const before = JSON.stringify(draft);
    assign(draft, bound, ['Identity']);
    checkInbound(state, draft);
    storeSenderDomains(draft);
    const changed = JSON.stringify(draft) !== before;
    Object.assign(connector, draft);
    return { objects: [], warnings: changed ? [] : [notModified(String(connector.Identity))] };
  },
};

function removeConnector(kind: 'outboundConnectors' | 'inboundConnectors'): CmdletDefinition {
  return {
    write: true,
    mandatory: ['Identity'],
    params: { Identity: 'string' },
    run(state, bound) {
      const connector = lookup(state, state[kind], String(bound.get('Identity')), CONNECTOR_FIELDS);
      state[kind] = state[kind].filter((candidate) => candidate !== connector);
      return { objects: [], warnings: [] };
    },
  };
}

// ----- message trace --------------------------------------------------------------------

const DAY_MS = 24 * 3600 * 1000;

function messageTrace(now: () => number): CmdletDefinition {
  return {
    write: false,
    params: {
      StartDate: 'date',
      EndDate: 'date',
      SenderAddress: 'multi',
      RecipientAddress: 'multi',
      MessageId: 'multi',
      MessageTraceId: 'string',
      Status: 'multi',
      Subject: 'string',
      SubjectFilterType: { enum: ['Contains', 'StartsWith', 'EndsWith'] },
      FromIP: 'string',
      ToIP: 'string',
      ResultSize: 'int',
      StartingRecipientAddress: 'string',
    },
    run(state, bound) {
      const start = bound.get('StartDate') as Date | undefined;
      const end = bound.get('EndDate') as Date | undefined;
      if ((start === undefined) !== (end === undefined)) {
        throw taskError(EXCEPTION.argument, 'StartDate and EndDate must be specified together.');
      }
      const to = end?.getTime() ?? now();
      const from = start?.getTime() ?? to - 2 * DAY_MS;
      if (from > to) {
        throw taskError(EXCEPTION.argument, 'EndDate must be later than StartDate.');
      }
      if (to - from > 10 * DAY_MS) {
        throw taskError(
          EXCEPTION.argument,
          "The time range between StartDate and EndDate can't exceed 10 days.",
        );
      }
      if (from < now() - 90 * DAY_MS) {
        throw taskError(EXCEPTION.argument, "StartDate can't be more than 90 days in the past.");
      }
      const size = bound.get('ResultSize');
      if (size !== undefined && (typeof size !== 'number' || size < 1 || size > 5000)) {
        throw bindingError(
          "Cannot validate argument on parameter 'ResultSize'. The value must be between 1 and 5000.",
        );
      }
      for (const status of list(bound.get('Status'))) {
        bindValue('Get-MessageTraceV2', 'Status', TRACE_STATUS, status);
      }
      const anyOf = (name: string, value: unknown): boolean => {
        const wanted = list(bound.get(name)).map((entry) => entry.toLowerCase());
        return (
          wanted.length === 0 || (typeof value === 'string' && wanted.includes(value.toLowerCase()))
        );
      };
      const equalTo = (name: string, value: unknown): boolean => {
        const wanted = bound.get(name);
        return (
          typeof wanted !== 'string' ||
          (typeof value === 'string' && value.toLowerCase() === wanted.toLowerCase())
        );
      };
      const subject = bound.get('Subject');
      const filterType = (bound.get('SubjectFilterType') as string | undefined) ?? 'Contains';
      const subjectMatches = (value: unknown): boolean => {
        if (typeof subject !== 'string') {
          return true;
        }
        const text = typeof value === 'string' ? value.toLowerCase() : '';
        const wanted = subject.toLowerCase();
        return filterType === 'StartsWith'
          ? text.startsWith(wanted)
          : filterType === 'EndsWith'
            ? text.endsWith(wanted)
            : text.includes(wanted);
      };
      // Limitation: StartingRecipientAddress is accepted but does not continue a listing; the
      // emulated traces are small enough to fit one answer.
      const rows = state.messageTrace
        .filter((row) => {
          const received = Date.parse(String(row.Received));
          return (
            received >= from &&
            received <= to &&
            anyOf('SenderAddress', row.SenderAddress) &&
            anyOf('RecipientAddress', row.RecipientAddress) &&
            anyOf('MessageId', row.MessageId) &&
            anyOf('Status', row.Status) &&
            equalTo('MessageTraceId', row.MessageTraceId) &&
            equalTo('FromIP', row.FromIP) &&
            equalTo('ToIP', row.ToIP) &&
            subjectMatches(row.Subject)
          );
        })
        .sort((a, b) => Date.parse(String(b.Received)) - Date.parse(String(a.Received)));
      return { objects: rows.slice(0, typeof size === 'number' ? size : 1000), warnings: [] };
    },
  };
}

// ----- recipients -----------------------------------------------------------------------

/**
 * `Get-Recipient` over the addresses the tenant holds. Each address is a licensed user's mailbox,
 * shaped as the cmdlet returns one: `EmailAddresses` with the `SMTP:` prefix of the primary
 * address, the type in both `RecipientType` and `RecipientTypeDetails`.
 */
function recipientObject(address: string): Raw {
  const local = address.split('@')[0] ?? address;
  return {
    Identity: local,
    Name: local,
    Alias: local,
    DisplayName: local,
    PrimarySmtpAddress: address,
    EmailAddresses: [`SMTP:${address}`],
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: 'UserMailbox',
    ExternalEmailAddress: null,
  };
}

const getRecipient: CmdletDefinition = {
  write: false,
  params: { Identity: 'string', ResultSize: 'resultSize', RecipientTypeDetails: 'multi' },
  run(state, bound) {
    const all = state.recipients.map(recipientObject);
    const identity = bound.get('Identity');
    const objects =
      typeof identity === 'string' && identity !== ''
        ? [lookup(state, all, identity, ['Identity', 'Name', 'Alias', 'PrimarySmtpAddress'])]
        : all;
    const types = list(bound.get('RecipientTypeDetails')).map((type) => type.toLowerCase());
    const filtered =
      types.length === 0
        ? objects
        : objects.filter((object) =>
            types.includes(String(object.RecipientTypeDetails).toLowerCase()),
          );
    return { objects: limit(filtered, bound), warnings: [] };
  },
};

export function cmdletCatalogue(now: () => number): Record<string, CmdletDefinition> {
  return {
    'Get-AcceptedDomain': getAcceptedDomain,
    'Set-AcceptedDomain': setAcceptedDomain,
    'Get-OutboundConnector': getOutboundConnector,
    'New-OutboundConnector': newOutboundConnector,
    'Set-OutboundConnector': setOutboundConnector,
    'Remove-OutboundConnector': removeConnector('outboundConnectors'),
    'Get-InboundConnector': getInboundConnector,
    'New-InboundConnector': newInboundConnector,
    'Set-InboundConnector': setInboundConnector,
    'Remove-InboundConnector': removeConnector('inboundConnectors'),
    'Get-MessageTraceV2': messageTrace(now),
    'Get-Recipient': getRecipient,
  };
}

/** Whether a cmdlet changes the tenant (and so needs more than a reader role). */
export function isWriteCmdlet(catalogue: Record<string, CmdletDefinition>, name: string): boolean {
  return catalogue[name]?.write ?? true;
}

/** Binds and runs one cmdlet against the state; throws CmdletError on any failure. */
export function runCmdlet(
  catalogue: Record<string, CmdletDefinition>,
  state: ExchangeEmulatorState,
  name: string,
  parameters: Raw,
): CmdletResult {
  const definition = Object.entries(catalogue).find(
    ([candidate]) => candidate.toLowerCase() === name.toLowerCase(),
  );
  if (!definition) {
    throw new CmdletError(
      EXCEPTION.commandNotFound,
      `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.`,
    );
  }
  const [canonical, cmdlet] = definition;
  return cmdlet.run(state, bind(canonical, cmdlet, parameters));
}
