// Every command answers --help with the usage, on stdout, and exit code 0: nothing is read or sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliIo } from '../../../src/cli/cli-io';
import { main } from '../../../src/cli/main';

function recordingIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (text) => lines.push(text),
    err: (text) => errors.push(text),
    env: {},
    interactive: false,
    ask: () => Promise.reject(new Error('nothing may be asked')),
  };
}

describe('mail-hybrid <command> --help', () => {
  for (const command of ['check', 'plan', 'apply']) {
    for (const flag of ['--help', '-h']) {
      it(`${command} ${flag} prints the usage and exits 0, with no spec named`, async () => {
        const io = recordingIo();
        assert.equal(await main([command, flag], io), 0);
        assert.match(io.lines.join('\n'), new RegExp(`mail-hybrid ${command} <spec>`));
        assert.deepEqual(io.errors, []);
      });
    }
  }

  it('an unknown option is still refused with exit 2', async () => {
    const io = recordingIo();
    assert.equal(await main(['plan', 'hybrid.yaml', '--helpme'], io), 2);
    assert.deepEqual(io.lines, []);
    assert.match(io.errors.join('\n'), /helpme/);
  });
});
