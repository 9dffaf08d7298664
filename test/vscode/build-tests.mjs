// Builds what `test/vscode/run.mjs` installs next to the product: the test-runner extension
// and one bundle per suite. Called by `scripts/build.mjs --test`; the product's own bundle in
// dist/ is built there exactly as for users.
//
// out/vscode-tests/runner/
//   package.json        the runner's manifest
//   extension.js        the runner (mocha inside)
//   suites/<name>.js    every *.test.ts of test/vscode/suites/<name>/, bundled together
//
// The suites live inside the runner's folder on purpose: VS Code hands `require('vscode')` the
// API of the extension whose folder the calling file is in, so the suites get the runner's.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..', '..');
const suitesDir = join(import.meta.dirname, 'suites');
export const vscodeTestsOutDir = join(root, 'out', 'vscode-tests');
const runnerOutDir = join(vscodeTestsOutDir, 'runner');

/** The suite folders under test/vscode/suites, each with its `*.test.ts` files, sorted. */
export function listSuites() {
  if (!existsSync(suitesDir)) {
    return [];
  }
  return readdirSync(suitesDir)
    .filter((name) => statSync(join(suitesDir, name)).isDirectory())
    .sort()
    .map((name) => ({
      name,
      dir: join(suitesDir, name),
      testFiles: readdirSync(join(suitesDir, name))
        .filter((file) => file.endsWith('.test.ts'))
        .sort(),
    }));
}

/** @param {import('esbuild').BuildOptions} commonOptions the product's bundle options */
export async function buildVscodeTests(commonOptions) {
  rmSync(vscodeTestsOutDir, { recursive: true, force: true });
  mkdirSync(join(runnerOutDir, 'suites'), { recursive: true });
  copyFileSync(
    join(import.meta.dirname, 'runner', 'package.json'),
    join(runnerOutDir, 'package.json'),
  );

  const options = {
    ...commonOptions,
    // Tests are read when they fail: never minified, always with maps that lead back to the
    // TypeScript in this folder wherever the bundle was copied to.
    minify: false,
    sourcemap: 'linked',
    external: ['vscode'],
  };
  const jobs = [
    build({
      ...options,
      entryPoints: [join(import.meta.dirname, 'runner', 'runner-extension.ts')],
      outfile: join(runnerOutDir, 'extension.js'),
      // Mocha's parallel mode resolves worker files at run time; the runner never uses it, and
      // esbuild would otherwise warn about it on every build.
      logOverride: { 'require-resolve-not-external': 'silent' },
      sourceRoot: pathToFileURL(runnerOutDir).href + '/',
    }),
  ];
  for (const suite of listSuites()) {
    if (suite.testFiles.length === 0) {
      continue;
    }
    jobs.push(
      build({
        ...options,
        stdin: {
          contents: suite.testFiles.map((file) => `import './${file}';`).join('\n') + '\n',
          resolveDir: suite.dir,
          sourcefile: `${suite.name}-suite.ts`,
          loader: 'ts',
        },
        outfile: join(runnerOutDir, 'suites', `${suite.name}.js`),
        sourceRoot: pathToFileURL(join(runnerOutDir, 'suites')).href + '/',
      }),
    );
  }
  await Promise.all(jobs);
}
