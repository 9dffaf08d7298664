import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { Logger } from '../../../src/core/log';
import type { Clock } from '../../../src/core/exchange/clock';
import type { ExchangeSeed } from '../../emulators/exchange/exchange-seed';

/** Logger that keeps every line, to prove that no secret is ever written. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return {
    lines,
    logger: {
      trace: record('trace'),
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    },
  };
}

/**
 * A clock whose sleeps return at once and move its time forward by the amount slept, so polling
 * and back-off sequences run instantly and the waits they asked for can be checked.
 */
export function fakeClock(onSleep?: (ms: number, index: number) => void): Clock & {
  sleeps: number[];
  advance(ms: number): void;
} {
  let offset = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now() + offset,
    sleep: (ms) => {
      sleeps.push(ms);
      offset += ms;
      onSleep?.(ms, sleeps.length - 1);
      return Promise.resolve();
    },
    advance: (ms) => {
      offset += ms;
    },
  };
}

function isLoopback(address: string | undefined): boolean {
  if (!address) {
    return true;
  }
  const bare = address.replace(/^::ffff:/, '');
  if (isIP(bare) === 4) {
    return bare.startsWith('127.');
  }
  return bare === '::1';
}

/**
 * Fails loudly if any TCP client socket in this process resolves or connects to an address off
 * loopback: proof that no sign-in or discovery call slips out to a real Microsoft host. Such a
 * socket is destroyed before it can send.
 */
export function guardLoopback(): { violations: string[]; connected: string[]; dispose(): void } {
  const violations: string[] = [];
  // Addresses the guard saw connections to: proves it was watching, not merely silent.
  const connected: string[] = [];
  const check = (socket: Socket, address: string | undefined, what: string): void => {
    if (what === 'connect' && address) {
      connected.push(address);
    }
    if (!isLoopback(address)) {
      violations.push(`${what} ${address ?? ''}`);
      socket.destroy(new Error(`test guard: ${what} to non-loopback address ${address ?? ''}`));
    }
  };
  const listener = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    socket.on('lookup', (_error: Error | null, address: string) =>
      check(socket, address, 'lookup'),
    );
    socket.once('connect', () => check(socket, socket.remoteAddress, 'connect'));
  };
  subscribe('net.client.socket', listener);
  return { violations, connected, dispose: () => unsubscribe('net.client.socket', listener) };
}

export const TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const INITIAL_DOMAIN = 'contoso.onmicrosoft.com';
export const ADMIN_APP = '66666666-7777-8888-9999-000000000000';
export const READER_APP = '66666666-7777-8888-9999-000000000001';
export const NO_ROLE_APP = '66666666-7777-8888-9999-000000000002';
export const ADMIN_SECRET = 'Emulated~Secret.Value-0123456789';
export const READER_SECRET = 'Emulated~Reader.Value-0123456789';
export const NO_ROLE_SECRET = 'Emulated~NoRole.Value-0123456789';

export function baseSeed(extra: Partial<ExchangeSeed> = {}): ExchangeSeed {
  return {
    tenantId: TENANT_ID,
    initialDomain: INITIAL_DOMAIN,
    apps: [
      { clientId: ADMIN_APP, clientSecret: ADMIN_SECRET, roles: ['Exchange Administrator'] },
      { clientId: READER_APP, clientSecret: READER_SECRET, roles: ['Global Reader'] },
      { clientId: NO_ROLE_APP, clientSecret: NO_ROLE_SECRET, roles: [] },
    ],
    acceptedDomains: [
      { DomainName: 'example.com', DomainType: 'Authoritative', Default: false },
      { DomainName: INITIAL_DOMAIN, DomainType: 'Authoritative', Default: true },
    ],
    outboundConnectors: [],
    inboundConnectors: [],
    recipients: ['alice@example.com'],
    messageTrace: [],
    ...extra,
  };
}

/** Every place a secret could leak to: log lines and the texts of errors. */
export function assertNoSecrets(texts: readonly string[], secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (secret.length < 8) {
      continue;
    }
    for (const text of texts) {
      if (text.includes(secret)) {
        throw new Error(`a secret value leaked into: ${text.slice(0, 120)}`);
      }
    }
  }
}
