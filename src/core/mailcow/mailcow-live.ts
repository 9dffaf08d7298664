import type { DnsState } from '../dns/dns-live';
import type { FindingCode } from '../findings/codes';
import type { Finding, FindingFix } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import type {
  LiveCheckResult,
  LiveRead,
  LiveReadFailure,
  LiveSession,
  LiveSnapshot,
  LiveSystemModule,
  LiveValueMap,
} from '../live/live-system';
import { msg } from '../messages/catalogue';
import type { MessageArgs, MessageId } from '../messages/catalogue';
import { canonicalHost } from '../net/host-names';
import type { DomainSpec, SpecPath } from '../spec/model';
import { NodeIds } from '../tree/node-ids';
import {
  RELAY_FLAG_KEYS,
  effectiveRelayFlags,
  forwardingEntriesFor,
  gatewayRelayhost,
  mailcowDomainName,
  matchingRelayhosts,
  relayFlagDrift,
  usesRelayhost,
} from './mailcow-compare';
import type { IncludeNow } from './mailcow-compare';
import type { MailcowError } from './mailcow-error';
import { mailcowApiKey, mailcowClientFor, usableMailcowUrl } from './mailcow-session';
import type { MailcowState } from './mailcow-state';
import { readMailcowState } from './mailcow-state';
import { RELAY_FLAG_LABELS, createMailcowSteps, flagWords, uniqueDomains } from './mailcow-steps';
import type { MailcowDomain, MailcowRelayhost } from './mailcow-types';

/** What the live check read from mailcow, and whether the key may change anything. */
export interface MailcowLiveState extends MailcowState {
  /** False for a read-only key; undefined when mailcow's answer did not tell. */
  writable: boolean | undefined;
}

const URL_PATH: SpecPath = ['mailcow', 'url'];
const KEY_PATH: SpecPath = ['mailcow', 'apiKey'];
const RELAYHOST_PATH: SpecPath = ['mailcow', 'relayhost'];
const FWDHOSTS_PATH: SpecPath = ['mailcow', 'forwardingHosts'];

function unreadable(
  session: LiveSession,
  code: FindingCode,
  path: SpecPath,
  messageId: MessageId,
  args: MessageArgs,
): LiveReadFailure {
  const finding = findingAt(session.locator, code, path, messageId, args);
  return {
    ok: false,
    findings: [finding],
    reason: msg('mailcow.live.unreadable', { reason: finding.message }),
  };
}

/** The sentence for a key that the host could not give, by the kind of reference. */
function missingKey(session: LiveSession): LiveReadFailure {
  const { apiKey, origin } = session.spec.mailcow;
  const hint = apiKey ? session.host.explainMissingSecret?.(apiKey) : undefined;
  if (hint) {
    return unreadable(
      session,
      'mailcow-auth-failed',
      KEY_PATH,
      'finding.mailcow-auth-failed.unavailable',
      { reason: hint },
    );
  }
  if (!apiKey) {
    return unreadable(
      session,
      'mailcow-auth-failed',
      KEY_PATH,
      'finding.mailcow-auth-failed.noRef',
      {},
    );
  }
  switch (apiKey.kind) {
    case 'secret':
      return unreadable(
        session,
        'mailcow-auth-failed',
        KEY_PATH,
        'finding.mailcow-auth-failed.noSecret',
        {
          name: apiKey.name,
          origin,
        },
      );
    case 'env':
      return unreadable(
        session,
        'mailcow-auth-failed',
        KEY_PATH,
        'finding.mailcow-auth-failed.noEnv',
        {
          name: apiKey.name,
        },
      );
    case 'inline':
      return unreadable(
        session,
        'mailcow-auth-failed',
        KEY_PATH,
        'finding.mailcow-auth-failed.inline',
        {},
      );
  }
}

