import { mailcowLiveModule } from '../mailcow/mailcow-live';
import type { CrossSystemRule, LiveSystemModule } from './live-system';

/**
 * Every live system, in the order of `LIVE_SYSTEMS`. Each module lives beside its client
 * (`mailcow/`, `exchange/`, `dns/`, `tls/`) and is listed here once.
 */
export const LIVE_SYSTEM_MODULES: readonly LiveSystemModule[] = [mailcowLiveModule];

/** Rules that look across systems; each reads only the snapshot it is given. */
export const CROSS_SYSTEM_RULES: readonly CrossSystemRule[] = [];
