import type { FindingCode } from '../findings/codes';
import type { Finding, FindingFix } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import type {
  LiveCheckResult,
  LiveRead,
  LiveReadFailure,
  LiveSession,
  LiveSystemModule,
  LiveValueMap,
} from '../live/live-system';
import { msg } from '../messages/catalogue';
import type { MessageArgs, MessageId } from '../messages/catalogue';
import { canonicalHost } from '../net/host-names';
import type { SpecPath } from '../spec/model';
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
import type { MailcowError } from './mailcow-error';
import { mailcowApiKey, mailcowClientFor, usableMailcowUrl } from './mailcow-session';
import type { MailcowState } from './mailcow-state';
import { readMailcowState } from './mailcow-state';
import { RELAY_FLAG_LABELS, createMailcowSteps, flagWords, uniqueDomains } from './mailcow-steps';
import type { MailcowRelayhost } from './mailcow-types';

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
  const access = await client.canWrite();
  if (!access.ok) {
    session.host.logger.warn(
      `mailcow: could not tell whether the key may write: ${access.error.message}`,
    );
  }
  return { ok: true, state: { ...read.value, writable: access.ok ? access.value : undefined } };
}

function relayhostText(relayhost: MailcowRelayhost): string {
  return msg('mailcow.live.value.relayhostId', { hostname: relayhost.hostname, id: relayhost.id });
}

