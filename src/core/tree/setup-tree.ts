import { ipFamily } from '../dns/ip-network';
import type { Finding, FindingSource } from '../findings/finding';
import type { MessageArgs, MessageId } from '../messages/catalogue';
import { msg } from '../messages/catalogue';
import type { StepId, StepSystem } from '../plan/step';
import { STEP_ORDER } from '../plan/step';
import type { DomainSpec, HybridSpec, RelayFlags, SpecPath } from '../spec/model';
import { CLOUD_PROFILES } from '../spec/model';
import type { ParsedSpec } from '../spec/parse-spec';
import type { Placement } from './finding-placement';
import { PER_DOMAIN_STEPS, placementOf, STEP_SYSTEMS } from './finding-placement';
import { escapeMarkdown } from './markdown-escape';
import { NodeFlags } from './node-flags';
import type { InboundSetting, OutboundSetting } from './node-ids';
import { NodeIds } from './node-ids';

/** `unknown`: the node mirrors live state that no live check has reported on yet. */
export type NodeStatus = 'ok' | 'info' | 'unknown' | 'warning' | 'error';

export type SetupNodeKind =
  | 'system'
  | 'domain'
  | 'relay-flag'
  | 'transport'
  | 'mailbox'
  | 'relayhost'
  | 'forwarding-hosts'
  | 'forwarding-host'
  | 'smtp-listener'
  | 'certificate'
  | 'dns-record'
  | 'gateway'
  | 'accepted-domain'
  | 'connector'
  | 'connector-setting'
  | 'steps'
  | 'step'
  | 'findings'
  | 'finding'
  | 'unreadable'
  | 'problem';

/**
 * What a live check read for one node, keyed in `LiveValues` by the node's id (see `NodeIds`).
 * A check fills every node it read, including the ones that match the spec: a node without a
 * live value counts as not checked.
 */
export interface LiveValue {
  /** What the live system holds, in words fit for the tree (`off`, `Authoritative`, addresses). */
  value: string;
  /**
   * Whether that differs from the spec. Checks that compare more than text (lists, names that
   * are equal up to a trailing dot) set it; without it the value is compared with the node's
   * desired value, ignoring case and surrounding blanks.
   */
  drift?: boolean;
}

export type LiveValues = ReadonlyMap<string, LiveValue>;

/** One node of the setup tree: plain data, so the CLI, tests and the editor read it alike. */
export interface SetupNode {
  /** Stable across edits of the spec: built from names, never from positions or list indexes. */
  id: string;
  kind: SetupNodeKind;
  label: string;
  /** What the spec wants, defaults resolved. */
  desired?: string;
  live?: { value: string; drift: boolean };
  /** A short state for nodes that have no desired value of their own (steps, groups). */
  summary?: string;
  /** The worst of the node's own findings, its live state and its children. */
  status: NodeStatus;
  /** Markdown; every value from the spec or a live system in it is escaped. */
  tooltip: string;
  /** Where in the spec the node is; for a defaulted value the nearest written key shows it. */
  path?: SpecPath;
  offset?: number;
  length?: number;
  /** Context-value flags: the kind, the system, the status, and those of `NodeFlags`. */
  flags: string[];
  /** The findings about this node itself; for a step, every finding that decides it. */
  findings: Finding[];
  /** For step nodes: which step, and for per-domain steps which domain. */
  step?: { id: StepId; domain?: string };
  children: SetupNode[];
}

const STATUS_RANK: Record<NodeStatus, number> = {
  ok: 0,
  info: 1,
  unknown: 2,
  warning: 3,
  error: 4,
};
const OFFLINE_SOURCES: ReadonlySet<FindingSource> = new Set<FindingSource>([
  'yaml',
  'schema',
  'rules',
]);

/** The more alarming of the statuses; an error outranks a warning outranks not knowing. */
export function worstStatus(...statuses: NodeStatus[]): NodeStatus {
  return statuses.reduce<NodeStatus>(
    (worst, status) => (STATUS_RANK[status] > STATUS_RANK[worst] ? status : worst),
    'ok',
  );
}

/** Whether the finding came from asking a live system rather than from the file alone. */
export function isLiveFinding(finding: Finding): boolean {
  return !OFFLINE_SOURCES.has(finding.source);
}

