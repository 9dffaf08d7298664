import type { ExchangeAdminClient } from './exchange-admin-client';
import type { ExchangeResult } from './exchange-error';
import type { ExchangeState } from './exchange-state';
import { readExchangeState } from './exchange-state';
import { normaliseList, stripAddressPrefix } from './normalise';

/** One recipient of the tenant as `Get-Recipient` returns it, with its SMTP addresses. */
export interface ExchangeRecipient {
  Identity: string;
  /** Lower case. */
  PrimarySmtpAddress: string;
  /** Every SMTP proxy address, lower case, without the `smtp:` prefix; SIP, X500 and the like dropped. */
  EmailAddresses: string[];
  RecipientType: string;
  RecipientTypeDetails: string;
  /** Where a mail user or mail contact forwards to, lower case, without prefix. */
  ExternalEmailAddress?: string;
}

/** The Exchange state with the tenant's recipients, for the rules that compare them with mailcow. */
export interface ExchangeStateWithRecipients extends ExchangeState {
  /** Absent when the recipients were not read (then no rule may conclude anything from them). */
  recipients?: ExchangeRecipient[];
}

type Raw = Record<string, unknown>;

function field(raw: Raw, name: string): unknown {
  if (name in raw) {
    return raw[name];
  }
  const key = Object.keys(raw).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : raw[key];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A proxy address is SMTP when it has no prefix or the `smtp:` one (any case). */
function smtpAddress(value: string): string | undefined {
  const trimmed = value.trim();
  const prefix = /^([a-z0-9]+):/i.exec(trimmed)?.[1];
  if (prefix !== undefined && prefix.toLowerCase() !== 'smtp') {
    return undefined;
  }
  const address = stripAddressPrefix(trimmed).toLowerCase();
  return address.includes('@') ? address : undefined;
}

/** Reads one `Get-Recipient` object; tolerant of the casing and list forms Exchange uses. */
export function normaliseRecipient(raw: Raw): ExchangeRecipient {
  const primary = smtpAddress(text(field(raw, 'PrimarySmtpAddress'))) ?? '';
  const addresses = normaliseList(field(raw, 'EmailAddresses'))
    .map(smtpAddress)
    .filter((address): address is string => address !== undefined);
  const recipient: ExchangeRecipient = {
    Identity: text(field(raw, 'Identity')) || text(field(raw, 'Name')) || primary,
    PrimarySmtpAddress: primary,
    EmailAddresses: [...new Set([primary, ...addresses].filter(Boolean))],
    RecipientType: text(field(raw, 'RecipientType')),
    RecipientTypeDetails:
      text(field(raw, 'RecipientTypeDetails')) || text(field(raw, 'RecipientType')),
  };
  const external = smtpAddress(text(field(raw, 'ExternalEmailAddress')));
  if (external !== undefined) {
    recipient.ExternalEmailAddress = external;
  }
  return recipient;
}

/**
 * Whether mail for `address` stays inside Exchange when this recipient holds it: true for
 * mailboxes, groups and public folders. A mail user or mail contact whose external address is
 * that same address sends the mail on by its address, which for a shared domain means on to
 * mailcow through the outbound connector, so it does not keep the mail.
 */
export function keepsMailFor(recipient: ExchangeRecipient, address: string): boolean {
  const wanted = address.toLowerCase();
  if (!recipient.EmailAddresses.includes(wanted)) {
    return false;
  }
  const kind = `${recipient.RecipientType} ${recipient.RecipientTypeDetails}`.toLowerCase();
  if (/mailuser|mailcontact|guestmailuser/.test(kind)) {
    return (
      recipient.ExternalEmailAddress !== undefined && recipient.ExternalEmailAddress !== wanted
    );
  }
  return true;
}

/**
 * Reads every recipient of the tenant (`Get-Recipient -ResultSize Unlimited`).
 *
 * Limitation: a tenant with tens of thousands of recipients is read in full, page by page; a
 * filter by the shared domains would need an OPATH `-Filter`, which the admin API passes on but
 * which this client does not build yet.
 */
export async function readExchangeRecipients(
  client: ExchangeAdminClient,
): Promise<ExchangeResult<ExchangeRecipient[]>> {
  const result = await client.invoke('Get-Recipient', { ResultSize: 'Unlimited' });
  if (!result.ok) {
    return result;
  }
  return { ok: true, value: result.value.objects.map(normaliseRecipient) };
}

/**
 * `readExchangeState` plus the recipients, read in parallel. A failure to read the recipients
 * alone (a role that may read connectors but not recipients) leaves `recipients` absent rather
 * than failing the whole state, so the connector checks still run.
 */
export async function readExchangeStateWithRecipients(
  client: ExchangeAdminClient,
): Promise<ExchangeResult<ExchangeStateWithRecipients>> {
  const [state, recipients] = await Promise.all([
    readExchangeState(client),
    readExchangeRecipients(client),
  ]);
  if (!state.ok) {
    return state;
  }
  const value: ExchangeStateWithRecipients = { ...state.value };
  if (recipients.ok) {
    value.recipients = recipients.value;
  } else {
    value.warnings = [...value.warnings, recipients.error.message];
  }
  return { ok: true, value };
}
