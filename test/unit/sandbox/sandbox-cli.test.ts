import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import type { SandboxJson } from '../../../src/cli/sandbox-command';
import { loadScenario } from '../../../src/sandbox/scenario';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import { ROOT, scenarioFile } from './sandbox-kit';

const CLI = join(ROOT, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'sandbox-cli-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI without blocking this process, which serves emulators the CLI talks to. */
function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts `sandbox … --json` and resolves with its one JSON line. */
export async function spawnSandbox(
  scenario: string,
  specOut: string,
): Promise<{ child: ChildProcess; report: SandboxJson; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [CLI, 'sandbox', scenario, '--json', '--write-spec', specOut],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    void exited.then((code) => reject(new Error(`sandbox exited with ${code}: ${stderr}`)));
  });
  return { child, report: JSON.parse(first) as SandboxJson, exited };
}

describe('node dist/cli.js sandbox', () => {
  it('prints one JSON object, serves until SIGTERM, then cleans up', async () => {
    const specOut = join(work, 'cli.hybrid.yaml');
    const { child, report, exited } = await spawnSandbox(scenarioFile('demo'), specOut);
    assert.equal(report.emulated, true);
    assert.equal(report.spec, specOut);
    assert.ok(existsSync(report.caFile));
    const spec = readFileSync(specOut, 'utf8');
    assert.ok(spec.includes(`url: ${report.addresses.mailcow}`));
    assert.deepEqual(Object.keys(report.env).sort(), [
      'MAIL_HYBRID_SANDBOX_EXCHANGE_SECRET',
      'MAIL_HYBRID_SANDBOX_MAILCOW_KEY',
    ]);
    for (const value of Object.values(report.env)) {
      assert.ok(!spec.includes(value));
    }
    const ports = [
      report.addresses.mailcow,
      report.addresses.login,
      report.addresses.admin,
      report.addresses.smtp,
    ].map((address) => Number(/:(\d+)$/.exec(address)?.[1]));
    for (const port of ports) {
      assert.equal(await canConnect(port), true);
    }
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(existsSync(report.caFile), false);
    for (const port of ports) {
      assert.equal(await canConnect(port), false);
    }
  });

  it('exits 2 with the line of a bad scenario', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'sandbox', join(ROOT, 'examples', 'minimal', 'hybrid.yaml')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 2);
    assert.match(result.stderr, /hybrid\.yaml:\d+: .*is not a key of the scenario format/);
  });
});

describe('node dist/cli.js snapshot', () => {
  it('writes the running systems as a scenario without secrets, readable by the sandbox', async () => {
    const specOut = join(work, 'snap.hybrid.yaml');
    const { child, report, exited } = await spawnSandbox(
      scenarioFile('connector-wildcard'),
      specOut,
    );
    try {
      const out = join(work, 'snapshot.yaml');
      const result = await runCli(['snapshot', specOut, '--out', out], {
        ...process.env,
        ...report.env,
      });
      assert.equal(result.status, 0, result.stderr);
      const text = readFileSync(out, 'utf8');
      for (const value of Object.values(report.env)) {
        assert.ok(!text.includes(value));
        assert.ok(!result.stderr.includes(value));
      }
      const scenario = loadScenario(out);
      assert.equal(scenario.spec.file, specOut);
      assert.deepEqual(
        scenario.exchange?.outboundConnectors?.map((connector) => connector.RecipientDomains),
        [['*']],
      );
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('reads secrets from env: only and says which is missing', async () => {
    // Everything this spec names is on loopback: an empty DNS emulator, mailcow on a closed port.
    const dns = await startDnsEmulator({});
    try {
      const spec = join(work, 'no-secrets.hybrid.yaml');
      writeFileSync(
        spec,
        [
          'version: 1',
          'domains: [example.com]',
          'mailcow: { url: "https://127.0.0.1:1", hostname: mail.example.com, apiKey: "secret:mailcow" }',
          'exchange: { tenant: contoso.onmicrosoft.com, gateway: example-com.mail.protection.outlook.com }',
          `checks: { dnsServers: ["${dns.address}"] }`,
          '',
        ].join('\n'),
      );
      const result = await runCli(['snapshot', spec, '--out', join(work, 'x.yaml')]);
      assert.equal(result.status, 1, result.stderr);
      assert.match(
        result.stderr,
        /secret:mailcow; the command line reads secrets from env: references only/,
      );
      assert.match(result.stderr, /Exchange was not read: the spec signs in with vscode/);
      assert.ok(dns.queries.length > 0, 'DNS was asked through the spec resolvers');
    } finally {
      await dns.close();
    }
  });
});
