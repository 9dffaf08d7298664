import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildPowerShellScript } from '../core/exchange/powershell-export';
import { msg } from '../core/messages/catalogue';
import type { Output } from './cli-io';
import { loadSpec } from './spec-input';

/**
 * `export-powershell <spec> [--out file]`: the Exchange steps as a PowerShell script. Exit 0
 * when the script was written, 1 when a value in the spec keeps it from being written, 2 when
 * the command could not run (bad option, unreadable spec).
 */
export function runExportPowerShell(args: string[], io: Output): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' } },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${msg('exchange.cli.exportUsage')}`);
    return 2;
  }
  const [specArg, ...extra] = parsed.positionals;
  if (!specArg || extra.length > 0) {
    io.err(msg('exchange.cli.exportUsage'));
    return 2;
  }
  const loaded = loadSpec(specArg, io);
  if (typeof loaded === 'number') {
    return loaded;
  }
  const { spec } = loaded.parsed;
  if (!spec) {
    io.err(msg('exchange.cli.exportUnreadableSpec', { file: specArg }));
    return 2;
  }
  const result = buildPowerShellScript(spec);
  if (!result.ok) {
    io.err(msg('exchange.cli.exportInvalid', { problems: result.problems.join(' ') }));
    return 1;
  }
  const target = parsed.values.out;
  if (target === undefined) {
    io.out(result.script.trimEnd());
    return 0;
  }
  try {
    writeFileSync(target, result.script, 'utf8');
  } catch (error) {
    io.err(
      msg('exchange.cli.exportWriteFailed', { file: target, reason: (error as Error).message }),
    );
    return 2;
  }
  io.err(msg('exchange.cli.exportWritten', { file: target }));
  return 0;
}
