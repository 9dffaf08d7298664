import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ipFamily } from '../dns/ip-network';
import type { DnsFailure, DnsLookup } from '../dns/resolver';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import { msg } from '../messages/catalogue';
import type { CertificateFacts } from './certificate-facts';
import { certificateChain, certificateFacts } from './certificate-facts';
import { certificateCoversName } from './certificate-names';
import { chainLeadsToTrustedCa } from './chain-trust';

/** One SMTP reply: its code and the text of each line, without the code. */
export interface SmtpReply {
  code: number;
  lines: string[];
}

export interface SmtpProbeOptions {
  /** Host name or IP address of the SMTP listener. */
  host: string;
  port?: number;
  /**
   * The name sent in SNI and judged against the certificate. Defaults to `host` when that is a
   * name; IP addresses are never sent as SNI.
   */
  servername?: string;
  /** The name the probe gives in EHLO. */
  ehloName?: string;
  /** Time allowed for each step: connecting, each reply, the TLS handshake. */
  timeoutMs?: number;
  /** PEM file of extra certificate authorities to trust besides the system's (`mailcow.caFile`). */
  caFile?: string;
  /** Resolve `host` through these resolvers (`checks.dnsServers`) instead of the system's. */
  dns?: DnsLookup;
  logger?: Logger;
}

export type UnreachableReason = 'refused' | 'timeout' | 'dns' | 'network' | 'other';
export type SmtpStage = 'greeting' | 'ehlo' | 'starttls';
export type SmtpFailureReason = 'timeout' | 'closed' | 'rejected' | 'protocol';

/**
 * Why the chain was not trusted, from OpenSSL's verification code. `untrusted-issuer` covers
 * every "no path to a trusted root" case (unknown issuer, self-signed CA in the chain, missing
 * intermediate).
 */
export type TrustProblem =
  'expired' | 'not-yet-valid' | 'self-signed' | 'untrusted-issuer' | 'other';

export interface TlsFacts {
  protocol: string | null;
  cipher: string;
  /** The name sent in SNI, if any. */
  servername?: string;
  /** The chain verified against the system's CAs plus `caFile` (names are judged separately). */
  chainTrusted: boolean;
  /**
   * The chain leads to a trusted CA, whatever its dates say. Differs from `chainTrusted` for an
   * expired or not yet valid certificate from a trusted CA, so the rules can tell "expired" from
   * "expired and untrusted".
   */
  issuerTrusted: boolean;
  /** OpenSSL's code when the chain was not trusted, e.g. `CERT_HAS_EXPIRED`. */
  trustError?: string;
  trustProblem?: TrustProblem;
  /** The leaf certificate. */
  certificate: CertificateFacts;
  /** Leaf first, then each issuer as far as it is known. */
  chain: CertificateFacts[];
  /** Whether the leaf covers `servername` (RFC 6125), when there is one. */
  coversServername?: boolean;
}

interface ProbeBase {
  host: string;
  port: number;
  /** The address the probe connected to, once it did. */
  address?: string;
}

interface SessionFacts {
  greeting: SmtpReply;
  ehlo: SmtpReply;
  /** EHLO keywords, upper case (`STARTTLS`, `SIZE`, `PIPELINING`, …). */
  extensions: string[];
}

/**
 * Every fact the probe established. The live rules decide what is wrong; the probe only
 * tells the stages apart: no connection, an SMTP dialogue that broke off, no STARTTLS offered,
 * a failed handshake, or a certificate with its facts.
 */
export type SmtpProbeResult =
  | (ProbeBase & {
      outcome: 'unreachable';
      reason: UnreachableReason;
      code?: string;
      detail: string;
      dnsFailure?: DnsFailure;
    })
  | (ProbeBase & {
      outcome: 'smtp-failed';
      stage: SmtpStage;
      reason: SmtpFailureReason;
      reply?: SmtpReply;
      detail: string;
      greeting?: SmtpReply;
      ehlo?: SmtpReply;
    })
  | (ProbeBase & SessionFacts & { outcome: 'no-starttls' })
  | (ProbeBase & SessionFacts & { outcome: 'tls-failed'; code?: string; detail: string })
  | (ProbeBase & SessionFacts & { outcome: 'tls'; tls: TlsFacts })
  | (ProbeBase & { outcome: 'ca-file-unreadable'; caFile: string; detail: string });

