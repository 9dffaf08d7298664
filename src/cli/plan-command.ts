import { msg } from '../core/messages/catalogue';
import type { CliIo } from './cli-io';
import { EXIT_CLEAN, EXIT_ERRORS, EXIT_UNUSABLE } from './cli-io';
import { LIVE_OPTIONS, parseCommandArgs, readLiveSteps, unreadableNames } from './spec-input';
import { stepJson, stepText } from './step-text';

/**
 * `plan <spec> [--format text|json]`: reads the live systems and lists the setup steps that
 * `apply` would run, with the exact requests. Nothing is changed.
 */
export async function runPlan(args: string[], io: CliIo): Promise<number> {
  const parsedArgs = parseCommandArgs(
    args,
    { format: { type: 'string', default: 'text' }, ...LIVE_OPTIONS },
    io,
  );
  if (typeof parsedArgs === 'number') {
    return parsedArgs;
  }
  const format = String(parsedArgs.values.format ?? 'text');
  if (!['text', 'json'].includes(format)) {
    io.err(msg('cli.badFormat', { format }));
    return EXIT_UNUSABLE;
  }
  const live = await readLiveSteps(parsedArgs.spec, parsedArgs.values, io);
  if (typeof live === 'number') {
    return live;
  }
  const { loaded, report, partial } = live;
  const finished = partial ? EXIT_ERRORS : EXIT_CLEAN;
  const needed = report.steps.filter((step) => step.needed);
  const done = report.steps.filter((step) => !step.needed);
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          spec: loaded.file,
          steps: needed.map(stepJson),
          alreadyDone: done.map((step) => ({
            id: step.id,
            domain: step.domain,
            title: step.title,
          })),
        },
        null,
        2,
      ),
    );
    return finished;
  }
  if (needed.length === 0) {
    io.out(
      partial
        ? msg('cli.steps.nothingInReadable', { systems: unreadableNames(report) })
        : msg('cli.plan.nothing', { file: loaded.file }),
    );
    return finished;
  }
  io.out(msg('cli.plan.heading', { file: loaded.file }));
  needed.forEach((step, index) => io.out(stepText(step, index + 1)));
  for (const step of done) {
    io.out(msg('cli.plan.notNeeded', { title: step.title }));
  }
  return finished;
}
