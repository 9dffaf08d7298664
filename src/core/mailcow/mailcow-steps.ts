import type { LiveSession } from '../live/live-system';
import { msg } from '../messages/catalogue';
import type { SetupStep, StepOutcome, StepPreview } from '../plan/step';
import type { DomainSpec, RelayFlags } from '../spec/model';
import type { AddDomainOptions, MailcowClient } from './mailcow-client';
import { addDomainBody, editDomainBody } from './mailcow-client';
import {
  RELAY_FLAG_KEYS,
  effectiveRelayFlags,
  forwardingEntriesFor,
  gatewayRelayhost,
  mailcowDomainName,
  matchingRelayhosts,
  missingForwardingHosts,
  relayFlagDrift,
  staleForwardingHosts,
  uncoveredNetworks,
  usesRelayhost,
} from './mailcow-compare';
import type { IncludeNow } from './mailcow-compare';
import type { MailcowError } from './mailcow-error';
import { mailcowClientFor } from './mailcow-session';
import type { MailcowState } from './mailcow-state';

/** Choices for domains the steps add; the spec does not hold them. */
export interface MailcowDomainChoices {
  /** Quotas in MiB; mailcow's domain template decides what is left out. */
  quotaMiB?: number;
  maxMailboxQuotaMiB?: number;
  defaultMailboxQuotaMiB?: number;
  /** A DKIM key is generated only when asked for. */
  dkim?: { selector: string; keySize: number };
}

export interface MailcowStepOptions {
  domain?: MailcowDomainChoices;
  /**
   * What the cloud's SPF include resolves to now, when DNS was read in the same check; without
   * it stale forwarding hosts cannot be told and are not added again.
   */
  includeNow?: IncludeNow;
}

const API = '/api/v1';

const failedWith = (title: string, error: MailcowError): StepOutcome => ({
  status: 'failed',
  message: msg('step.failed', { title, reason: error.message }),
});

const readBackFailed = (title: string, error: MailcowError): StepOutcome => ({
  status: 'failed',
  message: msg('step.readBackFailed', { title, reason: error.message }),
});

export const RELAY_FLAG_LABELS = {
  domain: 'mailcow.live.flag.domain',
  allRecipients: 'mailcow.live.flag.allRecipients',
  unknownOnly: 'mailcow.live.flag.unknownOnly',
} as const;

/** "Relay this domain on, Relay all recipients on, …" */
export function flagWords(flags: RelayFlags): string {
  return RELAY_FLAG_KEYS.map(
    (key) =>
      `${msg(RELAY_FLAG_LABELS[key])} ${msg(flags[key] ? 'mailcow.live.on' : 'mailcow.live.off')}`,
  ).join(', ');
}

/** Adds one shared domain. DKIM stays off unless chosen, and SOGo is not restarted. */
class AddDomainStep implements SetupStep {
  readonly id = 'mailcow-domain' as const;
  readonly system = 'mailcow' as const;
  readonly title: string;
  private readonly options: AddDomainOptions;

  constructor(
    private readonly client: MailcowClient,
    readonly domain: string,
    readonly needed: boolean,
    choices: MailcowDomainChoices,
  ) {
    this.title = msg('step.mailcow-domain.title', { domain });
    this.options = {
      domain,
      quotaMiB: choices.quotaMiB,
      maxMailboxQuotaMiB: choices.maxMailboxQuotaMiB,
      defaultMailboxQuotaMiB: choices.defaultMailboxQuotaMiB,
      dkim: choices.dkim,
    };
  }

  preview(): StepPreview {
    const dkim = this.options.dkim
      ? msg('step.mailcow-domain.dkim', {
          keySize: this.options.dkim.keySize,
          selector: this.options.dkim.selector,
        })
      : msg('step.mailcow-domain.noDkim');
    return {
      summary: msg('step.mailcow-domain.summary', { domain: this.domain, dkim }),
      // The body holds no secret: a domain name, quotas and DKIM choices.
      requests: [{ action: `POST ${API}/add/domain`, body: addDomainBody(this.options) }],
    };
  }

