import type { IpNetwork } from './ip-network';
import { makeNetwork, networkContains, networksCoverNetwork, parseNetwork } from './ip-network';
import { msg } from '../messages/catalogue';
import type { DnsFailure, DnsLookup, DnsResult } from './resolver';
import { dnsFailureMessage } from './resolver';

export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfMechanismKind = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

/** One mechanism as written in a record. */
export interface SpfMechanism {
  kind: SpfMechanismKind;
  qualifier: SpfQualifier;
  /** The term exactly as written, for messages. */
  text: string;
  /** The domain-spec as written (may hold macros); absent where the current domain is meant. */
  domainSpec?: string;
  /** ip4/ip6 only. */
  network?: IpNetwork;
  /** a/mx only: the prefix lengths applied to the addresses found. */
  cidr4?: number;
  cidr6?: number;
}

export interface SpfSyntaxError {
  term: string;
  reason:
    | 'unknown-term'
    | 'bad-address'
    | 'bad-prefix'
    | 'missing-domain'
    | 'duplicate-modifier'
    | 'bad-domain';
}

export interface SpfRecord {
  text: string;
  mechanisms: SpfMechanism[];
  redirect?: string;
  exp?: string;
  /** Modifiers RFC 7208 tells evaluators to ignore, kept for display. */
  unknownModifiers: { name: string; value: string }[];
  /** Any entry makes the record a permanent error for receivers. */
  errors: SpfSyntaxError[];
}

/** True when a TXT record is an SPF record: `v=spf1` alone or followed by a space. */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1( |$)/i.test(text);
}

const QUALIFIERS = new Set(['+', '-', '~', '?']);
const MODIFIER_PATTERN = /^([a-z][a-z0-9_.-]*)=(.*)$/i;
const DUAL_CIDR_PATTERN = /^(?::([^/]+))?(?:\/(\d{1,2}))?(?:\/\/(\d{1,3}))?$/;

function parseMechanism(term: string): SpfMechanism | SpfSyntaxError {
  const first = term[0] ?? '';
  const qualifier = (QUALIFIERS.has(first) ? first : '+') as SpfQualifier;
  const body = QUALIFIERS.has(first) ? term.slice(1) : term;
  const nameMatch = /^[a-z0-9]+/i.exec(body);
  const name = (nameMatch?.[0] ?? '').toLowerCase();
  const rest = body.slice(name.length);

  switch (name) {
    case 'all':
      return rest === ''
        ? { kind: 'all', qualifier, text: term }
        : { term, reason: 'unknown-term' };
    case 'include':
    case 'exists': {
      if (!rest.startsWith(':') || rest.length < 2) {
        return { term, reason: 'missing-domain' };
      }
      return { kind: name, qualifier, text: term, domainSpec: rest.slice(1) };
    }
    case 'ptr': {
      if (rest === '') {
        return { kind: 'ptr', qualifier, text: term };
      }
      if (!rest.startsWith(':') || rest.length < 2) {
        return { term, reason: 'missing-domain' };
      }
      return { kind: 'ptr', qualifier, text: term, domainSpec: rest.slice(1) };
    }
    case 'a':
    case 'mx': {
      const parts = DUAL_CIDR_PATTERN.exec(rest);
      if (!parts) {
        return {
          term,
          reason: rest.startsWith(':') || rest.startsWith('/') ? 'bad-prefix' : 'unknown-term',
        };
      }
      const cidr4 = parts[2] === undefined ? 32 : Number(parts[2]);
      const cidr6 = parts[3] === undefined ? 128 : Number(parts[3]);
      if (cidr4 > 32 || cidr6 > 128 || /^0\d/.test(parts[2] ?? '') || /^0\d/.test(parts[3] ?? '')) {
        return { term, reason: 'bad-prefix' };
      }
      const mechanism: SpfMechanism = { kind: name, qualifier, text: term, cidr4, cidr6 };
      if (parts[1] !== undefined) {
        mechanism.domainSpec = parts[1];
      }
      return mechanism;
    }
    case 'ip4':
    case 'ip6': {
      if (!rest.startsWith(':')) {
        return { term, reason: 'bad-address' };
      }
      const value = rest.slice(1);
      const network = parseNetwork(value);
      const [address = ''] = value.split('/');
      const wantFamily = name === 'ip4' ? 4 : 6;
      // `ip6:::ffff:192.0.2.1` parses as IPv4 through the mapped form; SPF keeps the families
      // apart, so the family is judged on the text.
      const textFamily = address.includes(':') ? 6 : 4;
      if (!network || textFamily !== wantFamily) {
        return {
          term,
          reason: value.includes('/') && makeNetwork(address) ? 'bad-prefix' : 'bad-address',
        };
      }
      return { kind: name, qualifier, text: term, network };
    }
    default:
      return { term, reason: 'unknown-term' };
  }
}

