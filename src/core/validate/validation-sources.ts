import { exchangeClientFor } from '../exchange/exchange-live';
import type { LiveSession } from '../live/live-system';
import { mailcowClientFor } from '../mailcow/mailcow-session';
import type { ValidationSources } from './follow-message';

/**
 * The clients `followMessage` reads through, taken from the session: the same mailcow client
 * (key bound to the spec's mailcow origin) and Exchange admin client (signed in the way
 * `exchange.auth` says) the live check and the steps use. So the command line and the editor
 * follow a message with exactly the clients, secrets and sign-in they check with, and a
 * device-code sign-in kept by the host is not asked for again.
 */
export function validationSourcesFor(session: LiveSession): ValidationSources {
  return { mailcow: mailcowClientFor(session), exchange: exchangeClientFor(session) };
}
