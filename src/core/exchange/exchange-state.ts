import type { ExchangeAdminClient } from './exchange-admin-client';
import type { ExchangeError, ExchangeResult } from './exchange-error';
import type { AcceptedDomain, InboundConnector, OutboundConnector } from './normalise';
import {
  normaliseAcceptedDomain,
  normaliseInboundConnector,
  normaliseOutboundConnector,
} from './normalise';

/** What the live rules and the Exchange steps compare the spec with. */
export interface ExchangeState {
  acceptedDomains: AcceptedDomain[];
  outboundConnectors: OutboundConnector[];
  inboundConnectors: InboundConnector[];
  /** Warnings Exchange attached to the reads. */
  warnings: string[];
}

/** The worst failure decides what the user is told: a sign-in problem explains the others. */
const FAILURE_ORDER: ExchangeError['kind'][] = [
  'auth-failed',
  'forbidden',
  'unreachable',
  'timeout',
  'throttled',
  'bad-response',
  'rejected',
];

/**
 * Reads accepted domains and both kinds of connector, one cmdlet each, in parallel. Test-mode
 * outbound connectors are included: a connector hidden from the read would otherwise be
 * created a second time under the same name.
 */
export async function readExchangeState(
  client: ExchangeAdminClient,
): Promise<ExchangeResult<ExchangeState>> {
  const [domains, outbound, inbound] = await Promise.all([
    client.invoke('Get-AcceptedDomain', { ResultSize: 'Unlimited' }),
    client.invoke('Get-OutboundConnector', {
      IncludeTestModeConnectors: true,
      ResultSize: 'Unlimited',
    }),
    client.invoke('Get-InboundConnector', { ResultSize: 'Unlimited' }),
  ]);
  if (!domains.ok || !outbound.ok || !inbound.ok) {
    const failures = [domains, outbound, inbound].flatMap((result) =>
      result.ok ? [] : [result.error],
    );
    failures.sort((a, b) => FAILURE_ORDER.indexOf(a.kind) - FAILURE_ORDER.indexOf(b.kind));
    return { ok: false, error: failures[0] as ExchangeError };
  }
  return {
    ok: true,
    value: {
      acceptedDomains: domains.value.objects.map(normaliseAcceptedDomain),
      outboundConnectors: outbound.value.objects.map(normaliseOutboundConnector),
      inboundConnectors: inbound.value.objects.map(normaliseInboundConnector),
      warnings: [...domains.value.warnings, ...outbound.value.warnings, ...inbound.value.warnings],
    },
  };
}
