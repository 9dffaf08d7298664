import type { Finding } from '../core/findings/finding';
import { FINDING_CODES } from '../core/findings/codes';
import type { Range } from '../core/findings/positions';
import { PositionMapper } from '../core/findings/positions';
import { msg } from '../core/messages/catalogue';

export interface CheckReport {
  spec: string;
  text: string;
  findings: Finding[];
}

interface PlacedFinding {
  code: string;
  severity: string;
  message: string;
  source: string;
  range: Range;
}

function placed(report: CheckReport): PlacedFinding[] {
  const mapper = new PositionMapper(report.text);
  return report.findings.map((finding) => ({
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    source: finding.source,
    range: mapper.range(finding),
  }));
}

/** Exactly the object of the command-line contract. */
export function formatJson(report: CheckReport): string {
  return JSON.stringify({ spec: report.spec, findings: placed(report) }, null, 2);
}

/**
 * A message kept on its one line: a line break inside a quoted spec value would otherwise start
 * a line that CI logs and editors read as a finding (or a CI command) of its own.
 */
function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, (brk) =>
    [...brk].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  );
}

/** One line per finding, `file:line:column` counted from 1 as terminals and editors expect. */
export function formatText(report: CheckReport): string {
  const lines = placed(report).map(
    (finding) =>
      `${report.spec}:${finding.range.start.line + 1}:${finding.range.start.character + 1}: ${finding.severity} [${finding.code}] ${oneLine(finding.message)}`,
  );
  const count = (severity: string) =>
    report.findings.filter((finding) => finding.severity === severity).length;
  lines.push(
    report.findings.length === 0
      ? msg('cli.clean', { file: report.spec })
      : msg('cli.summary', {
          errors: count('error'),
          warnings: count('warning'),
          infos: count('info'),
          file: report.spec,
        }),
  );
  return lines.join('\n');
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF 2.1.0 as code-scanning services read it: one run, a rule per code with its default
 * level, results with one-based regions in UTF-16 columns, the artifact as a relative URI.
 */
export function formatSarif(report: CheckReport, toolVersion: string): string {
  const results = placed(report);
  const codes = [...new Set(results.map((result) => result.code))].sort();
  const uri = report.spec.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mail-hybrid',
            version: toolVersion,
            rules: codes.map((code) => ({
              id: code,
              name: code.replace(/(^|-)(\w)/g, (_whole, _dash: string, letter: string) =>
                letter.toUpperCase(),
              ),
              shortDescription: { text: code },
              defaultConfiguration: {
                level: SARIF_LEVEL[FINDING_CODES[code as keyof typeof FINDING_CODES].severity],
              },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        artifacts: [{ location: { uri } }],
        results: results.map((result) => ({
          ruleId: result.code,
          ruleIndex: codes.indexOf(result.code),
          level: SARIF_LEVEL[result.severity as keyof typeof SARIF_LEVEL],
          message: { text: result.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri, index: 0 },
                region: {
                  startLine: result.range.start.line + 1,
                  startColumn: result.range.start.character + 1,
                  endLine: result.range.end.line + 1,
                  endColumn: result.range.end.character + 1,
                },
              },
            },
          ],
          properties: { source: result.source },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
