import type { Finding } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import type {
  LiveCheckResult,
  LiveRead,
  LiveSession,
  LiveSystemModule,
  LiveValueMap,
} from '../live/live-system';
import { msg } from '../messages/catalogue';
import type { DomainSpec, SpecPath } from '../spec/model';
import { CLOUD_PROFILES } from '../spec/model';
import { NodeIds } from '../tree/node-ids';
import { ipFamily, simplifyNetworks } from './ip-network';
import type { DnsLookup, DnsResult, MxRecord } from './resolver';
import { DnsServerError, dnsFailureMessage } from './resolver';
import { sessionDnsLookup } from './session-dns';
import type { SpfExpansion, SpfProblemKind } from './spf';
import { expandSpf, spfProblemMessage } from './spf';

/**
 * What DNS said about one name's addresses. `failed` means no believable answer came, which says
 * nothing about the records; `none` means DNS answered that there are none.
 */
export interface AddressLookup {
  host: string;
  outcome: 'records' | 'none' | 'failed';
  /** A and AAAA records together, IPv4 first. */
  addresses: string[];
  /** The sentence for a failed lookup. */
  failure?: string;
}

export interface MxLookup {
  outcome: 'records' | 'nxdomain' | 'nodata' | 'failed';
  records: MxRecord[];
  failure?: string;
}

/** The domain's SPF record as receivers see it, kept as plain text and CIDR strings. */
export interface SpfSummary {
  /** `none`: no record; `failed`: the TXT lookup got no answer; `multiple`/`syntax`: unusable. */
  status: 'ok' | 'none' | 'multiple' | 'syntax' | 'failed';
  record?: string;
  records: string[];
  /** Every domain reached through include and redirect, lower case. */
  includes: string[];
  /** What receivers stumble on (limits, loops, lookups without answer), with a sentence each. */
  problems: { kind: SpfProblemKind; message: string }[];
  failure?: string;
}

export interface DnsDomainState {
  domain: string;
  mx: MxLookup;
  /** The addresses of each MX target, in the order of the MX records. */
  mxTargets: AddressLookup[];
  spf: SpfSummary;
}

/** The addresses EOP sends from: the cloud's SPF include, expanded as it resolves now. */
export interface EopSenders {
  include: string;
  /** CIDR blocks, merged for display and comparison. */
  networks: string[];
  /** False when part of the include could not be followed, so `networks` may be short. */
  complete: boolean;
  failure?: string;
}

/**
 * What the DNS check read. Plain strings and numbers only, so the state can be written out as
 * JSON (the sandbox and the command line do) and compared by other systems' rules.
 */
export interface DnsState {
  /** The resolvers asked, in words. */
  resolvers: string;
  domains: DnsDomainState[];
  eopSenders: EopSenders;
  /** `mailcow.hostname`: where mailcow is reached, and where it sends from unless egressIPs says. */
  mailcowHost: AddressLookup;
  /** Each smart host of the spec's outbound connector that is a name, not an address. */
  smartHosts: AddressLookup[];
}

async function lookupAddresses(dns: DnsLookup, host: string): Promise<AddressLookup> {
  const [v4, v6] = await Promise.all([dns.a(host), dns.aaaa(host)]);
  const addresses = [
    ...(v4.outcome === 'records' ? v4.records : []),
    ...(v6.outcome === 'records' ? v6.records : []),
  ];
  if (addresses.length > 0) {
    return { host: v4.name, outcome: 'records', addresses };
  }
  const failed = [v4, v6].find((result) => result.outcome === 'failed');
  if (failed && failed.outcome === 'failed') {
    return {
      host: v4.name,
      outcome: 'failed',
      addresses: [],
      failure: dnsFailureMessage(failed, dns),
    };
  }
  return { host: v4.name, outcome: 'none', addresses: [] };
}

function mxLookup(result: DnsResult<MxRecord>, dns: DnsLookup): MxLookup {
  switch (result.outcome) {
    case 'records':
      return { outcome: 'records', records: result.records };
    case 'failed':
      return { outcome: 'failed', records: [], failure: dnsFailureMessage(result, dns) };
    default:
      return { outcome: result.outcome, records: [] };
  }
}

