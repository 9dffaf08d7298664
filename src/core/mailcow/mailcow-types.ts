/**
 * mailcow's own read shapes (what `GET /api/v1/get/...` returns) and the normalised objects the
 * rest of the product works with. The raw shapes are also the format of the `mailcow:` section
 * of a sandbox scenario, so a snapshot of a live mailcow can be replayed without translation.
 */

/** A flag as mailcow sends it: JSON numbers on current releases, strings in older ones. */
export type RawFlag = 0 | 1 | '0' | '1' | boolean;

/** One object of `GET /api/v1/get/domain/all`. Fields not listed here are kept but unread. */
export interface RawMailcowDomain {
  domain_name: string;
  domain_h_name?: string;
  description?: string;
  active?: RawFlag;
  backupmx?: RawFlag;
  gal?: RawFlag;
  relay_all_recipients?: RawFlag;
  relay_unknown_only?: RawFlag;
  /** A relayhost id as a string; "0" means none. */
  relayhost?: string | number;
  max_num_aliases_for_domain?: number | string;
  max_num_mboxes_for_domain?: number | string;
  /** Bytes. */
  def_quota_for_mbox?: number | string;
  max_quota_for_mbox?: number | string;
  max_quota_for_domain?: number | string;
  rl?: false | { value: string; frame: string };
  created?: string;
  modified?: string | null;
  tags?: string[];
  [field: string]: unknown;
}

/** One object of `GET /api/v1/get/relayhost/all`. The password comes back in clear text. */
export interface RawMailcowRelayhost {
  id: number | string;
  hostname: string;
  username?: string;
  password?: string;
  active?: RawFlag;
  password_short?: string;
  used_by_domains?: string;
  used_by_mailboxes?: string;
  [field: string]: unknown;
}

/** One object of `GET /api/v1/get/fwdhost/all`. */
export interface RawMailcowForwardingHost {
  host: string;
  source?: string;
  keep_spam?: 'yes' | 'no';
  [field: string]: unknown;
}

/** One object of `GET /api/v1/get/mailbox/all` (the fields that matter here). */
export interface RawMailcowMailbox {
  username: string;
  domain?: string;
  active?: RawFlag;
  name?: string;
  local_part?: string;
  /** Bytes. */
  quota?: number | string;
  attributes?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One entry of `GET /api/v1/get/logs/postfix/<n>`; every value is a string. */
export interface RawPostfixLogEntry {
  time: string;
  priority: string;
  program: string;
  message: string;
}

/** The three relay flags, named as the spec names them. */
export interface MailcowRelayFlags {
  /** mailcow `backupmx`: "Relay this domain". */
  domain: boolean;
  /** mailcow `relay_all_recipients`. */
  allRecipients: boolean;
  /** mailcow `relay_unknown_only`. */
  unknownOnly: boolean;
}

export interface MailcowDomain {
  /** ASCII (punycode) name, lower-cased. */
  name: string;
  /** The Unicode form mailcow shows. */
  unicodeName: string;
  description: string;
  active: boolean;
  relay: MailcowRelayFlags;
  /** The sender-dependent transport; 0 when none. mailcow does not check the id exists. */
  relayhostId: number;
  gal: boolean;
  maxAliases: number;
  maxMailboxes: number;
  quota: {
    domainBytes: number;
    mailboxMaxBytes: number;
    mailboxDefaultBytes: number;
  };
  tags: string[];
}

/** A relayhost without its password: nothing downstream needs it, and it must not leak. */
export interface MailcowRelayhost {
  id: number;
  hostname: string;
  username: string;
  hasPassword: boolean;
  active: boolean;
  /** Lower-cased domain names whose sender-dependent transport is this relayhost. */
  usedByDomains: string[];
}

export interface MailcowForwardingHost {
  /** An IP address or CIDR range: mailcow stores what a host name resolved to. */
  host: string;
  /** What was added: the host name, or the address itself. */
  source: string;
  /** True when spam from this host is kept rather than filtered (`filter_spam` 0). */
  keepSpam: boolean;
}

export interface MailcowMailbox {
  /** Lower-cased address. */
  username: string;
  domain: string;
  active: boolean;
  name: string;
}

export interface PostfixLogEntry {
  /** Unix time in seconds. */
  time: number;
  priority: string;
  program: string;
  message: string;
}

/** One entry of a write reply, without its `log` array (which echoes secrets). */
export interface MailcowReplyEntry {
  type: string;
  /** The language key or free text mailcow put in `msg`. */
  msgKey: string;
  msgArgs: string[];
}

export interface MailcowWriteReply {
  entries: MailcowReplyEntry[];
}
