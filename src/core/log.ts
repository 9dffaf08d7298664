/**
 * The logging seam between the core and its hosts. The extension hands in a LogOutputChannel
 * adapter, the CLI a stderr writer, tests a recorder. Nothing in the core writes to the console.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const SECRET_KEY_PATTERN = /key|token|password|secret|authorization|assertion|cookie/i;
export const REDACTED = '[redacted]';

/**
 * A deep copy of `value` in which every property whose name looks like it holds a secret is
 * replaced. Used before anything that came from or goes to an API reaches a log line.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) {
    return '[…]';
  }
  if (Array.isArray(value)) {
    return value.map((item) => redact(item, depth + 1));
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
      copy[name] =
        SECRET_KEY_PATTERN.test(name) && inner !== '' && inner !== null && inner !== undefined
          ? REDACTED
          : redact(inner, depth + 1);
    }
    return copy;
  }
  return value;
}

/**
 * Replaces every occurrence of the given secret values in free text (mailcow echoes passwords
 * inside its `log` arrays, identity endpoints echo client ids next to secrets in error text).
 */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result;
}
