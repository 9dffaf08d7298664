import type { Finding, TextEdit } from './finding';

const SAME_LINE = /#\s*hybrid-ignore(?!-next-line)\s+([A-Za-z0-9-]+(?:[\s,]+[A-Za-z0-9-]+)*)/;
const NEXT_LINE = /^\s*#\s*hybrid-ignore-next-line\s+([A-Za-z0-9-]+(?:[\s,]+[A-Za-z0-9-]+)*)/;

/** Start offsets of each line: lineStarts[n] is where line n begins. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) === 10) {
      starts.push(index + 1);
    }
  }
  return starts;
}

export function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

function lineText(text: string, starts: number[], line: number): string {
  const start = starts[line] ?? text.length;
  const end = starts[line + 1] ?? text.length;
  return text.slice(start, end).replace(/\r?\n$/, '');
}

function codesIn(match: RegExpExecArray | null): string[] {
  return match?.[1]?.split(/[\s,]+/).filter(Boolean) ?? [];
}

/**
 * Drops findings silenced by a comment: `# hybrid-ignore <code> …` at the end of the finding's
 * first line, or `# hybrid-ignore-next-line <code> …` on the line above. Codes are always
 * named, so a comment silences one kind of finding and never hides a new one. YAML syntax errors
 * cannot be silenced: nothing else is checked while they stand.
 */
export function applySuppressions(text: string, findings: Finding[]): Finding[] {
  if (!text.includes('hybrid-ignore')) {
    return findings;
  }
  const starts = lineStarts(text);
  return findings.filter((finding) => {
    if (finding.code === 'yaml-syntax') {
      return true;
    }
    const line = lineOf(starts, finding.offset);
    const here = codesIn(SAME_LINE.exec(lineText(text, starts, line)));
    const above = line > 0 ? codesIn(NEXT_LINE.exec(lineText(text, starts, line - 1))) : [];
    return !here.includes(finding.code) && !above.includes(finding.code);
  });
}

/** The edit that adds `code` to the ignore comment of the finding's line (or writes one). */
export function ignoreOnLineEdit(text: string, finding: Finding): TextEdit {
  const starts = lineStarts(text);
  const line = lineOf(starts, finding.offset);
  const content = lineText(text, starts, line);
  const lineStart = starts[line] ?? 0;
  const existing = SAME_LINE.exec(content);
  if (existing?.index !== undefined) {
    const end = lineStart + existing.index + existing[0].length;
    return { offset: end, length: 0, newText: ` ${finding.code}` };
  }
  const trimmedEnd = content.replace(/\s+$/, '').length;
  return { offset: lineStart + trimmedEnd, length: content.length - trimmedEnd, newText: `  # hybrid-ignore ${finding.code}` };
}