function spfSummary(expansion: SpfExpansion, dns: DnsLookup): SpfSummary {
  const root = expansion.root;
  const summary: SpfSummary = {
    status: root.status,
    records: root.records,
    includes: expansion.includes,
    problems: expansion.problems
      .filter((problem) => problem.kind !== 'missing')
      .map((problem) => ({ kind: problem.kind, message: spfProblemMessage(problem, dns) })),
  };
  if (root.record) {
    summary.record = root.record.text;
  } else if (root.records.length === 1) {
    summary.record = root.records[0];
  }
  if (root.failure) {
    summary.failure = dnsFailureMessage(root.failure, dns);
  }
  return summary;
}

async function readDomain(dns: DnsLookup, domain: string): Promise<DnsDomainState> {
  const [mx, spf] = await Promise.all([dns.mx(domain), expandSpf(domain, dns)]);
  const targets =
    mx.outcome === 'records' ? mx.records.map((record) => record.exchange).filter(Boolean) : [];
  const mxTargets = await Promise.all(targets.map((target) => lookupAddresses(dns, target)));
  return { domain, mx: mxLookup(mx, dns), mxTargets, spf: spfSummary(spf, dns) };
}

async function readEopSenders(dns: DnsLookup, include: string): Promise<EopSenders> {
  const expansion = await expandSpf(include, dns);
  const senders: EopSenders = {
    include,
    networks: simplifyNetworks(expansion.passNetworks).map((network) => network.cidr),
    complete: expansion.complete && expansion.root.status === 'ok',
  };
  const failed = expansion.problems.find((problem) => problem.kind === 'dns-failed');
  if (expansion.root.failure) {
    senders.failure = dnsFailureMessage(expansion.root.failure, dns);
  } else if (failed) {
    senders.failure = spfProblemMessage(failed, dns);
  } else if (expansion.root.status === 'none') {
    senders.failure = msg('dnsLive.eop.noRecord', { include });
  }
  return senders;
}

/** Every shared domain once, in the order written (a duplicate is an offline finding). */
function uniqueDomains(domains: readonly DomainSpec[]): DomainSpec[] {
  const seen = new Set<string>();
  return domains.filter((domain) => !seen.has(domain.name) && seen.add(domain.name));
}

/** True when nothing at all was answered: the resolvers are the problem, not the records. */
function nothingAnswered(state: DnsState): boolean {
  return (
    state.mailcowHost.outcome === 'failed' &&
    state.eopSenders.failure !== undefined &&
    state.eopSenders.networks.length === 0 &&
    state.domains.every(
      (domain) => domain.mx.outcome === 'failed' && domain.spf.status === 'failed',
    )
  );
}

const DNS_SERVERS_PATH: SpecPath = ['checks', 'dnsServers'];

/**
 * Reads, for every shared domain, its MX records with their targets' addresses and its SPF
 * record followed through includes and redirects; then the cloud's SPF include (the addresses
 * EOP sends from), mailcow's host name and the spec's smart hosts, for the rules across systems.
 */
export async function readDnsState(session: LiveSession): Promise<LiveRead<DnsState>> {
  const { spec, locator } = session;
  let dns: DnsLookup;
  try {
    dns = sessionDnsLookup(session);
  } catch (error) {
    if (!(error instanceof DnsServerError)) {
      throw error;
    }
    return {
      ok: false,
      reason: error.message,
      findings: [
        findingAt(
          locator,
          'dns-lookup-failed',
          DNS_SERVERS_PATH,
          'finding.dns-lookup-failed.servers',
          {
            detail: error.message,
          },
        ),
      ],
    };
  }
  const include = CLOUD_PROFILES[spec.exchange.cloud].spfInclude;
  const smartHostNames = [
    ...new Set(
      spec.exchange.outboundConnector.smartHosts
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== '' && ipFamily(host.replace(/^\[(.*)\]$/, '$1')) === undefined),
    ),
  ];
  const [domains, eopSenders, mailcowHost, smartHosts] = await Promise.all([
    Promise.all(uniqueDomains(spec.domains).map((domain) => readDomain(dns, domain.name))),
    readEopSenders(dns, include),
    lookupAddresses(dns, spec.mailcow.hostname),
    Promise.all(smartHostNames.map((host) => lookupAddresses(dns, host))),
  ]);
  const state: DnsState = {
    resolvers: dns.describeServers(),
    domains,
    eopSenders,
    mailcowHost,
    smartHosts,
  };
  if (nothingAnswered(state)) {
    const reason = msg('dnsLive.unreadable', {
      servers: state.resolvers,
      detail: state.mailcowHost.failure ?? '',
    });
    return {
      ok: false,
      reason,
      findings: [
        findingAt(
          locator,
          'dns-lookup-failed',
          DNS_SERVERS_PATH,
          'finding.dns-lookup-failed.servers',
          {
            detail: reason,
          },
        ),
      ],
    };
  }
  return { ok: true, state };
}

