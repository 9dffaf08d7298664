import { parseArgs } from 'node:util';
import { createLiveSession } from '../core/live/live-check';
import type { LiveHost } from '../core/live/live-system';
import type { Logger } from '../core/log';
import { msg } from '../core/messages/catalogue';
import type { SecretRef } from '../core/spec/model';
import type {
  FollowOptions,
  ValidationDirection,
  ValidationReport,
} from '../core/validate/follow-message';
import { followMessage } from '../core/validate/follow-message';
import { validationSourcesFor } from '../core/validate/validation-sources';
import type { Output } from './cli-io';
import { loadSpec } from './spec-input';

const EXIT_DELIVERED = 0;
const EXIT_NOT_DELIVERED = 1;
const EXIT_UNUSABLE = 2;
const MINUTE = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** Warnings and errors of the clients go to stderr; the rest would drown the progress lines. */
function stderrLogger(io: Output): Logger {
  return {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => io.err(message),
    error: (message) => io.err(message),
  };
}

/**
 * The command line reads `env:` references only; `secret:` lives in the editor's secret storage.
 * An inline value is refused, as everywhere: it is a finding, not a credential to use.
 */
function secretReader(io: Output): (ref: SecretRef | undefined) => Promise<string | undefined> {
  const warned = new Set<string>();
  return (ref) => {
    if (ref?.kind === 'env') {
      return Promise.resolve(process.env[ref.name] || undefined);
    }
    if (ref?.kind === 'secret' && !warned.has(ref.name)) {
      warned.add(ref.name);
      io.err(msg('validate.cli.secretUnavailable', { name: ref.name }));
    }
    return Promise.resolve(undefined);
  };
}

function minutes(value: string | undefined, fallback: number, option: string): number | string {
  if (value === undefined) {
    return fallback;
  }
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : msg('validate.cli.badNumber', { option });
}

function formatReport(report: ValidationReport): string {
  const lines = [
    msg(`validate.cli.heading.${report.direction}`, {
      mailbox: report.mailbox,
      outcome: msg(`validate.cli.outcome.${report.outcome}`),
    }),
  ];
  for (const hop of report.hops) {
    const mark =
      hop.state === 'done'
        ? '✓'
        : hop.state === 'failed'
          ? '✗'
          : hop.state === 'pending'
            ? '…'
            : '?';
    lines.push(
      msg('validate.cli.hop', {
        mark,
        system: hop.system === 'exchange' ? 'Exchange Online' : 'mailcow',
        detail: hop.detail,
      }),
    );
    for (const explanation of hop.explanations ?? []) {
      lines.push(
        msg('validate.cli.explanation', {
          title: explanation.title,
          codes: explanation.findingCodes.join(', '),
        }),
      );
    }
  }
  return lines.join('\n');
}

/**
 * The command line's host for following a message: `env:` secrets only (with a word on stderr
 * for a `secret:` one), no proxy, warnings on stderr and device-code prompts there too.
 */
function validateHost(io: Output): LiveHost {
  const readSecret = secretReader(io);
  return {
    logger: stderrLogger(io),
    timeoutMs: REQUEST_TIMEOUT_MS,
    resolveSecret: (ref) => readSecret(ref),
    exchange: {
      onDeviceCode: (prompt) => io.err(msg('validate.cli.deviceCode', { message: prompt.message })),
    },
  };
}

/**
 * `validate <spec>`: follows the test messages of `checks.validation.mailcowMailbox` through
 * both systems and says, step by step, where each one is. It reads only (the message trace and
 * mailcow's Postfix log); the messages are sent by the user.
 */
export async function runValidate(
  args: string[],
  io: Output,
  overrides: Partial<Pick<FollowOptions, 'clock' | 'pollMs'>> = {},
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        direction: { type: 'string', default: 'both' },
        since: { type: 'string' },
        timeout: { type: 'string' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(msg('cli.badOption', { detail: (error as Error).message }));
    return EXIT_UNUSABLE;
  }
  if (parsed.values.help) {
    io.out(msg('validate.cli.usage'));
    return EXIT_DELIVERED;
  }
  const [specArg, ...extra] = parsed.positionals;
  const format = parsed.values.format ?? 'text';
  const direction = parsed.values.direction ?? 'both';
  if (!specArg || extra.length > 0) {
    io.err(msg('validate.cli.usage'));
    return EXIT_UNUSABLE;
  }
  if (format !== 'text' && format !== 'json') {
    io.err(msg('cli.badFormat', { format }));
    return EXIT_UNUSABLE;
  }
  if (!['inbound', 'outbound', 'both'].includes(direction)) {
    io.err(msg('validate.cli.badDirection', { direction }));
    return EXIT_UNUSABLE;
  }
  const since = minutes(parsed.values.since, 30, 'since');
  const timeout = minutes(parsed.values.timeout, 20, 'timeout');
  for (const value of [since, timeout]) {
    if (typeof value === 'string') {
      io.err(value);
      return EXIT_UNUSABLE;
    }
  }
  const loaded = loadSpec(specArg, io);
  if (typeof loaded === 'number') {
    return loaded;
  }
  const spec = loaded.parsed.spec;
  const mailbox = spec?.checks.validation.mailcowMailbox;
  if (!spec || !mailbox) {
    io.err(msg('validate.cli.noMailbox'));
    return EXIT_UNUSABLE;
  }
  const sources = validationSourcesFor(
    createLiveSession(spec, loaded.parsed.source, validateHost(io)),
  );
  const directions: ValidationDirection[] =
    direction === 'both' ? ['inbound', 'outbound'] : [direction as ValidationDirection];
  const now = overrides.clock?.now() ?? Date.now();
  const reports: ValidationReport[] = [];
  for (const one of directions) {
    const options: FollowOptions = {
      since: now - (since as number) * MINUTE,
      timeoutMs: (timeout as number) * MINUTE,
      spec,
      onProgress: (report) =>
        io.err(
          msg('validate.cli.progress', {
            direction: report.direction,
            polls: report.polls,
            states: report.hops.map((hop) => `${hop.system} ${hop.state}`).join(', '),
          }),
        ),
      ...overrides,
    };
    reports.push(await followMessage(one, mailbox, sources, options));
  }
  io.out(
    format === 'json'
      ? JSON.stringify({ spec: specArg, reports }, null, 2)
      : reports.map(formatReport).join('\n\n'),
  );
  return reports.every((report) => report.outcome === 'delivered')
    ? EXIT_DELIVERED
    : EXIT_NOT_DELIVERED;
}