/** Places an API failure on the spec node that leads to it. */
function failureFinding(session: LiveSession, error: MailcowError): LiveReadFailure {
  switch (error.kind) {
    case 'auth-failed':
    case 'backed-off':
      return unreadable(session, 'mailcow-auth-failed', KEY_PATH, 'finding.mailcow-auth-failed', {
        reason: error.message,
      });
    case 'ip-not-allowed':
      return unreadable(
        session,
        'mailcow-ip-not-allowed',
        KEY_PATH,
        'finding.mailcow-ip-not-allowed',
        {
          address: error.deniedAddress ?? '?',
        },
      );
    default: {
      const onCaFile = error.reason === 'ca-file' && session.locator.has(['mailcow', 'caFile']);
      return unreadable(
        session,
        'mailcow-unreachable',
        onCaFile ? ['mailcow', 'caFile'] : URL_PATH,
        'finding.mailcow-unreachable',
        { reason: error.message },
      );
    }
  }
}

/**
 * Reads mailcow: the key first (nothing is sent without one), then domains, relayhosts,
 * forwarding hosts and mailboxes with one request each, then whether the key may write.
 */
async function readMailcow(session: LiveSession): Promise<LiveRead<MailcowLiveState>> {
  const key = await mailcowApiKey(session);
  if (!key) {
    return missingKey(session);
  }
  const client = mailcowClientFor(session);
  const read = await readMailcowState(client);
  if (!read.ok) {
    return failureFinding(session, read.error);
  }
  session.host.logger.debug(
    'mailcow: asking whether the key may write, with an edit of no domain (it changes nothing)',
  );
  const access = await client.canWrite();
  if (!access.ok) {
    session.host.logger.warn(
      `mailcow: could not tell whether the key may write: ${access.error.message}`,
    );
  }
  return { ok: true, state: { ...read.value, writable: access.ok ? access.value : undefined } };
}

function relayhostText(relayhost: MailcowRelayhost): string {
  return msg(
    relayhost.active ? 'mailcow.live.value.relayhostId' : 'mailcow.live.value.relayhostOff',
    {
      hostname: relayhost.hostname,
      id: relayhost.id,
    },
  );
}

/**
 * Compares what mailcow holds with the spec, one part of the recipe per method; the steps fix
 * exactly what this reports. Every node that was read gets a live value, matching or not.
 */
class MailcowComparison {
  readonly findings: Finding[] = [];
  readonly liveValues: LiveValueMap = new Map();
  private readonly none = msg('mailcow.live.value.none');
  private readonly relayhost: string;

  constructor(
    private readonly session: LiveSession,
    private readonly state: MailcowLiveState,
  ) {
    this.relayhost = session.spec.mailcow.relayhost;
  }

  run(): LiveCheckResult {
    this.account();
    this.relayhostEntry();
    const byName = new Map(this.state.domains.map((domain) => [domain.name, domain]));
    for (const domain of uniqueDomains(this.session.spec.domains)) {
      this.mailboxes(domain);
      const live = byName.get(mailcowDomainName(domain.name));
      if (live) {
        this.relayFlags(domain, live);
        this.transport(domain, live);
      } else {
        this.missingDomain(domain);
      }
    }
    this.forwardingHosts();
    return { findings: this.findings, liveValues: this.liveValues };
  }

  /** A step fix, unless the key is read-only and no step could run. */
  private fix(fix: FindingFix): { fixes?: FindingFix[] } {
    return this.state.writable === false ? {} : { fixes: [fix] };
  }

  private add(
    code: FindingCode,
    path: SpecPath,
    messageId: MessageId,
    args: MessageArgs,
    options: { fixes?: FindingFix[] } = {},
  ): void {
    this.findings.push(findingAt(this.session.locator, code, path, messageId, args, options));
  }

  private account(): void {
    const readOnly = this.state.writable === false;
    this.liveValues.set(NodeIds.mailcow, {
      value: msg('mailcow.live.value.account', {
        url: this.session.spec.mailcow.url,
        access: msg(readOnly ? 'mailcow.live.value.readOnly' : 'mailcow.live.value.readWrite'),
      }),
      drift: readOnly,
    });
    if (readOnly) {
      this.add('mailcow-key-read-only', KEY_PATH, 'finding.mailcow-key-read-only', {});
    }
  }

