import { parseArgs } from 'node:util';
import { msg } from '../core/messages/catalogue';
import { ScenarioError, loadScenario } from '../sandbox/scenario';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import { startSandbox } from '../sandbox/start-sandbox';
import type { Output } from './cli-io';
import { stderrLogger } from './live-host';

const EXIT_OK = 0;
const EXIT_UNUSABLE = 2;

/** The one object `sandbox --json` prints, for scripts and tests that drive the sandbox. */
export interface SandboxJson {
  emulated: true;
  scenario: string;
  spec: string;
  lineMap: number[];
  caFile: string;
  addresses: RunningSandbox['addresses'];
  env: Record<string, string>;
}

function quoteForShell(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `sandbox <scenario> [--write-spec <path>] [--json]`: starts the emulated systems, prints where
 * they are and the variables to export, and runs until SIGINT or SIGTERM, then cleans up.
 */
export async function runSandbox(
  args: string[],
  io: Output,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { 'write-spec': { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (error) {
    io.err(
      `${msg('cli.badOption', { detail: (error as Error).message })}\n${msg('sandbox.cli.usage')}`,
    );
    return EXIT_UNUSABLE;
  }
  const [scenarioArg, ...extra] = parsed.positionals;
  if (!scenarioArg || extra.length > 0) {
    io.err(msg('sandbox.cli.missingScenario'));
    return EXIT_UNUSABLE;
  }
  // Listen before anything is printed: whoever reads the printout may signal at once.
  let release = (): void => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    const done = (): void => {
      release();
      resolve();
    };
    release = () => {
      signals.off('SIGINT', done);
      signals.off('SIGTERM', done);
    };
    signals.on('SIGINT', done);
    signals.on('SIGTERM', done);
  });
  let sandbox: RunningSandbox;
  try {
    const scenario = loadScenario(scenarioArg);
    const writeSpecTo = parsed.values['write-spec'];
    sandbox = await startSandbox(scenario, {
      logger: stderrLogger('warn', (line) => io.err(line)),
      ...(writeSpecTo ? { writeSpecTo } : {}),
    });
  } catch (error) {
    release();
    io.err(
      error instanceof ScenarioError
        ? error.message
        : msg('sandbox.cli.startFailed', { reason: (error as Error).message }),
    );
    return EXIT_UNUSABLE;
  }
  if (parsed.values.json) {
    const report: SandboxJson = {
      emulated: true,
      scenario: sandbox.scenario.file,
      spec: sandbox.specFile,
      lineMap: sandbox.lineMap,
      caFile: sandbox.caFile,
      addresses: sandbox.addresses,
      env: sandbox.env,
    };
    io.out(JSON.stringify(report));
  } else {
    io.out(
      [
        msg('sandbox.started'),
        msg('sandbox.address.mailcow', { url: sandbox.addresses.mailcow }),
        msg('sandbox.address.login', { url: sandbox.addresses.login }),
        msg('sandbox.address.admin', { url: sandbox.addresses.admin }),
        msg('sandbox.address.dns', { address: sandbox.addresses.dns }),
        msg('sandbox.address.smtp', { address: sandbox.addresses.smtp }),
        msg('sandbox.spec.written', { file: sandbox.specFile }),
        msg('sandbox.env.intro'),
        ...Object.entries(sandbox.env).map(
          ([name, value]) => `export ${name}=${quoteForShell(value)}`,
        ),
      ].join('\n'),
    );
  }
  await stopRequested;
  await sandbox.stop();
  if (!parsed.values.json) {
    io.err(msg('sandbox.stopped'));
  }
  return EXIT_OK;
}
