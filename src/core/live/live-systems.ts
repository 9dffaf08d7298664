import { dnsLiveModule } from '../dns/dns-live';
import { exchangeLiveModule } from '../exchange/exchange-live';
import { mailcowLiveModule } from '../mailcow/mailcow-live';
import { tlsLiveModule } from '../tls/tls-live';
import {
  fwdhostsMissEop,
  inboundIpsMissEgress,
  mailboxAlsoInExchange,
  smartHostNotMailcow,
} from './cross-system-rules';
import type { CrossSystemRule, LiveSystemModule } from './live-system';

/**
 * Every live system, in the order of `LIVE_SYSTEMS`. Each module lives beside its client
 * (`mailcow/`, `exchange/`, `dns/`, `tls/`) and is listed here once.
 */
export const LIVE_SYSTEM_MODULES: readonly LiveSystemModule[] = [
  mailcowLiveModule,
  exchangeLiveModule,
  dnsLiveModule,
  tlsLiveModule,
];

/** Rules that look across systems; each reads only the snapshot it is given. */
export const CROSS_SYSTEM_RULES: readonly CrossSystemRule[] = [
  fwdhostsMissEop,
  mailboxAlsoInExchange,
  smartHostNotMailcow,
  inboundIpsMissEgress,
];
