import type { Node, Pair, YAMLMap } from 'yaml';
import { isMap, isNode, isPair, isScalar, stringify } from 'yaml';
import type { SpecPath } from '../core/spec/model';
import { YamlSource } from '../core/spec/yaml-source';

/*
 * Writes a copy of the user's spec that points at the emulated systems. Values are changed in
 * place, on their own lines, so every finding about the rest of the spec lands on the line it
 * would land on in the original. A key the spec does not write is added where it costs the
 * fewest lines: at the end of the file when its whole section is missing, inside a one-line
 * flow mapping when the section is one, otherwise as new lines at the end of its section. The
 * line map records how original lines moved, for the few cases where lines had to be added.
 */

export type RedirectValue = string | number | string[];

/** One change: set the value at `path`, or drop the key (`value` undefined). */
export interface RedirectEdit {
  path: SpecPath;
  value?: RedirectValue;
  /**
   * When the key exists and is to be dropped, write this key with its value on the same line
   * instead of blanking it (a key that replaces another, such as `clientSecret` for
   * `certificateFile`).
   */
  replaceWith?: { key: string; value: RedirectValue };
}

export interface RedirectedSpec {
  text: string;
  /** `lineMap[n]` is the line that original line `n` is on in `text` (lines counted from 0). */
  lineMap: number[];
}

export class RedirectError extends Error {}

interface TextEdit {
  offset: number;
  remove: number;
  insert: string;
  /** Whole lines added before original line `beforeLine`. */
  addedLines?: { beforeLine: number; count: number };
  /** Appended after the whole document: stays after anything else inserted at the end. */
  last?: boolean;
}

const PLAIN_SAFE = /^[A-Za-z0-9/][A-Za-z0-9_./:@+-]*$/;

function scalarText(value: string | number): string {
  if (typeof value === 'number') {
    return String(value);
  }
  // Plain when YAML would read it back as this same string; otherwise double-quoted, which
  // YAML reads with JSON's escapes.
  const plain =
    PLAIN_SAFE.test(value) &&
    !/:$/.test(value) &&
    !/^(true|false|null|yes|no|on|off|~)$/i.test(value) &&
    Number.isNaN(Number(value));
  return plain ? value : JSON.stringify(value);
}

/** A value in flow style, on one line. */
export function flowText(value: RedirectValue): string {
  return Array.isArray(value)
    ? `[${value.map((item) => JSON.stringify(item)).join(', ')}]`
    : scalarText(value);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '\n') {
      starts.push(index + 1);
    }
  }
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= offset) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

function countBreaks(text: string): number {
  return text.split('\n').length - 1;
}