function isSyntaxError(value: SpfMechanism | SpfSyntaxError): value is SpfSyntaxError {
  return 'reason' in value;
}

/** Reads an SPF record into its terms. Syntax problems are collected, not thrown. */
export function parseSpf(text: string): SpfRecord {
  const record: SpfRecord = { text, mechanisms: [], unknownModifiers: [], errors: [] };
  const terms = text.trim().split(/ +/).slice(1);
  for (const term of terms) {
    const modifier = MODIFIER_PATTERN.exec(term);
    if (modifier && !/^[+\-~?]/.test(term)) {
      const name = (modifier[1] ?? '').toLowerCase();
      const value = modifier[2] ?? '';
      if (name === 'redirect' || name === 'exp') {
        if (record[name] !== undefined) {
          record.errors.push({ term, reason: 'duplicate-modifier' });
        } else if (value === '') {
          record.errors.push({ term, reason: 'missing-domain' });
        } else {
          record[name] = value;
        }
      } else {
        record.unknownModifiers.push({ name, value });
      }
      continue;
    }
    const parsed = parseMechanism(term);
    if (isSyntaxError(parsed)) {
      record.errors.push(parsed);
    } else {
      record.mechanisms.push(parsed);
    }
  }
  return record;
}

/**
 * Expands the macros of a domain-spec that do not depend on the message being judged: `%{d}`
 * (the domain whose record holds the term) and `%{o}` (the domain being checked), with their
 * digit and `r` transformers and delimiters, and the `%%`, `%_`, `%-` escapes. Returns
 * undefined when the spec needs the sender's address, local part, client IP or HELO name.
 */
export function expandDomainSpec(
  spec: string,
  current: string,
  origin: string,
): string | undefined {
  let out = '';
  for (let index = 0; index < spec.length; index += 1) {
    const char = spec[index];
    if (char !== '%') {
      out += char;
      continue;
    }
    const next = spec[index + 1];
    if (next === '%') {
      out += '%';
      index += 1;
    } else if (next === '_') {
      out += ' ';
      index += 1;
    } else if (next === '-') {
      out += '%20';
      index += 1;
    } else if (next === '{') {
      const close = spec.indexOf('}', index);
      if (close < 0) {
        return undefined;
      }
      const macro = /^([a-z])(\d*)(r?)([.\-+,/_=]*)$/i.exec(spec.slice(index + 2, close));
      const letter = macro?.[1]?.toLowerCase();
      if (!macro || (letter !== 'd' && letter !== 'o')) {
        return undefined;
      }
      const source = letter === 'd' ? current : origin;
      const delimiters = macro[4] || '.';
      let labels = source.split(new RegExp(`[${delimiters.replace(/[-\\/\]^]/g, '\\$&')}]`));
      if (macro[3]) {
        labels = labels.reverse();
      }
      if (macro[2]) {
        const keep = Number(macro[2]);
        if (keep === 0) {
          return undefined;
        }
        labels = labels.slice(-keep);
      }
      out += labels.join('.');
      index = close;
    } else {
      return undefined;
    }
  }
  return out;
}

export type SpfResult =
  'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';
/** An evaluation that reached a term whose outcome depends on the message (ptr, exists, macros). */
export type SpfVerdict = SpfResult | 'undecidable';

