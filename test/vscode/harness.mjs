// The pieces of a real VS Code window that the integration suites (`run.mjs`) and the end-to-end
// tests (`test/e2e/run.mjs`) share: the product installed as a published package installs it,
// code-server on a loopback port in its own process group, Debian's Chromium driven by
// playwright-core, and the cleanups that stop all of it on every way out.
import { spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
const serverStartTimeoutMs = 30_000;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// Settings that keep a fresh window quiet: no welcome page, tips, update or telemetry traffic,
// and no trust dialog over the window in suites that enable workspace trust.
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.startupPrompt': 'never',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
};

// --- processes to stop on every way out ------------------------------------------------------

export const cleanups = new Set();
export const liveProcessGroups = new Set();

let cleaning = Promise.resolve();

/** Stops everything started so far; a second caller waits for a cleanup already under way. */
export function runCleanups() {
  cleaning = cleaning.then(async () => {
    const pending = [...cleanups].reverse();
    cleanups.clear();
    for (const cleanup of pending) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`cleanup failed: ${messageOf(error)}`);
      }
    }
  });
  return cleaning;
}

// Last resort when the script dies before its cleanups ran: nothing may outlive the run.
process.on('exit', () => {
  for (const pid of liveProcessGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

// --- small helpers ----------------------------------------------------------------------------

/**
 * The folder named by `--screenshots <dir>` or `--screenshots=<dir>` at `argv[index]`, resolved,
 * and the index of the last argument it used.
 */
export function screenshotsFolder(argv, index) {
  const argument = argv[index];
  const inline = argument.includes('=');
  const value = inline ? argument.slice(argument.indexOf('=') + 1) : argv[index + 1];
  if (!value || value.startsWith('--')) {
    throw new Error('--screenshots needs a folder, for example --screenshots docs/images');
  }
  return { folder: resolve(value), last: inline ? index : index + 1 };
}

export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

export function listFiles(dir) {
  if (!existsSync(dir)) {
    return [];
  }
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      found.push(...listFiles(full));
    } else {
      found.push(full);
    }
  }
  return found;
}

export function freeLoopbackPort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export function httpStatus(url) {
  return new Promise((resolveStatus) => {
    const request = httpGet(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveStatus(0));
  });
}

// --- the extensions folder --------------------------------------------------------------------

export function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

// Used only when the project has no .vscodeignore yet.
const DEFAULT_SHIPPED = [
  'package.json',
  'package.nls*.json',
  'dist/**',
  'schemas/**',
  'media/**',
  'l10n/**',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
];

/**
 * The files a published package of the product holds, read from .vscodeignore so the test
 * window gets what users get. That file excludes everything (`**`) and lets named paths back
 * in (`!dist/extension.js`, `!schemas/**`, `!package.nls*.json`); only that form is understood,
 * and anything else is an error rather than a guess.
 */
export function shippedFiles() {
  const ignoreFile = join(root, '.vscodeignore');
  let patterns = DEFAULT_SHIPPED;
  if (existsSync(ignoreFile)) {
    const lines = readFileSync(ignoreFile, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (lines[0] !== '**' || lines.slice(1).some((line) => !line.startsWith('!'))) {
      throw new Error(
        '.vscodeignore must read `**` followed by `!path` lines for the harness to follow it',
      );
    }
    patterns = lines.slice(1).map((line) => line.slice(1));
  }
  const files = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/**')) {
      files.push(...listFiles(join(root, pattern.slice(0, -3))));
    } else if (pattern.includes('*')) {
      const dir = join(root, dirname(pattern));
      const name = new RegExp(
        '^' +
          basename(pattern)
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*') +
          '$',
      );
      if (existsSync(dir)) {
        for (const entry of readdirSync(dir)) {
          if (name.test(entry) && statSync(join(dir, entry)).isFile()) {
            files.push(join(dir, entry));
          }
        }
      }
    } else if (existsSync(join(root, pattern))) {
      files.push(join(root, pattern));
    }
  }
  return [...new Set(files)];
}

/** Installs the product the way VS Code lays out an extension from the marketplace. */
export function installProduct(extensionsDir) {
  const manifest = readManifest(root);
  const main = join(root, manifest.main);
  if (!existsSync(main)) {
    throw new Error(`${manifest.main} is missing; build first (node scripts/build.mjs --test).`);
  }
  const files = shippedFiles();
  if (!files.includes(main)) {
    throw new Error(`${manifest.main} is not among the files a published package would hold.`);
  }
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  for (const file of files) {
    cpSync(file, join(target, relative(root, file)));
  }
  return { id: `${manifest.publisher}.${manifest.name}`, dir: target };
}
// --- code-server and Chromium -----------------------------------------------------------------

export async function startCodeServer({ environment, port, dirs, workspaceTrust, extraEnv }) {
  const configFile = join(dirs.tmp, 'code-server.yaml');
  // An explicit config file, or code-server writes one with a password into the home folder.
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    // Variables of an enclosing VS Code or code-server would make this one hand the folder to
    // that instance instead of starting; NODE_OPTIONS could load things into the server.
    if (/^(VSCODE_|CODE_SERVER_|ELECTRON_)/.test(key) || key === 'NODE_OPTIONS') {
      delete env[key];
    }
  }
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.PORT;
  Object.assign(env, {
    CODE_SERVER_CONFIG: configFile,
    XDG_CONFIG_HOME: join(dirs.tmp, 'xdg-config'),
    XDG_DATA_HOME: join(dirs.tmp, 'xdg-data'),
    XDG_CACHE_HOME: join(dirs.tmp, 'xdg-cache'),
    PATH: `${resolve(environment.nodeBinary, '..')}:${process.env.PATH ?? ''}`,
    ...extraEnv,
  });
  const args = [
    environment.codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    dirs.workspace,
  ];
  const logFd = openSync(dirs.serverLog, 'a');
  const child = spawn(environment.nodeBinary, args, {
    cwd: dirs.tmp,
    env,
    // Its own process group, so that stopping it also stops the extension host it forks.
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const server = { child, exit: undefined };
  child.on('exit', (code, signal) => {
    // The group stays listed: the extension host may outlive a server that crashed.
    server.exit = signal ?? `exit code ${code}`;
  });
  child.on('error', (error) => {
    server.exit = `could not start: ${error.message}`;
  });
  if (child.pid !== undefined) {
    liveProcessGroups.add(child.pid);
  }
  cleanups.add(() => stopProcessGroup(server));

  const deadline = Date.now() + serverStartTimeoutMs;
  while ((await httpStatus(`http://127.0.0.1:${port}/healthz`)) !== 200) {
    if (server.exit !== undefined) {
      throw new Error(`code-server stopped while starting (${server.exit})`);
    }
    if (Date.now() > deadline) {
      throw new Error(`code-server did not answer within ${serverStartTimeoutMs / 1000} s`);
    }
    await sleep(200);
  }
  return server;
}

export async function stopProcessGroup(server) {
  const pid = server.child.pid;
  if (pid === undefined) {
    return;
  }
  const signalGroup = (signal) => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + 5000;
  // Waits for the whole group, not only the server: the extension host may linger after it.
  while (Date.now() < deadline && signalGroup(0)) {
    await sleep(100);
  }
  if (signalGroup(0)) {
    signalGroup('SIGKILL');
  }
  liveProcessGroups.delete(pid);
}

export async function openWorkbench({ environment, port, dirs, consoleLog }) {
  const context = await chromium.launchPersistentContext(dirs.browserProfile, {
    executablePath: environment.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 30_000,
    // This script closes the browser itself, on every way out.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  cleanups.add(() => Promise.race([context.close(), sleep(10_000)]));
  const page = context.pages()[0] ?? (await context.newPage());
  const pageState = { crashed: false };
  page.on('console', (message) => consoleLog.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLog.push(`[pageerror] ${error.message}`));
  page.on('crash', () => {
    pageState.crashed = true;
  });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
  return { page, pageState };
}

export function removeTemporaryFolder(dir) {
  try {
    // Retries because Chromium's helper processes may still be writing to its profile for a
    // moment after the browser has closed.
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (error) {
    console.error(`could not remove ${dir}: ${messageOf(error)}`);
  }
}