const DEFAULT_TIMEOUT_MS = 20_000;
const QUIT_TIMEOUT_MS = 2_000;
const MAX_REPLY_BYTES = 64 * 1024;
const MAX_REPLY_LINES = 200;

class ProbeStepError extends Error {
  constructor(
    readonly reason: SmtpFailureReason,
    detail: string,
    readonly reply?: SmtpReply,
  ) {
    super(detail);
  }
}

/**
 * Reads SMTP replies from a socket: lines end in CRLF (a bare LF is tolerated), `250-` lines
 * continue a reply and `250 ` ends it. A reply that is too long or does not look like SMTP
 * fails as a protocol error rather than filling memory.
 */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private code: number | undefined;
  private ready: SmtpReply[] = [];
  private ended: Error | undefined;
  private waiter: ((outcome: SmtpReply | Error) => void) | undefined;
  private readonly onData = (chunk: Buffer): void => this.push(chunk.toString('latin1'));
  private readonly onEnd = (): void =>
    this.fail(new ProbeStepError('closed', msg('tls.probe.closed')));
  private readonly onError = (error: Error): void =>
    this.fail(
      new ProbeStepError(
        'closed',
        msg('tls.probe.closedWith', {
          code: (error as NodeJS.ErrnoException).code ?? error.message,
        }),
      ),
    );

  constructor(private readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  /** Stops reading, so the socket can be handed to TLS. Anything unread is a protocol error. */
  detach(): boolean {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    return this.buffer.length === 0 && this.ready.length === 0;
  }

  read(timeoutMs: number): Promise<SmtpReply> {
    const next = this.ready.shift();
    if (next) {
      return Promise.resolve(next);
    }
    if (this.ended) {
      return Promise.reject(this.ended);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new ProbeStepError('timeout', msg('tls.probe.noReply', { timeout: timeoutMs })));
      }, timeoutMs);
      this.waiter = (outcome) => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (outcome instanceof Error) {
          reject(outcome);
        } else {
          resolve(outcome);
        }
      };
    });
  }

  private fail(error: Error): void {
    this.ended ??= error;
    this.waiter?.(this.ended);
  }

  private push(text: string): void {
    this.buffer += text;
    if (this.buffer.length > MAX_REPLY_BYTES) {
      this.fail(new ProbeStepError('protocol', msg('tls.probe.replyTooLong')));
      return;
    }
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private line(line: string): void {
    const match = /^(\d{3})(?:([ -])(.*))?$/.exec(line);
    const code = match ? Number(match[1]) : NaN;
    if (
      !match ||
      (this.code !== undefined && code !== this.code) ||
      this.lines.length >= MAX_REPLY_LINES
    ) {
      this.fail(
        new ProbeStepError(
          'protocol',
          msg('tls.probe.unexpectedLine', { line: line.slice(0, 120) }),
        ),
      );
      return;
    }
    this.code = code;
    this.lines.push(match[3] ?? '');
    if (match[2] !== '-') {
      const reply = { code, lines: this.lines };
      this.code = undefined;
      this.lines = [];
      if (this.waiter) {
        this.waiter(reply);
      } else {
        this.ready.push(reply);
      }
    }
  }
}

function replyText(reply: SmtpReply): string {
  return reply.lines.map((line) => `${reply.code} ${line}`.trim()).join(' / ');
}

function unreachableReason(code: string | undefined): UnreachableReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return 'dns';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'ECONNRESET':
      return 'network';
    default:
      return 'other';
  }
}

function trustProblem(code: string): TrustProblem {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return 'expired';
    case 'CERT_NOT_YET_VALID':
      return 'not-yet-valid';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'self-signed';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_UNTRUSTED':
      return 'untrusted-issuer';
    default:
      return 'other';
  }
}

/**
 * The CAs to verify against: the ones Node trusts by default (its bundled roots and
 * NODE_EXTRA_CA_CERTS), the operating system's where this Node can read them, and `caFile`.
 * Undefined means "Node's default", which is the same set when there is nothing to add.
 */
function trustedCas(extra: readonly string[]): string[] | undefined {
  const reader = (tls as { getCACertificates?: (type: 'default' | 'system') => string[] })
    .getCACertificates;
  if (reader) {
    let system: string[] = [];
    try {
      system = reader('system');
    } catch {
      // A machine without a readable system store still has Node's own roots.
    }
    return [...new Set([...reader('default'), ...system, ...extra])];
  }
  // Limitation: before Node 22.15 the operating system's store cannot be read, and passing `ca`
  // replaces the default set, so the bundled roots are added by hand; NODE_EXTRA_CA_CERTS is
  // then not included for probes that name a caFile.
  return extra.length === 0 ? undefined : [...tls.rootCertificates, ...extra];
}

