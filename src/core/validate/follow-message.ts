import type { BounceExplanation } from '../bounce/explain-bounce';
import { explainBounce } from '../bounce/explain-bounce';
import type { Clock } from '../exchange/clock';
import { systemClock } from '../exchange/clock';
import type { ExchangeAdminClient } from '../exchange/exchange-admin-client';
import type { MailcowClient } from '../mailcow/mailcow-client';
import { msg } from '../messages/catalogue';
import type { HybridSpec } from '../spec/model';
import type { MessageTraceRow } from './message-trace';
import { readMessageTrace } from './message-trace';
import type { PostfixDelivery, PostfixLogView } from './postfix-log';
import { readPostfixLog } from './postfix-log';

/**
 * `inbound`: from the internet through Exchange to the mailbox on mailcow; `outbound`: from that
 * mailbox through Exchange to the internet.
 */
export type ValidationDirection = 'inbound' | 'outbound';
export type HopState = 'done' | 'pending' | 'failed' | 'unknown';

/** Where the message is on one system, in words, with the bounce explained when it failed. */
export interface ValidationHop {
  system: 'exchange' | 'mailcow';
  state: HopState;
  detail: string;
  explanations?: BounceExplanation[];
}

export type ValidationOutcome = 'delivered' | 'failed' | 'timeout' | 'unreadable';

export interface ValidationReport {
  direction: ValidationDirection;
  mailbox: string;
  outcome: ValidationOutcome;
  /** In the order the message passes them. */
  hops: ValidationHop[];
  /** How often both systems were asked. */
  polls: number;
}

export interface ValidationSources {
  mailcow?: MailcowClient;
  exchange?: ExchangeAdminClient;
}