interface Draft {
  id: string;
  kind: SetupNodeKind;
  label: string;
  /** Markdown paragraph that says what the node stands for. */
  about: string;
  desired?: string;
  path?: SpecPath;
  /**
   * The path is the node's own value, so findings at or below it belong here. Nodes that borrow
   * a path only to have somewhere to reveal (a domain's transport shows the relayhost) do not.
   */
  ownsPath: boolean;
  /** The node mirrors something in a live system; without live evidence it is `unknown`. */
  liveBacked: boolean;
  system?: StepSystem;
  defaulted: boolean;
  findings: Finding[];
  children: Draft[];
  step?: { id: StepId; domain?: string; concerns: string[] };
  /** Set for nodes made from one finding (the "other findings" and an unreadable spec). */
  finding?: Finding;
  summary?: string;
  ownStatus?: NodeStatus;
  /** What the live value alone says (drift, not yet checked); findings left out. */
  liveStatus?: NodeStatus;
}

/**
 * Builds the setup tree the way an admin thinks of the setup: mailcow, Exchange Online, the
 * shared domains' DNS records, then the recipe's steps in order, each node with the findings
 * about it and, when a live check has run, the live value next to the desired one. Findings
 * that no node shows are gathered under "Other findings", so none is lost.
 */
export function buildSetupTree(
  parsed: ParsedSpec,
  findings: Finding[],
  live: LiveValues = new Map(),
): SetupNode[] {
  if (!parsed.spec) {
    return [unreadableTree(parsed, findings)];
  }
  return new TreeBuilder(parsed, parsed.spec, live).build(findings);
}

/** A single node that explains something instead of showing the setup (an error, for example). */
export function explainingNode(
  id: string,
  label: string,
  detail: string,
  status: NodeStatus,
): SetupNode {
  return {
    id,
    kind: 'problem',
    label,
    status,
    tooltip: escapeMarkdown(detail),
    flags: ['problem', status],
    findings: [],
    children: [],
  };
}

function unreadableTree(parsed: ParsedSpec, findings: Finding[]): SetupNode {
  const root = draft({
    id: NodeIds.unreadable,
    kind: 'unreadable',
    label: msg('tree.unreadable'),
    about: msg('tree.unreadable.about'),
  });
  root.children = findingDrafts(NodeIds.unreadable, findings);
  for (const child of root.children) {
    child.ownStatus = worstStatus(...child.findings.map((finding) => finding.severity));
  }
  root.ownStatus = 'error';
  return finalize(root, parsed, new Map());
}

function draft(fields: Partial<Draft> & Pick<Draft, 'id' | 'kind' | 'label' | 'about'>): Draft {
  return {
    ownsPath: false,
    liveBacked: false,
    defaulted: false,
    findings: [],
    children: [],
    ...fields,
  };
}

/** A message whose arguments come from the spec, fit for Markdown. */
function md(id: MessageId, args: MessageArgs = {}): string {
  const escaped: MessageArgs = {};
  for (const [name, value] of Object.entries(args)) {
    escaped[name] = typeof value === 'string' ? escapeMarkdown(value) : value;
  }
  return msg(id, escaped);
}

function onOff(value: boolean): string {
  return msg(value ? 'tree.value.on' : 'tree.value.off');
}

function list(values: string[]): string {
  return values.length > 0 ? values.join(msg('tree.value.listSeparator')) : msg('tree.value.none');
}

function isPrefix(prefix: SpecPath, path: SpecPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

function findingDrafts(parentId: string, findings: Finding[]): Draft[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const ordinal = (seen.get(finding.code) ?? 0) + 1;
    seen.set(finding.code, ordinal);
    return draft({
      id: `${parentId}/${finding.code}/${ordinal}`,
      kind: 'finding',
      label: finding.message,
      about: '',
      path: finding.path,
      findings: [finding],
      finding,
    });
  });
}

const RELAY_KEYS: readonly (keyof RelayFlags)[] = ['domain', 'allRecipients', 'unknownOnly'];
const RELAY_LABELS: Record<keyof RelayFlags, MessageId> = {
  domain: 'tree.relay.domain',
  allRecipients: 'tree.relay.allRecipients',
  unknownOnly: 'tree.relay.unknownOnly',
};
const OUTBOUND: SpecPath = ['exchange', 'outboundConnector'];
const INBOUND: SpecPath = ['exchange', 'inboundConnector'];

