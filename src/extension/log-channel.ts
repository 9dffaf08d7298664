import * as vscode from 'vscode';
import type { Logger } from '../core/log';

/**
 * The one output channel of the extension. It is created first in `activate` and handed to the
 * core as a Logger; the channel's own level setting filters what is shown.
 */
export function createLogChannel(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Mail Hybrid', { log: true });
  const logger: Logger = {
    trace: (message) => channel.trace(message),
    debug: (message) => channel.debug(message),
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
  };
  return { channel, logger };
}