export type SpfProblemKind =
  | 'missing'
  | 'multiple-records'
  | 'syntax'
  | 'include-missing'
  | 'redirect-missing'
  | 'lookup-limit'
  | 'void-lookup-limit'
  | 'mx-limit'
  | 'loop'
  | 'dns-failed'
  | 'not-expandable';

export interface SpfProblem {
  kind: SpfProblemKind;
  /** The domain whose record holds the term (or, for `missing`, the domain checked). */
  domain: string;
  term?: string;
  /** include/redirect target, or the name a failed lookup was for. */
  target?: string;
  failure?: DnsFailure;
  syntax?: SpfSyntaxError[];
  /** How many records, lookups or MX hosts, where that is the point. */
  count?: number;
}

export type SpfTerm =
  | { kind: 'networks'; mechanism: SpfMechanism; networks: IpNetwork[] }
  | { kind: 'include'; mechanism: SpfMechanism; target: SpfNode }
  | { kind: 'all'; mechanism: SpfMechanism }
  | { kind: 'undecidable'; mechanism: SpfMechanism }
  | {
      kind: 'error';
      mechanism: SpfMechanism;
      result: 'permerror' | 'temperror';
      problem: SpfProblemKind;
    };

export type SpfRedirect =
  | { kind: 'target'; target: SpfNode }
  | { kind: 'error'; target: string; result: 'permerror' | 'temperror'; problem: SpfProblemKind };

/** One domain's record and what each of its terms expanded to, in evaluation order. */
export interface SpfNode {
  domain: string;
  /** `none`: no SPF record; `failed`: the TXT lookup gave no answer; `syntax`: a broken record. */
  status: 'ok' | 'none' | 'multiple' | 'syntax' | 'failed';
  record?: SpfRecord;
  /** Every SPF record found, when there were several. */
  records: string[];
  failure?: DnsFailure;
  terms: SpfTerm[];
  redirect?: SpfRedirect;
}

export interface SpfExpansion {
  domain: string;
  root: SpfNode;
  /** DNS-querying terms counted as RFC 7208 counts them (include, a, mx, ptr, exists, redirect). */
  lookups: number;
  /** Terms whose lookup found no name or no records. */
  voidLookups: number;
  problems: SpfProblem[];
  /** Every domain reached through `include:` or `redirect=`, in the order met, lower case. */
  includes: string[];
  /**
   * Networks a `+` term grants, reached through `+include:` and redirects. A summary for display
   * and quick checks; `evaluateSpf` gives the exact first-match verdict for an address.
   */
  passNetworks: IpNetwork[];
  /** False when some term could not be followed, so the networks may be incomplete. */
  complete: boolean;
}

export interface SpfLimits {
  /** RFC 7208 §4.6.4: at most 10 DNS-querying terms per evaluation. */
  maxLookups: number;
  /** RFC 7208 §4.6.4: evaluators should stop after two void lookups. */
  maxVoidLookups: number;
  /** RFC 7208 §4.6.4: at most 10 MX hosts looked up per `mx` term. */
  maxMxHosts: number;
}

export const RFC_SPF_LIMITS: SpfLimits = { maxLookups: 10, maxVoidLookups: 2, maxMxHosts: 10 };

const EVERY_IPV4 = makeNetwork('0.0.0.0', 0) as IpNetwork;
const EVERY_IPV6 = makeNetwork('::', 0) as IpNetwork;

function isVoid(result: DnsResult<unknown>): boolean {
  return result.outcome === 'nxdomain' || result.outcome === 'nodata';
}

function isValidTarget(name: string): boolean {
  return /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(
    name.replace(/\.$/, ''),
  );
}

/**
 * Walks one domain's SPF the way a receiver would, but without a message: every term in
 * order, includes and redirects followed, address lookups for `a` and `mx` done for both
 * families. Lookups are counted in the same order a receiver counts them, so the term at which
 * a receiver gives up (permerror) is marked exactly.
 */
class SpfExpander {
  lookups = 0;
  voidLookups = 0;
  readonly problems: SpfProblem[] = [];
  readonly includes: string[] = [];
  private limitReported = false;
  private voidReported = false;

