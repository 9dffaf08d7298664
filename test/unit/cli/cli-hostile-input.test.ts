// The command line fed what it does not control: specs with quotes, line breaks and terminal
// escapes in their values, specs the schema rejects, systems that cannot be read, and output
// paths that cannot be written. Driven through `main` with a captured terminal, and once through
// the built bundle to see what really reaches the terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../../src/cli/cli-io';
import { printable } from '../../../src/cli/cli-io';
import { formatText } from '../../../src/cli/formats';
import { main } from '../../../src/cli/main';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import { KEYS, emptyMailcow, specText } from '../mailcow/mailcow-live-kit';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mail-hybrid-hostile-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function capture(env: Record<string, string> = {}): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (text) => lines.push(text),
    err: (text) => errors.push(text),
    env,
    interactive: false,
    ask: () => Promise.resolve(''),
  };
}

/** A spec whose first domain holds `domain` as a double-quoted YAML scalar (escapes allowed). */
function specWithDomain(domain: string, mailcowUrl = 'https://127.0.0.1:1'): string {
  return specText(mailcowUrl).replace('  - example.com\n', `  - "${domain}"\n`);
}

describe('text output of hostile spec values', () => {
  it('keeps each finding on its own line when a value holds line breaks', () => {
    const text = specWithDomain(
      'example.com\\n::error file=x::forged\\nfake.yaml:1:1: error [x] y',
    );
    const parsed = parseSpec(text, join(dir, 'hybrid.yaml'));
    const output = formatText({ spec: 'hybrid.yaml', text, findings: parsed.findings });
    const lines = output.split('\n');
    assert.ok(parsed.findings.length > 0);
    assert.equal(lines.length, parsed.findings.length + 1, output);
    for (const line of lines.slice(0, -1)) {
      assert.match(line, /^hybrid\.yaml:\d+:\d+: (error|warning|info) \[/);
    }
    assert.ok(!lines.some((line) => line.startsWith('::error')));
    assert.match(output, /example\.com\\u000a::error/);
  });

  it('makes terminal controls visible and leaves JSON meaning unchanged', () => {
    assert.equal(printable('a\u001b]0;title\u0007b\u009b2J'), 'a\\u001b]0;title\\u0007b\\u009b2J');
    assert.equal(printable('line one\n\tline two'), 'line one\n\tline two');
    const json = JSON.stringify({ value: 'x\u009by\u007f' });
    assert.deepEqual(JSON.parse(printable(json)), { value: 'x\u009by\u007f' });
  });

  it('writes no escape character to the terminal from a spec value', () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (node scripts/build.mjs)');
    const file = join(dir, 'escape.hybrid.yaml');
    writeFileSync(file, specWithDomain('ex\\e]0;owned\\a\\e[2Jample.com'));
    const result = spawnSync(process.execPath, [CLI, 'check', file], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /ex\\u001b\]0;owned\\u0007\\u001b\[2Jample\.com/);
    assert.ok(!result.stdout.includes('\u001b'));
    assert.ok(!result.stdout.includes('\u0007'));
  });
});

describe('plan and apply with a spec the schema rejects', () => {
  it('send nothing to mailcow and exit 2 with the schema findings', async () => {
    const emulator = await startMailcowEmulator(emptyMailcow());
    try {
      const file = join(dir, 'invalid.hybrid.yaml');
      writeFileSync(file, specWithDomain('evil.com\\",\\"x\\":\\"1', emulator.url));
      for (const args of [
        ['apply', file, '--yes', '--systems', 'mailcow'],
        ['plan', file, '--systems', 'mailcow'],
      ]) {
        const io = capture({ MAILCOW_TEST_KEY: KEYS.rw });
        const code = await main(args, io);
        assert.equal(code, 2, args[0]);
        assert.match(io.errors.join('\n'), /error \[schema\] domains\[0\]/);
        assert.match(io.errors.join('\n'), /no live system is read or changed/);
        assert.deepEqual(io.lines, []);
      }
      assert.deepEqual(emulator.requests, []);
    } finally {
      await emulator.close();
    }
  });
});

describe('plan and apply when no system could be read', () => {
  it('do not claim that the live systems match', async () => {
    // mailcow on a closed loopback port: the connection is refused at once.
    const file = join(dir, 'unreachable.hybrid.yaml');
    writeFileSync(file, specText('https://127.0.0.1:1'));
    for (const args of [
      ['plan', file, '--systems', 'mailcow'],
      ['apply', file, '--yes', '--systems', 'mailcow'],
    ]) {
      const io = capture({ MAILCOW_TEST_KEY: KEYS.rw });
      const code = await main(args, io);
      assert.equal(code, 1, args[0]);
      const out = io.lines.join('\n');
      assert.doesNotMatch(out, /match/);
      assert.match(out, /mailcow could not be read/);
      assert.match(io.errors.join('\n'), /mailcow-unreachable/);
    }
  });
});

describe('snapshot --out', () => {
  it('says why a file cannot be written instead of throwing', async () => {
    const file = join(dir, 'snap.hybrid.yaml');
    // Nothing to read: mailcow on a closed port, Exchange with VS Code's sign-in, no resolver.
    writeFileSync(
      file,
      [
        'version: 1',
        'domains: [example.com]',
        'mailcow: { url: "https://127.0.0.1:1", hostname: mail.example.com }',
        'exchange: { tenant: contoso.onmicrosoft.com, gateway: example-com.mail.protection.outlook.com }',
        'checks: { dnsServers: ["127.0.0.1:1"] }',
        '',
      ].join('\n'),
    );
    const target = join(dir, 'missing-folder', 'scenario.yaml');
    const io = capture();
    const code = await main(['snapshot', file, '--out', target], io);
    assert.equal(code, 2);
    assert.match(io.errors.join('\n'), /Could not write .*missing-folder.*scenario\.yaml: ENOENT/);
    assert.ok(!existsSync(target));
  });
});
