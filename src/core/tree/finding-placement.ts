import type { FindingCode } from '../findings/codes';
import type { StepId, StepSystem } from '../plan/step';
import type { HybridSpec, SpecPath } from '../spec/model';
import { NodeIds } from './node-ids';

/**
 * Where a finding goes in the setup tree before its path refines it.
 * - `path`: anywhere in the mailcow and Exchange sections, by the finding's spec path alone;
 * - `node`: under the node with this id;
 * - `domain`: under the node of the shared domain the finding is about, or under `fallback`
 *   when the finding does not say which domain that is.
 * From the anchor the finding descends to the deepest node whose own spec path its path starts
 * with, so `relay-domain-off` on `domains[1].relay.domain` lands on that checkbox.
 */
export type Anchor =
  | { kind: 'path' }
  | { kind: 'node'; id: string }
  | { kind: 'domain'; id: (domain: string) => string; fallback: string };

export interface Placement {
  anchor: Anchor;
  /**
   * The setup steps whose status the finding decides, besides the steps that concern the node
   * it lands on. Per-domain steps take the finding's domain, or every domain when it has none.
   */
  steps: readonly StepId[];
  /** For codes whose path does not lead to the domain they are about. */
  domainOf?: (spec: HybridSpec) => string | undefined;
  /**
   * For codes made by more than one check: the first entry whose `under` starts the finding's
   * path replaces the anchor and the steps.
   */
  where?: readonly PathPlacement[];
}

export interface PathPlacement {
  under: SpecPath;
  anchor: Anchor;
  steps: readonly StepId[];
}

const byPath: Anchor = { kind: 'path' };
const node = (id: string): Anchor => ({ kind: 'node', id });
const domainNode = (id: (domain: string) => string, fallback: string): Anchor => ({
  kind: 'domain',
  id,
  fallback,
});

const MAILCOW_STEPS: readonly StepId[] = [
  'mailcow-domain',
  'mailcow-relayhost',
  'mailcow-fwdhosts',
  'mailcow-transport',
];
const EXCHANGE_STEPS: readonly StepId[] = [
  'accepted-domain',
  'outbound-connector',
  'inbound-connector',
];

/**
 * Every finding code and where the tree shows it: the one table that ties the code catalogue to
 * the tree's nodes and the recipe's steps. A code that cannot be checked is still listed, so a
 * new code fails the type check here until someone decides where it belongs.
 */