  async apply(): Promise<StepOutcome> {
    const domain = this.domain;
    if (!this.needed) {
      return { status: 'unchanged', message: msg('step.mailcow-domain.unchanged', { domain }) };
    }
    const added = await this.client.addDomain(this.options);
    const existed = !added.ok && added.error.msgKey === 'domain_exists';
    if (!added.ok && !existed) {
      return failedWith(this.title, added.error);
    }
    const back = await this.client.getDomain(domain);
    if (!back.ok) {
      return readBackFailed(this.title, back.error);
    }
    if (!back.value) {
      return { status: 'failed', message: msg('step.mailcow-domain.notBack', { domain }) };
    }
    return existed
      ? { status: 'unchanged', message: msg('step.mailcow-domain.existed', { domain }) }
      : { status: 'done', message: msg('step.mailcow-domain.done', { domain }) };
  }
}

/**
 * Adds the gateway as relayhost. mailcow allows duplicates and answers without the new id, so
 * the relayhosts are listed before (an identical one means nothing to do) and after (to learn
 * the id and to verify).
 */
class AddRelayhostStep implements SetupStep {
  readonly id = 'mailcow-relayhost' as const;
  readonly system = 'mailcow' as const;
  readonly title: string;

  constructor(
    private readonly client: MailcowClient,
    private readonly relayhost: string,
    readonly needed: boolean,
    private readonly existingId: number | undefined,
  ) {
    this.title = msg('step.mailcow-relayhost.title', { relayhost });
  }

  preview(): StepPreview {
    return {
      summary: msg('step.mailcow-relayhost.summary', { relayhost: this.relayhost }),
      // No credentials are sent: Exchange Online relays for mailcow by its inbound connector.
      requests: [{ action: `POST ${API}/add/relayhost`, body: { hostname: this.relayhost } }],
    };
  }

  async apply(): Promise<StepOutcome> {
    const relayhost = this.relayhost;
    if (!this.needed) {
      return {
        status: 'unchanged',
        message: msg('step.mailcow-relayhost.unchanged', { relayhost, id: this.existingId ?? '?' }),
      };
    }
    const before = await this.client.getRelayhosts();
    if (!before.ok) {
      return failedWith(this.title, before.error);
    }
    const existing = gatewayRelayhost(before.value, relayhost);
    if (existing) {
      return {
        status: 'unchanged',
        message: msg('step.mailcow-relayhost.unchanged', { relayhost, id: existing.id }),
      };
    }
    const added = await this.client.addRelayhost(relayhost);
    if (!added.ok) {
      return failedWith(this.title, added.error);
    }
    const after = await this.client.getRelayhosts();
    if (!after.ok) {
      return readBackFailed(this.title, after.error);
    }
    const known = new Set(before.value.map((item) => item.id));
    const created = matchingRelayhosts(after.value, relayhost).filter(
      (item) => !known.has(item.id),
    );
    const found = created[0] ?? gatewayRelayhost(after.value, relayhost);
    if (!found) {
      return { status: 'failed', message: msg('step.mailcow-relayhost.notBack', { relayhost }) };
    }
    return {
      status: 'done',
      message: msg('step.mailcow-relayhost.done', { relayhost, id: found.id }),
    };
  }
}

/**
 * Adds the spec's forwarding hosts mailcow lacks, and adds again those whose stored addresses
 * no longer cover what they resolve to now (mailcow resolves a name only when it is added, and
 * adding it again overwrites), then reports what mailcow resolved them to.
 */
class AddForwardingHostsStep implements SetupStep {
  readonly id = 'mailcow-fwdhosts' as const;
  readonly system = 'mailcow' as const;
  readonly title = msg('step.mailcow-fwdhosts.title');
  private readonly toAdd: readonly string[];

  /**
   * @param refresh hosts to add again, with the networks they resolve to now; the read-back
   *   must cover every one of those networks.
   */
  constructor(
    private readonly client: MailcowClient,
    private readonly wanted: readonly string[],
    private readonly missing: readonly string[],
    private readonly refresh: { hosts: readonly string[]; networks: readonly string[] } = {
      hosts: [],
      networks: [],
    },
  ) {
    this.toAdd = [...missing, ...refresh.hosts];
  }

  get needed(): boolean {
    return this.toAdd.length > 0;
  }

