import type {
  MailcowDomain,
  MailcowForwardingHost,
  MailcowMailbox,
  MailcowRelayhost,
  MailcowReplyEntry,
  PostfixLogEntry,
} from './mailcow-types';

/** A reply that does not have the shape mailcow's API gives; `field` says where. */
export class MailcowDecodeError extends Error {
  constructor(readonly field: string) {
    super(`unexpected value in ${field}`);
    this.name = 'MailcowDecodeError';
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Flags arrive as 0/1 numbers on current mailcow and as "0"/"1" strings on older releases. */
export function decodeFlag(value: unknown, field: string, fallback?: boolean): boolean {
  if (value === undefined || value === null) {
    if (fallback === undefined) {
      throw new MailcowDecodeError(field);
    }
    return fallback;
  }
  if (value === 1 || value === '1' || value === true) {
    return true;
  }
  if (value === 0 || value === '0' || value === false || value === '') {
    return false;
  }
  throw new MailcowDecodeError(field);
}

/** Counts, ids and byte quotas come as JSON numbers or as numeric strings. */
export function decodeInt(value: unknown, field: string, fallback?: number): number {
  if (value === undefined || value === null || value === '') {
    if (fallback === undefined) {
      throw new MailcowDecodeError(field);
    }
    return fallback;
  }
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new MailcowDecodeError(field);
  }
  return Math.trunc(number);
}

function decodeString(value: unknown, field: string, fallback?: string): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if ((value === undefined || value === null) && fallback !== undefined) {
    return fallback;
  }
  throw new MailcowDecodeError(field);
}

/**
 * A collection reply. mailcow answers `{}` (an object) for an empty collection, an array
 * otherwise, and a lone object where a collection happens to hold one item on some routes.
 */
export function decodeList<T>(
  json: unknown,
  what: string,
  identifyingField: string,
  decodeItem: (item: JsonObject, index: number) => T,
): T[] {
  if (Array.isArray(json)) {
    return json.map((item, index) => {
      if (!isObject(item)) {
        throw new MailcowDecodeError(`${what}[${index}]`);
      }
      return decodeItem(item, index);
    });
  }
  if (isObject(json)) {
    if (Object.keys(json).length === 0) {
      return [];
    }
    if (identifyingField in json) {
      return [decodeItem(json, 0)];
    }
  }
  throw new MailcowDecodeError(what);
}

/** A single-object reply: `{}` means "not found". */
export function decodeOne<T>(
  json: unknown,
  what: string,
  identifyingField: string,
  decodeItem: (item: JsonObject) => T,
): T | undefined {
  if (Array.isArray(json)) {
    const first: unknown = json[0];
    return json.length === 0 ? undefined : decodeOne(first, what, identifyingField, decodeItem);
  }
  if (!isObject(json)) {
    throw new MailcowDecodeError(what);
  }
  if (Object.keys(json).length === 0) {
    return undefined;
  }
  if (!(identifyingField in json)) {
    throw new MailcowDecodeError(what);
  }
  return decodeItem(json);
}

export function decodeDomain(raw: JsonObject): MailcowDomain {
  const name = decodeString(raw.domain_name, 'domain_name').trim().toLowerCase();
  const field = (key: string): string => `domain ${name}: ${key}`;
  const tags = Array.isArray(raw.tags)
    ? raw.tags.map((tag) => decodeString(tag, field('tags')))
    : [];
  return {
    name,
    unicodeName: decodeString(raw.domain_h_name, field('domain_h_name'), name),
    description: decodeString(raw.description, field('description'), ''),
    active: decodeFlag(raw.active, field('active'), true),
    relay: {
      domain: decodeFlag(raw.backupmx, field('backupmx'), false),
      allRecipients: decodeFlag(raw.relay_all_recipients, field('relay_all_recipients'), false),
      unknownOnly: decodeFlag(raw.relay_unknown_only, field('relay_unknown_only'), false),
    },
    relayhostId: decodeInt(raw.relayhost, field('relayhost'), 0),
    gal: decodeFlag(raw.gal, field('gal'), false),
    maxAliases: decodeInt(raw.max_num_aliases_for_domain, field('max_num_aliases_for_domain'), 0),
    maxMailboxes: decodeInt(raw.max_num_mboxes_for_domain, field('max_num_mboxes_for_domain'), 0),
    quota: {
      domainBytes: decodeInt(raw.max_quota_for_domain, field('max_quota_for_domain'), 0),
      mailboxMaxBytes: decodeInt(raw.max_quota_for_mbox, field('max_quota_for_mbox'), 0),
      mailboxDefaultBytes: decodeInt(raw.def_quota_for_mbox, field('def_quota_for_mbox'), 0),
    },
    tags,
  };
}

