import Mocha from 'mocha';
import type { TestOutcome } from './test-results';
import { toErrorReport } from './test-results';

export interface MochaOutcome {
  passed: TestOutcome[];
  failed: TestOutcome[];
  pending: TestOutcome[];
}

function outcome(test: Mocha.Runnable, error?: unknown): TestOutcome {
  const result: TestOutcome = { title: test.title, fullTitle: test.fullTitle() };
  if (test.duration !== undefined) {
    result.durationMs = test.duration;
  }
  if (error !== undefined) {
    result.error = toErrorReport(error);
  }
  return result;
}

/**
 * Runs one bundled suite file with mocha inside this process, which is the extension host, so
 * the tests see the real `vscode` API. Mocha's `bdd` globals (`describe`, `it`, hooks) are
 * installed while the file loads. A failing hook counts as a failed test under the hook's title.
 */
export function runMochaSuite(file: string, timeoutMs: number): Promise<MochaOutcome> {
  const collected: MochaOutcome = { passed: [], failed: [], pending: [] };
  const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

  // Mocha builds the reporter from a constructor; this one only records outcomes, since the
  // harness prints them from the results file after the window is gone.
  class CollectingReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
      super(runner, options);
      runner.on(EVENT_TEST_PASS, (test) => collected.passed.push(outcome(test)));
      runner.on(EVENT_TEST_FAIL, (test, error) => collected.failed.push(outcome(test, error)));
      runner.on(EVENT_TEST_PENDING, (test) => collected.pending.push(outcome(test)));
    }
  }

  const mocha = new Mocha({ ui: 'bdd', timeout: timeoutMs, color: false });
  mocha.reporter(CollectingReporter);
  mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      mocha.run(() => resolve(collected));
    } catch (error) {
      // Loading the file (its top-level code and `describe` bodies) happens inside run().
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