  private relayhostEntry(): void {
    const { relayhost, none } = this;
    const relayhosts = this.state.relayhosts;
    const matching = matchingRelayhosts(relayhosts, relayhost);
    this.liveValues.set(NodeIds.relayhost, {
      value: matching.length > 0 ? matching.map(relayhostText).join(', ') : none,
      drift: matching.length !== 1,
    });
    if (matching.length === 0) {
      this.add(
        'mailcow-relayhost-missing',
        RELAYHOST_PATH,
        'finding.mailcow-relayhost-missing',
        {
          relayhost,
          actual: relayhosts.length > 0 ? relayhosts.map(relayhostText).join(', ') : none,
        },
        this.fix({
          kind: 'step',
          title: msg('fix.step.mailcow-relayhost', { relayhost }),
          stepId: 'mailcow-relayhost',
        }),
      );
    } else if (matching.length > 1) {
      this.add(
        'mailcow-relayhost-duplicate',
        RELAYHOST_PATH,
        'finding.mailcow-relayhost-duplicate',
        {
          relayhost,
          count: matching.length,
          ids: matching.map((item) => item.id).join(', '),
        },
      );
    }
  }

  private missingDomain(domain: DomainSpec): void {
    this.liveValues.set(NodeIds.mailcowDomain(domain.name), {
      value: msg('mailcow.live.value.missing'),
      drift: true,
    });
    this.add(
      'mailcow-domain-missing',
      domain.path,
      'finding.mailcow-domain-missing',
      { domain: domain.name },
      this.fix({
        kind: 'step',
        title: msg('fix.step.mailcow-domain', { domain: domain.name }),
        stepId: 'mailcow-domain',
        domain: domain.name,
      }),
    );
  }

  private mailboxes(domain: DomainSpec): void {
    const present = new Set(this.state.mailboxes.map((mailbox) => mailbox.username));
    domain.mailboxes.forEach((address, index) => {
      const found = present.has(address.toLowerCase());
      this.liveValues.set(NodeIds.mailbox(domain.name, address), {
        value: msg(found ? 'tree.value.onMailcow' : 'mailcow.live.value.missing'),
        drift: !found,
      });
      if (!found) {
        this.add(
          'mailcow-mailbox-missing',
          [...domain.path, 'mailboxes', index],
          'finding.mailcow-mailbox-missing',
          { address },
        );
      }
    });
  }

  private transportFix(domain: DomainSpec): { fixes?: FindingFix[] } {
    return this.fix({
      kind: 'step',
      title: msg('fix.step.mailcow-transport', { domain: domain.name, relayhost: this.relayhost }),
      stepId: 'mailcow-transport',
      domain: domain.name,
    });
  }

  private relayFlags(domain: DomainSpec, live: MailcowDomain): void {
    this.liveValues.set(NodeIds.mailcowDomain(domain.name), {
      value: msg('mailcow.live.value.present'),
      drift: false,
    });
    const effective = effectiveRelayFlags(domain.relay);
    const drift = relayFlagDrift(live, domain.relay);
    for (const key of RELAY_FLAG_KEYS) {
      this.liveValues.set(NodeIds.relayFlag(domain.name, key), {
        value: msg(live.relay[key] ? 'tree.value.on' : 'tree.value.off'),
        drift: drift.includes(key),
      });
    }
    if (drift.length === 0) {
      return;
    }
    const onOff = (value: boolean): string => msg(value ? 'mailcow.live.on' : 'mailcow.live.off');
    const items = drift.map((key) =>
      msg('finding.mailcow-relay-flags-drift.item', {
        flag: msg(RELAY_FLAG_LABELS[key]),
        actual: onOff(live.relay[key]),
        desired: onOff(effective[key]),
      }),
    );
    const coupled = RELAY_FLAG_KEYS.some((key) => effective[key] !== domain.relay[key])
      ? msg('finding.mailcow-relay-flags-drift.coupled', { effective: flagWords(effective) })
      : '';
    this.add(
      'mailcow-relay-flags-drift',
      [...domain.path, 'relay'],
      'finding.mailcow-relay-flags-drift',
      { domain: domain.name, differences: items.join('; ') + coupled },
      this.transportFix(domain),
    );
  }

