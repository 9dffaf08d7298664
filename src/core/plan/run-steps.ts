import type { Logger } from '../log';
import { msg } from '../messages/catalogue';
import type { SetupStep, StepOutcome } from './step';

export interface StepRun {
  step: SetupStep;
  outcome: StepOutcome;
}

export interface StepRunReport {
  /** Every step that ran, in order, with its outcome (the failed one last, if any). */
  ran: StepRun[];
  /** The step that failed (or was declined), which stopped the run. */
  stoppedAt?: StepRun;
  /** Steps after the stop that were never started. */
  notRun: SetupStep[];
  /** True when every step ended `done` or `unchanged`. */
  ok: boolean;
  /** One sentence for the user: what was done and what was not. */
  message: string;
}

export interface RunStepsHooks {
  /** Asked before each step is applied; false stops the run there (nothing of it is sent). */
  confirm?(step: SetupStep): Promise<boolean>;
  /** Told after each step. */
  onOutcome?(run: StepRun): void;
}

/**
 * Applies steps in the order given and stops at the first failure, because later steps build
 * on earlier ones (the transport needs the relayhost). Steps that are not needed are applied
 * too: they answer `unchanged` without sending anything.
 */
export async function runStepsInOrder(
  steps: readonly SetupStep[],
  logger: Logger,
  hooks: RunStepsHooks = {},
): Promise<StepRunReport> {
  const ran: StepRun[] = [];
  for (const [index, step] of steps.entries()) {
    let outcome: StepOutcome;
    if (step.needed && hooks.confirm && !(await hooks.confirm(step))) {
      outcome = { status: 'failed', message: msg('steps.run.declined', { title: step.title }) };
    } else {
      try {
        outcome = await step.apply(logger);
      } catch (error) {
        // A step reports failures as outcomes; an exception is a defect, but the run must
        // still say where it stopped.
        outcome = {
          status: 'failed',
          message: msg('step.failed', {
            title: step.title,
            reason: error instanceof Error ? error.message : String(error),
          }),
        };
      }
    }
    const run = { step, outcome };
    ran.push(run);
    hooks.onOutcome?.(run);
    logger.info(`step ${step.id}${step.domain ? ` ${step.domain}` : ''}: ${outcome.status}`);
    if (outcome.status === 'failed') {
      const notRun = steps.slice(index + 1);
      const titles = (list: readonly SetupStep[]): string =>
        list.length > 0 ? list.map((item) => item.title).join('; ') : msg('steps.run.none');
      return {
        ran,
        stoppedAt: run,
        notRun,
        ok: false,
        message: msg('steps.run.stopped', {
          title: step.title,
          done: titles(ran.slice(0, -1).map((item) => item.step)),
          notRun: titles(notRun),
        }),
      };
    }
  }
  const summary = ran.map((run) => `${run.step.title}: ${run.outcome.status}`).join('; ');
  return {
    ran,
    notRun: [],
    ok: true,
    message:
      ran.length === 0
        ? msg('steps.run.nothingNeeded')
        : msg('steps.run.allDone', { count: ran.length, summary }),
  };
}
