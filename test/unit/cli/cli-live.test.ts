// The command line as users run it: `node dist/cli.js` in a child process, against the mailcow
// emulator on loopback. The bundle must be built first (`node scripts/build.mjs`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DnsEmulator } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import type { MailcowEmulator, MailcowSeed } from '../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import { KEYS, SPF_HOST, emptyMailcow, specText, writesOf } from '../mailcow/mailcow-live-kit';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI without blocking this process (the emulator answers from here), with only the
 * environment given: no proxy variables leak in from the machine running the tests.
 */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

let dns: DnsEmulator;
let dir: string;

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built (node scripts/build.mjs)');
  dns = await startDnsEmulator({
    [SPF_HOST]: { TXT: ['v=spf1 ip4:198.51.100.0/26 -all'] },
  });
  dir = mkdtempSync(join(tmpdir(), 'mail-hybrid-cli-'));
});
after(async () => {
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

async function withMailcow(
  seed: MailcowSeed,
  run: (emulator: MailcowEmulator, spec: string) => Promise<void>,
  text?: (url: string) => string,
): Promise<void> {
  const emulator = await startMailcowEmulator(seed, { dnsServers: [dns.address] });
  const spec = join(dir, `hybrid-${emulator.port}.yaml`);
  writeFileSync(spec, (text ?? specText)(emulator.url));
  try {
    await run(emulator, spec);
  } finally {
    await emulator.close();
  }
}

const KEY_ENV = { MAILCOW_TEST_KEY: KEYS.rw };

interface JsonFinding {
  code: string;
  source: string;
  range: { start: { line: number } };
}

describe('mail-hybrid check --live', () => {
  it('prints offline and live findings in the JSON contract and exits 1 on errors', async () => {
    await withMailcow(emptyMailcow(), async (emulator, spec) => {
      const result = await runCli(['check', spec, '--systems', 'mailcow', '--live', '--format', 'json'], KEY_ENV);
      assert.equal(result.code, 1, result.stderr);
      const output = JSON.parse(result.stdout) as { spec: string; findings: JsonFinding[] };
      assert.equal(output.spec, spec);
      const missing = output.findings.filter(
        (finding) => finding.code === 'mailcow-domain-missing',
      );
      assert.deepEqual(
        missing.map((finding) => [finding.source, finding.range.start.line]),
        [
          ['mailcow', 2],
          ['mailcow', 3],
        ],
      );
      assert.ok(output.findings.some((finding) => finding.code === 'inbound-filtering-bypassed'));
      assert.equal(writesOf(emulator.requests).length, 1, 'only the write-access probe');
    });
  });

  it('exits 0 when mailcow matches, and never prints the key, even with --verbose', async () => {
    const seed = emptyMailcow({
      domains: ['example.com', 'example.org'].map((name) => ({
        domain_name: name,
        backupmx: 1,
        relay_all_recipients: 1,
        relay_unknown_only: 1,
        relayhost: '1',
      })),
      relayhosts: [{ id: 1, hostname: '[example-com.mail.protection.outlook.com]:25' }],
      fwdhosts: [{ host: '198.51.100.0/26', source: SPF_HOST }],
      mailboxes: [{ username: 'app@example.org' }],
    });
    await withMailcow(seed, async (_emulator, spec) => {
      const result = await runCli(['check', spec, '--systems', 'mailcow', '--live', '--verbose'], KEY_ENV);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stderr, /mailcow → GET \/api\/v1\/get\/domain\/all/);
      assert.equal(`${result.stdout}${result.stderr}`.includes(KEYS.rw), false);
    });
  });

  it('explains that secret: references cannot be read on the command line', async () => {
    await withMailcow(
      emptyMailcow(),
      async (emulator, spec) => {
        const result = await runCli(['check', spec, '--systems', 'mailcow', '--live'], KEY_ENV);
        assert.equal(result.code, 1);
        assert.match(result.stdout, /\[mailcow-auth-failed\].*cannot read.*env:VARIABLE/);
        assert.equal(emulator.requests.length, 0);
      },
      (url) => specText(url).replace('env:MAILCOW_TEST_KEY', 'secret:mailcow'),
    );
  });
});

describe('mail-hybrid plan and apply', () => {
  it('plan lists the needed steps with their requests and changes nothing', async () => {
    await withMailcow(emptyMailcow(), async (emulator, spec) => {
      const result = await runCli(['plan', spec, '--systems', 'mailcow', '--format', 'json'], KEY_ENV);
      assert.equal(result.code, 0, result.stderr);
      const plan = JSON.parse(result.stdout) as {
        steps: { id: string; domain?: string; requests: { action: string; body: unknown }[] }[];
      };
      assert.deepEqual(
        plan.steps.map((step) => `${step.id} ${step.domain ?? ''}`.trim()),
        [
          'mailcow-domain example.com',
          'mailcow-domain example.org',
          'mailcow-relayhost',
          'mailcow-fwdhosts',
          'mailcow-transport example.com',
          'mailcow-transport example.org',
        ],
      );
      assert.deepEqual(plan.steps[2]!.requests, [
        {
          action: 'POST /api/v1/add/relayhost',
          body: { hostname: '[example-com.mail.protection.outlook.com]:25' },
        },
      ]);
      assert.equal(emulator.state.domains.size, 0);
      const text = await runCli(['plan', spec, '--systems', 'mailcow'], KEY_ENV);
      assert.match(
        text.stdout,
        /1\. Add example\.com to mailcow\n.*\n {3}POST \/api\/v1\/add\/domain \{"domain":"example\.com"/,
      );
    });
  });

  it('apply --yes runs every step, prints each outcome, and a second apply finds nothing to do', async () => {
    await withMailcow(
      emptyMailcow({ mailboxes: [{ username: 'app@example.org' }] }),
      async (emulator, spec) => {
        const result = await runCli(['apply', spec, '--systems', 'mailcow', '--yes'], KEY_ENV);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.equal(result.stdout.match(/^done: /gm)?.length, 6, result.stdout);
        assert.match(result.stdout, new RegExp(`${SPF_HOST} → 198\\.51\\.100\\.0/26`));
        assert.equal(emulator.state.domains.get('example.org')?.relayUnknown, 1);
        assert.equal(emulator.state.relayhosts.size, 1);

        const posts = writesOf(emulator.requests).length;
        const again = await runCli(['apply', spec, '--systems', 'mailcow', '--yes'], KEY_ENV);
        assert.equal(again.code, 0);
        assert.match(again.stdout, /no step is needed/);
        assert.equal(writesOf(emulator.requests).length, posts + 1, 'only the write-access probe');
      },
    );
  });

  it('apply exits 1 when a step fails, after the steps before it', async () => {
    await withMailcow(emptyMailcow(), async (emulator, spec) => {
      emulator.injectFault({ kind: 'status', status: 500 }, { path: '/api/v1/add/relayhost' });
      const result = await runCli(['apply', spec, '--systems', 'mailcow', '--yes'], KEY_ENV);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /^failed: .*HTTP 500/m);
      assert.match(result.stdout, /Stopped after/);
      assert.equal(emulator.state.domains.size, 2);
      assert.equal(emulator.state.fwdhosts.size, 0);
    });
  });

  it('apply without --yes refuses when stdin is not a terminal, and sends nothing', async () => {
    await withMailcow(emptyMailcow(), async (emulator, spec) => {
      const result = await runCli(['apply', spec, '--systems', 'mailcow'], KEY_ENV);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /not a terminal.*--yes/s);
      assert.equal(emulator.requests.length, 0);
    });
  });
});