  preview(): StepPreview {
    const summaries = [];
    if (this.missing.length > 0) {
      summaries.push(msg('step.mailcow-fwdhosts.summary', { hosts: this.missing.join(', ') }));
    }
    if (this.refresh.hosts.length > 0) {
      summaries.push(
        msg('step.mailcow-fwdhosts.summaryRefresh', {
          hosts: this.refresh.hosts.join(', '),
          missing: this.refresh.networks.join(', '),
        }),
      );
    }
    return {
      summary: summaries.join(' '),
      // filter_spam 0: mail from these hosts is never rejected as spam, as the recipe wants
      // for mail that Exchange Online already filtered.
      requests: this.toAdd.map((hostname) => ({
        action: `POST ${API}/add/fwdhost`,
        body: { hostname, filter_spam: 0 },
      })),
    };
  }

  async apply(): Promise<StepOutcome> {
    if (!this.needed) {
      return {
        status: 'unchanged',
        message: msg('step.mailcow-fwdhosts.unchanged', { hosts: this.wanted.join(', ') }),
      };
    }
    const details: string[] = [];
    for (const host of this.toAdd) {
      const added = await this.client.addForwardingHost(host, false);
      if (!added.ok) {
        return { ...failedWith(this.title, added.error), details };
      }
      details.push(
        msg('step.mailcow-fwdhosts.resolved', {
          host,
          addresses: added.value.addresses.join(', '),
        }),
      );
    }
    const back = await this.client.getForwardingHosts();
    if (!back.ok) {
      return { ...readBackFailed(this.title, back.error), details };
    }
    const still = missingForwardingHosts(back.value, this.toAdd);
    if (still.length > 0) {
      return {
        status: 'failed',
        message: msg('step.mailcow-fwdhosts.notBack', { hosts: still.join(', ') }),
        details,
      };
    }
    const uncovered = uncoveredNetworks(back.value, this.refresh.networks);
    if (uncovered.length > 0) {
      // mailcow resolved the name to something else than the check did (another resolver, or
      // the ranges changed in between): adding it again cannot close the gap.
      return {
        status: 'failed',
        message: msg('step.mailcow-fwdhosts.stillUncovered', {
          hosts: this.refresh.hosts.join(', '),
          missing: uncovered.join(', '),
        }),
        details,
      };
    }
    // What mailcow holds now, which may be more than this call added (an address reached
    // through two names keeps the source of the last add).
    const stored = this.toAdd.map((host) =>
      msg('step.mailcow-fwdhosts.resolved', {
        host,
        addresses: forwardingEntriesFor(back.value, host)
          .map((entry) => entry.host)
          .join(', '),
      }),
    );
    return {
      status: 'done',
      message: msg('step.mailcow-fwdhosts.done', { hosts: this.toAdd.join(', ') }),
      details: stored,
    };
  }
}

/**
 * Makes one domain relay through the gateway: the relayhost id and the three relay flags in a
 * single edit, because mailcow couples the flags after merging them with the stored ones. The
 * relayhost id is looked up when the step runs, so it works right after the relayhost step.
 */
class TransportStep implements SetupStep {
  readonly id = 'mailcow-transport' as const;
  readonly system = 'mailcow' as const;
  readonly title: string;

  constructor(
    private readonly client: MailcowClient,
    private readonly spec: DomainSpec,
    private readonly relayhost: string,
    readonly needed: boolean,
    private readonly knownRelayhostId: number | undefined,
  ) {
    this.title = msg('step.mailcow-transport.title', { domain: spec.name });
  }

  get domain(): string {
    return this.spec.name;
  }

  preview(): StepPreview {
    const body = editDomainBody(this.domain, {
      relayhostId: this.knownRelayhostId ?? 0,
      relay: this.spec.relay,
    });
    const attr: Record<string, unknown> = { ...body.attr };
    if (this.knownRelayhostId === undefined) {
      attr.relayhost = msg('step.mailcow-transport.laterId', { relayhost: this.relayhost });
    }
    return {
      summary: msg('step.mailcow-transport.summary', {
        domain: this.domain,
        relayhost: this.relayhost,
        flags: flagWords(effectiveRelayFlags(this.spec.relay)),
      }),
      requests: [{ action: `POST ${API}/edit/domain`, body: { items: body.items, attr } }],
    };
  }

