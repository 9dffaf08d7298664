import { ipFamily } from '../dns/ip-network';
import type { DnsLookup } from '../dns/resolver';
import { DnsServerError, dnsFailureMessage } from '../dns/resolver';
import { sessionDnsLookup } from '../dns/session-dns';
import type { Finding } from '../findings/finding';
import type { FindingOptions } from '../findings/make-finding';
import { findingAt } from '../findings/make-finding';
import type {
  LiveCheckResult,
  LiveRead,
  LiveSession,
  LiveSystemModule,
  LiveValueMap,
} from '../live/live-system';
import type { MessageArgs, MessageId } from '../messages/catalogue';
import { msg } from '../messages/catalogue';
import type { SpecPath } from '../spec/model';
import { NodeIds } from '../tree/node-ids';
import type { CertificateFacts } from './certificate-facts';
import { certificateValidity, daysUntilExpiry } from './certificate-facts';
import { uncoveredNames } from './certificate-names';
import type { SmtpProbeResult, TlsFacts } from './smtp-probe';
import { probeSmtp, smtpProbeMessage } from './smtp-probe';

/** What the TLS check read: one probe of mailcow's SMTP listener, and when it ran. */
export interface TlsState {
  probe: SmtpProbeResult;
  /** ISO instant of the probe; certificate dates are judged against it. */
  checkedAt: string;
  /** The sentence for a lookup of mailcow's address that got no answer. */
  dnsFailure?: string;
}

const HOSTNAME: SpecPath = ['mailcow', 'hostname'];
const SMTP_PORT: SpecPath = ['checks', 'smtpPort'];
const OUTBOUND: SpecPath = ['exchange', 'outboundConnector'];
const INBOUND: SpecPath = ['exchange', 'inboundConnector'];

/**
 * Probes `mailcow.hostname` on `checks.smtpPort` with STARTTLS, resolving the name through
 * `checks.dnsServers` when it is set and trusting `mailcow.caFile` besides the system's CAs.
 * An unreachable listener is a finding, not a failed read: it is the answer to the question.
 */
export async function readTlsState(session: LiveSession): Promise<LiveRead<TlsState>> {
  const { spec, host } = session;
  let dns: DnsLookup | undefined;
  if (spec.checks.dnsServers.length > 0) {
    try {
      dns = sessionDnsLookup(session);
    } catch (error) {
      if (!(error instanceof DnsServerError)) {
        throw error;
      }
      return { ok: false, findings: [], reason: error.message };
    }
  }
  const options: Parameters<typeof probeSmtp>[0] = {
    host: spec.mailcow.hostname,
    port: spec.checks.smtpPort,
    servername: spec.mailcow.hostname,
    timeoutMs: host.timeoutMs,
    logger: host.logger,
  };
  if (dns) {
    options.dns = dns;
  }
  if (spec.mailcow.caFile !== undefined) {
    options.caFile = spec.mailcow.caFile;
  }
  const probe = await probeSmtp(options);
  if (probe.outcome === 'ca-file-unreadable') {
    return { ok: false, findings: [], reason: smtpProbeMessage(probe) };
  }
  const state: TlsState = { probe, checkedAt: new Date().toISOString() };
  if (probe.outcome === 'unreachable' && probe.dnsFailure && dns) {
    state.dnsFailure = dnsFailureMessage(probe.dnsFailure, dns);
  }
  return { ok: true, state };
}

function presentedNames(certificate: CertificateFacts): string {
  const names = [...certificate.dnsNames, ...certificate.ipAddresses];
  if (names.length > 0) {
    return names.join(', ');
  }
  return certificate.commonName ?? msg('tls.summary.noNames');
}

/** Who validates mailcow's certificate, which decides how much an untrusted one matters. */
function validators(session: LiveSession): { outbound: boolean; inbound: boolean } {
  const { exchange } = session.spec;
  return {
    outbound: exchange.outboundConnector.tlsSettings !== 'EncryptionOnly',
    inbound: exchange.inboundConnector.auth === 'certificate',
  };
}

class TlsJudge {
  readonly findings: Finding[] = [];

