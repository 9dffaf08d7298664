import { dirname, isAbsolute, resolve } from 'node:path';
import type {
  Cloud,
  DomainSpec,
  ExchangeAuthMethod,
  HybridSpec,
  InboundAuth,
  SecretRef,
  TlsSettings,
} from './model';
import { CLOUD_PROFILES } from './model';

type Data = Record<string, unknown>;

function record(value: unknown): Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.filter((item): item is string | number => typeof item === 'string' || typeof item === 'number').map((item) => String(item).trim());
}

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** `secret:name`, `env:VAR`, or a value written inline (which a rule reports). */
export function parseSecretRef(value: unknown): SecretRef | undefined {
  const raw = text(value);
  if (raw === undefined) {
    return undefined;
  }
  const reference = /^(secret|env):(.+)$/.exec(raw);
  if (reference) {
    return { kind: reference[1] as 'secret' | 'env', name: reference[2]! };
  }
  return { kind: 'inline', value: raw };
}

/** The host of a URL, or undefined when it is not one. */
export function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * Turns schema-shaped data into the typed model with every default of the contract resolved.
 * Tolerant by design: it runs even when the schema reported errors, so the rules can still
 * judge the parts that are usable; anything unusable takes its default.
 */
export function buildModel(data: unknown, file?: string): HybridSpec {
  const top = record(data);
  const baseDir = file ? dirname(file) : undefined;
  const absolute = (value: unknown): string | undefined => {
    const raw = text(value);
    if (raw === undefined) {
      return undefined;
    }
    return isAbsolute(raw) || !baseDir ? raw : resolve(baseDir, raw);
  };

  const domainItems = Array.isArray(top.domains) ? (top.domains as unknown[]) : [];
  const domains: DomainSpec[] = [];
  domainItems.forEach((item, index) => {
    const shortForm = typeof item === 'string';
    const long = record(item);
    const name = shortForm ? text(item) : text(long.name);
    if (name === undefined) {
      return;
    }
    const relay = record(long.relay);
    domains.push({
      name: name.toLowerCase().replace(/\.$/, ''),
      relay: {
        domain: flag(relay.domain, true),
        allRecipients: flag(relay.allRecipients, true),
        unknownOnly: flag(relay.unknownOnly, true),
      },
      mailboxes: strings(long.mailboxes) ?? [],
      path: ['domains', index],
      shortForm,
    });
  });

  const mailcow = record(top.mailcow);
  const url = text(mailcow.url) ?? '';
  const hostname = (text(mailcow.hostname) ?? urlHost(url) ?? '').toLowerCase();

  const exchange = record(top.exchange);
  const cloud = oneOf<Cloud>(exchange.cloud, ['global', 'usgov-gcchigh', 'usgov-dod', 'china'], 'global');
  const profile = CLOUD_PROFILES[cloud];
  const gateway = (text(exchange.gateway) ?? '').toLowerCase().replace(/\.$/, '');
  const endpoints = record(exchange.endpoints);
  const auth = record(exchange.auth);
  const outbound = record(exchange.outboundConnector);
  const inbound = record(exchange.inboundConnector);
  const tlsSettings = oneOf<TlsSettings>(
    outbound.tlsSettings,
    ['EncryptionOnly', 'CertificateValidation', 'DomainValidation'],
    'DomainValidation',
  );
  const egressIPs = strings(mailcow.egressIPs) ?? [];

  const checks = record(top.checks);
  const validation = record(checks.validation);
  const smtpPort = checks.smtpPort;

  return {
    version: 1,
    file,
    domains,
    mailcow: {
      url,
      origin: urlOrigin(url),
      hostname,
      apiKey: parseSecretRef(mailcow.apiKey),
      caFile: absolute(mailcow.caFile),
      egressIPs,
      relayhost: text(mailcow.relayhost) ?? `[${gateway}]:25`,
      forwardingHosts: strings(mailcow.forwardingHosts) ?? [profile.spfInclude],
    },
    exchange: {
      tenant: text(exchange.tenant) ?? '',
      gateway,
      cloud,
      endpoints: {
        login: (text(endpoints.login) ?? profile.login).replace(/\/+$/, ''),
        admin: (text(endpoints.admin) ?? profile.admin).replace(/\/+$/, ''),
      },
      auth: {
        method: oneOf<ExchangeAuthMethod>(auth.method, ['vscode', 'deviceCode', 'clientSecret', 'certificate'], 'vscode'),
        clientId: text(auth.clientId),
        clientSecret: parseSecretRef(auth.clientSecret),
        certificateFile: absolute(auth.certificateFile),
      },
      outboundConnector: {
        name: text(outbound.name) ?? 'To mailcow',
        recipientDomains: strings(outbound.recipientDomains)?.map((domain) => domain.toLowerCase()) ?? domains.map((domain) => domain.name),
        smartHosts: strings(outbound.smartHosts)?.map((host) => host.toLowerCase()) ?? [hostname],
        tlsSettings,
        tlsDomain: tlsSettings === 'DomainValidation' ? (text(outbound.tlsDomain) ?? hostname).toLowerCase() : undefined,
      },
      inboundConnector: {
        name: text(inbound.name) ?? 'From mailcow',
        auth: oneOf<InboundAuth>(inbound.auth, ['certificate', 'ip'], 'certificate'),
        certificateName: (text(inbound.certificateName) ?? hostname).toLowerCase(),
        senderIPs: strings(inbound.senderIPs) ?? egressIPs,
      },
    },
    checks: {
      dnsServers: strings(checks.dnsServers) ?? [],
      smtpPort: typeof smtpPort === 'number' && Number.isInteger(smtpPort) ? smtpPort : 25,
      certExpiryWarningDays: typeof checks.certExpiryWarningDays === 'number' ? checks.certExpiryWarningDays : 14,
      validation: {
        mailcowMailbox: text(validation.mailcowMailbox),
        exchangeMailbox: text(validation.exchangeMailbox),
      },
    },
  };
}
