import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BounceExplanation } from '../core/bounce/explain-bounce';
import { explainBounce, formatSpecPath } from '../core/bounce/explain-bounce';
import { PositionMapper } from '../core/findings/positions';
import { msg } from '../core/messages/catalogue';
import type { Output } from './cli-io';
import type { LoadedSpec } from './spec-input';
import { loadSpec } from './spec-input';

const EXIT_RECOGNISED = 0;
const EXIT_UNKNOWN = 1;
const EXIT_UNUSABLE = 2;

function readText(source: string | undefined): string {
  // File descriptor 0 reads a pipe or a redirected file alike, without waiting on a terminal
  // any longer than the user takes to type and press Ctrl-D.
  return source === undefined || source === '-'
    ? readFileSync(0, 'utf8')
    : readFileSync(source, 'utf8');
}

function unreadable(file: string, error: unknown): string {
  const reason =
    (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
  return msg('cli.unreadable', { file, reason });
}

function where(explanation: BounceExplanation, spec: LoadedSpec | undefined) {
  const path = formatSpecPath(explanation.specPath);
  if (!spec) {
    return { path };
  }
  const range = new PositionMapper(spec.text).range(
    spec.parsed.source.locate(explanation.specPath),
  );
  return { path, line: range.start.line, character: range.start.character };
}

function formatText(explanations: BounceExplanation[], spec: LoadedSpec | undefined): string {
  const blocks = explanations.map((explanation, index) => {
    const location = where(explanation, spec);
    const lines = [
      msg('bounce.cli.heading', {
        index: index + 1,
        title: explanation.title,
        reporter: msg(`bounce.reporter.${explanation.reporter}`),
      }),
      `   ${msg('bounce.cli.seen', { evidence: explanation.evidence })}`,
      `   ${explanation.meaning}`,
      `   ${msg('bounce.cli.codes', { codes: explanation.findingCodes.join(', ') })}`,
      `   ${
        spec && location.line !== undefined
          ? msg('bounce.cli.specAt', {
              path: location.path,
              file: spec.file,
              line: location.line + 1,
              column: (location.character ?? 0) + 1,
            })
          : msg('bounce.cli.spec', { path: location.path })
      }`,
    ];
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

function formatJson(explanations: BounceExplanation[], spec: LoadedSpec | undefined): string {
  return JSON.stringify(
    {
      explanations: explanations.map((explanation) => {
        const location = where(explanation, spec);
        return {
          ...explanation,
          specPath: location.path,
          ...(location.line === undefined
            ? {}
            : { specPosition: { line: location.line, character: location.character } }),
        };
      }),
    },
    null,
    2,
  );
}

/**
 * `explain-bounce [<file>|-] [--spec <spec>] [--format text|json]`: explains a pasted bounce or
 * SMTP reply. With `--spec` the explanation names the line of the setting that decides it.
 */
export function runExplainBounce(args: string[], io: Output): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        spec: { type: 'string' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(msg('cli.badOption', { detail: (error as Error).message }));
    return EXIT_UNUSABLE;
  }
  if (parsed.values.help) {
    io.out(msg('bounce.cli.usage'));
    return EXIT_RECOGNISED;
  }
  const format = parsed.values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.err(msg('cli.badFormat', { format }));
    return EXIT_UNUSABLE;
  }
  const [source, ...extra] = parsed.positionals;
  if (extra.length > 0) {
    io.err(msg('bounce.cli.usage'));
    return EXIT_UNUSABLE;
  }
  let spec: LoadedSpec | undefined;
  const specFile = parsed.values.spec;
  if (specFile !== undefined) {
    const loaded = loadSpec(specFile, io);
    if (typeof loaded === 'number') {
      return loaded;
    }
    spec = loaded;
  }
  let text: string;
  try {
    text = readText(source);
  } catch (error) {
    io.err(unreadable(source ?? '-', error));
    return EXIT_UNUSABLE;
  }
  const explanations = explainBounce(text, spec?.parsed.spec);
  if (format === 'json') {
    io.out(formatJson(explanations, spec));
  } else {
    io.out(explanations.length > 0 ? formatText(explanations, spec) : msg('bounce.cli.none'));
  }
  return explanations.length > 0 ? EXIT_RECOGNISED : EXIT_UNKNOWN;
}
