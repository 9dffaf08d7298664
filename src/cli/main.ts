import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { msg } from '../core/messages/catalogue';
import { parseSpec } from '../core/spec/parse-spec';
import { formatJson, formatSarif, formatText } from './formats';
import { runSandbox } from './sandbox-command';
import { runSnapshot } from './snapshot-command';

declare const MAIL_HYBRID_VERSION: string | undefined;
const VERSION = typeof MAIL_HYBRID_VERSION === 'string' ? MAIL_HYBRID_VERSION : '0.0.0-dev';

/** Exit codes of the contract: findings decide 0 or 1; 2 means the check could not run. */
const EXIT_CLEAN = 0;
const EXIT_ERRORS = 1;
const EXIT_UNUSABLE = 2;

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export function runCheck(args: string[], io: Output): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { live: { type: 'boolean', default: false }, format: { type: 'string', default: 'text' } },
    });
  } catch (error) {
    io.err(msg('cli.badOption', { detail: (error as Error).message }));
    return EXIT_UNUSABLE;
  }
  const [specArg, ...extra] = parsed.positionals;
  const format = parsed.values.format ?? 'text';
  if (!specArg || extra.length > 0) {
    io.err(msg('cli.missingSpec'));
    return EXIT_UNUSABLE;
  }
  if (!['text', 'json', 'sarif'].includes(format)) {
    io.err(msg('cli.badFormat', { format }));
    return EXIT_UNUSABLE;
  }
  if (parsed.values.live) {
    io.err(msg('cli.liveUnavailable'));
    return EXIT_UNUSABLE;
  }
  let text: string;
  try {
    // Editors drop a UTF-8 byte order mark from the text they hold; so does the CLI, or every
    // column of the first line would be one off from the editor's.
    text = readFileSync(specArg, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    io.err(msg('cli.unreadable', { file: specArg, reason }));
    return EXIT_UNUSABLE;
  }
  const { findings } = parseSpec(text, resolve(specArg));
  const report = { spec: specArg, text, findings };
  io.out(format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report, VERSION) : formatText(report));
  return findings.some((finding) => finding.severity === 'error') ? EXIT_ERRORS : EXIT_CLEAN;
}

export function main(argv: string[], io: Output = processOutput): number | Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheck(rest, io);
    case 'sandbox':
      return runSandbox(rest, io);
    case 'snapshot':
      return runSnapshot(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(msg('cli.usage'));
      return command === undefined ? EXIT_UNUSABLE : EXIT_CLEAN;
    default:
      io.err(`${msg('cli.unknownCommand', { command })}\n${msg('cli.usage')}`);
      return EXIT_UNUSABLE;
  }
}

if (require.main === module) {
  const code = main(process.argv.slice(2));
  if (typeof code === 'number') {
    process.exitCode = code;
  } else {
    // Long-running commands (the sandbox) settle later; a failure there is a bug, shown as one.
    code.then(
      (value) => {
        process.exitCode = value;
      },
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = EXIT_UNUSABLE;
      },
    );
  }
}
