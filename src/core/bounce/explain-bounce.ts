import type { FindingCode } from '../findings/codes';
import type { MessageId } from '../messages/catalogue';
import { msg } from '../messages/catalogue';
import type { HybridSpec, SpecPath } from '../spec/model';

/** The failures of this setup that a bounce or an SMTP reply can show. */
export type BounceKind =
  | 'recipient-not-found'
  | 'tenant-attribution'
  | 'certificate-validation'
  | 'routing-loop'
  | 'recipient-access-denied'
  | 'relay-access-denied'
  | 'loops-back-to-myself'
  | 'virtual-mailbox-unknown'
  | 'relay-recipient-unknown';

/** The system that wrote the reply: Exchange Online (EOP) or mailcow's Postfix. */
export type BounceReporter = 'exchange' | 'mailcow';

export interface BounceExplanation {
  kind: BounceKind;
  reporter: BounceReporter;
  /** The enhanced status code seen (`5.7.64`), when the text carries one. */
  status?: string;
  /** The line of the text that gave it away, trimmed. */
  evidence: string;
  /** One line naming the failure. */
  title: string;
  /** What it means in a mailcow + Exchange Online shared domain, and what to do. */
  meaning: string;
  /** The finding codes a live check reports for the usual causes. */
  findingCodes: FindingCode[];
  /** Where in the spec the setting is that decides it. */
  specPath: SpecPath;
  /** The shared domain the bounce is about, when an address in the text names one. */
  domain?: string;
}

interface Recogniser {
  kind: BounceKind;
  reporter: BounceReporter;
  /** Tested line by line; the first line that matches is the evidence. */
  pattern: RegExp;
  findingCodes: FindingCode[];
  /** Who wrote the text, when the same failure can come from either system. */
  reporterOf?: (evidence: string) => BounceReporter;
  /** Kinds that, when also recognised, explain this text better (a more specific match). */
  supersededBy?: BounceKind[];
  path(context: PathContext): SpecPath;
}

interface PathContext {
  spec?: HybridSpec;
  /** The spec path of the domain entry the bounce is about, when known. */
  domainPath?: SpecPath;
}

function domainOr(context: PathContext, rest: SpecPath, fallback: SpecPath): SpecPath {
  return context.domainPath ? [...context.domainPath, ...rest] : fallback;
}

/*
 * The patterns follow the texts each system writes: Exchange puts an enhanced status code and a
 * component tag (`RESOLVER.ADR.RecipientNotFound`, `TenantAttribution`) in its NDRs; Postfix
 * writes its table lookups in words (`User unknown in virtual mailbox table`). Order matters
 * only for display: explanations come out in the order of this list.
 */
const RECOGNISERS: readonly Recogniser[] = [
  {
    kind: 'tenant-attribution',
    reporter: 'exchange',
    pattern: /\b5\.7\.64\b|TenantAttribution/i,
    findingCodes: [
      'inbound-cert-not-accepted-domain',
      'cert-name-mismatch',
      'cert-untrusted',
      'cert-expired',
      'inbound-ips-miss-egress',
      'inbound-connector-missing',
      'inbound-connector-drift',
      'inbound-connector-disabled',
    ],
    path: ({ spec }) =>
      spec?.exchange.inboundConnector.auth === 'ip'
        ? ['exchange', 'inboundConnector', 'senderIPs']
        : ['exchange', 'inboundConnector', 'certificateName'],
  },
  {
    kind: 'recipient-not-found',
    reporter: 'exchange',
    pattern: /\b5\.1\.10\b|Recip(?:ient)?NotFound|ExRecipNotFound/i,
    findingCodes: ['accepted-domain-authoritative', 'accepted-domain-missing'],
    path: (context) => domainOr(context, [], ['domains']),
  },
  {
    kind: 'certificate-validation',
    reporter: 'exchange',
    pattern: /\b4\.7\.320\b|certificate validation failed/i,
    findingCodes: [
      'cert-name-mismatch',
      'tls-domain-mismatch',
      'cert-untrusted',
      'cert-expired',
      'smart-host-ip-validated',
    ],
    path: ({ spec }) =>
      spec?.exchange.outboundConnector.tlsSettings === 'DomainValidation'
        ? ['exchange', 'outboundConnector', 'tlsDomain']
        : ['exchange', 'outboundConnector', 'tlsSettings'],
  },
  {
    kind: 'routing-loop',
    reporter: 'exchange',
    pattern:
      /\b5\.4\.14\b|\b5\.4\.6\b|hop count exceeded|too many hops|mail forwarding loop|routing loop/i,
    findingCodes: [
      'relay-unknown-only-off',
      'mailcow-relay-flags-drift',
      'mailbox-also-in-exchange',
    ],
    // Exchange counts hops and says 5.4.14; Postfix says "too many hops" or "forwarding loop".
    // Postfix gives "loops back to myself" the loop status 5.4.6 too; that text says more.
    supersededBy: ['loops-back-to-myself'],
    reporterOf: (evidence) =>
      /5\.4\.14|hop count exceeded|routing loop/i.test(evidence) ? 'exchange' : 'mailcow',
    path: (context) => domainOr(context, ['relay', 'unknownOnly'], ['domains']),
  },
  {
    kind: 'recipient-access-denied',
    reporter: 'exchange',
    pattern: /\b5\.4\.1\b.*access denied|Recipient address rejected: Access denied/i,
    findingCodes: ['accepted-domain-authoritative', 'accepted-domain-missing'],
    path: (context) => domainOr(context, [], ['domains']),
  },
  {
    kind: 'relay-access-denied',
    reporter: 'mailcow',
    pattern: /Relay access denied/i,
    findingCodes: ['mailcow-domain-missing', 'relay-domain-off', 'mailcow-relay-flags-drift'],
    supersededBy: ['tenant-attribution', 'recipient-access-denied'],
    path: (context) => domainOr(context, ['relay', 'domain'], ['domains']),
  },
  {
    kind: 'loops-back-to-myself',
    reporter: 'mailcow',
    pattern: /loops back to myself/i,
    findingCodes: [
      'mailcow-transport-not-set',
      'relayhost-not-gateway',
      'mailcow-relayhost-missing',
      'mx-not-gateway',
    ],
    path: () => ['mailcow', 'relayhost'],
  },
  {
    kind: 'virtual-mailbox-unknown',
    reporter: 'mailcow',
    pattern: /User unknown in virtual mailbox table/i,
    findingCodes: ['relay-domain-off', 'mailcow-relay-flags-drift'],
    path: (context) => domainOr(context, ['relay', 'domain'], ['domains']),
  },
  {
    kind: 'relay-recipient-unknown',
    reporter: 'mailcow',
    pattern: /User unknown in relay recipient table/i,
    findingCodes: ['relay-all-recipients-off', 'mailcow-relay-flags-drift'],
    path: (context) => domainOr(context, ['relay', 'allRecipients'], ['domains']),
  },
];