function splitList(value: unknown, field: string): string[] {
  return decodeString(value, field, '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

/** The password mailcow returns is read past and dropped here, on purpose. */
export function decodeRelayhost(raw: JsonObject): MailcowRelayhost {
  const id = decodeInt(raw.id, 'relayhost id');
  const field = (key: string): string => `relayhost ${id}: ${key}`;
  const password = raw.password;
  return {
    id,
    hostname: decodeString(raw.hostname, field('hostname')),
    username: decodeString(raw.username, field('username'), ''),
    hasPassword: typeof password === 'string' ? password !== '' : false,
    active: decodeFlag(raw.active, field('active'), true),
    usedByDomains: splitList(raw.used_by_domains, field('used_by_domains')),
  };
}

export function decodeForwardingHost(raw: JsonObject): MailcowForwardingHost {
  const host = decodeString(raw.host, 'fwdhost host');
  const keepSpam = raw.keep_spam;
  let keep: boolean;
  if (keepSpam === 'yes' || keepSpam === 'no') {
    keep = keepSpam === 'yes';
  } else {
    keep = decodeFlag(keepSpam, `fwdhost ${host}: keep_spam`, false);
  }
  return {
    host,
    source: decodeString(raw.source, `fwdhost ${host}: source`, host),
    keepSpam: keep,
  };
}

export function decodeMailbox(raw: JsonObject): MailcowMailbox {
  const username = decodeString(raw.username, 'mailbox username').trim().toLowerCase();
  const field = (key: string): string => `mailbox ${username}: ${key}`;
  const domain = decodeString(raw.domain, field('domain'), username.split('@')[1] ?? '');
  return {
    username,
    domain: domain.toLowerCase(),
    active: decodeFlag(raw.active, field('active'), true),
    name: decodeString(raw.name, field('name'), ''),
  };
}

export function decodePostfixEntry(raw: JsonObject, index: number): PostfixLogEntry {
  const field = (key: string): string => `postfix log [${index}]: ${key}`;
  return {
    time: decodeInt(raw.time, field('time')),
    priority: decodeString(raw.priority, field('priority'), ''),
    program: decodeString(raw.program, field('program'), ''),
    message: decodeString(raw.message, field('message'), ''),
  };
}

function stringifyArg(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value) ?? '';
}

function decodeEntry(raw: unknown, index: number): MailcowReplyEntry {
  if (!isObject(raw) || typeof raw.type !== 'string') {
    throw new MailcowDecodeError(`reply entry ${index}`);
  }
  const message = raw.msg;
  if (Array.isArray(message)) {
    const [key, ...args] = message as unknown[];
    return { type: raw.type, msgKey: stringifyArg(key), msgArgs: args.map(stringifyArg) };
  }
  return { type: raw.type, msgKey: stringifyArg(message), msgArgs: [] };
}

/**
 * The reply to an add, edit or delete: usually an array of `{type, log, msg}` entries, or a
 * single object when the handler produced no entry (`Task completed`, `Cannot add item`).
 * The `log` arrays are dropped here: they echo the request, passwords included.
 */
export function decodeWriteEntries(json: unknown): MailcowReplyEntry[] {
  if (Array.isArray(json)) {
    return json.map((entry, index) => decodeEntry(entry, index));
  }
  return [decodeEntry(json, 0)];
}