export const PLACEMENTS: Record<FindingCode, Placement> = {
  'yaml-syntax': { anchor: byPath, steps: [] },
  schema: { anchor: byPath, steps: [] },
  'duplicate-domain': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: ['mailcow-domain'],
  },
  'secret-inline': { anchor: byPath, steps: [] },
  'relay-domain-off': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: ['mailcow-transport'],
  },
  'relay-all-recipients-off': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: ['mailcow-transport'],
  },
  'relay-unknown-only-off': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: ['mailcow-transport'],
  },
  'relayhost-not-gateway': { anchor: node(NodeIds.relayhost), steps: ['mailcow-relayhost'] },
  'relayhost-unbracketed': { anchor: node(NodeIds.relayhost), steps: ['mailcow-relayhost'] },
  // The gateway is the MX target first; the relayhost and smart host built from it show their
  // own findings.
  'gateway-malformed': { anchor: node(NodeIds.gateway), steps: ['mx'] },
  'fwdhost-gateway-only': { anchor: node(NodeIds.forwardingHosts), steps: ['mailcow-fwdhosts'] },
  'connector-wildcard-recipients': {
    anchor: node(NodeIds.outboundSetting('recipient-domains')),
    steps: ['outbound-connector'],
  },
  'connector-recipient-not-shared': {
    anchor: node(NodeIds.outboundSetting('recipient-domains')),
    steps: ['outbound-connector'],
  },
  'smart-host-has-port': {
    anchor: node(NodeIds.outboundSetting('smart-hosts')),
    steps: ['outbound-connector'],
  },
  'smart-host-ip-validated': {
    anchor: node(NodeIds.outboundSetting('smart-hosts')),
    steps: ['outbound-connector'],
  },
  'tls-domain-mismatch': { anchor: node(NodeIds.outbound), steps: ['outbound-connector'] },
  'inbound-cert-not-accepted-domain': {
    anchor: node(NodeIds.inbound),
    steps: ['inbound-connector'],
  },
  'inbound-ip-only': { anchor: node(NodeIds.inbound), steps: ['inbound-connector'] },
  'inbound-ip-invalid': { anchor: node(NodeIds.inbound), steps: ['inbound-connector'] },
  // mailcow refuses to add the domain that equals its host name, so that domain's step fails.
  'mailcow-hostname-is-domain': {
    anchor: node(NodeIds.mailcow),
    steps: ['mailcow-domain'],
    domainOf: (spec) => spec.mailcow.hostname,
  },
  'validation-mailbox-foreign': { anchor: byPath, steps: [] },
  // A consequence to know about, not a step to do.
  'inbound-filtering-bypassed': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: [],
  },

  // When mailcow cannot be asked, none of its steps can be checked or applied.
  'mailcow-unreachable': { anchor: node(NodeIds.mailcow), steps: MAILCOW_STEPS },
  'mailcow-auth-failed': { anchor: node(NodeIds.mailcow), steps: MAILCOW_STEPS },
  'mailcow-ip-not-allowed': { anchor: node(NodeIds.mailcow), steps: MAILCOW_STEPS },
  'mailcow-key-read-only': { anchor: node(NodeIds.mailcow), steps: MAILCOW_STEPS },
  'mailcow-domain-missing': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: ['mailcow-domain'],
  },
  'mailcow-relay-flags-drift': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: ['mailcow-transport'],
  },
  'mailcow-relayhost-missing': { anchor: node(NodeIds.relayhost), steps: ['mailcow-relayhost'] },
  'mailcow-relayhost-duplicate': { anchor: node(NodeIds.relayhost), steps: ['mailcow-relayhost'] },
  'mailcow-transport-not-set': {
    anchor: domainNode(NodeIds.transport, NodeIds.mailcow),
    steps: ['mailcow-transport'],
  },
  'mailcow-fwdhost-missing': {
    anchor: node(NodeIds.forwardingHosts),
    steps: ['mailcow-fwdhosts'],
  },
  // Mailboxes are no step of the recipe; they are checked so the validation can succeed.
  'mailcow-mailbox-missing': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: [],
  },

  'exchange-auth-failed': { anchor: node(NodeIds.exchange), steps: EXCHANGE_STEPS },
  'exchange-forbidden': { anchor: node(NodeIds.exchange), steps: EXCHANGE_STEPS },
  'accepted-domain-missing': {
    anchor: domainNode(NodeIds.acceptedDomain, NodeIds.exchange),
    steps: ['accepted-domain'],
  },
  'accepted-domain-authoritative': {
    anchor: domainNode(NodeIds.acceptedDomain, NodeIds.exchange),
    steps: ['accepted-domain'],
  },
  'outbound-connector-missing': { anchor: node(NodeIds.outbound), steps: ['outbound-connector'] },
  'outbound-connector-drift': { anchor: node(NodeIds.outbound), steps: ['outbound-connector'] },
  'outbound-connector-disabled': { anchor: node(NodeIds.outbound), steps: ['outbound-connector'] },
  'inbound-connector-missing': { anchor: node(NodeIds.inbound), steps: ['inbound-connector'] },
  'inbound-connector-drift': { anchor: node(NodeIds.inbound), steps: ['inbound-connector'] },
  'inbound-connector-disabled': { anchor: node(NodeIds.inbound), steps: ['inbound-connector'] },

  // MX findings decide the domain's MX step. SPF is no step of the recipe, but mail that leaves
  // through EOP fails SPF where the record leaves EOP out, so it has a node of its own.
  'mx-missing': { anchor: domainNode(NodeIds.dnsMx, NodeIds.dns), steps: ['mx'] },
  'mx-not-gateway': { anchor: domainNode(NodeIds.dnsMx, NodeIds.dns), steps: ['mx'] },
  'mx-extra': { anchor: domainNode(NodeIds.dnsMx, NodeIds.dns), steps: ['mx'] },
  'mx-target-unresolvable': { anchor: domainNode(NodeIds.dnsMx, NodeIds.dns), steps: ['mx'] },
  'spf-missing': { anchor: domainNode(NodeIds.dnsSpf, NodeIds.dns), steps: [] },
  'spf-no-eop-include': { anchor: domainNode(NodeIds.dnsSpf, NodeIds.dns), steps: [] },
  // A lookup without an answer sits where its record would. The domain's lookups (MX, its
  // targets, SPF includes) share the domain's path, so they go on the domain's DNS node, whose
  // MX and SPF nodes show the drift; a resolver that answered nothing goes on the DNS section;
  // mailcow's own host name belongs to its SMTP listener.
  'dns-lookup-failed': {
    anchor: domainNode(NodeIds.dnsDomain, NodeIds.dns),
    steps: [],
    where: [
      {
        under: ['mailcow', 'hostname'],
        anchor: node(NodeIds.mailcowSmtp),
        steps: ['outbound-connector'],
      },
    ],
  },

  // What mailcow's SMTP listener presents decides whether Exchange can deliver to it.
  'smtp-unreachable': { anchor: node(NodeIds.mailcowSmtp), steps: ['outbound-connector'] },
  'smtp-no-starttls': { anchor: node(NodeIds.mailcowSmtp), steps: ['outbound-connector'] },
  // A name the inbound connector expects decides that connector, not the outbound one.
  'cert-name-mismatch': {
    anchor: node(NodeIds.mailcowCertificate),
    steps: ['outbound-connector'],
    where: [
      {
        under: ['exchange', 'inboundConnector'],
        anchor: node(NodeIds.mailcowCertificate),
        steps: ['inbound-connector'],
      },
    ],
  },
  'cert-expired': { anchor: node(NodeIds.mailcowCertificate), steps: ['outbound-connector'] },
  'cert-expiring': { anchor: node(NodeIds.mailcowCertificate), steps: ['outbound-connector'] },
  'cert-untrusted': { anchor: node(NodeIds.mailcowCertificate), steps: ['outbound-connector'] },

  'fwdhosts-miss-eop': { anchor: node(NodeIds.forwardingHosts), steps: ['mailcow-fwdhosts'] },
  // Exchange keeps the recipient, so the fix is there (or the mailcow mailbox goes).
  'mailbox-also-in-exchange': {
    anchor: domainNode(NodeIds.mailcowDomain, NodeIds.mailcow),
    steps: [],
  },
  'smart-host-not-mailcow': {
    anchor: node(NodeIds.outboundSetting('smart-hosts')),
    steps: ['outbound-connector'],
  },
  'inbound-ips-miss-egress': {
    anchor: node(NodeIds.inboundSetting('sender-ips')),
    steps: ['inbound-connector'],
  },
};

