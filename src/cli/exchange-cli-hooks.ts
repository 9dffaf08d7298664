import type { ExchangeHostHooks } from '../core/live/live-system';
import { msg } from '../core/messages/catalogue';
import type { SecretRef } from '../core/spec/model';

interface ErrorOutput {
  err(text: string): void;
}

/**
 * What the command line does for an Exchange sign-in: a device code is printed to stderr (stdout
 * stays the report, so `--format json` remains one JSON object). There is no editor account on
 * the command line, so method `vscode` ends in the core's sentence that says to use another.
 */
export function exchangeCliHooks(io: ErrorOutput): ExchangeHostHooks {
  return {
    onDeviceCode: (prompt) => {
      io.err(msg('exchange.cli.deviceCode', { message: prompt.message }));
    },
  };
}

/**
 * The command line's answer to `exchange.auth.clientSecret`: `env:<VAR>` reads the variable; a
 * `secret:` reference lives in VS Code's secret storage, which the command line cannot open, and
 * an inline value is never used (the offline check already flags it). Empty counts as not set.
 */
export function exchangeCliSecret(
  ref: SecretRef,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  if (ref.kind !== 'env') {
    return Promise.resolve(undefined);
  }
  const value = env[ref.name];
  return Promise.resolve(value === undefined || value === '' ? undefined : value);
}
