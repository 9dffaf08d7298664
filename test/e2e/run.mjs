// End-to-end: the product used as a person uses it, in a real VS Code in a real browser. Starts
// the sandbox with the demo scenario (emulated mailcow, Exchange Online, DNS and SMTP on
// loopback), then code-server with the extension installed as a published package installs it
// and a copy of the scenario as workspace, and drives the workbench in Debian's Chromium through
// playwright-core: the explorer, the Problems panel, hovers, the quick fix menu, the command
// palette, modal confirmations, notifications and the Setup view. Every assertion is on what the
// page shows; every wait is bounded.
//
// What the Problems panel must show comes from the scenario's `expect`, so the test follows the
// scenario when it changes.
//
// Usage: node test/e2e/run.mjs [--screenshots <dir>]
// Screenshots of every stage go to test-results/e2e/; with --screenshots the README pictures
// are written to <dir> as well. The last line printed is always `e2e: N passed, N failed`, and
// the exit code is non-zero when anything failed.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import {
  USER_SETTINGS,
  cleanups,
  freeLoopbackPort,
  installProduct,
  listFiles,
  messageOf,
  openWorkbench,
  removeTemporaryFolder,
  runCleanups,
  startCodeServer,
  screenshotsFolder,
} from '../vscode/harness.mjs';
import { ensureTestEnvironment } from '../vscode/setup.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const scenarioDir = join(root, 'examples', 'scenarios', 'demo');
const resultsDir = join(root, 'test-results', 'e2e');
const SPEC_NAME = 'sandbox.hybrid.yaml';
// Generous: the machine may be shared, and a live check or a step talks to four emulators.
const WAIT_MS = 60_000;
const SHORT_WAIT_MS = 15_000;
// The diagnostic sources the offline rules use; every other source is a live system.
const OFFLINE_SOURCES = new Set(['yaml', 'schema', 'rules']);

// --- arguments and the run's bookkeeping --------------------------------------------------------

function parseArguments(argv) {
  const options = { picturesDir: undefined };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--screenshots' || argument.startsWith('--screenshots=')) {
      const { folder, last } = screenshotsFolder(argv, index);
      options.picturesDir = folder;
      index = last;
    } else if (argument === '--help' || argument === '-h') {
      console.log('Usage: node test/e2e/run.mjs [--screenshots <dir>]');
      process.exit(0);
    } else {
      throw new Error(`Unknown argument ${argument}`);
    }
  }
  return options;
}

const totals = { passed: 0, failed: 0 };
let interruptedBy;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interruptedBy) {
      return;
    }
    interruptedBy = signal;
    console.error(`\ne2e: ${signal}; stopping the sandbox, code-server and Chromium`);
    void runCleanups();
    setTimeout(() => {
      console.log(`e2e: ${totals.passed} passed, ${totals.failed + 1} failed`);
      process.exit(130);
    }, 20_000).unref();
  });
}

/** Waits until `probe` returns a truthy value; fails with `description` after `timeoutMs`. */
async function waitFor(description, probe, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    if (interruptedBy) {
      throw new Error(`interrupted by ${interruptedBy}`);
    }
    try {
      const value = await probe();
      if (value) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${messageOf(lastError)})` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${description}${cause}`);
    }
    await sleep(250);
  }
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// --- the sandbox --------------------------------------------------------------------------------

/** Starts `cli.js sandbox <scenario> --json` and returns what it prints: addresses, spec, env. */
async function startSandbox(scenarioFile) {
  const child = spawn(
    process.execPath,
    [join(root, 'dist', 'cli.js'), 'sandbox', scenarioFile, '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  cleanups.add(async () => {
    child.kill('SIGTERM');
    // It closes its emulators and removes its temporary CA folder on the way out.
    const code = await Promise.race([exited, sleep(10_000).then(() => 'running')]);
    if (code !== 0) {
      console.error(`e2e: the sandbox did not stop cleanly (${code}): ${stderr.trim()}`);
    }
  });
  const line = await Promise.race([
    new Promise((done) => createInterface({ input: child.stdout }).once('line', done)),
    exited.then((code) => {
      throw new Error(`the sandbox exited with ${code}: ${stderr.trim()}`);
    }),
    sleep(SHORT_WAIT_MS * 2).then(() => {
      throw new Error('the sandbox did not start within 30 s');
    }),
  ]);
  return JSON.parse(line);
}