/**
 * Where the tree shows a finding: its code's placement, refined by the finding's path for codes
 * that more than one check makes. `undefined` for a code the table does not know.
 */
export function placementOf(code: FindingCode, path: SpecPath | undefined): Placement | undefined {
  // A finding read back from elsewhere (a saved report) may carry a code this build lacks.
  const placement = PLACEMENTS[code] as Placement | undefined;
  const refined = placement?.where?.find(
    (entry) =>
      path !== undefined &&
      entry.under.length <= path.length &&
      entry.under.every((segment, index) => path[index] === segment),
  );
  return placement && refined
    ? { ...placement, anchor: refined.anchor, steps: refined.steps }
    : placement;
}

/** Steps done once per shared domain; the others are done once per spec. */
export const PER_DOMAIN_STEPS: ReadonlySet<StepId> = new Set<StepId>([
  'mx',
  'accepted-domain',
  'mailcow-domain',
  'mailcow-transport',
]);

export const STEP_SYSTEMS: Record<StepId, StepSystem> = {
  mx: 'dns',
  'accepted-domain': 'exchange',
  'mailcow-domain': 'mailcow',
  'mailcow-relayhost': 'mailcow',
  'mailcow-fwdhosts': 'mailcow',
  'mailcow-transport': 'mailcow',
  'outbound-connector': 'exchange',
  'inbound-connector': 'exchange',
};
