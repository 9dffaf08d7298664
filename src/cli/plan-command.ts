import { msg } from '../core/messages/catalogue';
import type { CliIo } from './cli-io';
import { EXIT_CLEAN, EXIT_UNUSABLE } from './cli-io';
import { formatText } from './formats';
import { loadSpec, parseCommandArgs, runCliLiveCheck } from './spec-input';
import { stepJson, stepText } from './step-text';

/**
 * `plan <spec> [--format text|json]`: reads the live systems and lists the setup steps that
 * `apply` would run, with the exact requests. Nothing is changed.
 */
export async function runPlan(args: string[], io: CliIo): Promise<number> {
  const parsedArgs = parseCommandArgs(
    args,
    { format: { type: 'string', default: 'text' }, verbose: { type: 'boolean', default: false } },
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
  const loaded = loadSpec(parsedArgs.spec, io);
  if (typeof loaded === 'number') {
    return loaded;
  }
  const spec = loaded.parsed.spec;
  if (!spec) {
    io.err(formatText({ spec: loaded.file, text: loaded.text, findings: loaded.parsed.findings }));
    return EXIT_UNUSABLE;
  }
  const { report } = await runCliLiveCheck(
    { ...loaded.parsed, spec },
    io,
    parsedArgs.values.verbose === true,
  );
  if (report.unreadable.length > 0) {
    io.err(formatText({ spec: loaded.file, text: loaded.text, findings: report.findings }));
    io.err(msg('cli.plan.cannotPlan'));
    return EXIT_UNUSABLE;
  }
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
    return EXIT_CLEAN;
  }
  if (needed.length === 0) {
    io.out(msg('cli.plan.nothing', { file: loaded.file }));
    return EXIT_CLEAN;
  }
  io.out(msg('cli.plan.heading', { file: loaded.file }));
  needed.forEach((step, index) => io.out(stepText(step, index + 1)));
  for (const step of done) {
    io.out(msg('cli.plan.notNeeded', { title: step.title }));
  }
  return EXIT_CLEAN;
}