function describeMx(records: readonly MxRecord[]): string {
  return records
    .map((record) => `${record.priority} ${record.exchange === '' ? '.' : record.exchange}`)
    .join(', ');
}

function mxLiveValue(mx: MxLookup): string {
  switch (mx.outcome) {
    case 'records':
      return describeMx(mx.records);
    case 'failed':
      return msg('dnsLive.value.failed');
    case 'nxdomain':
      return msg('dnsLive.value.nxdomain');
    case 'nodata':
      return msg('dnsLive.value.none');
  }
}

/** The record with the cloud's include added before its `all` term (or at the end). */
function suggestedSpf(record: string | undefined, include: string): string {
  const term = `include:${include}`;
  if (!record) {
    return `v=spf1 ${term} -all`;
  }
  const parts = record.trim().split(/\s+/);
  const allIndex = parts.findIndex((part) => /^[-+~?]?all$/i.test(part));
  const redirectIndex = parts.findIndex((part) => /^redirect=/i.test(part));
  const at = allIndex >= 0 ? allIndex : redirectIndex >= 0 ? redirectIndex : parts.length;
  parts.splice(at, 0, term);
  return parts.join(' ');
}

function checkMx(
  session: LiveSession,
  domain: DomainSpec,
  state: DnsDomainState,
  findings: Finding[],
): void {
  const { locator, spec } = session;
  const gateway = spec.exchange.gateway.trim().replace(/\.$/, '').toLowerCase();
  const expected = `0 ${gateway}`;
  const args = { domain: domain.name, gateway, expected };
  const mx = state.mx;
  if (mx.outcome === 'failed') {
    findings.push(
      findingAt(locator, 'dns-lookup-failed', domain.path, 'finding.dns-lookup-failed', {
        ...args,
        what: 'MX',
        detail: mx.failure,
      }),
    );
    return;
  }
  const real = mx.records.filter((record) => record.exchange !== '');
  if (real.length === 0) {
    const variant =
      mx.records.length > 0
        ? 'finding.mx-missing.null'
        : mx.outcome === 'nxdomain'
          ? 'finding.mx-missing.nxdomain'
          : 'finding.mx-missing';
    findings.push(findingAt(locator, 'mx-missing', domain.path, variant, args));
    return;
  }
  const gatewayRecords = real.filter((record) => record.exchange === gateway);
  if (gatewayRecords.length === 0) {
    findings.push(
      findingAt(locator, 'mx-not-gateway', domain.path, 'finding.mx-not-gateway', {
        ...args,
        found: describeMx(real),
      }),
    );
  } else {
    const best = Math.min(...gatewayRecords.map((record) => record.priority));
    for (const extra of real.filter((record) => record.exchange !== gateway)) {
      // A record that senders prefer to the gateway, or rank with it, takes a share of all mail;
      // a worse one is used only when EOP does not answer, or by senders that pick it on purpose.
      const preferred = extra.priority <= best;
      findings.push(
        findingAt(
          locator,
          'mx-extra',
          domain.path,
          preferred ? 'finding.mx-extra.preferred' : 'finding.mx-extra',
          { ...args, extra: `${extra.priority} ${extra.exchange}`, gatewayPriority: best },
          preferred ? { severity: 'error' } : {},
        ),
      );
    }
  }
  for (const target of state.mxTargets) {
    if (target.outcome === 'failed') {
      findings.push(
        findingAt(locator, 'dns-lookup-failed', domain.path, 'finding.dns-lookup-failed.target', {
          ...args,
          target: target.host,
          detail: target.failure,
        }),
      );
    } else if (target.outcome === 'none') {
      findings.push(
        findingAt(
          locator,
          'mx-target-unresolvable',
          domain.path,
          'finding.mx-target-unresolvable',
          { ...args, target: target.host },
          // An unresolvable extra record only fails over badly; an unresolvable gateway is fatal.
          target.host === gateway ? {} : { severity: 'warning' },
        ),
      );
    }
  }
}

