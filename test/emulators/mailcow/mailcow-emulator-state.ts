import { domainToASCII, domainToUnicode } from 'node:url';
import type {
  RawFlag,
  RawMailcowDomain,
  RawMailcowForwardingHost,
  RawMailcowMailbox,
  RawMailcowRelayhost,
  RawPostfixLogEntry,
} from '../../../src/core/mailcow/mailcow-types';
import type { FwdhostResolver } from './fwdhost-resolver';
import { asPhpArray, intval, isEmpty, isSet, looselyOne, phpString } from './php-values';

/** An API key as the admin page sets it up. */
export interface SeedApiKey {
  key: string;
  access: 'rw' | 'ro';
  /** Single addresses or CIDR ranges; a string may separate them by comma, space or semicolon. */
  allowFrom?: string[] | string;
  active?: RawFlag;
  skipIpCheck?: RawFlag;
}

/**
 * The starting state, in mailcow's own read shapes (the `mailcow:` section of a sandbox
 * scenario). Fields left out take mailcow's defaults.
 */
export interface MailcowSeed {
  /** MAILCOW_HOSTNAME: add domain refuses this name. */
  hostname?: string;
  /** What `get/status/version` reports. */
  version?: string;
  apiKeys?: SeedApiKey[];
  domains?: RawMailcowDomain[];
  relayhosts?: RawMailcowRelayhost[];
  fwdhosts?: RawMailcowForwardingHost[];
  mailboxes?: RawMailcowMailbox[];
  /** Newest first, as `get/logs/postfix` returns them. */
  postfixLog?: RawPostfixLogEntry[];
}

/** One entry of a write reply, as mailcow builds it. */
export interface ReplyEntry {
  type: 'success' | 'danger' | 'warning';
  log: unknown[];
  msg: string | unknown[];
}

/**
 * What PHP does when an uncaught exception ends a request: the reply body is empty, and the
 * entries collected so far (plus the handler's own, if any) stay in the session.
 */
export class EmulatedException extends Error {
  constructor(readonly entry?: ReplyEntry) {
    super('uncaught exception');
  }
}

export interface HandlerOutcome {
  entries: ReplyEntry[];
  /** What the PHP handler returned: false with no entries gives `Cannot add item`. */
  returned: boolean;
}

interface DomainRow {
  name: string;
  description: string;
  aliases: number;
  mailboxes: number;
  defquotaBytes: number;
  maxquotaBytes: number;
  quotaBytes: number;
  relayhost: string;
  backupmx: number;
  gal: number;
  active: number;
  relayAll: number;
  relayUnknown: number;
  created: string;
  modified: string | null;
  tags: string[];
  rl: false | { value: string; frame: string };
  dkimSelector?: string;
}

interface RelayhostRow {
  id: number;
  hostname: string;
  username: string;
  password: string;
  active: number;
}

interface FwdhostRow {
  source: string;
  keepSpam: boolean;
}

interface ApiKeyRow {
  key: string;
  access: 'rw' | 'ro';
  allowFrom: string[];
  active: boolean;
  skipIpCheck: boolean;
}

const MIB = 1048576;

/** The seeded "Default" domain template. */
const TEMPLATE = {
  active: 1,
  gal: 1,
  backupmx: 0,
  relay_all_recipients: 0,
  relay_unknown_only: 0,
  aliases: 400,
  mailboxes: 10,
  defquota: 3072,
  maxquota: 10240,
  quota: 10240,
  rl_frame: 's',
  rl_value: '',
  dkim_selector: 'dkim',
  key_size: 2048,
};

function seedFlag(value: unknown, fallback: number): number {
  if (value === undefined || value === null) {
    return fallback;
  }
  return intval(value) === 1 ? 1 : 0;
}

function seedInt(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') {
    return fallback;
  }
  return intval(value);
}

/** mailcow's domain name check: labels of letters, digits and inner hyphens. */
export function isValidDomainName(name: string): boolean {
  if (name === '' || name.length > 253) {
    return false;
  }
  return name
    .split('.')
    .every((label) => label.length <= 63 && /^[a-z\d](-*[a-z\d])*$/i.test(label));
}