/** Nested plain data for the keys below `base` that `edits` add. */
function nest(edits: RedirectEdit[], depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const edit of edits) {
    let cursor = root;
    const rest = edit.path.slice(depth);
    rest.forEach((part, index) => {
      const key = String(part);
      if (index === rest.length - 1) {
        cursor[key] = edit.value;
      } else {
        cursor[key] ??= {};
        cursor = cursor[key] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function flowMappingText(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([key, value]) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? `${key}: { ${flowMappingText(value as Record<string, unknown>)} }`
        : `${key}: ${flowText(value as RedirectValue)}`,
    )
    .join(', ');
}

/**
 * Applies `edits` to the spec text, keeping every original line where it was whenever YAML
 * allows it.
 * @throws RedirectError when the spec is not a mapping.
 */
export function redirectSpec(
  text: string,
  edits: RedirectEdit[],
  file = 'the spec',
): RedirectedSpec {
  const source = new YamlSource(text);
  const root = source.document.contents;
  if (source.problems.length > 0 || !isMap(root)) {
    throw new RedirectError(file);
  }
  const starts = lineStartsOf(text);
  // Added and padded lines use the file's own line break, so a CRLF file stays CRLF.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const textEdits: TextEdit[] = [];
  const missing: RedirectEdit[] = [];

  for (const edit of edits) {
    const pair = findPair(root, edit.path);
    if (!pair) {
      if (edit.value !== undefined) {
        missing.push(edit);
      }
      continue;
    }
    const key = pair.key as Node;
    const keyRange = key.range ?? [0, 0, 0];
    const value = isNode(pair.value) ? pair.value : undefined;
    const valueEmpty =
      !value || (isScalar(value) && value.source === '' && value.range?.[0] === value.range?.[1]);
    if (edit.value === undefined) {
      const end =
        value && !valueEmpty ? (value.range?.[1] ?? keyRange[1]) : afterColon(text, keyRange[1]);
      const removed = text.slice(keyRange[0], end);
      const insert = edit.replaceWith
        ? `${edit.replaceWith.key}: ${flowText(edit.replaceWith.value)}`
        : '';
      textEdits.push({
        offset: keyRange[0],
        remove: end - keyRange[0],
        insert: insert + eol.repeat(countBreaks(removed)),
      });
      continue;
    }
    if (valueEmpty || !value) {
      const at = afterColon(text, keyRange[1]);
      textEdits.push({ offset: at, remove: 0, insert: ` ${flowText(edit.value)}` });
      continue;
    }
    const [start, end] = value.range ?? [0, 0];
    const removed = text.slice(start, end);
    textEdits.push({
      offset: start,
      remove: end - start,
      insert: flowText(edit.value) + eol.repeat(countBreaks(removed)),
    });
  }

  // Keys to add, grouped by the deepest mapping that exists, so one section gets one block.
  const groups = new Map<string, { base: SpecPath; edits: RedirectEdit[] }>();
  for (const edit of missing) {
    let depth = edit.path.length - 1;
    while (depth > 0 && !isMap(nodeAt(root, edit.path.slice(0, depth)))) {
      depth -= 1;
    }
    const base = edit.path.slice(0, depth);
    const id = JSON.stringify(base);
    const group = groups.get(id) ?? { base, edits: [] };
    group.edits.push(edit);
    groups.set(id, group);
  }
  for (const { base, edits: groupEdits } of groups.values()) {
    const data = nest(groupEdits, base.length);
    const map = (base.length === 0 ? root : nodeAt(root, base)) as YAMLMap;
    if (base.length === 0) {
      const ending = text.length === 0 || text.endsWith('\n') ? '' : eol;
      const block = stringify(data, { lineWidth: 0, flowCollectionPadding: false }).replace(
        /\n/g,
        eol,
      );
      textEdits.push({
        offset: text.length,
        remove: 0,
        insert: ending + block,
        last: true,
        // Only the empty line after a final line break moves: below the appended block.
        ...(ending === '' && text.length > 0
          ? { addedLines: { beforeLine: starts.length - 1, count: countBreaks(block) } }
          : {}),
      });
      continue;
    }
    if (map.flow) {
      const close = (map.range?.[1] ?? 0) - 1;
      const hasItems = map.items.length > 0;
      textEdits.push({
        offset: close,
        remove: 0,
        insert: `${hasItems ? ', ' : ' '}${flowMappingText(data)} `,
      });
      continue;
    }
    const firstKey = map.items[0]?.key as Node | undefined;
    const keyStart = firstKey?.range?.[0] ?? map.range?.[0] ?? 0;
    const indent = keyStart - (starts[lineAt(starts, keyStart)] ?? 0);
    const lastLine = lineAt(starts, Math.max((map.range?.[1] ?? 0) - 1, 0));
    const insertLine = lastLine + 1;
    const block = stringify(data, { lineWidth: 0, flowCollectionPadding: false })
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => `${' '.repeat(indent)}${line}${eol}`)
      .join('');
    const atEnd = insertLine >= starts.length;
    const offset = atEnd ? text.length : (starts[insertLine] ?? text.length);
    const lead = atEnd && !text.endsWith('\n') ? eol : '';
    textEdits.push({
      offset,
      remove: 0,
      insert: lead + block,
      addedLines: { beforeLine: insertLine, count: countBreaks(block) },
    });
  }

  // From the end backwards, so earlier offsets stay valid; at the same offset the final append
  // goes in first, so a section's new lines land before it.
  textEdits.sort(
    (a, b) => b.offset - a.offset || Number(b.last ?? false) - Number(a.last ?? false),
  );
  let result = text;
  for (const edit of textEdits) {
    result = result.slice(0, edit.offset) + edit.insert + result.slice(edit.offset + edit.remove);
  }
  const lineMap = starts.map((_start, line) => {
    let shift = 0;
    for (const edit of textEdits) {
      if (edit.addedLines && edit.addedLines.beforeLine <= line) {
        shift += edit.addedLines.count;
      }
    }
    return line + shift;
  });
  return { text: result, lineMap };
}

function afterColon(text: string, keyEnd: number): number {
  const colon = text.indexOf(':', keyEnd);
  return colon < 0 ? keyEnd : colon + 1;
}

function findPair(root: YAMLMap, path: SpecPath): Pair | undefined {
  let map: unknown = root;
  let found: Pair | undefined;
  for (const part of path) {
    if (!isMap(map)) {
      return undefined;
    }
    found = map.items.find(
      (item): item is Pair =>
        isPair(item) && isScalar(item.key) && String(item.key.value) === String(part),
    );
    if (!found) {
      return undefined;
    }
    map = found.value;
  }
  return found;
}

function nodeAt(root: YAMLMap, path: SpecPath): unknown {
  return path.length === 0 ? root : findPair(root, path)?.value;
}