/** What a live check of the scenario must report, with lines mapped into the sandbox spec. */
function expectedFindings(scenarioFile, lineMap) {
  const scenario = parseYaml(readFileSync(scenarioFile, 'utf8'));
  return (scenario.expect ?? []).map((entry) => ({
    code: entry.code,
    // The Problems panel counts lines from 1; the scenario and the line map from 0.
    line: entry.line === undefined ? undefined : (lineMap[entry.line] ?? entry.line) + 1,
  }));
}

// --- the workbench, as a user sees it -----------------------------------------------------------

class Workbench {
  constructor(page, options) {
    this.page = page;
    this.options = options;
    this.shots = 0;
  }

  /** A picture of every stage for the test results; with --screenshots also a README picture. */
  async screenshot(stage, picture) {
    this.shots += 1;
    mkdirSync(resultsDir, { recursive: true });
    const name = `${String(this.shots).padStart(2, '0')}-${stage}.png`;
    await this.page.screenshot({ path: join(resultsDir, name), animations: 'disabled' });
    if (picture && this.options.picturesDir) {
      mkdirSync(this.options.picturesDir, { recursive: true });
      const target = join(this.options.picturesDir, `${picture}.png`);
      await this.page.screenshot({ path: target, animations: 'disabled' });
      console.log(`  picture ${relative(root, target)}`);
    }
  }

  async waitForStartup() {
    await waitFor(
      'the workbench with the explorer',
      () => this.page.locator('.explorer-folders-view .monaco-list-row').first().isVisible(),
      WAIT_MS * 2,
    );
  }