function toAscii(name: string): string {
  return domainToASCII(name) || name;
}

/**
 * mailcow's data in memory and the behaviour of its handlers, written from what mailcow does
 * (its source and the recorded replies), not from recorded bodies.
 */
export class MailcowEmulatorState {
  hostname: string;
  version: string;
  readonly apiKeys: ApiKeyRow[];
  readonly domains = new Map<string, DomainRow>();
  readonly relayhosts = new Map<number, RelayhostRow>();
  /** Insertion-ordered like mailcow's Redis hash. */
  readonly fwdhosts = new Map<string, FwdhostRow>();
  readonly mailboxes: RawMailcowMailbox[];
  /** Newest first. */
  readonly postfixLog: RawPostfixLogEntry[];
  private nextRelayhostId: number;
  /** Set to make `restart_sogo` fail, as it does when SOGo cannot be restarted. */
  sogoRestartFails = false;

  constructor(
    seed: MailcowSeed,
    private readonly resolver: FwdhostResolver,
    private readonly now: () => Date,
  ) {
    this.hostname = (seed.hostname ?? 'mail.sandbox.test').toLowerCase();
    this.version = seed.version ?? '2026-07a';
    this.apiKeys = (seed.apiKeys ?? []).map((key) => ({
      key: key.key,
      access: key.access,
      allowFrom: (Array.isArray(key.allowFrom) ? key.allowFrom : [key.allowFrom ?? ''])
        .flatMap((entry) => entry.split(/[\s,;]+/))
        .filter((entry) => entry !== ''),
      active: seedFlag(key.active, 1) === 1,
      skipIpCheck: seedFlag(key.skipIpCheck, 0) === 1,
    }));
    for (const raw of seed.domains ?? []) {
      const row = this.domainFromSeed(raw);
      this.domains.set(row.name, row);
    }
    for (const raw of seed.relayhosts ?? []) {
      const id = intval(raw.id);
      this.relayhosts.set(id, {
        id,
        hostname: raw.hostname,
        username: raw.username ?? '',
        password: raw.password ?? '',
        active: seedFlag(raw.active, 1),
      });
    }
    this.nextRelayhostId = Math.max(0, ...this.relayhosts.keys()) + 1;
    for (const raw of seed.fwdhosts ?? []) {
      this.fwdhosts.set(raw.host, {
        source: raw.source ?? raw.host,
        keepSpam: raw.keep_spam !== 'no',
      });
    }
    this.mailboxes = (seed.mailboxes ?? []).map((mailbox) => ({ ...mailbox }));
    this.postfixLog = [...(seed.postfixLog ?? [])];
  }

  private domainFromSeed(raw: RawMailcowDomain): DomainRow {
    const name = toAscii(raw.domain_name.trim().toLowerCase());
    const bytes = (value: unknown, mib: number): number =>
      value === undefined || value === null ? mib * MIB : intval(value);
    return {
      name,
      description: raw.description ?? name,
      aliases: seedInt(raw.max_num_aliases_for_domain, TEMPLATE.aliases),
      mailboxes: seedInt(raw.max_num_mboxes_for_domain, TEMPLATE.mailboxes),
      defquotaBytes: bytes(raw.def_quota_for_mbox, TEMPLATE.defquota),
      maxquotaBytes: bytes(raw.max_quota_for_mbox, TEMPLATE.maxquota),
      quotaBytes: bytes(raw.max_quota_for_domain, TEMPLATE.quota),
      relayhost: raw.relayhost === undefined ? '0' : String(raw.relayhost),
      backupmx: seedFlag(raw.backupmx, TEMPLATE.backupmx),
      gal: seedFlag(raw.gal, TEMPLATE.gal),
      active: seedFlag(raw.active, TEMPLATE.active),
      relayAll: seedFlag(raw.relay_all_recipients, TEMPLATE.relay_all_recipients),
      relayUnknown: seedFlag(raw.relay_unknown_only, TEMPLATE.relay_unknown_only),
      created: raw.created ?? this.timestamp(),
      modified: raw.modified ?? null,
      tags: [...(raw.tags ?? [])],
      rl: raw.rl ? { value: String(raw.rl.value), frame: String(raw.rl.frame) } : false,
    };
  }

