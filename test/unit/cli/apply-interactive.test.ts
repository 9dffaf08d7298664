// `apply` asking before each step, driven through `main` with a terminal that answers from a
// script (a real terminal cannot be attached to a test).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../../src/cli/cli-io';
import { main } from '../../../src/cli/main';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import { KEYS, emptyMailcow, specText } from '../mailcow/mailcow-live-kit';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mail-hybrid-apply-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('mail-hybrid apply on a terminal', () => {
  it('shows each step with its requests, runs what is confirmed and stops at a refusal', async () => {
    const emulator = await startMailcowEmulator(emptyMailcow());
    try {
      const spec = join(dir, 'hybrid.yaml');
      // No forwarding host: the emulator has no DNS here.
      writeFileSync(spec, specText(emulator.url, { forwardingHosts: ['198.51.100.7'] }));
      const lines: string[] = [];
      const errors: string[] = [];
      const answers = ['y', 'no'];
      const io: CliIo = {
        out: (text) => lines.push(text),
        err: (text) => errors.push(text),
        env: { MAILCOW_TEST_KEY: KEYS.rw },
        interactive: true,
        ask: () => Promise.resolve(answers.shift() ?? ''),
      };
      const code = await main(['apply', spec, '--systems', 'mailcow'], io);
      assert.equal(code, 1);
      assert.equal(answers.length, 0, 'asked twice');
      assert.match(
        errors.join('\n'),
        /1\. Add example\.com to mailcow\n.*\n {3}POST \/api\/v1\/add\/domain/,
      );
      assert.match(errors.join('\n'), /2\. Add example\.org to mailcow/);
      assert.ok(emulator.state.domains.has('example.com'));
      assert.equal(emulator.state.domains.has('example.org'), false);
      assert.match(lines.join('\n'), /^done: Added example\.com/m);
      assert.match(lines.join('\n'), /was not confirmed/);
    } finally {
      await emulator.close();
    }
  });
});