class TreeBuilder {
  private readonly index = new Map<string, Draft>();
  /** The shared domains once each, in the order written (a duplicate is a finding, not a node). */
  private readonly domains: DomainSpec[];

  constructor(
    private readonly parsed: ParsedSpec,
    private readonly spec: HybridSpec,
    private readonly live: LiveValues,
  ) {
    const seen = new Set<string>();
    this.domains = spec.domains.filter((domain) => !seen.has(domain.name) && seen.add(domain.name));
  }

  build(findings: Finding[]): SetupNode[] {
    const dns = this.dns();
    const sections = [this.mailcow(), this.exchange(), ...(dns ? [dns] : [])];
    const steps = this.steps();
    const roots = [...sections, steps];

    const unplaced: Finding[] = [];
    for (const finding of findings) {
      const placement = placementOf(finding.code, finding.path);
      const domain = this.domainOf(finding, placement);
      const target = this.placeOnNode(finding, placement, domain, sections);
      if (target) {
        target.findings.push(finding);
      } else {
        unplaced.push(finding);
      }
      for (const step of this.stepDrafts(placement?.steps ?? [], domain)) {
        if (step !== target) {
          step.findings.push(finding);
        }
      }
    }
    if (unplaced.length > 0) {
      const other = draft({
        id: NodeIds.other,
        kind: 'findings',
        label: msg('tree.other'),
        about: msg('tree.other.about'),
      });
      other.children = findingDrafts(NodeIds.other, unplaced);
      roots.push(other);
    }

    for (const root of roots) {
      this.ownStatuses(root);
    }
    for (const step of steps.children) {
      this.stepStatus(step);
    }
    const verified = steps.children.filter(
      (step) => step.ownStatus === 'ok' || step.ownStatus === 'info',
    ).length;
    steps.summary = msg('tree.steps.summary', { verified, total: steps.children.length });
    return roots.map((root) => finalize(root, this.parsed, this.live));
  }

  // --- the sections ---------------------------------------------------------------------------

  private mailcow(): Draft {
    const { mailcow } = this.spec;
    const root = this.node({
      id: NodeIds.mailcow,
      kind: 'system',
      label: msg('tree.mailcow'),
      about: msg('tree.mailcow.about'),
      desired: mailcow.url || undefined,
      path: ['mailcow'],
      ownsPath: true,
      system: 'mailcow',
    });
    const relayhostDefaulted = !this.parsed.source.has(['mailcow', 'relayhost']);
    for (const domain of this.domains) {
      const node = this.node({
        id: NodeIds.mailcowDomain(domain.name),
        kind: 'domain',
        label: domain.name,
        about: md('tree.domain.about', { domain: domain.name }),
        desired: msg('tree.value.present'),
        path: domain.path,
        ownsPath: true,
        liveBacked: true,
        system: 'mailcow',
      });
      for (const key of RELAY_KEYS) {
        const path = [...domain.path, 'relay', key];
        node.children.push(
          this.node({
            id: NodeIds.relayFlag(domain.name, key),
            kind: 'relay-flag',
            label: msg(RELAY_LABELS[key]),
            about: md('tree.relay.about', { flag: msg(RELAY_LABELS[key]), domain: domain.name }),
            desired: onOff(domain.relay[key]),
            path,
            ownsPath: true,
            liveBacked: true,
            system: 'mailcow',
            defaulted: !this.parsed.source.has(path),
          }),
        );
      }
      node.children.push(
        this.node({
          id: NodeIds.transport(domain.name),
          kind: 'transport',
          label: msg('tree.transport'),
          about: md('tree.transport.about', { domain: domain.name }),
          desired: mailcow.relayhost,
          path: ['mailcow', 'relayhost'],
          liveBacked: true,
          system: 'mailcow',
          defaulted: relayhostDefaulted,
        }),
      );
      const addresses = new Set<string>();
      domain.mailboxes.forEach((address, index) => {
        if (address === '' || addresses.has(address.toLowerCase())) {
          return;
        }
        addresses.add(address.toLowerCase());
        node.children.push(
          this.node({
            id: NodeIds.mailbox(domain.name, address),
            kind: 'mailbox',
            label: address,
            about: md('tree.mailbox.about', { domain: domain.name }),
            desired: msg('tree.value.onMailcow'),
            path: [...domain.path, 'mailboxes', index],
            ownsPath: true,
            liveBacked: true,
            system: 'mailcow',
          }),
        );
      });
      root.children.push(node);
    }
    root.children.push(
      this.node({
        id: NodeIds.relayhost,
        kind: 'relayhost',
        label: msg('tree.relayhost'),
        about: msg('tree.relayhost.about'),
        desired: mailcow.relayhost,
        path: ['mailcow', 'relayhost'],
        ownsPath: true,
        liveBacked: true,
        system: 'mailcow',
        defaulted: relayhostDefaulted,
      }),
    );
    const hostsPath: SpecPath = ['mailcow', 'forwardingHosts'];
    const hostsWritten = this.parsed.source.has(hostsPath);
    const hosts = this.node({
      id: NodeIds.forwardingHosts,
      kind: 'forwarding-hosts',
      label: msg('tree.forwardingHosts'),
      about: msg('tree.forwardingHosts.about'),
      desired: list(mailcow.forwardingHosts),
      path: hostsPath,
      ownsPath: true,
      system: 'mailcow',
      defaulted: !hostsWritten,
    });
    const seenHosts = new Set<string>();
    mailcow.forwardingHosts.forEach((host, index) => {
      if (host === '' || seenHosts.has(host.toLowerCase())) {
        return;
      }
      seenHosts.add(host.toLowerCase());
      hosts.children.push(
        this.node({
          id: NodeIds.forwardingHost(host),
          kind: 'forwarding-host',
          label: host,
          about: msg('tree.forwardingHost.about'),
          path: hostsWritten ? [...hostsPath, index] : hostsPath,
          ownsPath: hostsWritten,
          liveBacked: true,
          system: 'mailcow',
          defaulted: !hostsWritten,
        }),
      );
    });
    root.children.push(hosts);
    const listener = this.listener();
    if (listener) {
      root.children.push(listener);
    }
    return root;
  }

