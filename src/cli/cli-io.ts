import type { Logger } from '../core/log';

/** Where a command writes: results to `out`, everything meant for the person to `err`. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Warnings and errors to stderr; the CLI's results own stdout. */
export function stderrLogger(io: Output): Logger {
  return {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => io.err(message),
    error: (message) => io.err(message),
  };
}