  /** Runs a command from the palette by its full title, as typed by a user. */
  async runCommand(title) {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: SHORT_WAIT_MS });
    await input.fill(`>${title}`);
    const row = this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: title }) })
      .first();
    await row.waitFor({ state: 'visible', timeout: SHORT_WAIT_MS });
    await row.click();
    await this.page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: SHORT_WAIT_MS });
  }

  async closeQuickInput() {
    if (await this.page.locator('.quick-input-widget').isVisible()) {
      await this.page.keyboard.press('Escape');
    }
  }

  async openFromExplorer(name) {
    await this.runCommand('View: Show Explorer');
    const row = this.page.locator('.explorer-folders-view .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: name }),
    });
    await row.first().waitFor({ state: 'visible', timeout: SHORT_WAIT_MS });
    await row.first().dblclick();
    await waitFor(`${name} in the editor`, () =>
      this.page.locator('.tabs-container .tab.active', { hasText: name }).isVisible(),
    );
    await this.page
      .locator('.monaco-editor .view-lines')
      .first()
      .waitFor({ timeout: SHORT_WAIT_MS });
  }

  async showProblems() {
    await this.runCommand('View: Focus Problems');
    await this.page.locator('.markers-panel').waitFor({ state: 'visible', timeout: SHORT_WAIT_MS });
  }

  // Limitation: the panel renders only the rows that fit (about ten here); a scenario with more
  // findings on one file would need the panel maximised or scrolled before reading it.
  /** The rows of the Problems panel for the file, as shown: severity, message, code, source, line. */
  async problems(fileName) {
    return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows, file) => {
      const found = [];
      let currentFile;
      for (const row of rows) {
        const resource = row.querySelector(
          '.markers-panel-tree-resource, .resource-label, .monaco-icon-label.file-icon',
        );
        if (resource && !row.querySelector('.marker-icon')) {
          currentFile = (row.querySelector('.label-name')?.textContent ?? '').trim();
          continue;
        }
        const icon = row.querySelector('.marker-icon');
        if (!icon || currentFile !== file) {
          continue;
        }
        // The icon turns into a light bulb on the selected row; the label keeps the severity.
        const label = row.getAttribute('aria-label') ?? '';
        const severity = /^Error\b/.test(label)
          ? 'error'
          : /^Warning\b/.test(label)
            ? 'warning'
            : 'info';
        found.push({
          severity,
          message: (
            row.querySelector('.marker-message-details, .details-container')?.textContent ??
            row.textContent ??
            ''
          ).trim(),
          code: (row.querySelector('.marker-code')?.textContent ?? '').replace(/[()]/g, '').trim(),
          // Shown as `mail-hybrid (rules)`: the product, then the finding's source.
          source:
            /\(([^)]*)\)\s*$/.exec(
              (row.querySelector('.marker-source')?.textContent ?? '').trim(),
            )?.[1] ?? '',
          line: Number(/\[Ln (\d+)/.exec(row.textContent ?? '')?.[1]),
          label: row.getAttribute('aria-label') ?? '',
          text: (row.textContent ?? '').trim(),
        });
      }
      return found;
    }, fileName);
  }

  async clearNotifications() {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** Waits for a notification toast whose text matches and no notification still in progress. */
  async waitForNotification(pattern, timeoutMs = WAIT_MS) {
    return waitFor(
      `a notification matching ${pattern}`,
      async () => {
        const texts = await this.page
          .locator('.notifications-toasts .notification-toast .notification-list-item-message')
          .allTextContents();
        const busy = await this.page
          .locator('.notifications-toasts .notification-toast .monaco-progress-container.active')
          .count();
        return busy === 0 && texts.find((text) => pattern.test(text));
      },
      timeoutMs,
    );
  }

  /** The modal dialog's message, then a click on the named button. */
  async confirmModal(button) {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    const message = (await dialog.locator('.dialog-message-text').textContent())?.trim() ?? '';
    const detail = (await dialog.locator('.dialog-message-detail').textContent())?.trim() ?? '';
    return {
      message,
      detail,
      click: async () => {
        await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
        await dialog.waitFor({ state: 'hidden', timeout: SHORT_WAIT_MS });
      },
    };
  }

  /** Drags the sash between the side bar and the editor, as a user widens the side bar. */
  async setSideBarWidth(width) {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) {
      return;
    }
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  async setSideBarVisible(visible) {
    if ((await this.page.locator('.part.sidebar').isVisible()) !== visible) {
      await this.runCommand('View: Toggle Primary Side Bar Visibility');
    }
  }

  async setPanelVisible(visible) {
    if ((await this.page.locator('.part.panel').isVisible()) !== visible) {
      await this.runCommand('View: Toggle Panel Visibility');
    }
  }

  async showSetupView() {
    await this.runCommand('View: Show Mail Hybrid');
    await waitFor('rows in the Setup view', () =>
      this.page.locator('.part.sidebar .monaco-list-row').first().isVisible(),
    );
  }

  /** The Setup view's rows (those rendered), with the status their icon shows. */
  async treeRows() {
    return this.page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) =>
      rows.map((row) => {
        const icon = row.querySelector('.custom-view-tree-node-item-icon, .codicon');
        const className = icon?.className ?? '';
        const status = /codicon-pass/.test(className)
          ? 'ok'
          : /codicon-error/.test(className)
            ? 'error'
            : /codicon-warning/.test(className)
              ? 'warning'
              : /codicon-info/.test(className)
                ? 'info'
                : 'other';
        return {
          label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
          aria: row.getAttribute('aria-label') ?? '',
          status,
        };
      }),
    );
  }
}

// --- the scenario, step by step -----------------------------------------------------------------

