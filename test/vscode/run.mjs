// Runs the integration suites inside a real VS Code: code-server (VS Code's server with the
// workbench in a browser) with the product installed exactly as users get it, next to the
// test-runner extension from the test build. For each suite folder:
//
//   1. copy the suite's `workspace/` fixture to a fresh temporary folder;
//   2. lay out a fresh extensions folder: the product as `mail-hybrid.mail-hybrid-<version>`
//      (the files a published package holds) and the runner extension with the suite bundles;
//   3. start code-server on a free loopback port and open the workbench in headless Chromium,
//      which starts the extension host; the runner extension runs the suite there with mocha
//      and writes a results file, which this script waits for (bounded);
//   4. stop Chromium and code-server, whatever happened, and report.
//
// Usage: node test/vscode/run.mjs [suite ...] [--screenshots <dir>]
// The last line printed is always `vscode: N passed, N failed`; the exit code is non-zero when
// a test failed or a suite did not report. A suite that did not report counts as one failure.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listSuites, vscodeTestsOutDir } from './build-tests.mjs';
import {
  USER_SETTINGS,
  freeLoopbackPort,
  installProduct,
  listFiles,
  messageOf,
  openWorkbench,
  readManifest,
  removeTemporaryFolder,
  runCleanups,
  startCodeServer,
  screenshotsFolder,
} from './harness.mjs';
import { ensureTestEnvironment } from './setup.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const runnerBuildDir = join(vscodeTestsOutDir, 'runner');
const failureLogsDir = join(root, 'test-results', 'vscode');

// From starting code-server to the results file. A window starts in about ten seconds on a
// two-core machine; the rest is the suite itself, with room for a slow CI machine.
const suiteTimeoutMs = Number(process.env.MAIL_HYBRID_VSCODE_TIMEOUT_S ?? 150) * 1000;
const LOG_TAIL_LINES = 40;
// A suite opts into workspace trust (to test the untrusted-workspace behaviour) by holding a
// file of this name; all other suites run with trust disabled, as if every folder were trusted.
const WORKSPACE_TRUST_MARKER = 'enable-workspace-trust';
const SCREENSHOT_NAME = /^[a-z0-9][a-z0-9-]*$/;

// On Ctrl-C (or a CI cancel) the processes are stopped at once, which makes whatever the run
// is waiting for fail quickly; the run then ends through its normal path with exit code 130.
let interruptedBy;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interruptedBy) {
      return;
    }
    interruptedBy = signal;
    console.error(`\nvscode: ${signal}; stopping code-server and Chromium`);
    void runCleanups();
    // Should a wait not notice, the run still ends; the harness's exit handler kills the rest.
    setTimeout(() => {
      console.log('vscode: 0 passed, 1 failed');
      process.exit(130);
    }, 20_000).unref();
  });
}

// --- small helpers ----------------------------------------------------------------------------

function shortPath(path) {
  const inside = relative(root, path);
  return inside.startsWith('..') ? path : inside || '.';
}

function withoutRoot(text) {
  return text.split(root + sep).join('');
}

function indent(text, prefix = '    ') {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function tail(file, lines = LOG_TAIL_LINES) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function writeFileAtomically(file, text) {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

// --- arguments --------------------------------------------------------------------------------

function parseArguments(argv) {
  const options = { suites: [], screenshotsDir: undefined };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--screenshots' || argument.startsWith('--screenshots=')) {
      const { folder, last } = screenshotsFolder(argv, index);
      options.screenshotsDir = folder;
      index = last;
    } else if (argument === '--help' || argument === '-h') {
      console.log('Usage: node test/vscode/run.mjs [suite ...] [--screenshots <dir>]');
      process.exit(0);
    } else if (argument.startsWith('-')) {
      throw new Error(`Unknown option ${argument}`);
    } else {
      options.suites.push(argument);
    }
  }
  return options;
}

function installRunner(extensionsDir) {
  if (!existsSync(join(runnerBuildDir, 'extension.js'))) {
    throw new Error(
      `The test runner is not built (${shortPath(runnerBuildDir)}); run node scripts/build.mjs --test.`,
    );
  }
  const manifest = readManifest(runnerBuildDir);
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  cpSync(runnerBuildDir, target, { recursive: true });
  return target;
}