  /** MariaDB's `DATETIME` text. */
  timestamp(): string {
    return this.now().toISOString().replace('T', ' ').slice(0, 19);
  }

  /** Appends a Postfix log line (newest first), as syslog-ng pushes them. */
  addPostfixLog(entry: Omit<RawPostfixLogEntry, 'time'> & { time?: string }): void {
    this.postfixLog.unshift({
      time: entry.time ?? String(Math.floor(this.now().getTime() / 1000)),
      priority: entry.priority,
      program: entry.program,
      message: entry.message,
    });
  }

  findKey(key: string): ApiKeyRow | undefined {
    return this.apiKeys.find((row) => row.active && row.key === key);
  }

  // ----- reads (mailcow's GET shapes) -----

  private mailboxesOf(domain: string): RawMailcowMailbox[] {
    return this.mailboxes.filter(
      (mailbox) =>
        (mailbox.domain ?? mailbox.username.split('@')[1] ?? '').toLowerCase() === domain,
    );
  }

  domainView(row: DomainRow): Record<string, unknown> {
    const boxes = this.mailboxesOf(row.name);
    const used = boxes.reduce((sum, mailbox) => sum + intval(mailbox.quota ?? 0), 0);
    let maxNew = row.quotaBytes - used;
    if (maxNew > row.maxquotaBytes) {
      maxNew = row.maxquotaBytes;
    }
    let defNew = maxNew;
    if (defNew > row.defquotaBytes) {
      defNew = row.defquotaBytes;
    }
    const bytesTotal = boxes.reduce((sum, mailbox) => sum + intval(mailbox.quota_used ?? 0), 0);
    const messages = boxes.reduce((sum, mailbox) => sum + intval(mailbox.messages ?? 0), 0);
    const view: Record<string, unknown> = {
      max_new_mailbox_quota: maxNew,
      def_new_mailbox_quota: defNew,
      quota_used_in_domain: String(used),
      // SUM() over no rows comes back as 0, over rows as a numeric string.
      bytes_total: boxes.length === 0 ? 0 : String(bytesTotal),
      msgs_total: boxes.length === 0 ? 0 : String(messages),
      mboxes_in_domain: boxes.length,
      mboxes_left: row.mailboxes - boxes.length,
      domain_name: row.name,
      domain_h_name: domainToUnicode(row.name) || row.name,
      description: row.description,
      max_num_aliases_for_domain: row.aliases,
      max_num_mboxes_for_domain: row.mailboxes,
      def_quota_for_mbox: row.defquotaBytes,
      max_quota_for_mbox: row.maxquotaBytes,
      max_quota_for_domain: row.quotaBytes,
      relayhost: row.relayhost,
      backupmx: row.backupmx,
      backupmx_int: row.backupmx,
      gal: row.gal,
      gal_int: row.gal,
      rl: row.rl,
      active: row.active,
      active_int: row.active,
      relay_all_recipients: row.relayAll,
      relay_all_recipients_int: row.relayAll,
      relay_unknown_only: row.relayUnknown,
      relay_unknown_only_int: row.relayUnknown,
      created: row.created,
      modified: row.modified,
      aliases_in_domain: 0,
      aliases_left: row.aliases,
      domain_admins: '-',
    };
    if (row.tags.length > 0) {
      view.tags = [...row.tags];
    }
    return view;
  }