async function runStages(workbench, expected) {
  const page = workbench.page;
  const expectedCodes = [...new Set(expected.map((entry) => entry.code))].sort();
  const state = {};
  const stages = [];
  const stage = (name, body) => stages.push({ name, body });

  stage('opens the sandbox spec from the explorer and shows its offline findings', async () => {
    await workbench.waitForStartup();
    await workbench.openFromExplorer(SPEC_NAME);
    await workbench.showProblems();
    const rows = await waitFor('offline findings in the Problems panel', async () => {
      const found = await workbench.problems(SPEC_NAME);
      return found.length > 0 && found;
    });
    console.log(`  offline: ${rows.map((row) => `${row.code} (${row.source})`).join(', ')}`);
    for (const row of rows) {
      check(OFFLINE_SOURCES.has(row.source), `an offline finding from ${row.source}: ${row.text}`);
      check(expectedCodes.includes(row.code), `${row.code} is not in the scenario's expect`);
    }
    state.offline = rows;
    await workbench.screenshot('offline-findings');
  });

  stage('runs the live check from the palette and lists every expected finding', async () => {
    await workbench.clearNotifications();
    await workbench.runCommand('Mail Hybrid: Check the live systems');
    const toast = await workbench.waitForNotification(/Live check finished/);
    console.log(`  ${toast}`);
    const rows = await waitFor('the live findings in the Problems panel', async () => {
      const found = await workbench.problems(SPEC_NAME);
      const codes = [...new Set(found.map((row) => row.code))].sort();
      return JSON.stringify(codes) === JSON.stringify(expectedCodes) && found;
    }).catch(async (error) => {
      const found = await workbench.problems(SPEC_NAME);
      throw new Error(
        `${error.message}; shown: ${found.map((row) => row.code).join(', ')}; expected: ${expectedCodes.join(', ')}`,
      );
    });
    for (const entry of expected.filter((item) => item.line !== undefined)) {
      check(
        rows.some((row) => row.code === entry.code && row.line === entry.line),
        `${entry.code} is not on line ${entry.line}: ${rows
          .filter((row) => row.code === entry.code)
          .map((row) => row.line)
          .join(', ')}`,
      );
    }
    state.live = rows.filter((row) => !OFFLINE_SOURCES.has(row.source));
    check(state.live.length > 0, 'no finding came from a live system');
    console.log(`  live: ${state.live.map((row) => `${row.code} (${row.severity})`).join(', ')}`);
    await workbench.screenshot('live-findings');
  });

  stage('shows live values and drift in the Setup view', async () => {
    await workbench.setPanelVisible(false);
    await workbench.showSetupView();
    await workbench.setSideBarWidth(560);
    const rows = await waitFor('live values in the Setup view', async () => {
      const found = await workbench.treeRows();
      return found.some((row) => row.description.includes('→')) && found;
    });
    check(
      rows.some((row) => row.status === 'error'),
      'no node of the Setup view shows an error after the live check',
    );
    // The shared domain in mailcow holds the relay flags; its children show each one's drift.
    const domainRow = page.locator('.part.sidebar .monaco-list-row', {
      has: page.locator('.label-name', { hasText: /^example\.com$/ }),
    });
    await domainRow.first().click();
    if ((await domainRow.first().getAttribute('aria-expanded')) === 'false') {
      await page.keyboard.press('ArrowRight');
    }
    await waitFor(
      'the shared domain expanded in the Setup view',
      async () => (await domainRow.first().getAttribute('aria-expanded')) === 'true',
      SHORT_WAIT_MS,
    );
    const drifting = await waitFor('a node of the Setup view marked as drift', async () => {
      const found = (await workbench.treeRows()).filter((row) =>
        row.description.includes('(drift)'),
      );
      return found.length > 0 && found;
    });
    console.log(`  drift: ${drifting.map((row) => `${row.label} ${row.description}`).join('; ')}`);
    await workbench.screenshot('live-tree', 'live-tree');
    await workbench.setPanelVisible(true);
  });

  stage('hovers a live finding and reads its message in the editor hover', async () => {
    const target = state.live[0];
    // The whole width for the editor and the Problems panel, so messages are readable.
    await workbench.setSideBarVisible(false);
    await workbench.showProblems();
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: target.code }).first();
    await row.click();
    await page.keyboard.press('Enter');
    // The Problems panel selected the finding's range in the editor: the mouse rests on it.
    const range = page.locator('.monaco-editor .view-overlays .selected-text').first();
    await range.waitFor({ state: 'visible', timeout: SHORT_WAIT_MS });
    const box = await range.boundingBox();
    check(box, 'the finding has no range in the editor');
    await page.mouse.move(box.x + box.width / 2 - 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    const hover = page.locator('.monaco-hover:visible').first();
    const text = await waitFor('the hover', async () => (await hover.textContent())?.trim());
    check(text.includes(target.code), `the hover does not name ${target.code}: ${text}`);
    const firstWords = target.message.split(/\s+/).slice(0, 5).join(' ');
    check(
      text.includes(firstWords),
      `the hover does not hold the message "${firstWords}…": ${text}`,
    );
    await workbench.screenshot('hover', 'live-diagnostics');
    await page.keyboard.press('Escape');
    await workbench.setSideBarVisible(true);
  });

  stage(
    'offers the step as a quick fix on a live finding, runs it after the modal, and the finding goes',
    async () => {
      // The Setup view beside the editor, so its node can be watched turning green.
      await workbench.showSetupView();
      state.treeBefore = await workbench.treeRows();
      // A finding alone on its line gets a menu of its own fixes only, as a user would pick it.
      const sharing = (live) => state.live.filter((other) => other.line === live.line).length;
      const candidates = [...state.live].sort((a, b) => sharing(a) - sharing(b));
      // Only the step's own notifications from here on; the palette is out of reach under a modal.
      await workbench.clearNotifications();
      let chosen;
      for (const live of candidates) {
        await workbench.showProblems();
        const row = page.locator('.markers-panel .monaco-list-row', { hasText: live.code }).first();
        await row.click();
        await page.keyboard.press('Enter');
        await sleep(300);
        await page.keyboard.press('Control+Period');
        const menu = page.locator('.action-widget:not(.action-list-submenu-panel)');
        await menu.waitFor({ state: 'visible', timeout: SHORT_WAIT_MS });
        const items = (await menu.locator('.monaco-list-row.action').allTextContents()).map(
          (text) => text.trim(),
        );
        const stepFix = items.find((item) => !/^Ignore /.test(item));
        if (stepFix && items.includes(`Ignore ${live.code} on this line`)) {
          chosen = { live, items, stepFix };
          await workbench.screenshot('quick-fix-menu', 'quick-fix');
          await menu.locator('.monaco-list-row.action', { hasText: stepFix }).first().click();
          break;
        }
        await page.keyboard.press('Escape');
      }
      check(chosen, 'no live finding offered a setup step as a quick fix');
      console.log(
        `  quick fix on ${chosen.live.code}: "${chosen.stepFix}" (menu: ${chosen.items.join(' | ')})`,
      );
      const modal = await workbench.confirmModal('Run');
      check(/^Run ".+"\?$/.test(modal.message), `the modal asks something else: ${modal.message}`);
      check(modal.detail.length > 0, 'the modal shows no requests');
      await workbench.screenshot('step-modal', 'step-confirm');
      await modal.click();
      const toast = await workbench.waitForNotification(/^(Done|Nothing to change): /);
      console.log(`  ${toast}`);
      check(/^Done: /.test(toast), `the step did not report done: ${toast}`);
      await workbench.showProblems();
      await waitFor(`${chosen.live.code} gone from the Problems panel`, async () => {
        const found = await workbench.problems(SPEC_NAME);
        return !found.some((row) => row.code === chosen.live.code);
      });
      state.fixedCode = chosen.live.code;
      await workbench.screenshot('after-quick-fix');
    },
  );

  stage('shows the fixed node green in the Setup view', async () => {
    await workbench.showSetupView();
    const turned = await waitFor('a node that had a problem now green', async () => {
      const after = await workbench.treeRows();
      const greened = after.filter(
        (row) =>
          row.status === 'ok' &&
          state.treeBefore.some(
            (before) =>
              before.label === row.label && before.status !== 'ok' && before.status !== 'other',
          ),
      );
      return greened.length > 0 && greened;
    });
    console.log(`  now green: ${turned.map((row) => row.label).join(', ')}`);
    await workbench.screenshot('tree-after-quick-fix');
  });

  for (const system of ['mailcow', 'Exchange Online']) {
    stage(`applies all ${system} steps from the palette after the modal`, async () => {
      await workbench.clearNotifications();
      await workbench.runCommand(`Mail Hybrid: Apply all ${system} steps`);
      const modal = await workbench.confirmModal('Run all');
      check(modal.message.includes(system), `the modal asks something else: ${modal.message}`);
      console.log(`  ${modal.message.split('\n')[0]}`);
      await workbench.screenshot(`apply-all-${system.split(' ')[0].toLowerCase()}-modal`);
      await modal.click();
      const toast = await workbench.waitForNotification(
        new RegExp(`^${system} steps (finished|stopped)`),
      );
      console.log(`  ${toast}`);
      check(
        toast.startsWith(`${system} steps finished`),
        `the ${system} steps did not finish: ${toast}`,
      );
      await workbench.screenshot(`apply-all-${system.split(' ')[0].toLowerCase()}-done`);
    });
  }

  stage('a final live check reports no error, only what no step can fix', async () => {
    await workbench.clearNotifications();
    await workbench.runCommand('Mail Hybrid: Check the live systems');
    const toast = await workbench.waitForNotification(/Live check finished/);
    console.log(`  ${toast}`);
    await workbench.showProblems();
    const rows = await waitFor('a Problems panel without errors', async () => {
      const found = await workbench.problems(SPEC_NAME);
      return !found.some((row) => row.severity === 'error') && found;
    });
    console.log(
      `  left: ${rows.map((row) => `${row.code} (${row.severity})`).join(', ') || 'nothing'}`,
    );
    for (const row of rows) {
      check(expectedCodes.includes(row.code), `${row.code} appeared after the steps ran`);
      check(row.code !== state.fixedCode, `${row.code} came back after its step ran`);
    }
    check(rows.length < state.offline.length + state.live.length, 'the steps removed nothing');
    await workbench.showSetupView();
    await workbench.screenshot('finished', 'finished');
  });

  for (const { name, body } of stages) {
    if (interruptedBy) {
      break;
    }
    const started = Date.now();
    try {
      await body();
      totals.passed += 1;
      console.log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      totals.failed += 1;
      console.log(`FAIL ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      console.log(`    ${messageOf(error).split('\n').join('\n    ')}`);
      await workbench.screenshot('failed').catch(() => undefined);
      // Each stage builds on the one before; what follows a failure would only fail again.
      const skipped = stages.length - stages.findIndex((item) => item.name === name) - 1;
      if (skipped > 0) {
        console.log(`  ${skipped} later stage(s) not run`);
      }
      return false;
    }
  }
  return true;
}

// --- main ---------------------------------------------------------------------------------------

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (
    !existsSync(join(root, 'dist', 'extension.js')) ||
    !existsSync(join(root, 'dist', 'cli.js'))
  ) {
    throw new Error('dist/ is missing; build first (node scripts/build.mjs).');
  }
  const environment = ensureTestEnvironment();
  rmSync(resultsDir, { recursive: true, force: true });
  const tmp = mkdtempSync(join(tmpdir(), 'mail-hybrid-e2e-'));
  const dirs = {
    tmp,
    workspace: join(tmp, 'workspace'),
    userData: join(tmp, 'user-data'),
    extensions: join(tmp, 'extensions'),
    browserProfile: join(tmp, 'browser-profile'),
    serverLog: join(tmp, 'code-server.log'),
  };
  cleanups.add(() => removeTemporaryFolder(tmp));
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(USER_SETTINGS, null, 2) + '\n',
  );
  cpSync(scenarioDir, dirs.workspace, {
    recursive: true,
    filter: (file) => !file.endsWith(SPEC_NAME),
  });
  installProduct(dirs.extensions);

  const sandbox = await startSandbox(join(dirs.workspace, 'scenario.yaml'));
  const expected = expectedFindings(join(dirs.workspace, 'scenario.yaml'), sandbox.lineMap);
  check(expected.length > 0, 'the demo scenario expects no finding; nothing to test');
  const port = await freeLoopbackPort();
  // The extension host inherits these, so the spec's env: references resolve in the editor.
  await startCodeServer({ environment, port, dirs, workspaceTrust: false, extraEnv: sandbox.env });
  const consoleLog = [];
  const { page } = await openWorkbench({ environment, port, dirs, consoleLog });
  const workbench = new Workbench(page, options);
  const ok = await runStages(workbench, expected);
  if (!ok) {
    keepLogs(dirs, consoleLog);
  }
}

function keepLogs(dirs, consoleLog) {
  mkdirSync(resultsDir, { recursive: true });
  if (existsSync(join(dirs.userData, 'logs'))) {
    cpSync(join(dirs.userData, 'logs'), join(resultsDir, 'logs'), { recursive: true });
  }
  if (existsSync(dirs.serverLog)) {
    cpSync(dirs.serverLog, join(resultsDir, 'code-server.log'));
  }
  writeFileSync(join(resultsDir, 'browser-console.log'), consoleLog.join('\n') + '\n');
  const productLog = listFiles(join(dirs.userData, 'logs')).find((file) =>
    /mail-hybrid\.mail-hybrid/.test(file),
  );
  if (productLog) {
    console.log(`  extension log (last lines of ${relative(dirs.userData, productLog)}):`);
    console.log(
      readFileSync(productLog, 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-20)
        .map((line) => `    ${line}`)
        .join('\n'),
    );
  }
  console.log(`  logs and screenshots kept in ${relative(root, resultsDir)}/`);
}

const started = Date.now();
try {
  await main();
} catch (error) {
  console.error(`e2e: ${messageOf(error)}`);
  totals.failed += 1;
} finally {
  await runCleanups();
}
if (interruptedBy && totals.failed === 0) {
  totals.failed = 1;
}
console.log(`e2e: ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`e2e: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(interruptedBy ? 130 : totals.failed > 0 ? 1 : 0);