export interface FollowOptions {
  /** Only messages from this instant on count (milliseconds since the epoch). */
  since: number;
  /**
   * How long to keep asking. A message shows in Exchange's trace 5 to 10 minutes after it passed,
   * and its status may lag as long again, so the default is 20 minutes.
   */
  timeoutMs?: number;
  /** Pause between two looks; the trace allows 100 queries in 5 minutes, so a minute is kind. */
  pollMs?: number;
  /** Postfix log lines read per look. */
  logLines?: number;
  clock?: Clock;
  spec?: HybridSpec;
  /** Called after each look, for progress output. */
  onProgress?: (report: ValidationReport) => void;
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;
const DEFAULT_POLL_MS = 60_000;
const DEFAULT_LOG_LINES = 2000;

function time(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function explained(hop: ValidationHop, reply: string, spec: HybridSpec | undefined): ValidationHop {
  const explanations = explainBounce(reply, spec);
  return explanations.length > 0 ? { ...hop, explanations } : hop;
}

/** Exchange's view: the newest trace row for the mailbox as recipient or sender. */
function exchangeHop(
  rows: MessageTraceRow[],
  direction: ValidationDirection,
  mailbox: string,
): ValidationHop {
  const row = rows[0];
  if (!row) {
    return {
      system: 'exchange',
      state: 'pending',
      detail: msg(`validate.exchange.notYet.${direction}`, { mailbox }),
    };
  }
  const args = {
    status: row.Status,
    sender: row.SenderAddress,
    recipient: row.RecipientAddress,
    received: time(row.Received),
    fromIp: row.FromIP || '?',
    toIp: row.ToIP || '?',
  };
  switch (row.Status.toLowerCase()) {
    case 'delivered':
      return {
        system: 'exchange',
        state: 'done',
        detail: msg(`validate.exchange.delivered.${direction}`, args),
      };
    case 'failed':
    case 'filteredasspam':
    case 'quarantined':
      return { system: 'exchange', state: 'failed', detail: msg('validate.exchange.failed', args) };
    default:
      return {
        system: 'exchange',
        state: 'pending',
        detail: msg('validate.exchange.pending', args),
      };
  }
}

function deliveryHop(
  delivery: PostfixDelivery,
  id: 'inbound' | 'outbound',
  spec: HybridSpec | undefined,
): ValidationHop {
  const args = {
    to: delivery.to,
    relay: delivery.relay,
    reply: delivery.reply,
    at: time(delivery.time * 1000),
    dsn: delivery.dsn,
  };
  switch (delivery.status) {
    case 'sent':
      return { system: 'mailcow', state: 'done', detail: msg(`validate.mailcow.sent.${id}`, args) };
    case 'deferred':
      return explained(
        { system: 'mailcow', state: 'pending', detail: msg('validate.mailcow.deferred', args) },
        delivery.reply,
        spec,
      );
    default:
      return explained(
        { system: 'mailcow', state: 'failed', detail: msg('validate.mailcow.bounced', args) },
        delivery.reply,
        spec,
      );
  }
}

/** mailcow's view of mail for the mailbox: delivered locally, refused, or not seen yet. */
function mailcowInboundHop(
  view: PostfixLogView,
  mailbox: string,
  since: number,
  spec: HybridSpec | undefined,
): ValidationHop {
  const seconds = Math.floor(since / 1000);
  const rejection = view.rejections
    .filter((entry) => entry.time >= seconds && entry.to === mailbox)
    .pop();
  const deliveries = view.messages
    .flatMap((message) => message.deliveries)
    .filter((delivery) => delivery.time >= seconds && delivery.to === mailbox);
  const latest = deliveries.pop();
  if (latest && (!rejection || latest.time >= rejection.time)) {
    return deliveryHop(latest, 'inbound', spec);
  }
  if (rejection) {
    return explained(
      {
        system: 'mailcow',
        state: 'failed',
        detail: msg('validate.mailcow.rejected', {
          client: rejection.client,
          reply: rejection.reply,
          at: time(rejection.time * 1000),
        }),
      },
      rejection.reply,
      spec,
    );
  }
  return {
    system: 'mailcow',
    state: 'pending',
    detail: msg('validate.mailcow.notYet.inbound', { mailbox }),
  };
}

/** mailcow's view of mail from the mailbox: handed to Exchange, deferred, bounced, not seen. */
function mailcowOutboundHop(
  view: PostfixLogView,
  mailbox: string,
  since: number,
  spec: HybridSpec | undefined,
): ValidationHop {
  const seconds = Math.floor(since / 1000);
  const message = view.messages
    .filter((candidate) => candidate.time >= seconds && candidate.from === mailbox)
    .pop();
  // Delivery to a mailbox on mailcow itself (lmtp) says nothing about the way out.
  const delivery = message?.deliveries.filter((entry) => entry.agent !== 'lmtp').pop();
  if (!message || !delivery) {
    return {
      system: 'mailcow',
      state: 'pending',
      detail: msg('validate.mailcow.notYet.outbound', { mailbox }),
    };
  }
  return deliveryHop(delivery, 'outbound', spec);
}

function unknownHop(system: 'exchange' | 'mailcow', reason: string): ValidationHop {
  return { system, state: 'unknown', detail: msg('validate.unknown', { reason }) };
}

function outcomeOf(hops: ValidationHop[]): ValidationOutcome | undefined {
  if (hops.some((hop) => hop.state === 'failed')) {
    return 'failed';
  }
  // The last system the message passes decides arrival: mailcow inbound, Exchange outbound.
  const last = hops[hops.length - 1];
  if (last?.state === 'done') {
    return 'delivered';
  }
  // A system that cannot be asked will not become readable by waiting.
  if (
    hops.some((hop) => hop.state === 'unknown') &&
    hops.every((hop) => hop.state === 'unknown' || hop.state === 'done')
  ) {
    return 'unreadable';
  }
  return undefined;
}

async function look(
  direction: ValidationDirection,
  mailbox: string,
  sources: ValidationSources,
  options: FollowOptions,
  clock: Clock,
): Promise<ValidationHop[]> {
  const now = clock.now();
  const [trace, log] = await Promise.all([
    sources.exchange
      ? readMessageTrace(sources.exchange, {
          ...(direction === 'inbound' ? { recipient: mailbox } : { sender: mailbox }),
          since: options.since,
          until: now + 60_000,
        })
      : undefined,
    sources.mailcow
      ? sources.mailcow.getPostfixLog(options.logLines ?? DEFAULT_LOG_LINES)
      : undefined,
  ]);
  const exchange = !trace
    ? unknownHop('exchange', msg('validate.notConfigured.exchange'))
    : trace.ok
      ? exchangeHop(
          trace.value.filter((row) => row.Received === 0 || row.Received >= options.since),
          direction,
          mailbox,
        )
      : unknownHop('exchange', trace.error.message);
  let mailcow: ValidationHop;
  if (!log) {
    mailcow = unknownHop('mailcow', msg('validate.notConfigured.mailcow'));
  } else if (!log.ok) {
    mailcow = unknownHop('mailcow', log.error.message);
  } else {
    const view = readPostfixLog(log.value);
    mailcow =
      direction === 'inbound'
        ? mailcowInboundHop(view, mailbox, options.since, options.spec)
        : mailcowOutboundHop(view, mailbox, options.since, options.spec);
  }
  return direction === 'inbound' ? [exchange, mailcow] : [mailcow, exchange];
}

/**
 * Follows a test message through both systems until it arrived, failed, or the time is up:
 * inbound through Exchange's message trace (`Get-MessageTraceV2`) and then mailcow's Postfix
 * log; outbound the other way round. A bounce or deferral on the way is explained with the
 * bounce explainer. It only reads; the message is the one the user sent (or a test sent).
 */
export async function followMessage(
  direction: ValidationDirection,
  mailbox: string,
  sources: ValidationSources,
  options: FollowOptions,
): Promise<ValidationReport> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const address = mailbox.trim().toLowerCase();
  for (let polls = 1; ; polls += 1) {
    const hops = await look(direction, address, sources, options, clock);
    const decided = outcomeOf(hops);
    const report: ValidationReport = {
      direction,
      mailbox: address,
      outcome: decided ?? 'timeout',
      hops,
      polls,
    };
    options.onProgress?.(report);
    if (decided !== undefined || clock.now() + pollMs > deadline) {
      return report;
    }
    await clock.sleep(pollMs);
  }
}