  async apply(): Promise<StepOutcome> {
    const domain = this.domain;
    const relayhost = this.relayhost;
    if (!this.needed) {
      return {
        status: 'unchanged',
        message: msg('step.mailcow-transport.unchanged', { domain, relayhost }),
      };
    }
    const relayhosts = await this.client.getRelayhosts();
    if (!relayhosts.ok) {
      return failedWith(this.title, relayhosts.error);
    }
    const gateway = gatewayRelayhost(relayhosts.value, relayhost);
    if (!gateway) {
      return {
        status: 'failed',
        message: msg('step.mailcow-transport.noRelayhost', { domain, relayhost }),
      };
    }
    const current = await this.client.getDomain(domain);
    if (!current.ok) {
      return failedWith(this.title, current.error);
    }
    if (!current.value) {
      return { status: 'failed', message: msg('step.mailcow-transport.noDomain', { domain }) };
    }
    if (
      usesRelayhost(current.value, relayhosts.value, relayhost) &&
      relayFlagDrift(current.value, this.spec.relay).length === 0
    ) {
      return {
        status: 'unchanged',
        message: msg('step.mailcow-transport.unchanged', { domain, relayhost }),
      };
    }
    const edited = await this.client.editDomain(domain, {
      relayhostId: gateway.id,
      relay: this.spec.relay,
    });
    if (!edited.ok) {
      return failedWith(this.title, edited.error);
    }
    const back = await this.client.getDomain(domain);
    if (!back.ok) {
      return readBackFailed(this.title, back.error);
    }
    const wanted = effectiveRelayFlags(this.spec.relay);
    if (
      !back.value ||
      back.value.relayhostId !== gateway.id ||
      relayFlagDrift(back.value, this.spec.relay).length > 0
    ) {
      const actual = back.value
        ? `id ${back.value.relayhostId}, ${flagWords(back.value.relay)}`
        : msg('mailcow.live.value.missing');
      return {
        status: 'failed',
        message: msg('step.mailcow-transport.notBack', {
          domain,
          actual,
          wanted: `id ${gateway.id}, ${flagWords(wanted)}`,
        }),
      };
    }
    return {
      status: 'done',
      message: msg('step.mailcow-transport.done', {
        domain,
        relayhost,
        id: gateway.id,
        flags: flagWords(wanted),
      }),
    };
  }
}

/** The shared domains, each once (the offline rules report duplicates). */
export function uniqueDomains(domains: readonly DomainSpec[]): DomainSpec[] {
  const seen = new Set<string>();
  return domains.filter((domain) => {
    const key = mailcowDomainName(domain.name);
    if (key === '' || seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/**
 * The four mailcow steps of the recipe for this spec, in order, each bound to the live state
 * it was decided from: every domain, the relayhost, the forwarding hosts, every transport.
 */
export function createMailcowSteps(
  session: LiveSession,
  state: MailcowState,
  options: MailcowStepOptions = {},
): SetupStep[] {
  const client = mailcowClientFor(session);
  const { spec } = session;
  const relayhost = spec.mailcow.relayhost;
  const domains = uniqueDomains(spec.domains);
  const gateway = gatewayRelayhost(state.relayhosts, relayhost);
  const byName = new Map(state.domains.map((domain) => [domain.name, domain]));
  const steps: SetupStep[] = [];
  for (const domain of domains) {
    steps.push(
      new AddDomainStep(
        client,
        domain.name,
        !byName.has(mailcowDomainName(domain.name)),
        options.domain ?? {},
      ),
    );
  }
  steps.push(new AddRelayhostStep(client, relayhost, !gateway, gateway?.id));
  const stale = staleForwardingHosts(
    state.fwdhosts,
    spec.mailcow.forwardingHosts,
    options.includeNow,
  );
  steps.push(
    new AddForwardingHostsStep(
      client,
      spec.mailcow.forwardingHosts,
      missingForwardingHosts(state.fwdhosts, spec.mailcow.forwardingHosts),
      {
        hosts: stale,
        networks:
          stale.length > 0
            ? uncoveredNetworks(state.fwdhosts, options.includeNow?.networks ?? [])
            : [],
      },
    ),
  );
  for (const domain of domains) {
    const live = byName.get(mailcowDomainName(domain.name));
    const needed =
      !live ||
      relayFlagDrift(live, domain.relay).length > 0 ||
      !usesRelayhost(live, state.relayhosts, relayhost);
    steps.push(new TransportStep(client, domain, relayhost, needed, gateway?.id));
  }
  return steps;
}
