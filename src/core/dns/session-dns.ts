import type { LiveSession } from '../live/live-system';
import { DnsLookup } from './resolver';

/** The longest a single DNS try may take in a live check, however generous the host's timeout. */
const DNS_TRY_LIMIT_MS = 2500;

/**
 * The one resolver of a live session, on `checks.dnsServers` (the system's resolvers when the
 * list is empty). The DNS and TLS checks share it, so a name both need is asked once.
 *
 * @throws DnsServerError when a `checks.dnsServers` entry is not an address with a port.
 */
export function sessionDnsLookup(session: LiveSession): DnsLookup {
  return session.memo(
    'dns.lookup',
    () =>
      new DnsLookup({
        servers: session.spec.checks.dnsServers,
        timeoutMs: Math.min(DNS_TRY_LIMIT_MS, session.host.timeoutMs),
        logger: session.host.logger,
      }),
  );
}
