import type { LiveSession } from '../live/live-system';
import { MailcowClient } from './mailcow-client';

const CLIENT_MEMO = 'mailcow.client';
const KEY_MEMO = 'mailcow.apiKey';

/**
 * The mailcow API key for this session, asked of the host once: the editor may ask the user
 * before sending a stored key to a new origin, and one question per check is enough. An inline
 * value is never used; the offline `secret-inline` finding asks to move it first.
 */
export function mailcowApiKey(session: LiveSession): Promise<string | undefined> {
  return session.memo(KEY_MEMO, async () => {
    const { apiKey, origin } = session.spec.mailcow;
    if (!apiKey || apiKey.kind === 'inline') {
      return undefined;
    }
    const value = (await session.host.resolveSecret(apiKey, origin))?.trim();
    return value ? value : undefined;
  });
}

/**
 * The session's mailcow client, built once and shared by the read and the steps: base URL and
 * CA file from the spec, timeout, proxy and logger from the host, the key bound to the spec's
 * mailcow origin.
 */
export function mailcowClientFor(session: LiveSession): MailcowClient {
  return session.memo(CLIENT_MEMO, () => {
    const { mailcow } = session.spec;
    return new MailcowClient({
      baseUrl: mailcow.url,
      apiKey: () => mailcowApiKey(session),
      caFile: mailcow.caFile,
      timeoutMs: session.host.timeoutMs,
      logger: session.host.logger,
      proxy: session.host.proxy,
    });
  });
}

/** Whether the spec's mailcow URL can be used at all (http or https with a host). */
export function usableMailcowUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
