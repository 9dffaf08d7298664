import { isIPv4, isIPv6 } from 'node:net';
import { msg } from '../messages/catalogue';
import type { TlsSettings } from '../spec/model';

/*
 * Checks for every value the product puts into a cmdlet parameter, whether it travels to the
 * admin API as JSON or into a generated PowerShell script. The spec's schema already shapes most
 * of them, but the steps and the export must not rely on a schema that a hand-edited file or a
 * future change may bypass: a value that fails here is never sent and never written.
 */

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/**
 * Anything below U+0020, DEL, the C1 controls (U+0080 to U+009F, which some terminals obey as
 * escape sequences), and the line and paragraph separators PowerShell also breaks on.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const TLS_SETTINGS_VALUES: readonly TlsSettings[] = [
  'EncryptionOnly',
  'CertificateValidation',
  'DomainValidation',
];

/** The most a connector name may hold in Exchange Online. */
export const CONNECTOR_NAME_MAX = 64;

/** A host name of at least two labels, letters, digits and hyphens only, no trailing dot. */
export function isHostName(value: string): boolean {
  const labels = value.split('.');
  return value.length <= 253 && labels.length >= 2 && labels.every((label) => LABEL.test(label));
}

/** An SMTP domain as connectors take it: `example.com` or, when allowed, `*.example.com`. */
export function isSmtpDomain(value: string, options: { wildcard: boolean }): boolean {
  const rest = options.wildcard && value.startsWith('*.') ? value.slice(2) : value;
  return isHostName(rest);
}

/** A smart host: a host name, an IPv4 address, or an IPv4 network; never with a port. */
export function isSmartHost(value: string): boolean {
  if (isHostName(value) || isIPv4(value)) {
    return true;
  }
  const [address = '', bits, extra] = value.split('/');
  return (
    extra === undefined &&
    bits !== undefined &&
    /^\d{1,2}$/.test(bits) &&
    Number(bits) <= 32 &&
    isIPv4(address)
  );
}

/** An inbound connector's sender address: IPv4, alone or as a network from /24 to /32. */
export function isSenderIp(value: string): boolean {
  const [address = '', bits, extra] = value.split('/');
  if (extra !== undefined || !isIPv4(address)) {
    return false;
  }
  return bits === undefined || (/^\d{2}$/.test(bits) && Number(bits) >= 24 && Number(bits) <= 32);
}

/** The tenant as `exchange.tenant` names it: a GUID or a domain such as `x.onmicrosoft.com`. */
export function isTenant(value: string): boolean {
  return /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value) || isHostName(value);
}

/** A connector name: printable, at most 64 characters, not blank. */
export function isConnectorName(value: string): boolean {
  return (
    value.trim() !== '' &&
    value.length <= CONNECTOR_NAME_MAX &&
    !CONTROL.test(value) &&
    value === value.trim()
  );
}

/** Collects the sentences for every value that may not reach a cmdlet. */
export class ValueProblems {
  readonly problems: string[] = [];

  check(ok: boolean, parameter: string, value: string): void {
    if (!ok) {
      this.problems.push(msg('exchange.value.invalid', { parameter, value: describeValue(value) }));
    }
  }

  connectorName(value: string): void {
    this.check(isConnectorName(value), 'Name', value);
  }

  domains(parameter: string, values: readonly string[], options: { wildcard: boolean }): void {
    if (values.length === 0) {
      this.problems.push(msg('exchange.value.empty', { parameter }));
    }
    for (const value of values) {
      this.check(isSmtpDomain(value, options), parameter, value);
    }
  }

  smartHosts(values: readonly string[]): void {
    if (values.length === 0) {
      this.problems.push(msg('exchange.value.empty', { parameter: 'SmartHosts' }));
    }
    for (const value of values) {
      this.check(isSmartHost(value), 'SmartHosts', value);
    }
  }

  senderIps(values: readonly string[]): void {
    if (values.length === 0) {
      this.problems.push(msg('exchange.value.empty', { parameter: 'SenderIPAddresses' }));
    }
    for (const value of values) {
      this.check(isSenderIp(value), 'SenderIPAddresses', value);
      if (isIPv6(value.split('/')[0] ?? '')) {
        this.problems.push(msg('exchange.value.ipv6', { value: describeValue(value) }));
      }
    }
  }

  tlsSettings(value: string): void {
    this.check((TLS_SETTINGS_VALUES as readonly string[]).includes(value), 'TlsSettings', value);
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }
}

/**
 * A value as it may appear in a sentence: control characters made visible and long values cut,
 * so a hostile value can neither break a log line nor flood a message.
 */
export function describeValue(value: string): string {
  const visible = [...value]
    .map((char) =>
      CONTROL.test(char) ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : char,
    )
    .join('');
  return visible.length > 80 ? `${visible.slice(0, 77)}…` : visible;
}
