import { rename, writeFile } from 'node:fs/promises';
import { sourceMappedStack } from './source-mapped-stack';

/** What went wrong in a test or in the runner, as plain data that survives JSON. */
export interface ErrorReport {
  message: string;
  stack?: string;
}

export interface TestOutcome {
  /** The test's own title. */
  title: string;
  /** The titles of the enclosing `describe` blocks and the test, joined by spaces. */
  fullTitle: string;
  durationMs?: number;
  error?: ErrorReport;
}

/**
 * The file the runner extension writes when a suite has finished, and the only thing
 * test/vscode/run.mjs reads to decide whether the suite passed.
 */
export interface SuiteResults {
  suiteFile: string;
  vscodeVersion: string;
  startedAt: string;
  durationMs: number;
  passed: TestOutcome[];
  failed: TestOutcome[];
  pending: TestOutcome[];
  /** Set when the suite could not run at all (product failed to activate, file did not load). */
  setupError?: ErrorReport;
}

export function toErrorReport(error: unknown): ErrorReport {
  if (error instanceof Error) {
    return error.stack
      ? { message: error.message, stack: sourceMappedStack(error.stack) }
      : { message: error.message };
  }
  return { message: String(error) };
}

/** Writes under another name and renames, so the harness never reads half a file. */
export async function writeResults(file: string, results: SuiteResults): Promise<void> {
  const pending = `${file}.tmp`;
  await writeFile(pending, JSON.stringify(results, null, 2) + '\n');
  await rename(pending, file);
}
