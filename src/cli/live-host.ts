import type { LiveHost } from '../core/live/live-system';
import type { Logger } from '../core/log';
import { msg } from '../core/messages/catalogue';
import { proxySettingsFromEnvironment } from '../core/net/proxy';
import type { HybridSpec, SecretRef } from '../core/spec/model';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Per-request timeout when neither the option nor the environment sets one. */
const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * A logger that writes to stderr (stdout carries the command's output) from `level` up. The
 * clients redact secrets before anything reaches a logger.
 */
export function stderrLogger(level: LogLevel, write: (line: string) => void): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const at =
    (name: LogLevel) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(name) <= rank) {
        write(`[${name}] ${message}`);
      }
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
  };
}

export interface CliLiveHostOptions {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * The command line's `LiveHost`: `env:` secrets from the environment, proxy settings from
 * HTTPS_PROXY/HTTP_PROXY/NO_PROXY. `secret:` references name VS Code's secret storage, which a
 * command line cannot read; the finding then says to use `env:`.
 */
export function createCliLiveHost(spec: HybridSpec, options: CliLiveHostOptions): LiveHost {
  let target: URL;
  try {
    target = new URL(spec.mailcow.url);
  } catch {
    // The live systems other than mailcow speak HTTPS.
    target = new URL('https://localhost');
  }
  const proxy = proxySettingsFromEnvironment(options.env, target);
  return {
    logger: options.logger,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    proxy: {
      url: proxy.url,
      noProxy: typeof proxy.noProxy === 'string' ? proxy.noProxy : proxy.noProxy?.join(','),
    },
    resolveSecret(ref: SecretRef): Promise<string | undefined> {
      if (ref.kind !== 'env') {
        return Promise.resolve(undefined);
      }
      const value = options.env[ref.name]?.trim();
      return Promise.resolve(value ? value : undefined);
    },
    explainMissingSecret(ref: SecretRef): string | undefined {
      return ref.kind === 'secret'
        ? msg('cli.live.secretUnreadable', { name: ref.name })
        : undefined;
    },
  };
}
