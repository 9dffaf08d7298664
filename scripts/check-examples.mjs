// The main job on the shipped examples: runs the command line's `check` on every spec under
// examples/ and prints what it finds, exactly as a user would run it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function specs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      return name === 'scenarios' ? [] : specs(full);
    }
    return name === 'hybrid.yaml' || name.endsWith('.hybrid.yaml') ? [full] : [];
  });
}

let unusable = 0;
for (const spec of specs(join(root, 'examples')).sort()) {
  const shown = relative(root, spec);
  console.log(`\n== ${shown}`);
  const result = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', shown], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status === 2 || result.status === null) {
    unusable++;
  }
}
process.exit(unusable === 0 ? 0 : 2);
