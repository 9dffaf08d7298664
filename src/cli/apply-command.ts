import { msg } from '../core/messages/catalogue';
import { runStepsInOrder } from '../core/plan/run-steps';
import type { CliIo } from './cli-io';
import { EXIT_CLEAN, EXIT_ERRORS, EXIT_UNUSABLE } from './cli-io';
import { stderrLogger } from './live-host';
import { LIVE_OPTIONS, parseCommandArgs, readLiveSteps, unreadableNames } from './spec-input';
import { stepText } from './step-text';

/**
 * `apply <spec> [--yes]`: runs the needed steps in the recipe's order, each verified by reading
 * back, and stops at the first failure. Without `--yes` it asks before each step, which needs a
 * terminal; it refuses rather than change live systems unasked.
 */
export async function runApply(args: string[], io: CliIo): Promise<number> {
  const parsedArgs = parseCommandArgs(
    args,
    { yes: { type: 'boolean', default: false }, ...LIVE_OPTIONS },
    io,
  );
  if (typeof parsedArgs === 'number') {
    return parsedArgs;
  }
  const assumeYes = parsedArgs.values.yes === true;
  const verbose = parsedArgs.values.verbose === true;
  if (!assumeYes && !io.interactive) {
    io.err(msg('cli.apply.notInteractive'));
    return EXIT_UNUSABLE;
  }
  const live = await readLiveSteps(parsedArgs.spec, parsedArgs.values, io);
  if (typeof live === 'number') {
    return live;
  }
  const { loaded, report, partial } = live;
  if (!report.steps.some((step) => step.needed)) {
    io.out(
      partial
        ? msg('cli.steps.nothingInReadable', { systems: unreadableNames(report) })
        : msg('cli.apply.nothingNeeded', { file: loaded.file }),
    );
    return partial ? EXIT_ERRORS : EXIT_CLEAN;
  }
  let number = 0;
  const result = await runStepsInOrder(
    report.steps,
    stderrLogger(verbose ? 'debug' : 'warn', (line) => io.err(line)),
    {
      confirm: assumeYes
        ? undefined
        : async (step) => {
            number += 1;
            io.err(stepText(step, number));
            return /^y(es)?$/i.test((await io.ask(msg('cli.apply.ask'))).trim());
          },
      onOutcome: ({ outcome }) => {
        io.out(msg('cli.apply.outcome', { status: outcome.status, message: outcome.message }));
        for (const detail of outcome.details ?? []) {
          io.out(msg('cli.apply.detail', { detail }));
        }
      },
    },
  );
  io.out(result.message);
  return result.ok && !partial ? EXIT_CLEAN : EXIT_ERRORS;
}
