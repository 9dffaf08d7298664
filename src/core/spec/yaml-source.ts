import type { Document, Node, Pair } from 'yaml';
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { SpecLocator } from '../findings/make-finding';
import type { SpecPath } from './model';

export interface SourceRange {
  offset: number;
  length: number;
}

export interface YamlProblem {
  offset: number;
  length: number;
  detail: string;
}

interface Located {
  /** The value node, when the path exists and has a value. */
  node: Node | null;
  /** The mapping pair holding the value, when the path ends in a key. */
  pair?: Pair;
}

/**
 * A parsed YAML document that still knows where every node came from. All ranges are UTF-16
 * offsets into the text, the unit editors use, so they convert to positions without loss.
 */
export class YamlSource implements SpecLocator {
  readonly document: Document.Parsed;
  readonly problems: YamlProblem[];
  private data: unknown = null;

  constructor(readonly text: string) {
    // Warnings (such as a collection used as a key) belong in findings, not on the console.
    this.document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' });
    this.problems = this.document.errors.map((error) => {
      const [start, end] = error.pos;
      const duplicateKey = error.code === 'DUPLICATE_KEY' ? this.keyStartingAt(start) : undefined;
      return {
        offset: start,
        length: duplicateKey ? duplicateKey.length : Math.max(end - start, 1),
        detail: error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '',
      };
    });
    if (this.problems.length === 0) {
      this.data = this.convert();
    }
  }

  /** The document as plain data; only meaningful when there are no problems. */
  toData(): unknown {
    return this.data;
  }

  /**
   * Aliases are only expanded here, so an alias without anchor or one that multiplies the
   * document (billion laughs) surfaces now; both become problems instead of exceptions.
   */
  private convert(): unknown {
    try {
      return this.document.toJS({ maxAliasCount: 100 }) as unknown;
    } catch (error) {
      const detail = (error as Error).message;
      const alias = this.firstAlias(detail.startsWith('Unresolved alias'));
      this.problems.push({ offset: alias?.offset ?? 0, length: Math.max(alias?.length ?? 1, 1), detail });
      return null;
    }
  }