  /** mailcow's SMTP listener and its certificate, as far as the TLS check probes them. */
  private listener(): Draft | undefined {
    const { mailcow, checks } = this.spec;
    // Without a host name there is nothing to probe, so the node would never be checked.
    if (mailcow.hostname === '') {
      return undefined;
    }
    const path: SpecPath = ['mailcow', 'hostname'];
    const listener = this.node({
      id: NodeIds.mailcowSmtp,
      kind: 'smtp-listener',
      label: msg('tree.smtp', { host: mailcow.hostname, port: checks.smtpPort }),
      about: msg('tree.smtp.about'),
      desired: msg('tree.value.starttls'),
      path,
      liveBacked: true,
      system: 'mailcow',
    });
    listener.children.push(
      this.node({
        id: NodeIds.mailcowCertificate,
        kind: 'certificate',
        label: msg('tree.certificate'),
        about: msg('tree.certificate.about'),
        desired: msg('tree.value.certificate', { names: list(this.certificateNames()) }),
        path,
        liveBacked: true,
        system: 'mailcow',
      }),
    );
    return listener;
  }

  /** The names Exchange checks mailcow's certificate against, as the spec sets them up. */
  private certificateNames(): string[] {
    const { mailcow, exchange } = this.spec;
    const outbound = exchange.outboundConnector;
    const names: string[] = [];
    if (outbound.tlsSettings === 'DomainValidation') {
      names.push(outbound.tlsDomain ?? mailcow.hostname);
    } else if (outbound.tlsSettings === 'CertificateValidation') {
      // Exchange matches names only; a smart host given as an address has none to match.
      names.push(
        ...outbound.smartHosts.filter(
          (host) => ipFamily(host.replace(/^\[(.*)\]$/, '$1')) === undefined,
        ),
      );
    }
    if (
      exchange.inboundConnector.auth === 'certificate' &&
      exchange.inboundConnector.certificateName
    ) {
      names.push(exchange.inboundConnector.certificateName);
    }
    const unique = [...new Set(names.map((name) => name.toLowerCase()))];
    return unique.length > 0 ? unique : [mailcow.hostname];
  }

