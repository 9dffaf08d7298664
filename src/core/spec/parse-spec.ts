import type { Finding } from '../findings/finding';
import { FINDING_CODES } from '../findings/codes';
import { applySuppressions } from '../findings/suppression';
import { msg } from '../messages/catalogue';
import { runOfflineRules } from '../rules/offline-rules';
import { buildModel } from './build-model';
import type { HybridSpec } from './model';
import { checkAgainstSchema } from './schema-check';
import { YamlSource } from './yaml-source';

export interface ParsedSpec {
  source: YamlSource;
  /** The typed spec; absent when the YAML does not parse or is not a mapping. */
  spec?: HybridSpec;
  /** Every offline finding (syntax, schema, rules), suppressions applied, sorted by position. */
  findings: Finding[];
}

/**
 * Reads a spec the way both the editor and the CLI do: YAML with ranges, then the schema,
 * then the offline rules on the typed model. Rules run even when the schema found problems, on
 * the parts that are usable, so one typo does not hide every other finding.
 */
export function parseSpec(text: string, file?: string): ParsedSpec {
  const source = new YamlSource(text);
  if (source.problems.length > 0) {
    const findings = source.problems.map(
      (problem): Finding => ({
        code: 'yaml-syntax',
        severity: FINDING_CODES['yaml-syntax'].severity,
        source: 'yaml',
        message: msg('spec.yaml.syntax', { detail: problem.detail }),
        offset: Math.min(problem.offset, text.length),
        length: problem.length,
      }),
    );
    return { source, findings: sortFindings(findings) };
  }
  const data = source.toData();
  const schemaFindings = checkAgainstSchema(source, data);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { source, findings: sortFindings(schemaFindings) };
  }
  const spec = buildModel(data, file);
  const findings = [...schemaFindings, ...runOfflineRules({ spec, source })];
  return { source, spec, findings: sortFindings(applySuppressions(text, findings)) };
}

/** By position, then by code, so output is stable across runs and hosts. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.offset - b.offset || a.length - b.length || a.code.localeCompare(b.code));
}
