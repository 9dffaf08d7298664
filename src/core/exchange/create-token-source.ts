import { readFile } from 'node:fs/promises';
import type { Logger } from '../log';
import { msg } from '../messages/catalogue';
import type { ExchangeSpec, SecretRef } from '../spec/model';
import { loadCertificateCredential } from './client-assertion';
import type { ClientCredential } from './client-credentials-token-source';
import { ClientCredentialsTokenSource } from './client-credentials-token-source';
import type { Clock } from './clock';
import type { DeviceCodePrompt } from './device-code-token-source';
import { DeviceCodeTokenSource } from './device-code-token-source';
import type { ExchangeError } from './exchange-error';
import { ExchangeAuthError } from './exchange-error';
import { IdentityClient } from './identity-client';
import type { TokenSource } from './token-source';
import { exchangeScope } from './token-source';

export interface TokenSourceDependencies {
  logger: Logger;
  timeoutMs?: number;
  proxy?: string;
  caFile?: string;
  /** Reads a `secret:`/`env:` reference; undefined when it is not set. */
  resolveSecret: (ref: SecretRef) => Promise<string | undefined>;
  /** Shows the device code to the person signing in. */
  onDeviceCode: (prompt: DeviceCodePrompt) => void;
  /** The editor's Microsoft account provider, for method `vscode`. */
  vscodeTokenSource?: TokenSource;
  readTextFile?: (path: string) => Promise<string>;
  clock?: Clock;
}

/** A source whose every call fails the same way: a configuration problem found up front. */
function failing(error: ExchangeError): TokenSource {
  return { getToken: () => Promise.reject(new ExchangeAuthError(error)) };
}

function refName(ref: SecretRef): string {
  return ref.kind === 'secret' ? ref.name : ref.kind === 'env' ? `env:${ref.name}` : 'clientSecret';
}

/**
 * The token source `exchange.auth` describes. Secrets and certificate files are read on first
 * use, so building a source never fails and a missing secret surfaces as the first call's
 * `auth-failed` result.
 */
export function createTokenSource(
  exchange: ExchangeSpec,
  deps: TokenSourceDependencies,
): TokenSource {
  const { auth } = exchange;
  if (auth.method === 'vscode') {
    return (
      deps.vscodeTokenSource ??
      failing({ kind: 'auth-failed', message: msg('exchange.auth.vscodeOnly') })
    );
  }
  const identity = new IdentityClient({
    loginBaseUrl: exchange.endpoints.login,
    tenant: exchange.tenant,
    logger: deps.logger,
    timeoutMs: deps.timeoutMs ?? 30_000,
    ...(deps.proxy ? { proxy: deps.proxy } : {}),
    ...(deps.caFile ? { caFile: deps.caFile } : {}),
  });
  const scope = exchangeScope(exchange.endpoints.admin);
  const common = {
    identity,
    scope,
    logger: deps.logger,
    ...(deps.clock ? { clock: deps.clock } : {}),
  };
  if (auth.method === 'deviceCode') {
    return new DeviceCodeTokenSource({
      ...common,
      ...(auth.clientId ? { clientId: auth.clientId } : {}),
      onCode: deps.onDeviceCode,
    });
  }
  if (!auth.clientId) {
    return failing({
      kind: 'auth-failed',
      message: msg('exchange.auth.clientIdMissing', { method: auth.method }),
    });
  }
  const readText = deps.readTextFile ?? ((path: string) => readFile(path, 'utf8'));
  const loadCredential = async (): Promise<ClientCredential> => {
    if (auth.method === 'clientSecret') {
      const secret = auth.clientSecret ? await deps.resolveSecret(auth.clientSecret) : undefined;
      if (!secret) {
        throw new ExchangeAuthError({
          kind: 'auth-failed',
          message: msg('exchange.auth.secretMissing', {
            name: auth.clientSecret ? refName(auth.clientSecret) : 'exchange.auth.clientSecret',
          }),
        });
      }
      return { kind: 'secret', secret };
    }
    const file = auth.certificateFile;
    if (!file) {
      throw new ExchangeAuthError({
        kind: 'auth-failed',
        message: msg('exchange.auth.certificateFileMissing'),
      });
    }
    let pem: string;
    try {
      pem = await readText(file);
    } catch (error) {
      throw new ExchangeAuthError({
        kind: 'auth-failed',
        message: msg('exchange.auth.certificateFileUnreadable', {
          file,
          reason: error instanceof Error ? error.message : String(error),
        }),
      });
    }
    return { kind: 'certificate', certificate: loadCertificateCredential(pem, file) };
  };
  return new ClientCredentialsTokenSource({ ...common, clientId: auth.clientId, loadCredential });
}