  /** The DNS records of each shared domain that the recipe depends on. */
  private dns(): Draft | undefined {
    if (this.domains.length === 0) {
      return undefined;
    }
    const { exchange } = this.spec;
    const serversPath: SpecPath = ['checks', 'dnsServers'];
    const serversWritten = this.parsed.source.has(serversPath);
    const root = this.node({
      id: NodeIds.dns,
      kind: 'system',
      label: msg('tree.dns'),
      about: msg('tree.dns.about'),
      // The resolvers the check asks are the one thing about DNS the spec writes down.
      path: serversWritten ? serversPath : undefined,
      ownsPath: serversWritten,
      system: 'dns',
    });
    const include = CLOUD_PROFILES[exchange.cloud].spfInclude;
    const gateway = exchange.gateway.trim().replace(/\.$/, '').toLowerCase();
    for (const domain of this.domains) {
      const args = { domain: domain.name };
      const node = this.node({
        id: NodeIds.dnsDomain(domain.name),
        kind: 'domain',
        label: domain.name,
        about: md('tree.dnsDomain.about', args),
        path: domain.path,
        system: 'dns',
      });
      node.children.push(
        this.node({
          id: NodeIds.dnsMx(domain.name),
          kind: 'dns-record',
          label: msg('tree.dns.mx'),
          about: md('tree.dns.mx.about', args),
          desired: gateway ? msg('tree.value.singleMx', { gateway }) : undefined,
          path: ['exchange', 'gateway'],
          liveBacked: true,
          system: 'dns',
        }),
        this.node({
          id: NodeIds.dnsSpf(domain.name),
          kind: 'dns-record',
          label: msg('tree.dns.spf'),
          about: md('tree.dns.spf.about', args),
          desired: msg('tree.value.spfIncludes', { include }),
          path: domain.path,
          liveBacked: true,
          system: 'dns',
        }),
      );
      root.children.push(node);
    }
    return root;
  }

  private exchange(): Draft {
    const { exchange } = this.spec;
    const root = this.node({
      id: NodeIds.exchange,
      kind: 'system',
      label: msg('tree.exchange'),
      about: msg('tree.exchange.about'),
      desired: exchange.tenant
        ? msg('tree.exchange.desired', { tenant: exchange.tenant, cloud: exchange.cloud })
        : undefined,
      path: ['exchange'],
      ownsPath: true,
      system: 'exchange',
    });
    root.children.push(
      this.node({
        id: NodeIds.gateway,
        kind: 'gateway',
        label: msg('tree.gateway'),
        about: msg('tree.gateway.about'),
        desired: exchange.gateway || undefined,
        path: ['exchange', 'gateway'],
        ownsPath: true,
        system: 'exchange',
      }),
    );
    for (const domain of this.domains) {
      root.children.push(
        this.node({
          id: NodeIds.acceptedDomain(domain.name),
          kind: 'accepted-domain',
          label: domain.name,
          about: md('tree.acceptedDomain.about', { domain: domain.name }),
          desired: msg('tree.value.internalRelay'),
          path: domain.path,
          liveBacked: true,
          system: 'exchange',
        }),
      );
    }

    const outbound = exchange.outboundConnector;
    const outboundNode = this.connector(NodeIds.outbound, 'tree.outbound', 'tree.outbound.about');
    const outboundSettings: [OutboundSetting, MessageId, string, string | undefined][] = [
      ['name', 'tree.connector.name', 'name', outbound.name],
      [
        'recipient-domains',
        'tree.connector.recipientDomains',
        'recipientDomains',
        list(outbound.recipientDomains),
      ],
      ['smart-hosts', 'tree.connector.smartHosts', 'smartHosts', list(outbound.smartHosts)],
      ['tls-settings', 'tree.connector.tlsSettings', 'tlsSettings', outbound.tlsSettings],
      // Exchange checks a TLS domain with DomainValidation only.
      ['tls-domain', 'tree.connector.tlsDomain', 'tlsDomain', outbound.tlsDomain],
    ];
    for (const [setting, label, key, desired] of outboundSettings) {
      if (desired !== undefined) {
        outboundNode.children.push(
          this.setting(NodeIds.outboundSetting(setting), label, [...OUTBOUND, key], desired),
        );
      }
    }
    root.children.push(outboundNode);

    const inbound = exchange.inboundConnector;
    const byIp = inbound.auth === 'ip';
    const inboundNode = this.connector(NodeIds.inbound, 'tree.inbound', 'tree.inbound.about');
    const inboundSettings: [InboundSetting, MessageId, string, string | undefined][] = [
      ['name', 'tree.connector.name', 'name', inbound.name],
      [
        'auth',
        'tree.connector.auth',
        'auth',
        msg(byIp ? 'tree.value.auth.ip' : 'tree.value.auth.certificate'),
      ],
      // Each way of recognising mailcow needs its own value; the other one is not used.
      [
        'sender-ips',
        'tree.connector.senderIPs',
        'senderIPs',
        byIp ? list(inbound.senderIPs) : undefined,
      ],
      [
        'certificate-name',
        'tree.connector.certificateName',
        'certificateName',
        byIp ? undefined : inbound.certificateName || msg('tree.value.none'),
      ],
    ];
    for (const [setting, label, key, desired] of inboundSettings) {
      if (desired !== undefined) {
        inboundNode.children.push(
          this.setting(NodeIds.inboundSetting(setting), label, [...INBOUND, key], desired),
        );
      }
    }
    root.children.push(inboundNode);
    return root;
  }

