import type { StepId } from '../plan/step';
import type { RelayFlags } from '../spec/model';

export type OutboundSetting =
  'name' | 'recipient-domains' | 'smart-hosts' | 'tls-settings' | 'tls-domain';
export type InboundSetting = 'name' | 'auth' | 'certificate-name' | 'sender-ips';

/**
 * The ids of the setup tree's nodes. They name what a node is about (a domain by its name, a
 * mailbox by its address), never where it sits in the file, so they survive edits that reorder
 * or insert entries: the view keeps its expansion state and live checks key their values by them.
 */
export const NodeIds = {
  mailcow: 'mailcow',
  mailcowDomain: (domain: string): string => `mailcow/domain/${domain}`,
  relayFlag: (domain: string, flag: keyof RelayFlags): string =>
    `mailcow/domain/${domain}/relay/${flag}`,
  transport: (domain: string): string => `mailcow/domain/${domain}/transport`,
  mailbox: (domain: string, address: string): string =>
    `mailcow/domain/${domain}/mailbox/${address.toLowerCase()}`,
  relayhost: 'mailcow/relayhost',
  forwardingHosts: 'mailcow/forwarding-hosts',
  forwardingHost: (host: string): string => `mailcow/forwarding-hosts/${host.toLowerCase()}`,
  exchange: 'exchange',
  gateway: 'exchange/gateway',
  acceptedDomain: (domain: string): string => `exchange/accepted-domain/${domain}`,
  outbound: 'exchange/outbound-connector',
  outboundSetting: (setting: OutboundSetting): string => `exchange/outbound-connector/${setting}`,
  inbound: 'exchange/inbound-connector',
  inboundSetting: (setting: InboundSetting): string => `exchange/inbound-connector/${setting}`,
  /** What mailcow's SMTP listener answered (STARTTLS offered or not, reachable or not). */
  mailcowSmtp: 'mailcow/smtp',
  /** The certificate mailcow's SMTP listener presents: its names and expiry. */
  mailcowCertificate: 'mailcow/certificate',
  dns: 'dns',
  dnsDomain: (domain: string): string => `dns/domain/${domain}`,
  /** A shared domain's MX records as DNS answers them now. */
  dnsMx: (domain: string): string => `dns/domain/${domain}/mx`,
  /** A shared domain's SPF record as DNS answers it now. */
  dnsSpf: (domain: string): string => `dns/domain/${domain}/spf`,
  steps: 'steps',
  step: (step: StepId, domain?: string): string =>
    domain === undefined ? `steps/${step}` : `steps/${step}/${domain}`,
  other: 'other',
  unreadable: 'unreadable',
} as const;