  constructor(
    private readonly session: LiveSession,
    private readonly base: MessageArgs,
  ) {}

  add(
    code: Finding['code'],
    path: SpecPath,
    id: MessageId,
    args: MessageArgs = {},
    options: FindingOptions = {},
  ): void {
    this.findings.push(
      findingAt(this.session.locator, code, path, id, { ...this.base, ...args }, options),
    );
  }
}

function judgeListener(judge: TlsJudge, state: TlsState): void {
  const probe = state.probe;
  const summary = smtpProbeMessage(probe);
  switch (probe.outcome) {
    case 'unreachable':
      if (probe.dnsFailure) {
        judge.add('dns-lookup-failed', HOSTNAME, 'finding.dns-lookup-failed.smtpHost', {
          detail: state.dnsFailure ?? probe.detail,
        });
      } else {
        judge.add(
          'smtp-unreachable',
          probe.reason === 'dns' ? HOSTNAME : SMTP_PORT,
          'finding.smtp-unreachable',
          { summary },
        );
      }
      return;
    case 'smtp-failed':
      if (probe.stage === 'starttls') {
        judge.add('smtp-no-starttls', SMTP_PORT, 'finding.smtp-no-starttls.refused', {
          detail: probe.detail,
        });
      } else {
        judge.add('smtp-unreachable', SMTP_PORT, 'finding.smtp-unreachable.smtp', { summary });
      }
      return;
    case 'no-starttls':
      judge.add('smtp-no-starttls', SMTP_PORT, 'finding.smtp-no-starttls');
      return;
    case 'tls-failed':
      judge.add('smtp-no-starttls', SMTP_PORT, 'finding.smtp-no-starttls.handshake', {
        detail: probe.detail,
      });
      return;
    default:
      return;
  }
}

function judgeDates(judge: TlsJudge, tls: TlsFacts, now: Date, warningDays: number): void {
  const certificate = tls.certificate;
  const args = {
    notAfter: certificate.notAfter.slice(0, 10),
    notBefore: certificate.notBefore.slice(0, 10),
    days: daysUntilExpiry(certificate, now),
  };
  switch (certificateValidity(certificate, now, warningDays)) {
    case 'expired':
      judge.add('cert-expired', HOSTNAME, 'finding.cert-expired', args);
      return;
    case 'expiring':
      judge.add('cert-expiring', HOSTNAME, 'finding.cert-expiring', args);
      return;
    case 'not-yet-valid':
      judge.add('cert-untrusted', HOSTNAME, 'finding.cert-untrusted.notYetValid', args);
      return;
    case 'valid':
      return;
  }
}

function judgeTrust(judge: TlsJudge, session: LiveSession, tls: TlsFacts): void {
  // Dates are judged on their own; here only whether the chain leads to a trusted CA counts.
  const dated = tls.trustProblem === 'expired' || tls.trustProblem === 'not-yet-valid';
  if (tls.chainTrusted || (dated && tls.issuerTrusted)) {
    return;
  }
  const who = validators(session);
  const matters = who.outbound || who.inbound;
  const issuer = tls.certificate.issuer.commonName ?? tls.certificate.issuer.text;
  judge.add(
    'cert-untrusted',
    HOSTNAME,
    tls.trustProblem === 'self-signed' || tls.certificate.selfIssued
      ? 'finding.cert-untrusted.selfSigned'
      : 'finding.cert-untrusted',
    {
      issuer,
      reason: tls.trustError ?? '',
      consequence: msg(matters ? 'tlsLive.untrusted.validated' : 'tlsLive.untrusted.notValidated', {
        tlsSettings: session.spec.exchange.outboundConnector.tlsSettings,
      }),
    },
    matters ? {} : { severity: 'warning' },
  );
}

