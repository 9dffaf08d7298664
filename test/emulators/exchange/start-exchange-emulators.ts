import type { AdminEmulatorOptions, ExchangeAdminEmulator } from './admin-emulator';
import { startExchangeAdminEmulator } from './admin-emulator';
import type { ExchangeEmulatorState } from './exchange-state-store';
import type { ExchangeSeed } from './exchange-seed';
import type { IdentityEmulator, IdentityEmulatorOptions } from './identity-emulator';
import { startIdentityEmulator } from './identity-emulator';

export interface ExchangeEmulators {
  /** `exchange.endpoints.login`. */
  loginUrl: string;
  /** `exchange.endpoints.admin`. */
  adminUrl: string;
  state: ExchangeEmulatorState;
  identity: IdentityEmulator;
  admin: ExchangeAdminEmulator;
  close(): Promise<void>;
}

/** Starts the identity and the admin emulator for one tenant, each on a free loopback port. */
export async function startExchangeEmulators(
  seed: ExchangeSeed,
  options: IdentityEmulatorOptions & AdminEmulatorOptions = {},
): Promise<ExchangeEmulators> {
  const identity = await startIdentityEmulator(seed, options);
  let admin: ExchangeAdminEmulator;
  try {
    admin = await startExchangeAdminEmulator(seed, identity, options);
  } catch (error) {
    await identity.close();
    throw error;
  }
  return {
    loginUrl: identity.url,
    adminUrl: admin.url,
    state: admin.state,
    identity,
    admin,
    close: async () => {
      await Promise.all([admin.close(), identity.close()]);
    },
  };
}
