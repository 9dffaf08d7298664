import type { ErrorObject } from 'ajv';
import type { Finding, FindingFix } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import type { MessageArgs, MessageId } from '../messages/catalogue';
import { msg } from '../messages/catalogue';
import validateHybrid from './generated/validate-hybrid';
import type { SpecPath } from './model';
import { schemaAt } from './schema-navigator';
import type { YamlSource } from './yaml-source';

/**
 * Checks the document against the schema (compiled at build time) and places every error on
 * the node it is about: an unknown key on that key, a missing key on its parent's key, a bad
 * value on the value.
 */
export function checkAgainstSchema(source: YamlSource, data: unknown): Finding[] {
  if (validateHybrid(data)) {
    return [];
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const error of validateHybrid.errors ?? []) {
    const finding = toFinding(source, data, error);
    if (!finding) {
      continue;
    }
    const identity = `${finding.offset}:${finding.length}:${finding.message}`;
    if (!seen.has(identity)) {
      seen.add(identity);
      findings.push(finding);
    }
  }
  return findings;
}

/** `/domains/0/name` → `['domains', 0, 'name']`, numbers for list positions. */
export function pathFromPointer(pointer: string, data: unknown): SpecPath {
  if (pointer === '') {
    return [];
  }
  const path: SpecPath = [];
  let value: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      path.push(index);
      value = value[index] as unknown;
    } else {
      path.push(segment);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function describePath(path: SpecPath): string {
  if (path.length === 0) {
    return 'the top level';
  }
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join('.').replace(/\.\[/g, '[');
}

function valueAt(data: unknown, path: SpecPath): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) {
    return 'nothing';
  }
  if (typeof value === 'string') {
    return `"${value.length > 60 ? `${value.slice(0, 57)}…` : value}"`;
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

function toFinding(source: YamlSource, data: unknown, error: ErrorObject): Finding | undefined {
  const path = pathFromPointer(error.instancePath, data);
  const where = describePath(path);
  const at = (target: SpecPath, id: MessageId, args: MessageArgs, onKey: boolean, fixes?: FindingFix[]) =>
    findingAt(source, 'schema', target, id, args, { onKey, fixes });
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'if':
    case 'allOf':
      // Summaries of errors reported on their own.
      return undefined;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(schemaAt(path, data)?.properties ?? {});
      const suggestion = closest(key, allowed);
      const keyPath = [...path, key];
      const fixes: FindingFix[] = [];
      const keyRange = source.entry(keyPath)?.key;
      if (suggestion && keyRange) {
        fixes.push({
          kind: 'edit',
          titleId: 'spec.fix.renameKey',
          title: msg('spec.fix.renameKey', { suggestion }),
          edits: [{ offset: keyRange.offset, length: keyRange.length, newText: suggestion }],
        });
      }
      return at(
        keyPath,
        suggestion ? 'spec.schema.unknownKeySuggest' : 'spec.schema.unknownKey',
        { key, where, allowed: allowed.join(', ') || 'none', suggestion },
        true,
        fixes,
      );
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const facts = schemaAt([...path, missing], data);
      return at(
        path,
        'spec.schema.missingKey',
        { key: missing, where, about: facts?.description ?? '' },
        true,
      );
    }
    case 'type': {
      const names: Record<string, string> = {
        string: 'text',
        integer: 'a whole number',
        number: 'a number',
        boolean: 'true or false',
        array: 'a list',
        object: 'a mapping',
        null: 'empty',
      };
      const expected = String(params.type)
        .split(',')
        .map((type) => names[type] ?? type)
        .join(' or ');
      return at(path, 'spec.schema.wrongType', { where, expected, actual: shown(valueAt(data, path)) }, false);
    }
    case 'enum':
    case 'const': {
      const values = (error.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue]).map(String);
      const range = source.entry(path)?.value;
      const fixes: FindingFix[] = range
        ? values.map((value) => ({
            kind: 'edit' as const,
            titleId: 'spec.fix.useValue',
            title: msg('spec.fix.useValue', { value }),
            edits: [{ offset: range.offset, length: range.length, newText: value }],
          }))
        : [];
      return at(path, 'spec.schema.notAllowed', { where, allowed: values.join(', '), actual: shown(valueAt(data, path)) }, false, fixes);
    }
    case 'minItems':
      return at(path, path.length === 1 && path[0] === 'domains' ? 'spec.schema.noDomains' : 'spec.schema.tooFew', { where, limit: Number(params.limit) }, false);
    case 'maxLength':
      return at(path, 'spec.schema.tooLong', { where, limit: Number(params.limit) }, false);
    case 'false schema': {
      const parentWhere = describePath(path.slice(0, -1));
      return at(path, 'spec.schema.notRead', { key: String(path[path.length - 1] ?? ''), where: parentWhere }, true);
    }
    case 'minLength':
      return at(path, 'spec.schema.empty', { where }, false);
    case 'format':
      return at(path, 'spec.schema.format', { where, format: String(params.format), actual: shown(valueAt(data, path)) }, false);
    case 'pattern':
      return at(path, 'spec.schema.pattern', { where, actual: shown(valueAt(data, path)), about: schemaAt(path, data)?.description ?? '' }, false);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at(path, 'spec.schema.range', { where, comparison: String(params.comparison), limit: Number(params.limit) }, false);
    case 'uniqueItems':
      return at(path, 'spec.schema.unique', { where }, false);
    default:
      return at(path, 'spec.schema.other', { where, detail: error.message ?? error.keyword }, false);
  }
}

/** The allowed key nearest to a misspelt one, when it is close enough to be a likely typo. */
function closest(key: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
