import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LiveReport } from '../core/live/live-check';
import { createLiveSession, runLiveCheck } from '../core/live/live-check';
import type { LiveSystemName } from '../core/live/live-system';
import { LIVE_SYSTEMS } from '../core/live/live-system';
import type { LiveSession } from '../core/live/live-system';
import { msg } from '../core/messages/catalogue';
import type { ParsedSpec } from '../core/spec/parse-spec';
import { parseSpec } from '../core/spec/parse-spec';
import { formatText } from './formats';
import type { CliIo, Output } from './cli-io';
import { EXIT_CLEAN, EXIT_UNUSABLE } from './cli-io';
import { createCliLiveHost, stderrLogger } from './live-host';

export interface LoadedSpec {
  /** The path as given on the command line; output names the spec by it. */
  file: string;
  text: string;
  parsed: ParsedSpec;
}

type OptionSpec = Record<string, { type: 'boolean' | 'string'; default?: boolean | string }>;

/**
 * Parses a command's arguments: exactly one spec path and the options given. Returns the exit
 * code when they cannot be used (the reason is already printed).
 */
export function parseCommandArgs<T extends OptionSpec>(
  args: string[],
  options: T,
  io: CliIo,
): { spec: string; values: Record<string, string | boolean | undefined> } | number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(msg('cli.usage'));
    return EXIT_CLEAN;
  }
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    io.err(msg('cli.badOption', { detail: (error as Error).message }));
    return EXIT_UNUSABLE;
  }
  const [spec, ...extra] = parsed.positionals;
  if (!spec || extra.length > 0) {
    io.err(msg('cli.missingSpec'));
    return EXIT_UNUSABLE;
  }
  return { spec, values: parsed.values };
}

/** Reads and parses the spec file, or returns the exit code after saying why it cannot. */
export function loadSpec(file: string, io: Output): LoadedSpec | number {
  let text: string;
  try {
    // Editors drop a UTF-8 byte order mark from the text they hold; so does the CLI, or every
    // column of the first line would be one off from the editor's.
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    io.err(msg('cli.unreadable', { file, reason }));
    return EXIT_UNUSABLE;
  }
  return { file, text, parsed: parseSpec(text, resolve(file)) };
}

/**
 * For the commands that change or plan changes (`plan`, `apply`): the spec, or the exit code
 * after printing why it cannot be used. A YAML or schema error means some value was not what
 * the schema allows, and such a value must never reach a live system's API, so nothing is read
 * or sent until the spec is clean of them.
 */
export function specForSteps(
  loaded: LoadedSpec,
  io: CliIo,
): (ParsedSpec & { spec: NonNullable<ParsedSpec['spec']> }) | number {
  const invalid = loaded.parsed.findings.filter(
    (finding) =>
      finding.severity === 'error' && (finding.source === 'yaml' || finding.source === 'schema'),
  );
  const spec = loaded.parsed.spec;
  if (!spec || invalid.length > 0) {
    io.err(formatText({ spec: loaded.file, text: loaded.text, findings: invalid }));
    io.err(msg('cli.steps.specInvalid', { file: loaded.file }));
    return EXIT_UNUSABLE;
  }
  return { ...loaded.parsed, spec };
}

/** The live commands' options: `--systems mailcow,exchange` and `--verbose`. */
export const LIVE_OPTIONS = {
  systems: { type: 'string' },
  verbose: { type: 'boolean', default: false },
} as const;

/**
 * The systems `--systems` names (all when absent), or the exit code when it names an unknown
 * one (the reason is printed).
 */
export function liveSystemsOption(
  value: string | boolean | undefined,
  io: CliIo,
): LiveSystemName[] | undefined | number {
  if (typeof value !== 'string') {
    return undefined;
  }
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.find((name) => !(LIVE_SYSTEMS as readonly string[]).includes(name));
  if (unknown !== undefined || names.length === 0) {
    io.err(msg('cli.live.badSystems', { allowed: LIVE_SYSTEMS.join(', '), given: unknown ?? '' }));
    return EXIT_UNUSABLE;
  }
  return names as LiveSystemName[];
}

/** Runs the live check for a parsed spec with the command line's host. */
export async function runCliLiveCheck(
  parsed: ParsedSpec & { spec: NonNullable<ParsedSpec['spec']> },
  io: CliIo,
  verbose: boolean,
  systems?: readonly LiveSystemName[],
): Promise<{ session: LiveSession; report: LiveReport }> {
  const logger = stderrLogger(verbose ? 'debug' : 'warn', (line) => io.err(line));
  const host = createCliLiveHost(parsed.spec, { env: io.env, logger });
  const session = createLiveSession(parsed.spec, parsed.source, host);
  return { session, report: await runLiveCheck(session, systems ? { systems } : {}) };
}

/** The systems a live check could not read, as `plan` and `apply` name them. */
export function unreadableNames(report: LiveReport): string {
  return report.unreadable.map((entry) => entry.system).join(', ');
}

/** A spec read for the steps: what was loaded, the live report, and whether a system was not read. */
export interface LiveSteps {
  loaded: LoadedSpec;
  report: LiveReport;
  session: LiveSession;
  /** A system could not be read: its steps are missing, so the run cannot end clean. */
  partial: boolean;
}

/**
 * What `plan` and `apply` both start with: `--systems`, the spec (which must parse), the live
 * check, and the names of the systems that could not be read. Returns the exit code when the
 * command cannot go on (the reason is printed).
 */
export async function readLiveSteps(
  specFile: string,
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<LiveSteps | number> {
  const systems = liveSystemsOption(values.systems, io);
  if (typeof systems === 'number') {
    return systems;
  }
  const loaded = loadSpec(specFile, io);
  if (typeof loaded === 'number') {
    return loaded;
  }
  // A spec with syntax or schema errors is never acted on: its values are not proven safe to
  // send.
  const usable = specForSteps(loaded, io);
  if (typeof usable === 'number') {
    return usable;
  }
  const { session, report } = await runCliLiveCheck(usable, io, values.verbose === true, systems);
  const readOnly = report.findings.filter((finding) => finding.code === 'mailcow-key-read-only');
  const partial = report.unreadable.length > 0 || readOnly.length > 0;
  if (report.unreadable.length > 0) {
    io.err(formatText({ spec: loaded.file, text: loaded.text, findings: report.findings }));
    io.err(msg('cli.plan.partial', { systems: unreadableNames(report) }));
  } else if (readOnly.length > 0) {
    // The key can read but not write: mailcow's steps are left out, and the run cannot end clean.
    io.err(formatText({ spec: loaded.file, text: loaded.text, findings: readOnly }));
    io.err(msg('cli.plan.readOnly'));
  }
  return { loaded, report, session, partial };
}
