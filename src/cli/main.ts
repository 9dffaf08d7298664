import { msg } from '../core/messages/catalogue';
import { runApply } from './apply-command';
import { runCheck } from './check-command';
import { runExplainBounce } from './explain-bounce-command';
import { runExportPowerShell } from './export-powershell-command';
import type { CliIo } from './cli-io';
import { EXIT_CLEAN, EXIT_UNUSABLE, processIo } from './cli-io';
import { runPlan } from './plan-command';
import { runSandbox } from './sandbox-command';
import { runSnapshot } from './snapshot-command';
import { runValidate } from './validate-command';

declare const MAIL_HYBRID_VERSION: string | undefined;
const VERSION = typeof MAIL_HYBRID_VERSION === 'string' ? MAIL_HYBRID_VERSION : '0.0.0-dev';

/** Dispatches to one command per file; each returns the process exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheck(rest, io, VERSION);
    case 'plan':
      return runPlan(rest, io);
    case 'apply':
      return runApply(rest, io);
    case 'export-powershell':
      return runExportPowerShell(rest, io);
    case 'explain-bounce':
      return runExplainBounce(rest, io);
    case 'validate':
      return runValidate(rest, io);
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
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A command that throws instead of answering with an exit code is a bug; show it as one.
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT_UNUSABLE;
    },
  );
}