  /** The first alias in the document, or the first one without an anchor before it. */
  private firstAlias(unresolvedOnly: boolean): SourceRange | undefined {
    let found: SourceRange | undefined;
    visit(this.document, {
      Alias: (_key, node) => {
        if (isAlias(node) && node.range && (!unresolvedOnly || node.resolve(this.document) === undefined)) {
          found = rangeOf(node);
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return found;
  }

  private keyStartingAt(offset: number): SourceRange | undefined {
    let found: SourceRange | undefined;
    visit(this.document, {
      Pair: (_key, pair) => {
        if (isNode(pair.key) && pair.key.range?.[0] === offset) {
          found = rangeOf(pair.key);
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return found && found.length > 0 ? found : undefined;
  }

  has(path: SpecPath): boolean {
    return this.find(path) !== undefined;
  }

  locate(path: SpecPath): SourceRange {
    return this.visible(this.locateNode(path));
  }

  locateKey(path: SpecPath): SourceRange {
    return this.visible(this.locateKeyNode(path));
  }

  private locateNode(path: SpecPath): SourceRange {
    const found = this.find(path);
    if (found) {
      const { node, pair } = found;
      // A collection spans many lines; its key says the same more precisely.
      if (!node || isEmptyScalar(node) || isMap(node) || (isSeq(node) && pair !== undefined)) {
        return this.keyOrFirstLine(path, found);
      }
      return rangeOf(node);
    }
    return this.locateNearestAncestor(path);
  }

  private locateKeyNode(path: SpecPath): SourceRange {
    const found = this.find(path);
    if (found) {
      return this.keyOrFirstLine(path, found);
    }
    return this.locateNearestAncestor(path);
  }

  /**
   * An empty node (a bare `-` item, a key without text) has no width, and an editor cannot show
   * a range of none: such a range takes the list dash before it, or the character it sits on.
   */
  private visible(range: SourceRange): SourceRange {
    if (range.length > 0) {
      // A block collection's range runs on to the next line; the editor shows it to its last character.
      let end = range.offset + range.length;
      while (end > range.offset && /\s/.test(this.text[end - 1] ?? '')) {
        end--;
      }
      return end > range.offset ? { offset: range.offset, length: end - range.offset } : range;
    }
    if (this.text.trim() === '') {
      return range;
    }
    let before = range.offset - 1;
    while (before >= 0 && (this.text[before] === ' ' || this.text[before] === '\t')) {
      before--;
    }
    if (before >= 0 && this.text[before] === '-') {
      return { offset: before, length: 1 };
    }
    const here = this.text[range.offset];
    if (here !== undefined && here !== '\n' && here !== '\r') {
      return { offset: range.offset, length: 1 };
    }
    const previous = this.text.slice(0, range.offset).search(/\S\s*$/);
    return previous >= 0 ? { offset: previous, length: 1 } : range;
  }

  /** Ranges of the key and value of the entry at `path`, when both are written. */
  entry(path: SpecPath): { key?: SourceRange; value?: SourceRange } | undefined {
    const found = this.find(path);
    if (!found) {
      return undefined;
    }
    const key = found.pair && isNode(found.pair.key) ? rangeOf(found.pair.key) : undefined;
    const value = found.node && !isEmptyScalar(found.node) ? rangeOf(found.node) : undefined;
    return { key, value };
  }

  /** The value node at `path`, for features (hover, completion) that need its kind. */
  nodeAt(path: SpecPath): Node | null | undefined {
    return this.find(path)?.node;
  }

  /**
   * The spec path of the innermost node at `offset`, and whether the offset is on a key.
   * Used by hover and completion to know which part of the schema applies.
   */
  pathAt(offset: number): { path: SpecPath; onKey: boolean } {
    const path: SpecPath = [];
    let current: unknown = this.document.contents;
    let onKey = false;
    for (;;) {
      if (isMap(current)) {
        const hit = current.items.find((pair) => pairContains(pair, offset));
        if (!hit || !isScalar(hit.key)) {
          return { path, onKey: false };
        }
        path.push(String(hit.key.value));
        const keyRange = hit.key.range;
        if (keyRange && offset >= keyRange[0] && offset <= keyRange[1]) {
          return { path, onKey: true };
        }
        current = hit.value;
        onKey = false;
        continue;
      }
      if (isSeq(current)) {
        const index = current.items.findIndex(
          (item) => isNode(item) && item.range && offset >= item.range[0] && offset <= item.range[2],
        );
        if (index < 0) {
          return { path, onKey };
        }
        path.push(index);
        current = current.items[index];
        continue;
      }
      return { path, onKey };
    }
  }

  private find(path: SpecPath): Located | undefined {
    let node: unknown = this.document.contents;
    let pair: Pair | undefined;
    for (const segment of path) {
      if (typeof segment === 'number') {
        if (!isSeq(node) || segment >= node.items.length) {
          return undefined;
        }
        node = node.items[segment];
        pair = undefined;
      } else {
        if (!isMap(node)) {
          return undefined;
        }
        const hit = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
        if (!hit) {
          return undefined;
        }
        pair = hit;
        node = hit.value;
      }
    }
    return { node: isNode(node) ? node : null, pair };
  }

  private keyOrFirstLine(path: SpecPath, found: Located): SourceRange {
    if (found.pair && isNode(found.pair.key)) {
      return rangeOf(found.pair.key);
    }
    const node = found.node;
    // A list item that is a mapping has no key of its own: its first key stands for it.
    if (isMap(node) && node.items[0] && isNode(node.items[0].key)) {
      return rangeOf(node.items[0].key);
    }
    if (node && node.range) {
      return rangeOf(node);
    }
    return this.locateNearestAncestor(path.slice(0, -1));
  }

  private locateNearestAncestor(path: SpecPath): SourceRange {
    for (let depth = path.length - 1; depth > 0; depth--) {
      const found = this.find(path.slice(0, depth));
      if (found) {
        return this.keyOrFirstLine(path.slice(0, depth), found);
      }
    }
    return this.firstKeyOfDocument();
  }

  /** Where a finding about the document as a whole goes: its first key, never a blank line. */
  private firstKeyOfDocument(): SourceRange {
    const contents = this.document.contents;
    if (isMap(contents) && contents.items[0] && isNode(contents.items[0].key)) {
      return rangeOf(contents.items[0].key);
    }
    if (isNode(contents) && contents.range) {
      return rangeOf(contents);
    }
    const firstText = this.text.search(/\S/);
    return { offset: Math.max(firstText, 0), length: firstText >= 0 ? 1 : 0 };
  }
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && (node.source === '' || node.source === undefined);
}

function rangeOf(node: Node): SourceRange {
  const [start, valueEnd] = node.range ?? [0, 0];
  return { offset: start, length: Math.max(valueEnd - start, 0) };
}

function pairContains(pair: unknown, offset: number): pair is Pair {
  if (!isPair(pair) || !isNode(pair.key) || !pair.key.range) {
    return false;
  }
  const start = pair.key.range[0];
  const value = pair.value;
  const end = isNode(value) && value.range ? Math.max(value.range[2], pair.key.range[1]) : pair.key.range[1] + 1;
  return offset >= start && offset <= end;
}
