// `npm run demo`: the product end to end without a tenant. Starts the sandbox with the demo
// scenario (emulated mailcow, Exchange Online, DNS and SMTP on loopback), then a real VS Code
// (code-server from the cache the integration tests use) with the extension installed as a
// package installs it and a copy of the scenario as workspace, and prints the address to open.
// Ctrl-C stops everything and removes the temporary folders.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureTestEnvironment, testEnvironment } from '../test/vscode/setup.mjs';

const root = join(import.meta.dirname, '..');
const scenarioName = process.argv[2] ?? 'demo';
const scenarioDir = join(root, 'examples', 'scenarios', scenarioName);
if (!existsSync(join(scenarioDir, 'scenario.yaml'))) {
  console.error(`No scenario examples/scenarios/${scenarioName}/scenario.yaml.`);
  process.exit(2);
}

const temp = mkdtempSync(join(tmpdir(), 'mail-hybrid-demo-'));
const workspace = join(temp, 'workspace');
const extensions = join(temp, 'extensions');
const userData = join(temp, 'user-data');
const children = [];
let stopping = false;

async function stop(code) {
  if (stopping) {
    return;
  }
  stopping = true;
  for (const child of children.reverse()) {
    try {
      // code-server runs in its own process group with the extension host it forks.
      process.kill(child.group ? -child.pid : child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await new Promise((done) => setTimeout(done, 1500));
  rmSync(temp, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

/** The files a published package holds, from .vscodeignore (`**` then `!path` lines). */
function shippedFiles() {
  const patterns = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1));
  const files = [];
  const walk = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  for (const pattern of patterns) {
    if (pattern.endsWith('/**')) {
      const dir = join(root, pattern.slice(0, -3));
      files.push(...(existsSync(dir) ? walk(dir) : []));
    } else if (pattern.includes('*')) {
      const dir = join(root, dirname(pattern));
      const name = new RegExp(`^${basename(pattern).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      files.push(...(existsSync(dir) ? readdirSync(dir).filter((entry) => name.test(entry)).map((entry) => join(dir, entry)) : []));
    } else if (existsSync(join(root, pattern))) {
      files.push(join(root, pattern));
    }
  }
  // A spec a sandbox once wrote next to a shipped scenario is no part of the package.
  return files.filter((file) => basename(file) !== 'sandbox.hybrid.yaml');
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function startSandbox() {
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'sandbox', join(workspace, 'scenario.yaml'), '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push({ pid: child.pid, group: false });
  const line = await new Promise((done, fail) => {
    createInterface({ input: child.stdout }).once('line', done);
    child.once('exit', (code) => fail(new Error(`the sandbox exited with ${code}`)));
  });
  return JSON.parse(line);
}

async function startCodeServer(port, env) {
  const config = join(temp, 'code-server.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const childEnv = { ...process.env, ...env, CODE_SERVER_CONFIG: config, XDG_CONFIG_HOME: join(temp, 'xdg-config'), XDG_DATA_HOME: join(temp, 'xdg-data'), XDG_CACHE_HOME: join(temp, 'xdg-cache') };
  for (const key of Object.keys(childEnv)) {
    if (/^(VSCODE_|CODE_SERVER_CONFIG_|ELECTRON_)/.test(key) || key === 'NODE_OPTIONS' || key === 'PASSWORD' || key === 'HASHED_PASSWORD') {
      delete childEnv[key];
    }
  }
  const child = spawn(
    testEnvironment.nodeBinary,
    [testEnvironment.codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--user-data-dir', userData, '--extensions-dir', extensions, workspace],
    { cwd: temp, env: childEnv, detached: true, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push({ pid: child.pid, group: true });
  for (let tries = 0; tries < 300; tries += 1) {
    const status = await new Promise((done) => {
      get(`http://127.0.0.1:${port}/healthz`, (reply) => {
        reply.resume();
        done(reply.statusCode);
      }).once('error', () => done(0));
    });
    if (status === 200) {
      return;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error('code-server did not start within a minute');
}

try {
  if (!existsSync(join(root, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing; run npm run demo (it builds first).');
  }
  ensureTestEnvironment();
  cpSync(scenarioDir, workspace, { recursive: true, filter: (file) => basename(file) !== 'sandbox.hybrid.yaml' });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const target = join(extensions, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  for (const file of shippedFiles()) {
    cpSync(file, join(target, relative(root, file)));
  }
  const sandbox = await startSandbox();
  const port = await freePort();
  // The extension host inherits these, so the spec's env: references resolve in the editor.
  await startCodeServer(port, sandbox.env);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(resolve(workspace))}`;
  console.log('');
  console.log('Mail Hybrid demo (all systems emulated on loopback; nothing real is contacted)');
  console.log(`  mailcow API (emulated):     ${sandbox.addresses.mailcow}`);
  console.log(`  Exchange admin (emulated):  ${sandbox.addresses.admin}`);
  console.log(`  DNS (emulated):             ${sandbox.addresses.dns}`);
  console.log(`  mailcow SMTP (emulated):    ${sandbox.addresses.smtp}`);
  console.log(`  sandbox spec:               ${relative(temp, sandbox.spec)} in the workspace`);
  console.log('');
  console.log(`Open ${url}`);
  console.log('Ctrl-C stops VS Code and the sandbox.');
} catch (error) {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(2);
}