/** The PEM certificates of a CA file, checked one by one so a broken file is reported, not ignored. */
async function readCaFile(path: string): Promise<{ pems: string[] } | { error: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) {
    return { error: msg('tls.caFile.noCertificate') };
  }
  for (const pem of pems) {
    try {
      new X509Certificate(pem);
    } catch {
      return { error: msg('tls.caFile.badCertificate') };
    }
  }
  return { pems };
}

interface Resolved {
  addresses: string[];
  failure?: SmtpProbeResult;
}

async function resolveHost(
  host: string,
  port: number,
  dns: DnsLookup | undefined,
): Promise<Resolved> {
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  if (ipFamily(literal) !== undefined || !dns) {
    // Without chosen resolvers the connect itself resolves the name through the system.
    return { addresses: [literal] };
  }
  const [v4, v6] = await Promise.all([dns.a(host), dns.aaaa(host)]);
  const addresses = [
    ...(v4.outcome === 'records' ? v4.records : []),
    ...(v6.outcome === 'records' ? v6.records : []),
  ];
  if (addresses.length > 0) {
    return { addresses };
  }
  const failed = [v4, v6].find((result) => result.outcome === 'failed');
  const base = { host, port, outcome: 'unreachable' as const, reason: 'dns' as const };
  if (failed && failed.outcome === 'failed') {
    return {
      addresses: [],
      failure: {
        ...base,
        code: failed.code,
        detail: msg('tls.probe.dnsFailed', { host }),
        dnsFailure: failed,
      },
    };
  }
  return {
    addresses: [],
    failure: {
      ...base,
      code: v4.outcome === 'nxdomain' ? 'ENOTFOUND' : 'ENODATA',
      detail: msg('tls.probe.noAddress', { host }),
    },
  };
}

function connect(
  address: string,
  port: number,
  timeoutMs: number,
): Promise<{ socket: net.Socket } | { code: string; reason: UnreachableReason }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ code: 'ETIMEDOUT', reason: 'timeout' });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve({ socket });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ code: error.code ?? 'UNKNOWN', reason: unreachableReason(error.code) });
    });
  });
}

function upgrade(
  socket: net.Socket,
  servername: string | undefined,
  ca: string[] | undefined,
  timeoutMs: number,
): Promise<{ secure: tls.TLSSocket } | { code?: string; detail: string }> {
  return new Promise((resolve) => {
    const options: tls.ConnectionOptions = {
      socket,
      // Trust is judged and reported, never enforced: the point is to see what is presented.
      rejectUnauthorized: false,
      // Names are judged by the rules against the names the connectors expect, which need not
      // be the host connected to; here `authorized` reflects the chain alone.
      checkServerIdentity: () => undefined,
    };
    // RFC 6066 forbids addresses in SNI; the name is still judged against the certificate.
    if (servername !== undefined && ipFamily(servername) === undefined) {
      options.servername = servername;
    }
    if (ca !== undefined) {
      options.ca = ca;
    }
    const secure = tls.connect(options);
    const timer = setTimeout(() => {
      secure.destroy();
      resolve({
        code: 'ETIMEDOUT',
        detail: msg('tls.probe.handshakeTimeout', { timeout: timeoutMs }),
      });
    }, timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      secure.on('error', () => undefined);
      resolve({ secure });
    });
    secure.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      secure.destroy();
      resolve({ code: error.code, detail: error.message });
    });
  });
}

/**
 * Connects to an SMTP listener, reads its greeting, says EHLO, and, when STARTTLS is offered,
 * upgrades the connection and reads the certificate chain it presents, then says QUIT. It never
 * sends MAIL, RCPT or DATA. Trust is judged against the system's CAs plus `caFile` without
 * failing the handshake, so an untrusted or expired certificate still has its facts reported.
 */
