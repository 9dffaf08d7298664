import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long; integration suites run under mocha's per-test timeout. */
  timeoutMs?: number;
  /** Pause between two looks at the condition. */
  intervalMs?: number;
  /** Says in the failure what was awaited, so a timeout reads as a failed expectation. */
  description?: string;
}

/**
 * Polls `condition` until it returns a value other than `undefined`, `null` or `false`, and
 * returns that value. The extension host does most work asynchronously (diagnostics, trees,
 * file events), so a test states what it expects to see and waits for it, bounded in time.
 * An exception thrown by the condition counts as "not yet" and is reported if time runs out.
 */
export async function waitUntil<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== null && value !== false) {
        return value;
      }
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'condition';
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}
