// The test runner: an extension that exists only in the test build and is installed beside the
// product in a throw-away extensions folder. The product bundle is the one users get; the
// tests reach it only through the `vscode` API, as users do.
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { RESULTS_ENV, SUITE_ENV } from '../support/harness-env';
import { runMochaSuite } from './mocha-suite';
import type { SuiteResults } from './test-results';
import { toErrorReport, writeResults } from './test-results';

const PRODUCT_EXTENSION_ID = 'mail-hybrid.mail-hybrid';
// Per test, not per suite; generous because the first test often waits for the product to
// validate a workspace while the freshly started window is still busy.
const TEST_TIMEOUT_MS = 30_000;

export function activate(_context: vscode.ExtensionContext): void {
  const suiteFile = process.env[SUITE_ENV];
  const resultsFile = process.env[RESULTS_ENV];
  if (!suiteFile || !resultsFile) {
    return;
  }
  // Not awaited: activation must return for the window to finish starting, and the harness
  // waits for the results file, not for this extension.
  void runAndReport(suiteFile, resultsFile);
}

export function deactivate(): void {
  // Nothing to release: the harness ends the whole server after reading the results.
}

async function runAndReport(suiteFile: string, resultsFile: string): Promise<void> {
  const started = Date.now();
  const results: SuiteResults = {
    suiteFile,
    vscodeVersion: vscode.version,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    passed: [],
    failed: [],
    pending: [],
  };
  try {
    if (!isAbsolute(suiteFile)) {
      throw new Error(`${SUITE_ENV} must be an absolute path, got "${suiteFile}".`);
    }
    await activateProduct();
    // Stack traces then point into the suites' TypeScript, not into the bundle.
    process.setSourceMapsEnabled(true);
    Object.assign(results, await runMochaSuite(suiteFile, TEST_TIMEOUT_MS));
  } catch (error) {
    results.setupError = toErrorReport(error);
  }
  results.durationMs = Date.now() - started;
  await writeResults(resultsFile, results);
}

async function activateProduct(): Promise<void> {
  const product = vscode.extensions.getExtension(PRODUCT_EXTENSION_ID);
  if (!product) {
    const installed = vscode.extensions.all
      .map((extension) => extension.id)
      .filter((id) => !id.startsWith('vscode.'));
    throw new Error(
      `Extension ${PRODUCT_EXTENSION_ID} is not installed in the test window ` +
        `(extensions besides VS Code's own: ${installed.join(', ') || 'none'}).`,
    );
  }
  try {
    await product.activate();
  } catch (error) {
    const report = toErrorReport(error);
    throw new Error(`Extension ${PRODUCT_EXTENSION_ID} failed to activate: ${report.message}`, {
      cause: error,
    });
  }
}