const ADDRESS = /[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;
const STATUS = /\b([245]\.\d{1,3}\.\d{1,3})\b/;
const MAX_EVIDENCE = 240;

/**
 * The first shared domain an address in the text belongs to, with its spec entry. Addresses of
 * the reporting systems themselves (postmaster, MAILER-DAEMON) are in the same text, so the
 * domain a shared address names wins over any other.
 */
function sharedDomain(
  text: string,
  spec: HybridSpec | undefined,
): { domain: string; path: SpecPath } | undefined {
  if (!spec) {
    return undefined;
  }
  for (const match of text.matchAll(ADDRESS)) {
    const local = match[0].split('@')[0]?.toLowerCase() ?? '';
    if (local === 'postmaster' || local === 'mailer-daemon') {
      continue;
    }
    const name = (match[1] ?? '').toLowerCase();
    const entry = spec.domains.find((domain) => domain.name === name);
    if (entry) {
      return { domain: entry.name, path: entry.path };
    }
  }
  return undefined;
}

function evidenceLine(lines: readonly string[], pattern: RegExp): string | undefined {
  const line = lines.find((candidate) => pattern.test(candidate));
  if (line === undefined) {
    return undefined;
  }
  const trimmed = line.trim().replace(/\s+/g, ' ');
  return trimmed.length > MAX_EVIDENCE ? `${trimmed.slice(0, MAX_EVIDENCE - 1)}…` : trimmed;
}

/**
 * Reads a pasted non-delivery report, a queue entry or a bare SMTP reply and recognises the
 * failures this setup is known for: what each means here, which finding codes a live check
 * gives for its usual causes, and which spec setting decides it. Unknown texts give an empty
 * list. With the spec, the domain the bounce is about is found from its addresses, so the path
 * leads to that domain's entry.
 */
export function explainBounce(text: string, spec?: HybridSpec): BounceExplanation[] {
  // Quoted-printable soft breaks and header folding split the telling words over lines.
  const unfolded = text.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' ');
  const lines = unfolded.split(/\r?\n/);
  const shared = sharedDomain(unfolded, spec);
  const context: PathContext = {};
  if (spec) {
    context.spec = spec;
  }
  if (shared) {
    context.domainPath = shared.path;
  }
  const found = RECOGNISERS.map((recogniser) => ({
    recogniser,
    evidence: evidenceLine(lines, recogniser.pattern),
  })).filter((entry): entry is { recogniser: Recogniser; evidence: string } => !!entry.evidence);
  const kinds = new Set(found.map((entry) => entry.recogniser.kind));
  return found
    .filter(({ recogniser }) => !(recogniser.supersededBy ?? []).some((other) => kinds.has(other)))
    .map(({ recogniser, evidence }) => {
      const args = {
        domain: shared?.domain ?? msg('bounce.theDomain'),
        hostname: spec?.mailcow.hostname ?? msg('bounce.mailcowHost'),
        gateway: spec?.exchange.gateway ?? '<gateway>',
      };
      const explanation: BounceExplanation = {
        kind: recogniser.kind,
        reporter: recogniser.reporterOf?.(evidence) ?? recogniser.reporter,
        evidence,
        title: msg(`bounce.${recogniser.kind}.title` as MessageId, args),
        meaning: msg(`bounce.${recogniser.kind}.meaning` as MessageId, args),
        findingCodes: recogniser.findingCodes,
        specPath: recogniser.path(context),
      };
      const status = STATUS.exec(evidence)?.[1];
      if (status !== undefined) {
        explanation.status = status;
      }
      if (shared) {
        explanation.domain = shared.domain;
      }
      return explanation;
    });
}

/** A spec path as people read it: `exchange.inboundConnector.certificateName`, `domains[0]`. */
export function formatSpecPath(path: SpecPath): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join('');
}