  private connector(id: string, label: MessageId, about: MessageId): Draft {
    const path = id === NodeIds.outbound ? OUTBOUND : INBOUND;
    return this.node({
      id,
      kind: 'connector',
      label: msg(label),
      about: msg(about),
      desired: msg('tree.value.enabled'),
      path,
      ownsPath: true,
      liveBacked: true,
      system: 'exchange',
      defaulted: !this.parsed.source.has(path),
    });
  }

  private setting(id: string, label: MessageId, path: SpecPath, desired: string): Draft {
    return this.node({
      id,
      kind: 'connector-setting',
      label: msg(label),
      about: '',
      desired,
      path,
      ownsPath: true,
      liveBacked: true,
      system: 'exchange',
      defaulted: !this.parsed.source.has(path),
    });
  }

  private steps(): Draft {
    const root = this.node({
      id: NodeIds.steps,
      kind: 'steps',
      label: msg('tree.steps'),
      about: msg('tree.steps.about'),
    });
    let number = 0;
    for (const id of STEP_ORDER) {
      const domains: (DomainSpec | undefined)[] = PER_DOMAIN_STEPS.has(id)
        ? this.domains
        : [undefined];
      for (const domain of domains) {
        number += 1;
        const args = { domain: domain?.name ?? '' };
        root.children.push(
          this.node({
            id: NodeIds.step(id, domain?.name),
            kind: 'step',
            label: msg('tree.step.label', { number, title: msg(`tree.step.${id}`, args) }),
            about: md(`tree.step.${id}.about`, args),
            path: this.stepPath(id, domain),
            system: STEP_SYSTEMS[id],
            step: { id, domain: domain?.name, concerns: this.concerns(id, domain) },
          }),
        );
      }
    }
    return root;
  }

  private stepPath(id: StepId, domain: DomainSpec | undefined): SpecPath {
    switch (id) {
      case 'mx':
        return ['exchange', 'gateway'];
      case 'accepted-domain':
      case 'mailcow-domain':
        return domain?.path ?? ['domains'];
      case 'mailcow-relayhost':
        return ['mailcow', 'relayhost'];
      case 'mailcow-fwdhosts':
        return ['mailcow', 'forwardingHosts'];
      case 'mailcow-transport':
        return domain ? [...domain.path, 'relay'] : ['domains'];
      case 'outbound-connector':
        return OUTBOUND;
      case 'inbound-connector':
        return INBOUND;
    }
  }

  /** The nodes whose state tells whether a step is done. */
  private concerns(id: StepId, domain: DomainSpec | undefined): string[] {
    const name = domain?.name ?? '';
    switch (id) {
      case 'mx':
        return [NodeIds.dnsMx(name)];
      case 'accepted-domain':
        return [NodeIds.acceptedDomain(name)];
      case 'mailcow-domain':
        return [NodeIds.mailcowDomain(name)];
      case 'mailcow-relayhost':
        return [NodeIds.relayhost];
      case 'mailcow-fwdhosts':
        return [
          NodeIds.forwardingHosts,
          ...this.spec.mailcow.forwardingHosts.map((host) => NodeIds.forwardingHost(host)),
        ];
      case 'mailcow-transport':
        return [NodeIds.transport(name), ...RELAY_KEYS.map((key) => NodeIds.relayFlag(name, key))];
      case 'outbound-connector':
        return this.subtreeIds(NodeIds.outbound);
      case 'inbound-connector':
        return this.subtreeIds(NodeIds.inbound);
    }
  }

  private subtreeIds(id: string): string[] {
    const root = this.index.get(id);
    return root ? collect(root).map((node) => node.id) : [id];
  }