export async function probeSmtp(options: SmtpProbeOptions): Promise<SmtpProbeResult> {
  const port = options.port ?? 25;
  const host = options.host;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const logger = options.logger ?? silentLogger;
  // A line break in the name would smuggle a second command into the dialogue.
  const ehloName = (options.ehloName ?? 'mail-hybrid.invalid').replace(/[\r\n\s]+/g, '');
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  const servername = options.servername ?? (ipFamily(literal) === undefined ? host : undefined);
  const log = (line: string): void => logger.debug(`SMTP ${host}:${port} ${line}`);

  let extra: string[] = [];
  if (options.caFile !== undefined) {
    const read = await readCaFile(options.caFile);
    if ('error' in read) {
      return {
        host,
        port,
        outcome: 'ca-file-unreadable',
        caFile: options.caFile,
        detail: read.error,
      };
    }
    extra = read.pems;
  }

  const resolved = await resolveHost(host, port, options.dns);
  if (resolved.failure) {
    log(
      resolved.failure.outcome === 'unreachable'
        ? resolved.failure.detail
        : resolved.failure.outcome,
    );
    return resolved.failure;
  }

  let socket: net.Socket | undefined;
  let address: string | undefined;
  let lastFailure: { code: string; reason: UnreachableReason } | undefined;
  for (const candidate of resolved.addresses) {
    log(msg('tls.log.connect', { address: candidate }));
    const attempt = await connect(candidate, port, timeoutMs);
    if ('socket' in attempt) {
      socket = attempt.socket;
      address = candidate;
      break;
    }
    log(msg('tls.log.connectFailed', { address: candidate, code: attempt.code }));
    lastFailure = attempt;
  }
  if (!socket || address === undefined) {
    const failure = lastFailure ?? { code: 'UNKNOWN', reason: 'other' as const };
    return {
      host,
      port,
      outcome: 'unreachable',
      reason: failure.reason,
      code: failure.code,
      detail: msg(`tls.probe.unreachable.${failure.reason}`, { host, port, code: failure.code }),
    };
  }

  const plain = socket;
  const reader = new ReplyReader(plain);
  const send = (command: string): void => {
    log(`> ${command}`);
    plain.write(`${command}\r\n`);
  };
  const receive = async (): Promise<SmtpReply> => {
    const reply = await reader.read(timeoutMs);
    log(`< ${replyText(reply)}`);
    return reply;
  };
  const base = { host, port, address };

  let greeting: SmtpReply | undefined;
  let ehlo: SmtpReply | undefined;
  let stage: SmtpStage = 'greeting';
  try {
    greeting = await receive();
    if (greeting.code !== 220) {
      throw new ProbeStepError('rejected', replyText(greeting), greeting);
    }
    stage = 'ehlo';
    send(`EHLO ${ehloName}`);
    ehlo = await receive();
    if (ehlo.code !== 250) {
      throw new ProbeStepError('rejected', replyText(ehlo), ehlo);
    }
    const extensions = ehlo.lines
      .slice(1)
      .map((line) => (line.trim().split(/\s+/)[0] ?? '').toUpperCase())
      .filter(Boolean);
    const session: SessionFacts = { greeting, ehlo, extensions };
    if (!extensions.includes('STARTTLS')) {
      send('QUIT');
      await reader.read(QUIT_TIMEOUT_MS).catch(() => undefined);
      plain.destroy();
      return { ...base, ...session, outcome: 'no-starttls' };
    }
    stage = 'starttls';
    send('STARTTLS');
    const ready = await receive();
    if (ready.code !== 220) {
      throw new ProbeStepError('rejected', replyText(ready), ready);
    }
    const clean = reader.detach();
    // From here TLS owns the connection; a late error on the plain socket must not go unhandled.
    plain.on('error', () => undefined);
    if (!clean) {
      // Bytes after the 220 would be read as if they came over TLS (the STARTTLS injection
      // flaw); a listener that sends them is broken or tampered with.
      throw new ProbeStepError('protocol', msg('tls.probe.injected'));
    }
    return await finishTls(plain, session, base, servername, trustedCas(extra), timeoutMs, log);
  } catch (error) {
    plain.destroy();
    if (error instanceof ProbeStepError) {
      const result: SmtpProbeResult = {
        ...base,
        outcome: 'smtp-failed',
        stage,
        reason: error.reason,
        detail: error.message,
      };
      if (error.reply) {
        result.reply = error.reply;
      }
      if (greeting) {
        result.greeting = greeting;
      }
      if (ehlo) {
        result.ehlo = ehlo;
      }
      return result;
    }
    throw error;
  }
}