function checkSpf(
  session: LiveSession,
  domain: DomainSpec,
  state: DnsDomainState,
  findings: Finding[],
): void {
  const { locator, spec } = session;
  const include = CLOUD_PROFILES[spec.exchange.cloud].spfInclude;
  const spf = state.spf;
  const args = {
    domain: domain.name,
    include,
    record: spf.record ?? '',
    suggested: suggestedSpf(spf.record, include),
  };
  switch (spf.status) {
    case 'failed':
      findings.push(
        findingAt(locator, 'dns-lookup-failed', domain.path, 'finding.dns-lookup-failed', {
          ...args,
          what: 'SPF (TXT)',
          detail: spf.failure,
        }),
      );
      return;
    case 'none':
      findings.push(findingAt(locator, 'spf-missing', domain.path, 'finding.spf-missing', args));
      return;
    case 'multiple':
      findings.push(
        findingAt(
          locator,
          'spf-no-eop-include',
          domain.path,
          'finding.spf-no-eop-include.multiple',
          {
            ...args,
            records: spf.records.map((record) => `"${record}"`).join(', '),
          },
        ),
      );
      return;
    case 'syntax':
      findings.push(
        findingAt(locator, 'spf-no-eop-include', domain.path, 'finding.spf-no-eop-include.broken', {
          ...args,
          problem: spf.problems[0]?.message ?? '',
        }),
      );
      return;
    case 'ok':
      break;
  }
  if (spf.includes.includes(include)) {
    return;
  }
  // An include that could not be followed may hide the cloud's include one level down; that is
  // a failed read, not proof of absence.
  const unanswered = spf.problems.filter((problem) => problem.kind === 'dns-failed');
  const sentences = spf.problems.map((problem) => problem.message).join(' ');
  findings.push(
    unanswered.length > 0
      ? findingAt(
          locator,
          'dns-lookup-failed',
          domain.path,
          'finding.dns-lookup-failed.spfInclude',
          {
            ...args,
            detail: unanswered.map((problem) => problem.message).join(' '),
          },
        )
      : findingAt(locator, 'spf-no-eop-include', domain.path, 'finding.spf-no-eop-include', {
          ...args,
          problems: sentences === '' ? '' : ` ${sentences}`,
        }),
  );
}

/**
 * Judges each shared domain's DNS: MX must be the single gateway record, its targets must
 * resolve, and SPF must reach the cloud's include. Lookups that got no answer become
 * `dns-lookup-failed`, never a missing record.
 */
export function checkDnsState(session: LiveSession, state: DnsState): LiveCheckResult {
  const findings: Finding[] = [];
  const liveValues: LiveValueMap = new Map();
  const byName = new Map(state.domains.map((domain) => [domain.domain, domain]));
  for (const domain of uniqueDomains(session.spec.domains)) {
    const read = byName.get(domain.name);
    if (!read) {
      continue;
    }
    const start = findings.length;
    checkMx(session, domain, read, findings);
    const mxEnd = findings.length;
    checkSpf(session, domain, read, findings);
    liveValues.set(NodeIds.dnsMx(domain.name), {
      value: mxLiveValue(read.mx),
      drift: mxEnd > start,
    });
    liveValues.set(NodeIds.dnsSpf(domain.name), {
      value:
        read.spf.status === 'failed'
          ? msg('dnsLive.value.failed')
          : (read.spf.record ?? msg('dnsLive.value.none')),
      drift: findings.length > mxEnd,
    });
  }
  return { findings, liveValues };
}

/** The DNS system of the live check: MX and SPF of the shared domains, read-only (no steps). */
export const dnsLiveModule: LiveSystemModule<DnsState> = {
  system: 'dns',
  applies: (session) => session.spec.domains.length > 0,
  read: readDnsState,
  check: (session, state) => checkDnsState(session, state),
};