  private node(fields: Partial<Draft> & Pick<Draft, 'id' | 'kind' | 'label' | 'about'>): Draft {
    const node = draft(fields);
    this.index.set(node.id, node);
    return node;
  }

  // --- placing findings -----------------------------------------------------------------------

  /** The shared domain a finding is about, when it tells. */
  private domainOf(finding: Finding, placement: Placement | undefined): string | undefined {
    const path = finding.path;
    if (path && path[0] === 'domains' && typeof path[1] === 'number') {
      const domain = this.spec.domains.find((candidate) => candidate.path[1] === path[1]);
      if (domain) {
        return domain.name;
      }
    }
    for (const fix of finding.fixes ?? []) {
      if (fix.kind === 'step' && fix.domain) {
        return fix.domain.toLowerCase();
      }
    }
    const named = placement?.domainOf?.(this.spec);
    return named && this.domains.some((domain) => domain.name === named) ? named : undefined;
  }

  private placeOnNode(
    finding: Finding,
    placement: Placement | undefined,
    domain: string | undefined,
    sections: Draft[],
  ): Draft | undefined {
    const anchor = placement?.anchor ?? { kind: 'path' };
    let anchorNode: Draft | undefined;
    if (anchor.kind === 'node') {
      anchorNode = this.index.get(anchor.id);
    } else if (anchor.kind === 'domain') {
      anchorNode =
        (domain !== undefined ? this.index.get(anchor.id(domain)) : undefined) ??
        this.index.get(anchor.fallback);
    }
    const scope = anchorNode ? [anchorNode] : anchor.kind === 'path' ? sections : [];
    const owner = finding.path ? deepestOwner(scope, finding.path) : undefined;
    return owner ?? anchorNode;
  }

  private stepDrafts(steps: readonly StepId[], domain: string | undefined): Draft[] {
    const found: Draft[] = [];
    for (const step of steps) {
      const ids = !PER_DOMAIN_STEPS.has(step)
        ? [NodeIds.step(step)]
        : domain !== undefined && this.index.has(NodeIds.step(step, domain))
          ? [NodeIds.step(step, domain)]
          : this.domains.map((candidate) => NodeIds.step(step, candidate.name));
      for (const id of ids) {
        const node = this.index.get(id);
        if (node) {
          found.push(node);
        }
      }
    }
    return found;
  }

  // --- statuses -------------------------------------------------------------------------------

  private ownStatuses(root: Draft): void {
    for (const node of collect(root)) {
      if (node.step) {
        continue;
      }
      let liveStatus: NodeStatus = 'ok';
      const liveValue = this.live.get(node.id);
      if (liveValue) {
        if (hasDrift(liveValue, node.desired)) {
          // A check that reports drift also reports a finding with the real severity; drift
          // alone is at least worth a look.
          liveStatus = 'warning';
        }
      } else if (node.liveBacked && !node.findings.some(isLiveFinding)) {
        liveStatus = 'unknown';
      }
      node.liveStatus = liveStatus;
      node.ownStatus = worstStatus(liveStatus, ...node.findings.map((finding) => finding.severity));
    }
  }

  /**
   * A step is as done as the nodes it concerns: their own statuses (findings, drift, not yet
   * checked) and the findings that concern the step itself decide it.
   */
  private stepStatus(step: Draft): void {
    const concerned = (step.step?.concerns ?? [])
      .map((id) => this.index.get(id))
      .filter((node): node is Draft => node !== undefined);
    const decisive = new Set<Finding>(step.findings);
    for (const node of concerned) {
      // A finding on a concerned node decides this step unless its placement names other
      // steps: relay flags that drift sit on the domain, yet adding the domain is done.
      node.findings
        .filter((finding) => {
          const steps = placementOf(finding.code, finding.path)?.steps;
          return steps === undefined || steps.length === 0 || steps.includes(step.step!.id);
        })
        .forEach((finding) => decisive.add(finding));
    }
    step.findings = [...decisive];
    const status = worstStatus(
      ...step.findings.map((finding) => finding.severity),
      ...concerned.map((node) => node.liveStatus ?? node.ownStatus ?? 'unknown'),
    );
    step.ownStatus = status;
    step.summary = msg(`tree.step.summary.${status}`);
  }
}