function judgeNames(judge: TlsJudge, session: LiveSession, tls: TlsFacts): void {
  const { spec } = session;
  const outbound = spec.exchange.outboundConnector;
  const certificate = tls.certificate;
  if (outbound.tlsSettings === 'DomainValidation') {
    const expected = outbound.tlsDomain ?? spec.mailcow.hostname;
    if (uncoveredNames(certificate, [expected]).length > 0) {
      judge.add(
        'cert-name-mismatch',
        [...OUTBOUND, 'tlsDomain'],
        'finding.cert-name-mismatch.tlsDomain',
        { expected },
      );
    }
  } else if (outbound.tlsSettings === 'CertificateValidation') {
    const names = outbound.smartHosts.filter(
      (host) => ipFamily(host.replace(/^\[(.*)\]$/, '$1')) === undefined,
    );
    const missing = uncoveredNames(certificate, names);
    if (missing.length > 0) {
      judge.add(
        'cert-name-mismatch',
        [...OUTBOUND, 'smartHosts'],
        'finding.cert-name-mismatch.smartHosts',
        { expected: missing.join(', ') },
      );
    }
  }
  const inbound = spec.exchange.inboundConnector;
  if (inbound.auth === 'certificate') {
    if (uncoveredNames(certificate, [inbound.certificateName]).length > 0) {
      judge.add(
        'cert-name-mismatch',
        [...INBOUND, 'certificateName'],
        'finding.cert-name-mismatch.certificateName',
        { expected: inbound.certificateName },
      );
    }
  }
}

function listenerValue(probe: SmtpProbeResult): string {
  switch (probe.outcome) {
    case 'tls':
      return msg('tlsLive.value.starttls', { protocol: probe.tls.protocol ?? 'TLS' });
    case 'no-starttls':
      return msg('tlsLive.value.noStarttls');
    case 'tls-failed':
      return msg('tlsLive.value.handshakeFailed');
    default:
      return msg('tlsLive.value.unreachable');
  }
}

/**
 * Judges what mailcow's SMTP listener presents against both connectors: the name Exchange
 * validates when it delivers to mailcow (`tlsDomain` with DomainValidation, the smart hosts
 * with CertificateValidation), the name the inbound connector expects when mailcow sends with
 * certificate authentication, and the chain and dates either side needs.
 *
 * Limitation: the certificate mailcow presents as a client when it sends to Exchange is taken to
 * be the one its listener serves, which is how mailcow configures Postfix; a hand-made Postfix
 * setup with a separate client certificate would need a probe of its own.
 */
export function checkTlsState(session: LiveSession, state: TlsState): LiveCheckResult {
  const { spec } = session;
  const probe = state.probe;
  const judge = new TlsJudge(session, {
    host: spec.mailcow.hostname,
    port: spec.checks.smtpPort,
    tlsSettings: spec.exchange.outboundConnector.tlsSettings,
    names: probe.outcome === 'tls' ? presentedNames(probe.tls.certificate) : '',
  });
  const liveValues: LiveValueMap = new Map();
  judgeListener(judge, state);
  liveValues.set(NodeIds.mailcowSmtp, {
    value: listenerValue(probe),
    drift: probe.outcome !== 'tls',
  });
  if (probe.outcome === 'tls') {
    const before = judge.findings.length;
    judgeDates(judge, probe.tls, new Date(state.checkedAt), spec.checks.certExpiryWarningDays);
    judgeTrust(judge, session, probe.tls);
    judgeNames(judge, session, probe.tls);
    const certificate = probe.tls.certificate;
    liveValues.set(NodeIds.mailcowCertificate, {
      value: msg('tlsLive.value.certificate', {
        names: presentedNames(certificate),
        notAfter: certificate.notAfter.slice(0, 10),
        trust: probe.tls.chainTrusted
          ? msg('tls.summary.trusted')
          : msg('tls.summary.untrusted', { code: probe.tls.trustError }),
      }),
      drift: judge.findings.length > before,
    });
  }
  return { findings: judge.findings, liveValues };
}

/** The TLS system of the live check: mailcow's SMTP listener and its certificate (no steps). */
export const tlsLiveModule: LiveSystemModule<TlsState> = {
  system: 'tls',
  applies: (session) => session.spec.mailcow.hostname !== '',
  read: readTlsState,
  check: (session, state) => checkTlsState(session, state),
};