  constructor(
    private readonly dns: DnsLookup,
    private readonly origin: string,
    private readonly limits: SpfLimits,
  ) {}

  async node(
    domain: string,
    chain: readonly string[],
    /** The record and term that led here; absent for the domain being checked. */
    via?: { domain: string; term: string },
  ): Promise<SpfNode> {
    const txt = await this.dns.txt(domain);
    if (via && isVoid(txt)) {
      this.countVoid(via.domain, via.term);
    }
    if (txt.outcome === 'failed') {
      this.problems.push({ kind: 'dns-failed', domain, target: domain, failure: txt });
      return { domain, status: 'failed', failure: txt, records: [], terms: [] };
    }
    const records = txt.outcome === 'records' ? txt.records.filter(isSpfRecord) : [];
    if (records.length === 0) {
      if (!via) {
        this.problems.push({ kind: 'missing', domain });
      }
      return { domain, status: 'none', records: [], terms: [] };
    }
    if (records.length > 1) {
      this.problems.push({ kind: 'multiple-records', domain, count: records.length });
      return { domain, status: 'multiple', records, terms: [] };
    }
    const record = parseSpf(records[0] ?? '');
    if (record.errors.length > 0) {
      this.problems.push({ kind: 'syntax', domain, syntax: record.errors });
      return { domain, status: 'syntax', record, records, terms: [] };
    }
    const node: SpfNode = { domain, status: 'ok', record, records, terms: [] };
    const inner = [...chain, domain];
    for (const mechanism of record.mechanisms) {
      node.terms.push(await this.term(mechanism, domain, inner));
    }
    // RFC 7208 §6.1: redirect is ignored when the record has an `all` mechanism.
    if (record.redirect !== undefined && !record.mechanisms.some((m) => m.kind === 'all')) {
      node.redirect = await this.redirect(record.redirect, domain, inner);
    }
    return node;
  }

  private countLookup(domain: string, term: string): boolean {
    this.lookups += 1;
    if (this.lookups > this.limits.maxLookups) {
      if (!this.limitReported) {
        this.limitReported = true;
        this.problems.push({ kind: 'lookup-limit', domain, term, count: this.limits.maxLookups });
      }
      return false;
    }
    return true;
  }

  /** Returns false once the void limit is passed: the term then ends evaluation in permerror. */
  private countVoid(domain: string, term: string): boolean {
    this.voidLookups += 1;
    if (this.voidLookups > this.limits.maxVoidLookups) {
      if (!this.voidReported) {
        this.voidReported = true;
        this.problems.push({
          kind: 'void-lookup-limit',
          domain,
          term,
          count: this.limits.maxVoidLookups,
        });
      }
      return false;
    }
    return true;
  }

  private target(mechanism: SpfMechanism, domain: string): string | undefined {
    if (mechanism.domainSpec === undefined) {
      return domain;
    }
    const expanded = expandDomainSpec(mechanism.domainSpec, domain, this.origin);
    return expanded === undefined ? undefined : expanded.replace(/\.$/, '').toLowerCase();
  }

