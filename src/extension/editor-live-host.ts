import * as vscode from 'vscode';
import type { ExchangeHostHooks, LiveHost } from '../core/live/live-system';
import type { Logger } from '../core/log';
import type { SecretRef } from '../core/spec/model';
import { CONFIG_SECTION, Settings } from './constants';
import { liveUi } from './live-messages';
import type { SecretVault } from './secret-vault';

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The editor's `LiveHost`: secrets from the vault, which only hands a key to another origin than
 * the one it was stored for after a modal question; VS Code's proxy settings; the log channel.
 * `env:` references read the extension host's environment.
 */
export function createEditorLiveHost(
  vault: SecretVault,
  logger: Logger,
  exchange?: ExchangeHostHooks,
): LiveHost {
  const http = vscode.workspace.getConfiguration('http');
  const proxyUrl = http.get<string>('proxy', '').trim();
  const noProxy = http.get<string[] | string>('noProxy', []);
  const timeoutMs = vscode.workspace
    .getConfiguration(CONFIG_SECTION)
    .get<number>(Settings.liveTimeoutMs, DEFAULT_TIMEOUT_MS);
  return {
    logger,
    ...(exchange ? { exchange } : {}),
    timeoutMs: timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS,
    proxy: {
      url: proxyUrl || undefined,
      noProxy: Array.isArray(noProxy) ? noProxy.join(',') : noProxy,
      strictSSL: http.get<boolean>('proxyStrictSSL', true),
    },
    async resolveSecret(ref: SecretRef, origin: string): Promise<string | undefined> {
      switch (ref.kind) {
        case 'secret':
          return vault.resolve(ref.name, origin, async (storedFor) => {
            const yes = liveUi.rebindYes();
            const choice = await vscode.window.showWarningMessage(
              liveUi.rebindQuestion(ref.name, storedFor, origin),
              { modal: true },
              yes,
            );
            return choice === yes;
          });
        case 'env':
          return process.env[ref.name]?.trim() || undefined;
        case 'inline':
          return undefined;
      }
    },
  };
}
