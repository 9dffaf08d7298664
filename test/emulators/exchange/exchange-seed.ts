/**
 * The `exchange:` section of a sandbox scenario: the tenant, the apps and people that may sign
 * in, and the objects in the real cmdlets' read shapes (`Get-OutboundConnector` output and so
 * on). Fields left out of an object take the values Exchange Online would give it.
 */
export interface ExchangeSeed {
  tenantId: string;
  initialDomain: string;
  apps?: ExchangeAppSeed[];
  users?: ExchangeUserSeed[];
  acceptedDomains?: Record<string, unknown>[];
  outboundConnectors?: Record<string, unknown>[];
  inboundConnectors?: Record<string, unknown>[];
  /** Addresses that exist in Exchange. */
  recipients?: string[];
  /** `Get-MessageTraceV2` rows. */
  messageTrace?: Record<string, unknown>[];
}

export interface ExchangeAppSeed {
  clientId: string;
  clientSecret?: string;
  /** PEM of the certificate registered on the app (public part only). */
  certificate?: string;
  /** Microsoft Entra roles of the app's service principal, by display name. */
  roles?: string[];
  /** Application permissions consented for Exchange; defaults to Exchange.ManageAsApp. */
  permissions?: string[];
  /** Whether the app allows public-client flows (device code). */
  allowPublicClient?: boolean;
}

export interface ExchangeUserSeed {
  userPrincipalName: string;
  roles?: string[];
}

/** Template ids of the Entra roles that matter to Exchange, as they appear in `wids`. */
export const ROLE_TEMPLATE_IDS: Record<string, string> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Exchange Recipient Administrator': '31392ffb-586c-42d1-9346-e59415a2cc4e',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
};

export function roleIds(roles: readonly string[] | undefined): string[] {
  return (roles ?? []).map((role) => ROLE_TEMPLATE_IDS[role] ?? role);
}

/** The Exchange module's public client and its legacy predecessor. */
export const PUBLIC_CLIENT_IDS = [
  'fb78d390-0c51-40cd-8e17-fdbfab77341b',
  'a0c73c16-a7e3-4564-9a95-2bdf47383716',
];

export const APP_PERMISSION = 'Exchange.ManageAsApp';
export const DELEGATED_SCOPE = 'Exchange.Manage';