  private async term(
    mechanism: SpfMechanism,
    domain: string,
    chain: readonly string[],
  ): Promise<SpfTerm> {
    const error = (result: 'permerror' | 'temperror', problem: SpfProblemKind): SpfTerm => ({
      kind: 'error',
      mechanism,
      result,
      problem,
    });
    switch (mechanism.kind) {
      case 'all':
        return { kind: 'all', mechanism };
      case 'ip4':
      case 'ip6':
        return {
          kind: 'networks',
          mechanism,
          networks: mechanism.network ? [mechanism.network] : [],
        };
      case 'ptr':
        // ptr asks DNS about the connecting client, which a check without a message has not got.
        if (!this.countLookup(domain, mechanism.text)) {
          return error('permerror', 'lookup-limit');
        }
        this.problems.push({ kind: 'not-expandable', domain, term: mechanism.text });
        return { kind: 'undecidable', mechanism };
      default:
        break;
    }
    if (!this.countLookup(domain, mechanism.text)) {
      return error('permerror', 'lookup-limit');
    }
    const target = this.target(mechanism, domain);
    if (target === undefined) {
      this.problems.push({ kind: 'not-expandable', domain, term: mechanism.text });
      return { kind: 'undecidable', mechanism };
    }
    if (!isValidTarget(target)) {
      this.problems.push({
        kind: 'syntax',
        domain,
        term: mechanism.text,
        syntax: [{ term: mechanism.text, reason: 'bad-domain' }],
      });
      return error('permerror', 'syntax');
    }
    if (mechanism.kind === 'include') {
      if (chain.includes(target)) {
        this.problems.push({ kind: 'loop', domain, term: mechanism.text, target });
        return error('permerror', 'loop');
      }
      this.includes.push(target);
      const node = await this.node(target, chain, { domain, term: mechanism.text });
      if (this.voidLookups > this.limits.maxVoidLookups) {
        return error('permerror', 'void-lookup-limit');
      }
      if (node.status === 'none') {
        this.problems.push({ kind: 'include-missing', domain, term: mechanism.text, target });
      }
      return { kind: 'include', mechanism, target: node };
    }
    if (mechanism.kind === 'a') {
      return this.addressTerm(mechanism, domain, target, error);
    }
    if (mechanism.kind === 'exists') {
      return this.existsTerm(mechanism, domain, target, error);
    }
    return this.mxTerm(mechanism, domain, target, error);
  }

  private async addressTerm(
    mechanism: SpfMechanism,
    domain: string,
    host: string,
    error: (result: 'permerror' | 'temperror', problem: SpfProblemKind) => SpfTerm,
    countVoid = true,
  ): Promise<SpfTerm> {
    const [v4, v6] = await Promise.all([this.dns.a(host), this.dns.aaaa(host)]);
    for (const result of [v4, v6]) {
      if (result.outcome === 'failed') {
        this.problems.push({
          kind: 'dns-failed',
          domain,
          term: mechanism.text,
          target: host,
          failure: result,
        });
        return error('temperror', 'dns-failed');
      }
    }
    if (countVoid && isVoid(v4) && isVoid(v6) && !this.countVoid(domain, mechanism.text)) {
      return error('permerror', 'void-lookup-limit');
    }
    const networks: IpNetwork[] = [];
    for (const [result, prefix] of [
      [v4, mechanism.cidr4],
      [v6, mechanism.cidr6],
    ] as const) {
      if (result.outcome === 'records') {
        for (const address of result.records) {
          const network = makeNetwork(address, prefix);
          if (network) {
            networks.push(network);
          }
        }
      }
    }
    return { kind: 'networks', mechanism, networks };
  }

  /**
   * `exists` matches every client when its name has an A record. Only names without sender
   * macros get here, so the answer is the same for every message.
   */
  private async existsTerm(
    mechanism: SpfMechanism,
    domain: string,
    name: string,
    error: (result: 'permerror' | 'temperror', problem: SpfProblemKind) => SpfTerm,
  ): Promise<SpfTerm> {
    const result = await this.dns.a(name);
    if (result.outcome === 'failed') {
      this.problems.push({
        kind: 'dns-failed',
        domain,
        term: mechanism.text,
        target: name,
        failure: result,
      });
      return error('temperror', 'dns-failed');
    }
    if (isVoid(result)) {
      return this.countVoid(domain, mechanism.text)
        ? { kind: 'networks', mechanism, networks: [] }
        : error('permerror', 'void-lookup-limit');
    }
    return { kind: 'networks', mechanism, networks: [EVERY_IPV4, EVERY_IPV6] };
  }

