import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SCREENSHOT_REQUEST_ENV } from './harness-env';
import { waitUntil } from './wait-until';

export interface ScreenshotOptions {
  /** Time for the workbench to paint what the test just did (decorations, hovers, trees). */
  settleMs?: number;
  /** How long to wait for the harness to take the picture. */
  timeoutMs?: number;
}

interface ScreenshotAnswer {
  ok: boolean;
  error?: string;
}

/**
 * Asks the harness for a picture of the whole workbench, saved as `<name>.png` in the folder
 * given to `run.mjs --screenshots <dir>`. Without that flag it does nothing and returns false,
 * so suites can call it on every run.
 *
 * The extension host cannot see the browser that renders the workbench, so the request goes
 * through files: this writes `<name>.request.json` into the folder the harness watches and
 * waits for the harness to answer with `<name>.done.json`. No command is added to the product.
 */
export async function screenshot(name: string, options: ScreenshotOptions = {}): Promise<boolean> {
  const dir = process.env[SCREENSHOT_REQUEST_ENV];
  if (!dir) {
    return false;
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new Error(`Screenshot name "${name}" must be kebab-case (it becomes a file name).`);
  }
  await sleep(options.settleMs ?? 500);
  const answerFile = join(dir, `${name}.done.json`);
  await rm(answerFile, { force: true });
  // Written under another name first, so the harness never reads half a request.
  const pending = join(dir, `${name}.request.tmp`);
  await writeFile(pending, JSON.stringify({ name, requestedAt: new Date().toISOString() }));
  await rename(pending, join(dir, `${name}.request.json`));
  await waitUntil(() => existsSync(answerFile), {
    timeoutMs: options.timeoutMs ?? 30_000,
    intervalMs: 100,
    description: `the harness to take screenshot "${name}"`,
  });
  const answer = JSON.parse(await readFile(answerFile, 'utf8')) as ScreenshotAnswer;
  await rm(answerFile, { force: true });
  if (!answer.ok) {
    throw new Error(`Screenshot "${name}" failed: ${answer.error ?? 'no reason given'}`);
  }
  return true;
}