async function finishTls(
  plain: net.Socket,
  session: SessionFacts,
  base: ProbeBase,
  servername: string | undefined,
  ca: string[] | undefined,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<SmtpProbeResult> {
  const upgraded = await upgrade(plain, servername, ca, timeoutMs);
  if (!('secure' in upgraded)) {
    log(msg('tls.log.handshakeFailed', { code: upgraded.code ?? '', detail: upgraded.detail }));
    plain.destroy();
    const result: SmtpProbeResult = {
      ...base,
      ...session,
      outcome: 'tls-failed',
      detail: upgraded.detail,
    };
    if (upgraded.code !== undefined) {
      result.code = upgraded.code;
    }
    return result;
  }
  const secure = upgraded.secure;
  try {
    const peer = secure.getPeerCertificate(true);
    if (!peer || !peer.raw) {
      return { ...base, ...session, outcome: 'tls-failed', detail: msg('tls.probe.noCertificate') };
    }
    const certificate = certificateFacts(peer);
    const facts: TlsFacts = {
      protocol: secure.getProtocol(),
      cipher: secure.getCipher().name,
      chainTrusted: secure.authorized,
      issuerTrusted: secure.authorized,
      certificate,
      chain: certificateChain(peer),
    };
    if (servername !== undefined) {
      facts.servername = servername;
      facts.coversServername = certificateCoversName(certificate, servername);
    }
    if (!secure.authorized) {
      const code = String(secure.authorizationError ?? 'UNKNOWN');
      facts.trustError = code;
      facts.trustProblem = trustProblem(code);
      if (facts.trustProblem === 'expired' || facts.trustProblem === 'not-yet-valid') {
        facts.issuerTrusted = chainLeadsToTrustedCa(rawChain(peer), ca ?? tls.rootCertificates);
      }
    }
    log(
      msg('tls.log.certificate', {
        protocol: facts.protocol ?? '',
        subject: certificate.subject.text,
        names: certificate.dnsNames.join(' '),
        notAfter: certificate.notAfter,
        trust: facts.chainTrusted ? 'trusted' : (facts.trustError ?? 'untrusted'),
      }),
    );
    await quit(secure, log);
    return { ...base, ...session, outcome: 'tls', tls: facts };
  } finally {
    secure.destroy();
  }
}

function rawChain(leaf: tls.DetailedPeerCertificate): Buffer[] {
  const raws: Buffer[] = [];
  let current: tls.DetailedPeerCertificate | undefined = leaf;
  while (current?.raw && raws.length < 16 && !raws.some((raw) => raw.equals(current!.raw))) {
    raws.push(current.raw);
    current = current.issuerCertificate;
  }
  return raws;
}

/** Says QUIT over TLS and waits briefly for the goodbye; its absence changes nothing. */
async function quit(secure: tls.TLSSocket, log: (line: string) => void): Promise<void> {
  const reader = new ReplyReader(secure);
  log('> QUIT');
  secure.write('QUIT\r\n');
  try {
    const reply = await reader.read(QUIT_TIMEOUT_MS);
    log(`< ${replyText(reply)}`);
  } catch {
    // A server that hangs up without 221 has still shown its certificate.
  } finally {
    reader.detach();
  }
}

/** One sentence saying what the probe found, for logs, notifications and the tree. */
export function smtpProbeMessage(result: SmtpProbeResult): string {
  const args = { host: result.host, port: result.port };
  switch (result.outcome) {
    case 'unreachable':
      return msg('tls.summary.unreachable', { ...args, detail: result.detail });
    case 'smtp-failed':
      return msg(`tls.summary.smtpFailed.${result.stage}`, { ...args, detail: result.detail });
    case 'no-starttls':
      return msg('tls.summary.noStarttls', args);
    case 'tls-failed':
      return msg('tls.summary.tlsFailed', { ...args, detail: result.detail });
    case 'ca-file-unreadable':
      return msg('tls.summary.caFileUnreadable', { caFile: result.caFile, detail: result.detail });
    case 'tls': {
      const certificate = result.tls.certificate;
      const names =
        certificate.dnsNames.length > 0
          ? certificate.dnsNames.join(', ')
          : (certificate.commonName ?? msg('tls.summary.noNames'));
      return msg('tls.summary.certificate', {
        ...args,
        names,
        issuer: certificate.issuer.commonName ?? certificate.issuer.text,
        notAfter: certificate.notAfter.slice(0, 10),
        trust: result.tls.chainTrusted
          ? msg('tls.summary.trusted')
          : msg('tls.summary.untrusted', { code: result.tls.trustError }),
      });
    }
  }
}