async function serveScreenshotRequests(page, requestDir, screenshotsDir) {
  for (const file of readdirSync(requestDir)) {
    if (!file.endsWith('.request.json')) {
      continue;
    }
    const name = file.slice(0, -'.request.json'.length);
    let answer;
    try {
      if (!SCREENSHOT_NAME.test(name)) {
        throw new Error(`"${name}" is not a kebab-case name`);
      }
      mkdirSync(screenshotsDir, { recursive: true });
      const target = join(screenshotsDir, `${name}.png`);
      await page.screenshot({ path: target, animations: 'disabled', timeout: 15_000 });
      console.log(`  screenshot ${shortPath(target)}`);
      answer = { ok: true };
    } catch (error) {
      answer = { ok: false, error: messageOf(error) };
    }
    rmSync(join(requestDir, file), { force: true });
    writeFileAtomically(join(requestDir, `${name}.done.json`), JSON.stringify(answer));
  }
}

// --- one suite --------------------------------------------------------------------------------

function makeSuiteDirs(suiteName) {
  const tmp = mkdtempSync(join(tmpdir(), `mail-hybrid-vscode-${suiteName}-`));
  const dirs = {
    tmp,
    workspace: join(tmp, 'workspace'),
    userData: join(tmp, 'user-data'),
    extensions: join(tmp, 'extensions'),
    browserProfile: join(tmp, 'browser-profile'),
    screenshotRequests: join(tmp, 'screenshot-requests'),
    results: join(tmp, 'results.json'),
    serverLog: join(tmp, 'code-server.log'),
  };
  for (const dir of [dirs.userData, dirs.extensions, dirs.screenshotRequests]) {
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(USER_SETTINGS, null, 2) + '\n',
  );
  return dirs;
}

/** @returns {Promise<{ passed: number, failed: number }>} */
async function runSuite(suite, environment, options) {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const dirs = makeSuiteDirs(suite.name);
  const consoleLog = [];
  let results;
  let problem;
  let product;
  try {
    const bundle = join(runnerBuildDir, 'suites', `${suite.name}.js`);
    if (suite.testFiles.length === 0) {
      throw new Error(`test/vscode/suites/${suite.name} holds no *.test.ts file`);
    }
    if (!existsSync(bundle)) {
      throw new Error(`${shortPath(bundle)} is missing; run node scripts/build.mjs --test`);
    }
    const fixture = join(suite.dir, 'workspace');
    if (!existsSync(fixture)) {
      throw new Error(`test/vscode/suites/${suite.name}/workspace is missing`);
    }
    cpSync(fixture, dirs.workspace, { recursive: true });
    product = installProduct(dirs.extensions);
    const runnerDir = installRunner(dirs.extensions);

    const port = await freeLoopbackPort();
    const extraEnv = {
      MAIL_HYBRID_TEST_SUITE: join(runnerDir, 'suites', `${suite.name}.js`),
      MAIL_HYBRID_TEST_RESULTS: dirs.results,
      MAIL_HYBRID_TEST_WORKSPACE: dirs.workspace,
    };
    if (options.screenshotsDir) {
      extraEnv.MAIL_HYBRID_SCREENSHOT_REQUEST = dirs.screenshotRequests;
    }
    const workspaceTrust = existsSync(join(suite.dir, WORKSPACE_TRUST_MARKER));
    const server = await startCodeServer({ environment, port, dirs, workspaceTrust, extraEnv });
    const { page, pageState } = await openWorkbench({ environment, port, dirs, consoleLog });

    const deadline = started + suiteTimeoutMs;
    while (!existsSync(dirs.results)) {
      if (interruptedBy) {
        throw new Error(`interrupted by ${interruptedBy}`);
      }
      if (server.exit !== undefined) {
        throw new Error(`code-server stopped before the suite reported (${server.exit})`);
      }
      if (pageState.crashed) {
        throw new Error('the workbench page crashed before the suite reported');
      }
      if (Date.now() > deadline) {
        throw new Error(`the suite did not report within ${suiteTimeoutMs / 1000} s`);
      }
      if (options.screenshotsDir) {
        await serveScreenshotRequests(page, dirs.screenshotRequests, options.screenshotsDir);
      }
      await sleep(200);
    }
    results = JSON.parse(readFileSync(dirs.results, 'utf8'));
  } catch (error) {
    problem = interruptedBy ? `interrupted by ${interruptedBy}` : messageOf(error);
  } finally {
    await runCleanups();
  }

  const passed = results?.passed.length ?? 0;
  let failed = results?.failed.length ?? 0;
  if (!problem && results?.setupError) {
    problem = results.setupError.stack ?? results.setupError.message;
  }
  if (!problem && results && passed + failed === 0) {
    problem = 'the suite ran no test';
  }
  if (problem) {
    failed += 1;
  }
  const skipped = results?.pending.length ? `, ${results.pending.length} skipped` : '';
  const status = failed > 0 ? 'FAIL' : 'PASS';
  console.log(
    `${status} ${suite.name}: ${passed} passed, ${failed} failed${skipped} (${seconds()})`,
  );

  if (failed > 0 && !interruptedBy) {
    reportFailure({ suite, results, problem, dirs, consoleLog, product });
  }
  removeTemporaryFolder(dirs.tmp);
  return { passed, failed };
}