/** Compares what mailcow holds with the spec; the steps fix exactly what this reports. */
function checkMailcow(session: LiveSession, state: MailcowLiveState): LiveCheckResult {
  const { spec, locator } = session;
  const findings: Finding[] = [];
  const liveValues: LiveValueMap = new Map();
  const canFix = state.writable !== false;
  const stepFix = (fix: FindingFix): { fixes?: FindingFix[] } => (canFix ? { fixes: [fix] } : {});
  const relayhost = spec.mailcow.relayhost;
  const none = msg('mailcow.live.value.none');

  liveValues.set(NodeIds.mailcow, {
    value: msg('mailcow.live.value.account', {
      url: spec.mailcow.url,
      access: msg(
        state.writable === false ? 'mailcow.live.value.readOnly' : 'mailcow.live.value.readWrite',
      ),
    }),
    drift: state.writable === false,
  });
  if (state.writable === false) {
    findings.push(
      findingAt(locator, 'mailcow-key-read-only', KEY_PATH, 'finding.mailcow-key-read-only'),
    );
  }

  // The relayhost.
  const matching = matchingRelayhosts(state.relayhosts, relayhost);
  const gateway = gatewayRelayhost(state.relayhosts, relayhost);
  liveValues.set(NodeIds.relayhost, {
    value: matching.length > 0 ? matching.map(relayhostText).join(', ') : none,
    drift: matching.length !== 1,
  });
  if (matching.length === 0) {
    findings.push(
      findingAt(
        locator,
        'mailcow-relayhost-missing',
        RELAYHOST_PATH,
        'finding.mailcow-relayhost-missing',
        {
          relayhost,
          actual:
            state.relayhosts.length > 0 ? state.relayhosts.map(relayhostText).join(', ') : none,
        },
        stepFix({
          kind: 'step',
          title: msg('fix.step.mailcow-relayhost', { relayhost }),
          stepId: 'mailcow-relayhost',
        }),
      ),
    );
  } else if (matching.length > 1) {
    findings.push(
      findingAt(
        locator,
        'mailcow-relayhost-duplicate',
        RELAYHOST_PATH,
        'finding.mailcow-relayhost-duplicate',
        {
          relayhost,
          count: matching.length,
          ids: matching.map((item) => item.id).join(', '),
        },
      ),
    );
  }

  // The domains, their relay flags, transport and mailboxes.
  const byName = new Map(state.domains.map((domain) => [domain.name, domain]));
  const mailboxes = new Set(state.mailboxes.map((mailbox) => mailbox.username));
  for (const domain of uniqueDomains(spec.domains)) {
    const live = byName.get(mailcowDomainName(domain.name));
    const transportFix = stepFix({
      kind: 'step',
      title: msg('fix.step.mailcow-transport', { domain: domain.name, relayhost }),
      stepId: 'mailcow-transport',
      domain: domain.name,
    });
    liveValues.set(NodeIds.mailcowDomain(domain.name), {
      value: msg(live ? 'mailcow.live.value.present' : 'mailcow.live.value.missing'),
      drift: !live,
    });
    domain.mailboxes.forEach((address, index) => {
      const present = mailboxes.has(address.toLowerCase());
      liveValues.set(NodeIds.mailbox(domain.name, address), {
        value: msg(present ? 'tree.value.onMailcow' : 'mailcow.live.value.missing'),
        drift: !present,
      });
      if (!present) {
        findings.push(
          findingAt(
            locator,
            'mailcow-mailbox-missing',
            [...domain.path, 'mailboxes', index],
            'finding.mailcow-mailbox-missing',
            {
              address,
            },
          ),
        );
      }
    });
    if (!live) {
      findings.push(
        findingAt(
          locator,
          'mailcow-domain-missing',
          domain.path,
          'finding.mailcow-domain-missing',
          { domain: domain.name },
          stepFix({
            kind: 'step',
            title: msg('fix.step.mailcow-domain', { domain: domain.name }),
            stepId: 'mailcow-domain',
            domain: domain.name,
          }),
        ),
      );
      continue;
    }

    const effective = effectiveRelayFlags(domain.relay);
    const drift = relayFlagDrift(live, domain.relay);
    for (const key of RELAY_FLAG_KEYS) {
      liveValues.set(NodeIds.relayFlag(domain.name, key), {
        value: msg(live.relay[key] ? 'tree.value.on' : 'tree.value.off'),
        drift: drift.includes(key),
      });
    }
    if (drift.length > 0) {
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
      findings.push(
        findingAt(
          locator,
          'mailcow-relay-flags-drift',
          [...domain.path, 'relay'],
          'finding.mailcow-relay-flags-drift',
          { domain: domain.name, differences: items.join('; ') + coupled },
          transportFix,
        ),
      );
    }

    const used = state.relayhosts.find((item) => item.id === live.relayhostId);
    const actual =
      live.relayhostId === 0
        ? none
        : used
          ? relayhostText(used)
          : msg('mailcow.live.value.unknownRelayhost', { id: live.relayhostId });
    const routed = usesRelayhost(live, state.relayhosts, relayhost);
    liveValues.set(NodeIds.transport(domain.name), { value: actual, drift: !routed });
    if (!routed) {
      findings.push(
        findingAt(
          locator,
          'mailcow-transport-not-set',
          domain.path,
          gateway
            ? 'finding.mailcow-transport-not-set'
            : 'finding.mailcow-transport-not-set.noRelayhost',
          { domain: domain.name, actual, relayhost },
          transportFix,
        ),
      );
    }
  }

  // The forwarding hosts: by source (a resolved name) and by address (a literal in the spec).
  const seen = new Set<string>();
  const missing: string[] = [];
  spec.mailcow.forwardingHosts.forEach((host, index) => {
    const key = canonicalHost(host);
    if (key === '' || seen.has(key)) {
      return;
    }
    seen.add(key);
    const entries = forwardingEntriesFor(state.fwdhosts, host);
    liveValues.set(NodeIds.forwardingHost(host), {
      value:
        entries.length > 0
          ? entries.map((entry) => entry.host).join(', ')
          : msg('mailcow.live.value.missing'),
      drift: entries.length === 0,
    });
    if (entries.length === 0) {
      missing.push(host);
      const path = locator.has([...FWDHOSTS_PATH, index])
        ? [...FWDHOSTS_PATH, index]
        : FWDHOSTS_PATH;
      const sources = [...new Set(state.fwdhosts.map((entry) => entry.source))];
      findings.push(
        findingAt(
          locator,
          'mailcow-fwdhost-missing',
          path,
          'finding.mailcow-fwdhost-missing',
          {
            host,
            actual: sources.length > 0 ? sources.join(', ') : none,
          },
          stepFix({
            kind: 'step',
            title: msg('fix.step.mailcow-fwdhosts'),
            stepId: 'mailcow-fwdhosts',
          }),
        ),
      );
    }
  });
  const sources = [...new Set(state.fwdhosts.map((entry) => entry.source))];
  liveValues.set(NodeIds.forwardingHosts, {
    value:
      state.fwdhosts.length > 0
        ? msg('mailcow.live.value.hostCount', {
            count: state.fwdhosts.length,
            sources: sources.join(', '),
          })
        : none,
    drift: missing.length > 0,
  });

  return { findings, liveValues };
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
  check: (session, state) => checkMailcow(session, state),
  steps: (session, state) => createMailcowSteps(session, state),
};
