import type { LiveSystemModule } from './live-system';

/**
 * Every live system, in the order of `LIVE_SYSTEMS`. Each module lives beside its client
 * (`mailcow/`, `exchange/`, `dns/`, `tls/`) and is listed here once.
 */
export const LIVE_SYSTEM_MODULES: readonly LiveSystemModule[] = [];