function hasDrift(live: LiveValue, desired: string | undefined): boolean {
  if (live.drift !== undefined) {
    return live.drift;
  }
  return desired !== undefined && live.value.trim().toLowerCase() !== desired.trim().toLowerCase();
}

/** The node and all below it, parents before children. */
function collect(root: Draft): Draft[] {
  return [root, ...root.children.flatMap(collect)];
}

/** The deepest node in `roots` whose own path starts `path`; the first one on a tie. */
function deepestOwner(roots: Draft[], path: SpecPath): Draft | undefined {
  let best: Draft | undefined;
  for (const node of roots.flatMap(collect)) {
    if (node.ownsPath && node.path && isPrefix(node.path, path)) {
      if (!best || (best.path?.length ?? 0) < node.path.length) {
        best = node;
      }
    }
  }
  return best;
}

function finalize(node: Draft, parsed: ParsedSpec, live: LiveValues): SetupNode {
  const children = node.children.map((child) => finalize(child, parsed, live));
  const ownStatus = node.ownStatus ?? 'ok';
  const status = worstStatus(ownStatus, ...children.map((child) => child.status));
  const liveValue = live.get(node.id);
  const liveState = liveValue
    ? { value: liveValue.value, drift: hasDrift(liveValue, node.desired) }
    : undefined;

  const range = node.finding
    ? { offset: node.finding.offset, length: node.finding.length }
    : node.path
      ? parsed.source.locate(node.path)
      : undefined;

  const flags: string[] = [node.kind];
  if (node.system) {
    flags.push(node.system);
  }
  flags.push(status);
  if (liveState) {
    flags.push(NodeFlags.live);
    if (liveState.drift) {
      flags.push(NodeFlags.drift);
    }
  }
  if (node.defaulted) {
    flags.push(NodeFlags.defaulted);
  }
  if (range) {
    flags.push(NodeFlags.revealable);
  }

  const result: SetupNode = {
    id: node.id,
    kind: node.kind,
    label: node.label,
    status,
    tooltip: tooltip(node, ownStatus, liveState),
    flags,
    findings: node.findings,
    children,
  };
  if (node.desired !== undefined) {
    result.desired = node.desired;
  }
  if (liveState) {
    result.live = liveState;
  }
  if (node.summary !== undefined) {
    result.summary = node.summary;
  }
  if (node.path) {
    result.path = node.path;
  }
  if (range) {
    result.offset = range.offset;
    result.length = range.length;
  }
  if (node.step) {
    result.step =
      node.step.domain === undefined
        ? { id: node.step.id }
        : { id: node.step.id, domain: node.step.domain };
  }
  return result;
}

function tooltip(
  node: Draft,
  ownStatus: NodeStatus,
  liveState: { value: string; drift: boolean } | undefined,
): string {
  if (node.finding) {
    return findingLine(node.finding);
  }
  const paragraphs = [msg('tree.tooltip.title', { label: escapeMarkdown(node.label) })];
  if (node.about) {
    paragraphs.push(node.about);
  }
  if (node.desired !== undefined) {
    paragraphs.push(
      md(node.defaulted ? 'tree.tooltip.desiredDefault' : 'tree.tooltip.desired', {
        value: node.desired,
      }),
    );
  }
  if (liveState) {
    paragraphs.push(
      md(liveState.drift ? 'tree.tooltip.liveDrift' : 'tree.tooltip.live', {
        value: liveState.value,
      }),
    );
  }
  if (node.step) {
    if (ownStatus === 'unknown') {
      paragraphs.push(msg('tree.tooltip.stepUnknown'));
    } else if (ownStatus === 'ok') {
      paragraphs.push(msg('tree.tooltip.stepOk'));
    }
  } else if (ownStatus === 'unknown') {
    paragraphs.push(msg('tree.tooltip.nodeUnknown'));
  }
  if (node.findings.length > 0) {
    paragraphs.push(node.findings.map((finding) => `- ${findingLine(finding)}`).join('\n'));
  }
  return paragraphs.join('\n\n');
}

function findingLine(finding: Finding): string {
  return msg('tree.tooltip.finding', {
    severity: msg(`tree.status.${finding.severity}`),
    // Codes come from the catalogue; the filter keeps a stray one from breaking the code span.
    code: finding.code.replace(/[^a-z0-9-]/g, ''),
    message: escapeMarkdown(finding.message),
  });
}