  private async mxTerm(
    mechanism: SpfMechanism,
    domain: string,
    target: string,
    error: (result: 'permerror' | 'temperror', problem: SpfProblemKind) => SpfTerm,
  ): Promise<SpfTerm> {
    const mx = await this.dns.mx(target);
    if (mx.outcome === 'failed') {
      this.problems.push({ kind: 'dns-failed', domain, term: mechanism.text, target, failure: mx });
      return error('temperror', 'dns-failed');
    }
    if (isVoid(mx)) {
      return this.countVoid(domain, mechanism.text)
        ? { kind: 'networks', mechanism, networks: [] }
        : error('permerror', 'void-lookup-limit');
    }
    const hosts =
      mx.outcome === 'records' ? mx.records.map((record) => record.exchange).filter(Boolean) : [];
    if (hosts.length > this.limits.maxMxHosts) {
      this.problems.push({
        kind: 'mx-limit',
        domain,
        term: mechanism.text,
        target,
        count: hosts.length,
      });
      return error('permerror', 'mx-limit');
    }
    const networks: IpNetwork[] = [];
    for (const host of hosts) {
      const part = await this.addressTerm(mechanism, domain, host, error, false);
      if (part.kind !== 'networks') {
        return part;
      }
      networks.push(...part.networks);
    }
    return { kind: 'networks', mechanism, networks };
  }

  private async redirect(
    spec: string,
    domain: string,
    chain: readonly string[],
  ): Promise<SpfRedirect> {
    const pseudo = `redirect=${spec}`;
    const target = expandDomainSpec(spec, domain, this.origin)?.replace(/\.$/, '').toLowerCase();
    if (!this.countLookup(domain, pseudo)) {
      return {
        kind: 'error',
        target: target ?? spec,
        result: 'permerror',
        problem: 'lookup-limit',
      };
    }
    if (target === undefined) {
      this.problems.push({ kind: 'not-expandable', domain, term: pseudo });
      return { kind: 'error', target: spec, result: 'permerror', problem: 'not-expandable' };
    }
    if (chain.includes(target)) {
      this.problems.push({ kind: 'loop', domain, term: pseudo, target });
      return { kind: 'error', target, result: 'permerror', problem: 'loop' };
    }
    this.includes.push(target);
    const node = await this.node(target, chain, { domain, term: pseudo });
    if (this.voidLookups > this.limits.maxVoidLookups) {
      return { kind: 'error', target, result: 'permerror', problem: 'void-lookup-limit' };
    }
    if (node.status === 'none') {
      this.problems.push({ kind: 'redirect-missing', domain, term: pseudo, target });
    }
    return { kind: 'target', target: node };
  }
}

/**
 * Reads the SPF record of `domain` and follows it through every include and redirect into the
 * networks it lets send. Problems a receiver would stumble on are listed, not thrown: a missing
 * or doubled record, syntax errors, more than 10 DNS-querying terms, more than two void lookups,
 * include loops, and lookups that got no answer.
 */
export async function expandSpf(
  domain: string,
  dns: DnsLookup,
  limits: SpfLimits = RFC_SPF_LIMITS,
): Promise<SpfExpansion> {
  const origin = domain.trim().replace(/\.$/, '').toLowerCase();
  const expander = new SpfExpander(dns, origin, limits);
  const root = await expander.node(origin, []);
  return {
    domain: origin,
    root,
    lookups: expander.lookups,
    voidLookups: expander.voidLookups,
    problems: expander.problems,
    includes: expander.includes,
    passNetworks: collectPassNetworks(root),
    complete: isComplete(root),
  };
}

function collectPassNetworks(node: SpfNode, into: IpNetwork[] = []): IpNetwork[] {
  for (const term of node.terms) {
    if (term.mechanism.qualifier !== '+') {
      continue;
    }
    if (term.kind === 'networks') {
      into.push(...term.networks);
    } else if (term.kind === 'include') {
      collectPassNetworks(term.target, into);
    }
  }
  if (node.redirect?.kind === 'target') {
    collectPassNetworks(node.redirect.target, into);
  }
  return into;
}

function isComplete(node: SpfNode): boolean {
  if (node.status !== 'ok' && node.status !== 'none') {
    return false;
  }
  for (const term of node.terms) {
    if (term.kind === 'error' || term.kind === 'undecidable') {
      return false;
    }
    if (term.kind === 'include' && (term.target.status === 'none' || !isComplete(term.target))) {
      return false;
    }
  }
  if (node.redirect) {
    return (
      node.redirect.kind === 'target' &&
      node.redirect.target.status !== 'none' &&
      isComplete(node.redirect.target)
    );
  }
  return true;
}

