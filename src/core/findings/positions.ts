import type { Finding } from './finding';
import { lineOf, lineStarts } from './suppression';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * Converts offsets to zero-based line/character pairs, counting UTF-16 code units and treating
 * `\r\n` as one line break, exactly as VS Code does, so the CLI and the editor agree.
 */
export class PositionMapper {
  private readonly starts: number[];

  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = lineOf(this.starts, clamped);
    const lineStart = this.starts[line] ?? 0;
    let character = clamped - lineStart;
    const nextStart = this.starts[line + 1];
    // An offset on the \r of a \r\n pair belongs to the end of the line.
    if (nextStart !== undefined && clamped === nextStart - 1 && this.text[nextStart - 2] === '\r') {
      character -= 1;
    }
    return { line, character };
  }

  range(finding: Pick<Finding, 'offset' | 'length'>): Range {
    return { start: this.position(finding.offset), end: this.position(finding.offset + finding.length) };
  }
}