  listDomains(tagFilter?: string[]): Record<string, unknown>[] {
    return [...this.domains.values()]
      .filter(
        (row) =>
          !tagFilter ||
          tagFilter.length === 0 ||
          row.tags.some((tag) => tagFilter.some((wanted) => tag.includes(wanted))),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((row) => this.domainView(row));
  }

  findDomain(name: string): DomainRow | undefined {
    return this.domains.get(toAscii(name.trim().toLowerCase()));
  }

  relayhostView(row: RelayhostRow): Record<string, unknown> {
    const id = String(row.id);
    const domains = [...this.domains.values()]
      .filter((domain) => domain.relayhost === id)
      .map((domain) => domain.name)
      .sort();
    const mailboxes = this.mailboxes
      .filter((mailbox) => phpString(mailbox.attributes?.relayhost ?? '0') === id)
      .map((mailbox) => mailbox.username);
    return {
      id: row.id,
      hostname: row.hostname,
      username: row.username,
      password: row.password,
      active: row.active,
      password_short: `${row.password.slice(0, 3)}...`,
      used_by_domains: domains.join(', '),
      used_by_mailboxes: mailboxes.join(', '),
    };
  }

  listRelayhosts(): Record<string, unknown>[] {
    return [...this.relayhosts.values()]
      .sort((a, b) => a.id - b.id)
      .map((row) => this.relayhostView(row));
  }

  fwdhostView(host: string, row: FwdhostRow): Record<string, unknown> {
    return { host, source: row.source, keep_spam: row.keepSpam ? 'yes' : 'no' };
  }

  listFwdhosts(): Record<string, unknown>[] {
    return [...this.fwdhosts.entries()].map(([host, row]) => this.fwdhostView(host, row));
  }

  mailboxView(mailbox: RawMailcowMailbox): Record<string, unknown> {
    const [localPart = '', domain = ''] = mailbox.username.split('@');
    const active = seedFlag(mailbox.active, 1);
    const quota = intval(mailbox.quota ?? 3072 * MIB);
    const used = intval(mailbox.quota_used ?? 0);
    return {
      ...mailbox,
      username: mailbox.username.toLowerCase(),
      active,
      active_int: active,
      domain: (mailbox.domain ?? domain).toLowerCase(),
      name: mailbox.name ?? localPart,
      local_part: mailbox.local_part ?? localPart,
      quota,
      messages: intval(mailbox.messages ?? 0),
      attributes: { relayhost: '0', ...(mailbox.attributes ?? {}) },
      custom_attributes: {},
      quota_used: used,
      percent_in_use: quota === 0 ? '- ' : Math.round((used / quota) * 100),
      percent_class: 'success',
      created: mailbox.created ?? this.timestamp(),
      modified: mailbox.modified ?? null,
      authsource: 'mailcow',
      last_imap_login: 0,
      last_smtp_login: 0,
      last_pop3_login: 0,
      last_sso_login: 0,
    };
  }

  listMailboxes(domains?: string[]): Record<string, unknown>[] {
    return this.mailboxes
      .filter((mailbox) => !domains || domains.includes(String(this.mailboxView(mailbox).domain)))
      .map((mailbox) => this.mailboxView(mailbox))
      .sort((a, b) => String(a.username).localeCompare(String(b.username)));
  }

  /** `get/logs/postfix/<spec>`: `N` newest entries, `A-B` a 1-based range, nothing for 0. */
  postfixEntries(spec: string | undefined): RawPostfixLogEntry[] {
    const cleaned = spec === undefined ? '' : spec.replace(/[^0-9-]/g, '');
    if (spec === undefined || cleaned === '') {
      return this.postfixLog.slice(0, 1000);
    }
    const range = /^(\d+)-(\d+)$/.exec(cleaned);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from < 1 || to < from) {
        return [];
      }
      return this.postfixLog.slice(from - 1, to);
    }
    const count = Number(cleaned);
    if (!Number.isFinite(count) || count < 1) {
      return [];
    }
    return this.postfixLog.slice(0, count);
  }

  // ----- writes -----

  addDomain(attrInput: unknown, admin: boolean): HandlerOutcome {
    const log = ['mailbox', 'add', 'domain', asPhpArray(attrInput), null];
    const danger = (msg: string | unknown[]): HandlerOutcome => ({
      entries: [{ type: 'danger', log, msg }],
      returned: false,
    });
    if (!admin) {
      return danger('access_denied');
    }
    const attr: Record<string, unknown> =
      attrInput !== null && typeof attrInput === 'object' && !Array.isArray(attrInput)
        ? (attrInput as Record<string, unknown>)
        : {};
    const take = (name: keyof typeof TEMPLATE): unknown =>
      isSet(attr[name]) ? attr[name] : TEMPLATE[name];
    const domain = toAscii(phpString(attr.domain).trim().toLowerCase());
    const description = isSet(attr.description) ? phpString(attr.description) : domain;
    const aliases = intval(take('aliases'));
    const mailboxes = intval(take('mailboxes'));
    const defquota = intval(take('defquota'));
    const maxquota = intval(take('maxquota'));
    const quota = intval(take('quota'));
    let active = intval(take('active'));
    let backupmx = intval(take('backupmx'));
    let relayAll = intval(take('relay_all_recipients'));
    const relayUnknown = intval(take('relay_unknown_only'));
    const gal = intval(take('gal'));
    if (relayAll === 1) {
      backupmx = 1;
    }
    if (relayUnknown === 1) {
      backupmx = 1;
      relayAll = 1;
    }
    active = active === 1 ? 1 : 0;
    if (defquota > maxquota) {
      return danger('mailbox_defquota_exceeds_mailbox_maxquota');
    }
    if (maxquota > quota) {
      return danger('mailbox_quota_exceeds_domain_quota');
    }
    if (defquota === 0) {
      return danger('defquota_empty');
    }
    if (maxquota === 0) {
      return danger('maxquota_empty');
    }
    if (!isValidDomainName(domain)) {
      return danger('domain_invalid');
    }
    if (this.domains.has(domain)) {
      return danger(['domain_exists', domain]);
    }
    if (domain === this.hostname) {
      return danger('domain_cannot_match_hostname');
    }
    const entries: ReplyEntry[] = [];
    const row: DomainRow = {
      name: domain,
      description,
      aliases,
      mailboxes,
      defquotaBytes: defquota * MIB,
      maxquotaBytes: maxquota * MIB,
      quotaBytes: quota * MIB,
      relayhost: '0',
      backupmx: backupmx === 1 ? 1 : 0,
      gal: gal === 1 ? 1 : 0,
      active,
      relayAll: relayAll === 1 ? 1 : 0,
      relayUnknown: relayUnknown === 1 ? 1 : 0,
      created: this.timestamp(),
      modified: null,
      tags: Array.isArray(attr.tags) ? attr.tags.map(phpString) : [],
      rl: false,
    };
    this.domains.set(domain, row);
    const rlValue = take('rl_value');
    const rlFrame = take('rl_frame');
    if (!isEmpty(rlValue) && !isEmpty(rlFrame)) {
      row.rl = { value: String(intval(rlValue)), frame: phpString(rlFrame) };
      entries.push({
        type: 'success',
        log: [
          'ratelimit',
          'edit',
          'domain',
          { rl_value: intval(rlValue), rl_frame: rlFrame, object: domain },
        ],
        msg: ['rl_saved', domain],
      });
    }
    const keySize = take('key_size');
    const selector = take('dkim_selector');
    if (!isEmpty(keySize) && !isEmpty(selector)) {
      row.dkimSelector = phpString(selector);
      entries.push({
        type: 'success',
        log: [
          'dkim',
          'add',
          { key_size: intval(keySize), dkim_selector: selector, domains: domain },
        ],
        msg: ['dkim_added', domain],
      });
    }
    if (intval(attr.restart_sogo) !== 0 && this.sogoRestartFails) {
      entries.push({ type: 'warning', log, msg: ['domain_added_sogo_failed', domain] });
      return { entries, returned: false };
    }
    entries.push({ type: 'success', log, msg: ['domain_added', domain] });
    return { entries, returned: true };
  }

  editDomain(items: unknown, attrInput: unknown, admin: boolean): HandlerOutcome {
    const list = toList(items);
    const attr: Record<string, unknown> =
      attrInput !== null && typeof attrInput === 'object' && !Array.isArray(attrInput)
        ? (attrInput as Record<string, unknown>)
        : {};
    const log = ['mailbox', 'edit', 'domain', { domain: list, ...attr }, null];
    const entries: ReplyEntry[] = [];
    if (!admin) {
      return { entries: [{ type: 'danger', log, msg: 'access_denied' }], returned: false };
    }
    for (const item of list) {
      if (typeof item !== 'string' && typeof item !== 'number') {
        throw new EmulatedException();
      }
      const name = toAscii(String(item));
      const row = isValidDomainName(name) ? this.findDomain(name) : undefined;
      if (!row) {
        entries.push({ type: 'danger', log, msg: 'domain_invalid' });
        continue;
      }
      const next = { ...row };
      const flagAttr = (field: string, current: number): number =>
        isSet(attr[field]) ? intval(attr[field]) : current;
      next.active = flagAttr('active', row.active);
      next.backupmx = flagAttr('backupmx', row.backupmx);
      next.gal = flagAttr('gal', row.gal);
      next.relayAll = flagAttr('relay_all_recipients', row.relayAll);
      next.relayUnknown = flagAttr('relay_unknown_only', row.relayUnknown);
      if (isSet(attr.relayhost)) {
        next.relayhost = String(intval(attr.relayhost));
      }
      if (isSet(attr.mailboxes) && attr.mailboxes !== '') {
        next.mailboxes = intval(attr.mailboxes);
      }
      if (isSet(attr.defquota) && attr.defquota !== '') {
        next.defquotaBytes = intval(attr.defquota) * MIB;
      }
      if (!isEmpty(attr.aliases)) {
        next.aliases = intval(attr.aliases);
      }
      if (!isEmpty(attr.maxquota)) {
        next.maxquotaBytes = intval(attr.maxquota) * MIB;
      }
      if (!isEmpty(attr.quota)) {
        next.quotaBytes = intval(attr.quota) * MIB;
      }
      if (!isEmpty(attr.description)) {
        next.description = phpString(attr.description);
      }
      // Coupling after the merge with the current values.
      if (next.relayAll === 1) {
        next.backupmx = 1;
      }
      if (next.relayUnknown === 1) {
        next.backupmx = 1;
        next.relayAll = 1;
      }
      const failure = this.quotaProblem(next);
      if (failure) {
        entries.push({ type: 'danger', log, msg: failure });
        continue;
      }
      next.modified = this.timestamp();
      this.domains.set(row.name, next);
      if (Array.isArray(attr.tags)) {
        for (const tag of attr.tags.map(phpString)) {
          if (next.tags.includes(tag)) {
            // tags_domain has UNIQUE(tag_name, domain): the INSERT throws after the UPDATE ran.
            throw new EmulatedException({
              type: 'danger',
              log: ['exception_handler'],
              msg: [
                'mysql_error',
                {
                  errorInfo: [
                    '23000',
                    1062,
                    `Duplicate entry '${tag}-${row.name}' for key 'tag_name'`,
                  ],
                },
              ],
            });
          }
          next.tags.push(tag);
        }
      }
      entries.push({ type: 'success', log, msg: ['domain_modified', name] });
    }
    return { entries, returned: true };
  }

  private quotaProblem(row: DomainRow): string | unknown[] | undefined {
    if (row.defquotaBytes > row.maxquotaBytes) {
      return 'mailbox_defquota_exceeds_mailbox_maxquota';
    }
    if (row.maxquotaBytes > row.quotaBytes) {
      return 'mailbox_quota_exceeds_domain_quota';
    }
    if (row.defquotaBytes === 0) {
      return 'defquota_empty';
    }
    if (row.maxquotaBytes === 0) {
      return 'maxquota_empty';
    }
    const boxes = this.mailboxesOf(row.name);
    if (boxes.length > row.mailboxes) {
      return ['mailboxes_in_use', boxes.length];
    }
    return undefined;
  }

  deleteDomains(items: unknown, admin: boolean): HandlerOutcome {
    const list = toList(items);
    const log = ['mailbox', 'delete', 'domain', { domain: list }, null];
    if (!admin) {
      return { entries: [{ type: 'danger', log, msg: 'access_denied' }], returned: false };
    }
    const entries: ReplyEntry[] = [];
    for (const item of list) {
      if (typeof item !== 'string' && typeof item !== 'number') {
        // idn_to_ascii() on an array: a TypeError, which ends the request with an empty body.
        throw new EmulatedException();
      }
      const name = toAscii(String(item).trim().toLowerCase());
      if (!isValidDomainName(name)) {
        entries.push({ type: 'danger', log, msg: 'domain_invalid' });
        continue;
      }
      if (this.mailboxesOf(name).length > 0) {
        entries.push({ type: 'danger', log, msg: ['domain_not_empty', name] });
        continue;
      }
      this.domains.delete(name);
      entries.push({ type: 'success', log, msg: ['domain_removed', name] });
    }
    return { entries, returned: true };
  }

  addRelayhost(attrInput: unknown, admin: boolean): HandlerOutcome {
    const attr = objectOf(attrInput);
    const log = ['relayhost', 'add', asPhpArray(attrInput)];
    if (!admin) {
      return { entries: [{ type: 'danger', log, msg: 'access_denied' }], returned: false };
    }
    const hostname = phpString(attr.hostname).trim();
    if (hostname === '') {
      return { entries: [{ type: 'danger', log, msg: ['invalid_host', ''] }], returned: false };
    }
    // Colons are escaped for Postfix; the password twice on add (a mailcow quirk).
    const username = phpString(attr.username).replace(/:/g, '\\:');
    const password = phpString(attr.password).replace(/:/g, '\\:').replace(/:/g, '\\:');
    const id = this.nextRelayhostId++;
    this.relayhosts.set(id, { id, hostname, username, password, active: 1 });
    return { entries: [{ type: 'success', log, msg: ['relayhost_added', ''] }], returned: true };
  }

  editRelayhosts(items: unknown, attrInput: unknown, admin: boolean): HandlerOutcome {
    const list = toList(items);
    const attr = objectOf(attrInput);
    const log = ['relayhost', 'edit', { id: list, ...attr }];
    if (!admin) {
      return { entries: [{ type: 'danger', log, msg: 'access_denied' }], returned: false };
    }
    const entries: ReplyEntry[] = [];
    for (const item of list) {
      const row = this.relayhosts.get(intval(item));
      if (!row) {
        entries.push({ type: 'danger', log, msg: ['relayhost_invalid', phpString(item)] });
        continue;
      }
      if (isSet(attr.hostname)) {
        row.hostname = phpString(attr.hostname).trim();
      }
      if (isSet(attr.username)) {
        row.username = phpString(attr.username);
      }
      if (isSet(attr.password)) {
        row.password = phpString(attr.password);
      }
      if (isSet(attr.active)) {
        row.active = intval(attr.active) === 1 ? 1 : 0;
      }
      entries.push({ type: 'success', log, msg: ['object_modified', phpString(attr.hostname)] });
    }
    return { entries, returned: true };
  }

  deleteRelayhosts(items: unknown, admin: boolean): HandlerOutcome {
    const list = toList(items);
    const log = ['relayhost', 'delete', { id: list }];
    if (!admin) {
      return { entries: [{ type: 'danger', log, msg: 'access_denied' }], returned: false };
    }
    const entries: ReplyEntry[] = [];
    for (const item of list) {
      const id = intval(item);
      this.relayhosts.delete(id);
      for (const domain of this.domains.values()) {
        if (domain.relayhost === String(id)) {
          domain.relayhost = '0';
          domain.modified = this.timestamp();
        }
      }
      entries.push({ type: 'success', log, msg: ['relayhost_removed', phpString(item)] });
    }
    return { entries, returned: true };
  }

  async addFwdhost(attrInput: unknown, admin: boolean): Promise<HandlerOutcome> {
    const attr = objectOf(attrInput);
    const log = ['fwdhost', 'add', asPhpArray(attrInput)];
    if (!admin) {
      return { entries: [{ type: 'danger', log, msg: 'access_denied' }], returned: false };
    }
    const input = phpString(attr.hostname).trim();
    if (input === '') {
      return { entries: [{ type: 'danger', log, msg: ['invalid_host', ''] }], returned: false };
    }
    let hosts: string[];
    // Literal addresses are stored as given, without any check (a hex-only name counts too).
    if (/^[0-9a-fA-F:/]+$/.test(input) || /^[0-9./]+$/.test(input)) {
      hosts = [input];
    } else {
      hosts = await this.resolver.bestGuess(input);
    }
    if (hosts.length === 0) {
      return { entries: [{ type: 'danger', log, msg: ['invalid_host', input] }], returned: false };
    }
    const keepSpam = !looselyOne(attr.filter_spam);
    for (const host of hosts) {
      const existing = this.fwdhosts.get(host);
      if (existing) {
        existing.source = input;
        existing.keepSpam = keepSpam;
      } else {
        this.fwdhosts.set(host, { source: input, keepSpam });
      }
    }
    return {
      entries: [{ type: 'success', log, msg: ['forwarding_host_added', hosts.join(', ')] }],
      returned: true,
    };
  }

  editFwdhosts(items: unknown, attrInput: unknown, admin: boolean): HandlerOutcome {
    const list = toList(items);
    const attr = objectOf(attrInput);
    const log = ['fwdhost', 'edit', { fwdhost: list, ...attr }];
    const entries: ReplyEntry[] = [];
    for (const item of list) {
      const host = phpString(item);
      const row = this.fwdhosts.get(host);
      if (!admin || !row) {
        entries.push({ type: 'danger', log, msg: 'access_denied' });
        continue;
      }
      if (isSet(attr.keep_spam)) {
        row.keepSpam = looselyOne(attr.keep_spam);
      }
      entries.push({ type: 'success', log, msg: ['object_modified', host] });
    }
    return { entries, returned: true };
  }

  deleteFwdhosts(items: unknown, admin: boolean): HandlerOutcome {
    const list = toList(items);
    const log = ['fwdhost', 'delete', { forwardinghost: list }];
    if (!admin) {
      return { entries: [{ type: 'danger', log, msg: 'access_denied' }], returned: false };
    }
    const entries: ReplyEntry[] = [];
    for (const item of list) {
      const host = phpString(item);
      this.fwdhosts.delete(host);
      entries.push({ type: 'success', log, msg: ['forwarding_host_removed', host] });
    }
    return { entries, returned: true };
  }

  /** The state in seed form (mailcow's read shapes): a snapshot that can seed another run. */
  snapshot(): MailcowSeed {
    return {
      hostname: this.hostname,
      version: this.version,
      apiKeys: this.apiKeys.map((key) => ({
        key: key.key,
        access: key.access,
        allowFrom: [...key.allowFrom],
        active: key.active ? 1 : 0,
        skipIpCheck: key.skipIpCheck ? 1 : 0,
      })),
      domains: this.listDomains() as RawMailcowDomain[],
      relayhosts: this.listRelayhosts() as RawMailcowRelayhost[],
      fwdhosts: this.listFwdhosts() as RawMailcowForwardingHost[],
      mailboxes: this.mailboxes.map((mailbox) => ({ ...mailbox })),
      postfixLog: this.postfixLog.map((entry) => ({ ...entry })),
    };
  }
}

/** `(array)` cast as mailcow applies it to `items`: a scalar becomes a one-element list. */
function toList(items: unknown): unknown[] {
  if (items === undefined || items === null) {
    return [];
  }
  if (Array.isArray(items)) {
    return items;
  }
  if (typeof items === 'object') {
    return Object.values(items);
  }
  return [items];
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
