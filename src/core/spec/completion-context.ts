import type { SpecPath } from './model';
import type { YamlSource } from './yaml-source';

export type CompletionSite =
  /** Typing a key inside the mapping at `parent`; `present` are keys it already has. */
  | { kind: 'key'; parent: SpecPath; present: string[]; prefix: string; indent: number }
  /** Typing the value of `path`. */
  | { kind: 'value'; path: SpecPath; prefix: string };

const KEY_LINE = /^(\s*)(?:-\s+)?([A-Za-z0-9_.-]+)\s*:(?:\s|$)/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Where the cursor is, in schema terms, while the user types. Works on half-written documents:
 * the parent is found by indentation (the YAML around the cursor is often not valid yet), and
 * the parsed document tells which list item or mapping that parent line belongs to.
 */
export function completionSite(source: YamlSource, offset: number): CompletionSite | undefined {
  const text = source.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  if (/#/.test(before.replace(/"[^"]*"|'[^']*'/g, ''))) {
    return undefined;
  }
  const valueMatch = /^(\s*)(?:-\s+)?([A-Za-z0-9_.-]+)\s*:\s*([^\s#]*)$/.exec(before);
  if (valueMatch) {
    const keyColumn = before.indexOf(valueMatch[2]!, valueMatch[1]!.length);
    const parent = parentPath(source, lineStart, keyColumn, before.trimStart().startsWith('-'));
    return parent ? { kind: 'value', path: [...parent, valueMatch[2]!], prefix: valueMatch[3] ?? '' } : undefined;
  }
  const keyMatch = /^(\s*)(-\s+)?([A-Za-z0-9_.-]*)$/.exec(before);
  if (!keyMatch) {
    return undefined;
  }
  const indent = keyMatch[1]!.length + (keyMatch[2]?.length ?? 0);
  const parent = parentPath(source, lineStart, indent, keyMatch[2] !== undefined);
  if (!parent) {
    return undefined;
  }
  const present = presentKeys(source, parent);
  return { kind: 'key', parent, present, prefix: keyMatch[3] ?? '', indent };
}

/** The mapping a key at `column` on the line starting at `lineStart` belongs to. */
function parentPath(source: YamlSource, lineStart: number, column: number, startsItem: boolean): SpecPath | undefined {
  if (column === 0) {
    return [];
  }
  const text = source.text;
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      continue;
    }
    const match = KEY_LINE.exec(line);
    const keyColumn = match ? line.indexOf(match[2]!, match[1]!.length) : indentOf(line);
    const isItem = line.trimStart().startsWith('-');
    if (match && keyColumn === column && isItem && !startsItem) {
      // A sibling key of a list item's first key: same mapping.
      const { path } = source.pathAt(start + keyColumn);
      return path.slice(0, -1);
    }
    if (keyColumn < column || (isItem && indentOf(line) < column)) {
      if (!match) {
        return undefined;
      }
      const { path } = source.pathAt(start + keyColumn);
      if (keyColumn === column) {
        return path.slice(0, -1);
      }
      if (startsItem) {
        // A new item under a list key: the item's index is the next free one.
        const node = source.nodeAt(path) as { items?: unknown[] } | null | undefined;
        return [...path, node?.items?.length ?? 0];
      }
      return path;
    }
    if (keyColumn === column && match && !isItem) {
      const { path } = source.pathAt(start + keyColumn);
      return path.slice(0, -1);
    }
  }
  return [];
}

function presentKeys(source: YamlSource, parent: SpecPath): string[] {
  const node = source.nodeAt(parent) as { items?: { key?: { value?: unknown } }[] } | null | undefined;
  const root = parent.length === 0 ? (source.document.contents as typeof node) : node;
  return (root?.items ?? [])
    .map((pair) => pair.key?.value)
    .filter((key): key is string | number => typeof key === 'string' || typeof key === 'number')
    .map(String);
}
