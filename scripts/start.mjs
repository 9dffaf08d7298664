// `npm start`, the README's first command: check every example spec from the command line (the
// part that runs anywhere, CI included), then, for a person at a terminal, start the demo: a real
// VS Code in the browser against the sandbox's emulated systems, until Ctrl-C. Without a
// terminal (CI, a pipe) it stops after the checks, so it never waits for a person who is not there.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function run(script, args = []) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', script), ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  return result.status ?? 1;
}

const checked = run('check-examples.mjs');
if (checked === 2) {
  process.exit(checked);
}
const person = process.stdout.isTTY === true && process.stdin.isTTY === true && !process.env.CI;
if (!person || process.argv.includes('--no-demo')) {
  console.log('\nTo see the whole product in a browser against emulated systems: npm run demo');
  process.exit(0);
}
console.log('\nStarting the demo (emulated mailcow, Exchange Online, DNS and SMTP; Ctrl-C stops it)…');
process.exit(run('demo.mjs'));
