import type { FindingSource, Severity } from './finding';

interface CodeInfo {
  severity: Severity;
  source: FindingSource;
}

/**
 * Every stable finding code. The README has a section per code whose anchor is the code itself,
 * so editors can link a diagnostic to its explanation. The severity here is the default; a live
 * check may raise or lower it where the table in the README says so.
 */
export const FINDING_CODES = {
  'yaml-syntax': { severity: 'error', source: 'yaml' },
  schema: { severity: 'error', source: 'schema' },
  'duplicate-domain': { severity: 'error', source: 'rules' },
  'secret-inline': { severity: 'error', source: 'rules' },
  'relay-domain-off': { severity: 'error', source: 'rules' },
  'relay-all-recipients-off': { severity: 'error', source: 'rules' },
  'relay-unknown-only-off': { severity: 'error', source: 'rules' },
  'relayhost-not-gateway': { severity: 'error', source: 'rules' },
  'relayhost-unbracketed': { severity: 'warning', source: 'rules' },
  'gateway-malformed': { severity: 'error', source: 'rules' },
  'fwdhost-gateway-only': { severity: 'warning', source: 'rules' },
  'connector-wildcard-recipients': { severity: 'error', source: 'rules' },
  'connector-recipient-not-shared': { severity: 'warning', source: 'rules' },
  'smart-host-has-port': { severity: 'error', source: 'rules' },
  'smart-host-ip-validated': { severity: 'error', source: 'rules' },
  'tls-domain-mismatch': { severity: 'error', source: 'rules' },
  'inbound-cert-not-accepted-domain': { severity: 'warning', source: 'rules' },
  'inbound-ip-only': { severity: 'warning', source: 'rules' },
  'inbound-ip-invalid': { severity: 'error', source: 'rules' },
  'mailcow-hostname-is-domain': { severity: 'error', source: 'rules' },
  'validation-mailbox-foreign': { severity: 'warning', source: 'rules' },
  'inbound-filtering-bypassed': { severity: 'info', source: 'rules' },

  'mailcow-unreachable': { severity: 'error', source: 'mailcow' },
  'mailcow-auth-failed': { severity: 'error', source: 'mailcow' },
  'mailcow-ip-not-allowed': { severity: 'error', source: 'mailcow' },
  'mailcow-key-read-only': { severity: 'warning', source: 'mailcow' },
  'mailcow-domain-missing': { severity: 'error', source: 'mailcow' },
  'mailcow-relay-flags-drift': { severity: 'error', source: 'mailcow' },
  'mailcow-relayhost-missing': { severity: 'error', source: 'mailcow' },
  'mailcow-relayhost-duplicate': { severity: 'warning', source: 'mailcow' },
  'mailcow-transport-not-set': { severity: 'error', source: 'mailcow' },
  'mailcow-fwdhost-missing': { severity: 'error', source: 'mailcow' },
  'mailcow-mailbox-missing': { severity: 'warning', source: 'mailcow' },

  'exchange-auth-failed': { severity: 'error', source: 'exchange' },
  'exchange-forbidden': { severity: 'error', source: 'exchange' },
  'accepted-domain-missing': { severity: 'error', source: 'exchange' },
  'accepted-domain-authoritative': { severity: 'error', source: 'exchange' },
  'outbound-connector-missing': { severity: 'error', source: 'exchange' },
  'outbound-connector-drift': { severity: 'error', source: 'exchange' },
  'outbound-connector-disabled': { severity: 'error', source: 'exchange' },
  'inbound-connector-missing': { severity: 'error', source: 'exchange' },
  'inbound-connector-drift': { severity: 'error', source: 'exchange' },
  'inbound-connector-disabled': { severity: 'error', source: 'exchange' },

  'mx-missing': { severity: 'error', source: 'dns' },
  'mx-not-gateway': { severity: 'error', source: 'dns' },
  'mx-extra': { severity: 'warning', source: 'dns' },
  'mx-target-unresolvable': { severity: 'error', source: 'dns' },
  'spf-missing': { severity: 'warning', source: 'dns' },
  'spf-no-eop-include': { severity: 'warning', source: 'dns' },
  'dns-lookup-failed': { severity: 'warning', source: 'dns' },

  'smtp-unreachable': { severity: 'error', source: 'tls' },
  'smtp-no-starttls': { severity: 'error', source: 'tls' },
  'cert-name-mismatch': { severity: 'error', source: 'tls' },
  'cert-expired': { severity: 'error', source: 'tls' },
  'cert-expiring': { severity: 'warning', source: 'tls' },
  'cert-untrusted': { severity: 'error', source: 'tls' },

  // Rules that compare two systems; the source is the system whose setting has to change.
  'fwdhosts-miss-eop': { severity: 'error', source: 'mailcow' },
  'mailbox-also-in-exchange': { severity: 'error', source: 'exchange' },
  'smart-host-not-mailcow': { severity: 'error', source: 'exchange' },
  'inbound-ips-miss-egress': { severity: 'error', source: 'exchange' },
} as const satisfies Record<string, CodeInfo>;

export type FindingCode = keyof typeof FINDING_CODES;

export function isFindingCode(value: string): value is FindingCode {
  return Object.prototype.hasOwnProperty.call(FINDING_CODES, value);
}
