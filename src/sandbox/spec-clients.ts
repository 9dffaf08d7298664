import { createTokenSource } from '../core/exchange/create-token-source';
import type { DeviceCodePrompt } from '../core/exchange/device-code-token-source';
import { ExchangeAdminClient } from '../core/exchange/exchange-admin-client';
import { DnsLookup } from '../core/dns/resolver';
import type { Logger } from '../core/log';
import { MailcowClient } from '../core/mailcow/mailcow-client';
import type { ProxySettings } from '../core/net/proxy';
import type { HybridSpec, SecretRef } from '../core/spec/model';

export interface SpecClientOptions {
  logger: Logger;
  /** Reads a `secret:`/`env:` reference; undefined when it has no value. */
  resolveSecret: (ref: SecretRef) => Promise<string | undefined>;
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
  proxy?: (target: URL) => ProxySettings;
  timeoutMs?: number;
}

export interface SpecClients {
  mailcow: MailcowClient;
  exchange: ExchangeAdminClient;
  dns: DnsLookup;
}

/**
 * The clients a spec describes: mailcow at `mailcow.url` with its key and CA file, Exchange's
 * admin API signed in as `exchange.auth` says, DNS through `checks.dnsServers`.
 * @throws DnsServerError when a `checks.dnsServers` entry is not an address.
 */
export function clientsForSpec(spec: HybridSpec, options: SpecClientOptions): SpecClients {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const mailcowUrl = new URL(spec.mailcow.url);
  const mailcowProxy = options.proxy?.(mailcowUrl);
  const mailcow = new MailcowClient({
    baseUrl: spec.mailcow.url,
    apiKey: () =>
      spec.mailcow.apiKey ? options.resolveSecret(spec.mailcow.apiKey) : Promise.resolve(undefined),
    timeoutMs,
    logger: options.logger,
    ...(spec.mailcow.caFile ? { caFile: spec.mailcow.caFile } : {}),
    ...(mailcowProxy ? { proxy: mailcowProxy } : {}),
  });
  const adminProxy = options.proxy?.(new URL(spec.exchange.endpoints.admin))?.url;
  const tokenSource = createTokenSource(spec.exchange, {
    logger: options.logger,
    timeoutMs,
    resolveSecret: options.resolveSecret,
    onDeviceCode: options.onDeviceCode ?? ((prompt) => options.logger.warn(prompt.message)),
    ...(adminProxy ? { proxy: adminProxy } : {}),
  });
  const exchange = new ExchangeAdminClient({
    adminBaseUrl: spec.exchange.endpoints.admin,
    tenant: spec.exchange.tenant,
    tokenSource,
    logger: options.logger,
    timeoutMs,
    retryBudgetMs: timeoutMs,
    ...(adminProxy ? { proxy: adminProxy } : {}),
  });
  const dns = new DnsLookup({ servers: spec.checks.dnsServers, logger: options.logger });
  return { mailcow, exchange, dns };
}
