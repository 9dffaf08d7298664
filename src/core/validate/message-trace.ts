import type { ExchangeAdminClient } from '../exchange/exchange-admin-client';
import type { ExchangeResult } from '../exchange/exchange-error';

/** One `Get-MessageTraceV2` row: one message to one recipient, as Exchange last saw it. */
export interface MessageTraceRow {
  MessageTraceId: string;
  /** Milliseconds since the epoch. */
  Received: number;
  SenderAddress: string;
  RecipientAddress: string;
  Subject: string;
  /** Delivered, Expanded, Failed, FilteredAsSpam, GettingStatus, Pending, Quarantined. */
  Status: string;
  FromIP: string;
  ToIP: string;
  MessageId: string;
}

export interface MessageTraceQuery {
  sender?: string;
  recipient?: string;
  /** Milliseconds since the epoch; Exchange keeps 90 days and answers 10 days per query. */
  since: number;
  until: number;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** Exchange writes UTC without a zone in some outputs; such a time is read as UTC. */
function instant(value: unknown): number {
  const raw = text(value).trim();
  const zoned = /[zZ]|[+-]\d{2}:?\d{2}$/.test(raw) ? raw : `${raw}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? 0 : time;
}

/** `yyyy-MM-ddTHH:mm:ss` in UTC, the form the admin API binds to a DateTime. */
function utc(time: number): string {
  return new Date(time).toISOString().slice(0, 19);
}

/**
 * The trace rows for a sender or recipient within a time window, newest first. The query spans
 * at most the 10 days Exchange allows; a longer window is cut to its last 10 days.
 */
export async function readMessageTrace(
  client: ExchangeAdminClient,
  query: MessageTraceQuery,
): Promise<ExchangeResult<MessageTraceRow[]>> {
  const tenDays = 10 * 86_400_000;
  const parameters: Record<string, unknown> = {
    StartDate: utc(Math.max(query.since, query.until - tenDays)),
    EndDate: utc(query.until),
  };
  if (query.sender) {
    parameters.SenderAddress = [query.sender];
  }
  if (query.recipient) {
    parameters.RecipientAddress = [query.recipient];
  }
  const result = await client.invoke('Get-MessageTraceV2', parameters);
  if (!result.ok) {
    return result;
  }
  const rows = result.value.objects.map((raw): MessageTraceRow => ({
    MessageTraceId: text(raw.MessageTraceId),
    Received: instant(raw.Received),
    SenderAddress: text(raw.SenderAddress).toLowerCase(),
    RecipientAddress: text(raw.RecipientAddress).toLowerCase(),
    Subject: text(raw.Subject),
    Status: text(raw.Status),
    FromIP: text(raw.FromIP),
    ToIP: text(raw.ToIP),
    MessageId: text(raw.MessageId),
  }));
  return { ok: true, value: rows.sort((a, b) => b.Received - a.Received) };
}