function reportFailure({ suite, results, problem, dirs, consoleLog, product }) {
  if (problem) {
    console.log(indent(withoutRoot(problem).split('\n').slice(0, 20).join('\n')));
  }
  for (const test of results?.failed ?? []) {
    console.log(`  ✗ ${test.fullTitle}`);
    const stack = test.error?.stack ?? test.error?.message ?? 'no error recorded';
    // Frames inside the runner bundle are mocha's own and say nothing about the failure.
    const frames = withoutRoot(stack)
      .split('\n')
      .filter((line) => !/test-runner-[^/]*\/extension\.js/.test(line));
    console.log(indent(frames.slice(0, 15).join('\n')));
  }

  const logs = listFiles(join(dirs.userData, 'logs'));
  const hostLogs = logs.filter((file) => /^(remote)?exthost\.log$/i.test(basename(file)));
  const productLogs = logs.filter(
    (file) =>
      product !== undefined &&
      file.includes(product.id) &&
      !file.includes(`${product.id}-test-runner`),
  );
  const sections = [
    ...hostLogs.map((file) => ['extension host log', file]),
    ...productLogs.map((file) => ['extension output', file]),
  ];
  if (!results) {
    sections.push(['code-server log', dirs.serverLog]);
  }
  for (const [title, file] of sections) {
    const text = tail(file);
    if (text) {
      console.log(`  ${title} (${basename(file)}, last ${LOG_TAIL_LINES} lines):`);
      console.log(indent(text));
    }
  }
  if (hostLogs.length === 0) {
    console.log('  no extension host log was written (did the workbench connect?)');
  }

  // Kept for CI artifacts and for a closer look; the temporary folder itself is removed.
  const keep = join(failureLogsDir, suite.name);
  rmSync(keep, { recursive: true, force: true });
  mkdirSync(keep, { recursive: true });
  if (existsSync(join(dirs.userData, 'logs'))) {
    cpSync(join(dirs.userData, 'logs'), join(keep, 'logs'), { recursive: true });
  }
  if (existsSync(dirs.serverLog)) {
    cpSync(dirs.serverLog, join(keep, 'code-server.log'));
  }
  writeFileSync(join(keep, 'browser-console.log'), consoleLog.join('\n') + '\n');
  if (results) {
    writeFileSync(join(keep, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  }
  console.log(`  logs kept in ${shortPath(keep)}/`);
}

// --- main -------------------------------------------------------------------------------------

const totals = { passed: 0, failed: 0 };

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const environment = ensureTestEnvironment();
  const all = listSuites();
  const unknown = options.suites.filter((name) => !all.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    const known = all.map((suite) => suite.name).join(', ') || 'none';
    throw new Error(`No such suite: ${unknown.join(', ')} (known: ${known})`);
  }
  const chosen =
    options.suites.length > 0 ? all.filter((suite) => options.suites.includes(suite.name)) : all;
  if (chosen.length === 0) {
    throw new Error('There is no suite under test/vscode/suites.');
  }
  for (const suite of chosen) {
    if (interruptedBy) {
      break;
    }
    const counts = await runSuite(suite, environment, options);
    totals.passed += counts.passed;
    totals.failed += counts.failed;
  }
}

try {
  await main();
} catch (error) {
  console.error(`vscode: ${messageOf(error)}`);
  totals.failed += 1;
} finally {
  await runCleanups();
}
if (interruptedBy && totals.failed === 0) {
  totals.failed = 1;
}
console.log(`vscode: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(interruptedBy ? 130 : totals.failed > 0 ? 1 : 0);
