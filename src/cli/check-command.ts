import { withoutSettled } from '../core/live/live-check';
import { msg } from '../core/messages/catalogue';
import { sortFindings } from '../core/spec/parse-spec';
import type { CliIo } from './cli-io';
import { EXIT_CLEAN, EXIT_ERRORS, EXIT_UNUSABLE } from './cli-io';
import { formatJson, formatSarif, formatText } from './formats';
import {
  LIVE_OPTIONS,
  liveSystemsOption,
  loadSpec,
  parseCommandArgs,
  runCliLiveCheck,
} from './spec-input';

/**
 * `check <spec> [--live] [--format text|json|sarif]`: the offline findings, and with `--live`
 * the live ones too (offline findings the live state settled are left out).
 */
export async function runCheck(args: string[], io: CliIo, version: string): Promise<number> {
  const parsedArgs = parseCommandArgs(
    args,
    {
      live: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      ...LIVE_OPTIONS,
    },
    io,
  );
  if (typeof parsedArgs === 'number') {
    return parsedArgs;
  }
  const format = String(parsedArgs.values.format ?? 'text');
  if (!['text', 'json', 'sarif'].includes(format)) {
    io.err(msg('cli.badFormat', { format }));
    return EXIT_UNUSABLE;
  }
  const systems = liveSystemsOption(parsedArgs.values.systems, io);
  if (typeof systems === 'number') {
    return systems;
  }
  const loaded = loadSpec(parsedArgs.spec, io);
  if (typeof loaded === 'number') {
    return loaded;
  }
  let findings = loaded.parsed.findings;
  const spec = loaded.parsed.spec;
  if (parsedArgs.values.live === true && spec) {
    const { report } = await runCliLiveCheck(
      { ...loaded.parsed, spec },
      io,
      parsedArgs.values.verbose === true,
      systems,
    );
    findings = sortFindings([...withoutSettled(findings, report.settles), ...report.findings]);
  }
  const report = { spec: loaded.file, text: loaded.text, findings };
  io.out(
    format === 'json'
      ? formatJson(report)
      : format === 'sarif'
        ? formatSarif(report, version)
        : formatText(report),
  );
  return findings.some((finding) => finding.severity === 'error') ? EXIT_ERRORS : EXIT_CLEAN;
}