  private transport(domain: DomainSpec, live: MailcowDomain): void {
    const { relayhost } = this;
    const relayhosts = this.state.relayhosts;
    const used = relayhosts.find((item) => item.id === live.relayhostId);
    const actual =
      live.relayhostId === 0
        ? this.none
        : used
          ? relayhostText(used)
          : msg('mailcow.live.value.unknownRelayhost', { id: live.relayhostId });
    const routed = usesRelayhost(live, relayhosts, relayhost);
    this.liveValues.set(NodeIds.transport(domain.name), { value: actual, drift: !routed });
    if (routed) {
      return;
    }
    this.add(
      'mailcow-transport-not-set',
      domain.path,
      gatewayRelayhost(relayhosts, relayhost)
        ? 'finding.mailcow-transport-not-set'
        : 'finding.mailcow-transport-not-set.noRelayhost',
      { domain: domain.name, actual, relayhost },
      this.transportFix(domain),
    );
  }

  /** By source (a name mailcow resolved) and by address (a literal written in the spec). */
  private forwardingHosts(): void {
    const { locator, spec } = this.session;
    const fwdhosts = this.state.fwdhosts;
    const sources = [...new Set(fwdhosts.map((entry) => entry.source))];
    const seen = new Set<string>();
    let missing = 0;
    spec.mailcow.forwardingHosts.forEach((host, index) => {
      const key = canonicalHost(host);
      if (key === '' || seen.has(key)) {
        return;
      }
      seen.add(key);
      const entries = forwardingEntriesFor(fwdhosts, host);
      this.liveValues.set(NodeIds.forwardingHost(host), {
        value:
          entries.length > 0
            ? entries.map((entry) => entry.host).join(', ')
            : msg('mailcow.live.value.missing'),
        drift: entries.length === 0,
      });
      if (entries.length > 0) {
        return;
      }
      missing += 1;
      const item = [...FWDHOSTS_PATH, index];
      this.add(
        'mailcow-fwdhost-missing',
        locator.has(item) ? item : FWDHOSTS_PATH,
        'finding.mailcow-fwdhost-missing',
        { host, actual: sources.length > 0 ? sources.join(', ') : this.none },
        this.fix({
          kind: 'step',
          title: msg('fix.step.mailcow-fwdhosts'),
          stepId: 'mailcow-fwdhosts',
        }),
      );
    });
    this.liveValues.set(NodeIds.forwardingHosts, {
      value:
        fwdhosts.length > 0
          ? msg('mailcow.live.value.hostCount', {
              count: fwdhosts.length,
              sources: sources.join(', '),
            })
          : this.none,
      drift: missing > 0,
    });
  }
}

/** What the DNS check found the cloud's SPF include to hold now, when DNS was read. */
function eopSendersOf(snapshot: LiveSnapshot): IncludeNow | undefined {
  const dns = snapshot.dns;
  if (!dns?.ok) {
    return undefined;
  }
  const { include, networks, complete } = (dns.state as DnsState).eopSenders;
  return { include, networks, complete };
}

/**
 * mailcow as a live system: reads it with the spec's URL, key, CA file and the host's proxy,
 * compares domains, relay flags, relayhost, transports, forwarding hosts and mailboxes with the
 * spec, and owns the four mailcow steps of the recipe.
 */
export const mailcowLiveModule: LiveSystemModule<MailcowLiveState> = {
  system: 'mailcow',
  applies: (session) => usableMailcowUrl(session.spec.mailcow.url),
  read: readMailcow,
  check: (session, state) => new MailcowComparison(session, state).run(),
  steps: (session, state, snapshot) => {
    // A read-only key can change nothing: no step is offered, and `mailcow-key-read-only` says
    // why, so neither the editor nor `apply` sends a write that mailcow would refuse.
    if (state.writable === false) {
      return [];
    }
    const includeNow = eopSendersOf(snapshot);
    return createMailcowSteps(session, state, includeNow ? { includeNow } : {});
  },
};