const QUALIFIER_RESULT: Record<SpfQualifier, SpfResult> = {
  '+': 'pass',
  '-': 'fail',
  '~': 'softfail',
  '?': 'neutral',
};

function evaluateNode(node: SpfNode, target: IpNetwork): SpfVerdict {
  switch (node.status) {
    case 'none':
      return 'none';
    case 'multiple':
    case 'syntax':
      return 'permerror';
    case 'failed':
      return 'temperror';
    case 'ok':
      break;
  }
  for (const term of node.terms) {
    switch (term.kind) {
      case 'all':
        return QUALIFIER_RESULT[term.mechanism.qualifier];
      case 'networks':
        if (term.networks.some((network) => networkContains(network, target))) {
          return QUALIFIER_RESULT[term.mechanism.qualifier];
        }
        break;
      case 'include': {
        // RFC 7208 §5.2: an include matches only when the included record passes; its fail,
        // softfail and neutral just let evaluation go on, and a missing record is an error.
        const inner = evaluateNode(term.target, target);
        if (inner === 'pass') {
          return QUALIFIER_RESULT[term.mechanism.qualifier];
        }
        if (inner === 'none' || inner === 'permerror') {
          return 'permerror';
        }
        if (inner === 'temperror' || inner === 'undecidable') {
          return inner;
        }
        break;
      }
      case 'undecidable':
        return 'undecidable';
      case 'error':
        return term.result;
    }
  }
  if (node.redirect) {
    if (node.redirect.kind === 'error') {
      return node.redirect.result;
    }
    const inner = evaluateNode(node.redirect.target, target);
    return inner === 'none' ? 'permerror' : inner;
  }
  return 'neutral';
}

/**
 * The result a receiver would reach for mail from `address` (any sender in the domain), by
 * first match through the expanded terms. `undecidable` when a term that depends on the message
 * (ptr, exists, a sender macro) is reached before a decision. Undefined for text that is not an
 * address.
 */
export function evaluateSpf(expansion: SpfExpansion, address: string): SpfVerdict | undefined {
  const target = makeNetwork(address);
  return target ? evaluateNode(expansion.root, target) : undefined;
}

/**
 * True when every address of `network` is in the networks the record grants. Reads the summary
 * in `passNetworks`, so a `-ip4:` that shadows part of a later `+` term is not subtracted.
 */
export function spfPassNetworksCover(expansion: SpfExpansion, network: IpNetwork): boolean {
  return networksCoverNetwork(expansion.passNetworks, network);
}

function syntaxSummary(errors: readonly SpfSyntaxError[]): string {
  return errors
    .map((error) => `"${error.term}": ${msg(`dns.spf.syntaxReason.${error.reason}`)}`)
    .join(', ');
}

/** A sentence for one SPF problem, naming the domain, term and target it is about. */
export function spfProblemMessage(problem: SpfProblem, dns: DnsLookup): string {
  const args = {
    domain: problem.domain,
    term: problem.term,
    target: problem.target,
    count: problem.count,
  };
  switch (problem.kind) {
    case 'missing':
      return msg('dns.spf.missing', args);
    case 'multiple-records':
      return msg('dns.spf.multipleRecords', args);
    case 'syntax':
      return msg('dns.spf.syntax', { ...args, terms: syntaxSummary(problem.syntax ?? []) });
    case 'include-missing':
      return msg('dns.spf.includeMissing', args);
    case 'redirect-missing':
      return msg('dns.spf.redirectMissing', args);
    case 'lookup-limit':
      return msg('dns.spf.lookupLimit', args);
    case 'void-lookup-limit':
      return msg('dns.spf.voidLookupLimit', args);
    case 'mx-limit':
      return msg('dns.spf.mxLimit', args);
    case 'loop':
      return msg('dns.spf.loop', args);
    case 'dns-failed':
      return msg('dns.spf.dnsFailed', {
        ...args,
        detail: problem.failure ? dnsFailureMessage(problem.failure, dns) : '',
      });
    case 'not-expandable':
      return msg('dns.spf.notExpandable', args);
  }
}
