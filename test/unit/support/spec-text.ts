import assert from 'node:assert/strict';
import type { Finding, FindingFix, TextEdit } from '../../../src/core/findings/finding';
import type { FindingCode } from '../../../src/core/findings/codes';
import type { Range } from '../../../src/core/findings/positions';
import { PositionMapper } from '../../../src/core/findings/positions';
import { parseSpec } from '../../../src/core/spec/parse-spec';

/** A spec that raises nothing but the info every relayed domain carries. */
export const MINIMAL = [
  'version: 1',
  'domains:',
  '  - example.com',
  'mailcow:',
  '  url: https://mail.example.com',
  '  apiKey: secret:mailcow',
  'exchange:',
  '  tenant: contoso.onmicrosoft.com',
  '  gateway: example-com.mail.protection.outlook.com',
  '',
].join('\n');

/** Lines joined with `\n` and a final line break, so specs read as they would in a file. */
export function lines(...content: string[]): string {
  return `${content.join('\n')}\n`;
}

export function findingsOf(text: string): Finding[] {
  return parseSpec(text, '/specs/hybrid.yaml').findings;
}

/** The findings minus the info every relayed domain raises, which most tests do not care about. */
export function problemsOf(text: string): Finding[] {
  return findingsOf(text).filter((finding) => finding.code !== 'inbound-filtering-bypassed');
}

export function withCode(findings: Finding[], code: FindingCode): Finding[] {
  return findings.filter((finding) => finding.code === code);
}

/** The one finding with `code`; fails when there are none or several. */
export function single(findings: Finding[], code: FindingCode): Finding {
  const found = withCode(findings, code);
  assert.equal(found.length, 1, `expected one ${code}, got ${found.length}: ${describe(findings)}`);
  return found[0]!;
}

export function describe(findings: Finding[]): string {
  return JSON.stringify(findings.map((finding) => `${finding.code}@${finding.offset}+${finding.length}`));
}

export function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

export function rangeIn(text: string, finding: Pick<Finding, 'offset' | 'length'>): Range {
  return new PositionMapper(text).range(finding);
}

/** The text a finding covers. */
export function covered(text: string, finding: Pick<Finding, 'offset' | 'length'>): string {
  return text.slice(finding.offset, finding.offset + finding.length);
}

/** Offset and length of the `occurrence`-th appearance of `needle`. */
export function spanOf(text: string, needle: string, occurrence = 0): { offset: number; length: number } {
  let offset = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    offset = text.indexOf(needle, offset + 1);
    assert.ok(offset >= 0, `"${needle}" (occurrence ${occurrence}) is not in the text`);
  }
  return { offset, length: needle.length };
}

/** Applies non-overlapping edits, last first, so earlier offsets stay valid. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) {
    assert.ok(edit.offset >= 0 && edit.offset + edit.length <= result.length, 'edit inside the text');
    result = result.slice(0, edit.offset) + edit.newText + result.slice(edit.offset + edit.length);
  }
  return result;
}

export function editsOf(fix: FindingFix | undefined): TextEdit[] {
  assert.ok(fix, 'the finding carries a fix');
  assert.ok(fix.kind === 'edit' || fix.kind === 'storeSecret', `fix of kind ${fix.kind} has no edits`);
  assert.ok(fix.edits.length > 0, 'the fix edits the text');
  return fix.edits;
}

/**
 * Applies the first fix of `finding` and checks that the result still parses as YAML and no
 * longer raises `finding.code` at all. Returns the fixed text for further checks.
 */
export function assertFixClears(text: string, finding: Finding, fixIndex = 0): string {
  const fixed = applyEdits(text, editsOf(finding.fixes?.[fixIndex]));
  const after = findingsOf(fixed);
  assert.deepEqual(withCode(after, 'yaml-syntax'), [], `the fix keeps the YAML valid:\n${fixed}`);
  assert.deepEqual(
    withCode(after, finding.code).map((found) => covered(fixed, found)),
    [],
    `the fix clears ${finding.code}:\n${fixed}`,
  );
  return fixed;
}
