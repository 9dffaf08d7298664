import type { MailcowClient } from './mailcow-client';
import type { MailcowError } from './mailcow-error';
import type {
  MailcowDomain,
  MailcowForwardingHost,
  MailcowMailbox,
  MailcowRelayhost,
} from './mailcow-types';

/** What the hybrid setup needs to know about one mailcow, read in one go. */
export interface MailcowState {
  domains: MailcowDomain[];
  relayhosts: MailcowRelayhost[];
  fwdhosts: MailcowForwardingHost[];
  mailboxes: MailcowMailbox[];
}

export type MailcowStateResult =
  { ok: true; value: MailcowState } | { ok: false; error: MailcowError };

/**
 * Reads domains, relayhosts, forwarding hosts and mailboxes: one request each, in parallel.
 * The client lets only the first request through while a key is unproven, so a bad key costs
 * one failed request, not four. The first failure (in the order above) is the answer.
 */
export async function readMailcowState(client: MailcowClient): Promise<MailcowStateResult> {
  const [domains, relayhosts, fwdhosts, mailboxes] = await Promise.all([
    client.getDomains(),
    client.getRelayhosts(),
    client.getForwardingHosts(),
    client.getMailboxes(),
  ]);
  for (const result of [domains, relayhosts, fwdhosts, mailboxes]) {
    if (!result.ok) {
      return result;
    }
  }
  if (!domains.ok || !relayhosts.ok || !fwdhosts.ok || !mailboxes.ok) {
    throw new Error('unreachable');
  }
  return {
    ok: true,
    value: {
      domains: [...domains.value].sort((a, b) => a.name.localeCompare(b.name)),
      relayhosts: [...relayhosts.value].sort((a, b) => a.id - b.id),
      fwdhosts: fwdhosts.value,
      mailboxes: mailboxes.value,
    },
  };
}
