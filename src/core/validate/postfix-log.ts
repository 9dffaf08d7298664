import type { PostfixLogEntry } from '../mailcow/mailcow-types';

/** One delivery attempt Postfix logged for a recipient of a queued message. */
export interface PostfixDelivery {
  to: string;
  /** `lmtp`, `smtp`, … from `postfix/lmtp`. */
  agent: string;
  /** `example-com.mail.protection.outlook.com[192.0.2.10]:25`, `mail.example.com[private/dovecot-lmtp]`. */
  relay: string;
  dsn: string;
  /** `sent`, `deferred`, `bounced`, `expired`, as Postfix writes it. */
  status: string;
  /** The text in parentheses after the status: the remote reply or Postfix's reason. */
  reply: string;
  /** Unix seconds. */
  time: number;
}

/** Everything the log says about one queue id, oldest line first. */
export interface PostfixMessage {
  queueId: string;
  /** Unix seconds of the first line seen. */
  time: number;
  messageId?: string;
  from?: string;
  /** `connect from` client of the smtpd that received it, when logged with the queue id. */
  client?: string;
  deliveries: PostfixDelivery[];
}

/** A recipient refused while the sender was still connected: nothing was queued. */
export interface PostfixRejection {
  time: number;
  client: string;
  reply: string;
  from?: string;
  to?: string;
}

export interface PostfixLogView {
  messages: PostfixMessage[];
  rejections: PostfixRejection[];
}

const QUEUED = /^([0-9A-Za-z]{6,}): (.*)$/;
const ADDRESS = (name: string): RegExp => new RegExp(`(?:^|, )${name}=<([^>]*)>`);
const FIELD = (name: string): RegExp => new RegExp(`(?:^|, )${name}=([^,\\s]+)`);
const STATUS = /(?:^|, )status=(\w+)(?: \((.*)\))?$/;
const REJECT = /^NOQUEUE: reject: RCPT from ([^:]+): (.*?); from=<([^>]*)> to=<([^>]*)>/;

/**
 * Groups Postfix log lines (as mailcow's `get/logs/postfix` returns them, newest first) by queue
 * id: who sent the message, its Message-ID, and each delivery attempt with its status and the
 * reply that decided it. Recipients refused before queueing (`NOQUEUE: reject`) are kept apart.
 */
export function readPostfixLog(entries: readonly PostfixLogEntry[]): PostfixLogView {
  const byId = new Map<string, PostfixMessage>();
  const rejections: PostfixRejection[] = [];
  // mailcow lists the newest first; reversed, lines of the same second keep their order.
  const oldestFirst = [...entries].reverse().sort((a, b) => a.time - b.time);
  for (const entry of oldestFirst) {
    const text = entry.message.trim();
    const agent = entry.program.replace(/^postfix\//, '');
    const reject = REJECT.exec(text);
    if (reject) {
      const rejection: PostfixRejection = {
        time: entry.time,
        client: reject[1] ?? '',
        reply: reject[2] ?? '',
      };
      if (reject[3]) {
        rejection.from = reject[3].toLowerCase();
      }
      if (reject[4]) {
        rejection.to = reject[4].toLowerCase();
      }
      rejections.push(rejection);
      continue;
    }
    const queued = QUEUED.exec(text);
    if (!queued || queued[1] === 'NOQUEUE') {
      continue;
    }
    const queueId = queued[1] ?? '';
    const rest = queued[2] ?? '';
    let message = byId.get(queueId);
    if (!message) {
      message = { queueId, time: entry.time, deliveries: [] };
      byId.set(queueId, message);
    }
    const messageId = /^message-id=<([^>]*)>/.exec(rest)?.[1];
    if (messageId !== undefined) {
      message.messageId = messageId;
      continue;
    }
    const client = /^client=(\S+)/.exec(rest)?.[1];
    if (client !== undefined) {
      message.client = client;
      continue;
    }
    const to = ADDRESS('to').exec(rest)?.[1];
    const status = STATUS.exec(rest);
    if (to !== undefined && status) {
      message.deliveries.push({
        to: to.toLowerCase(),
        agent,
        relay: FIELD('relay').exec(rest)?.[1] ?? '',
        dsn: FIELD('dsn').exec(rest)?.[1] ?? '',
        status: status[1] ?? '',
        reply: status[2] ?? '',
        time: entry.time,
      });
      continue;
    }
    const from = ADDRESS('from').exec(rest)?.[1];
    if (from !== undefined && message.from === undefined) {
      message.from = from.toLowerCase();
    }
  }
  return { messages: [...byId.values()], rejections };
}
