import hybridSchema from '../../../schemas/hybrid.schema.json';
import type { SpecPath } from './model';

/** The subset of JSON Schema the project's schema uses, as far as features read it. */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  $ref?: string;
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  allOf?: SchemaNode[];
  additionalProperties?: boolean | SchemaNode;
  defaultSnippets?: { label?: string; description?: string; body: unknown }[];
}

const root = hybridSchema as unknown as SchemaNode & { definitions?: Record<string, SchemaNode>; $defs?: Record<string, SchemaNode> };

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const match = /^#\/(definitions|\$defs)\/(.+)$/.exec(current.$ref);
    if (!match) {
      return current;
    }
    const table = match[1] === 'definitions' ? root.definitions : root.$defs;
    current = table?.[decodeURIComponent(match[2] ?? '')];
  }
  return current;
}

/**
 * The branches of a schema node that apply to `value`: the node itself, `then`/`else` chosen by a
 * shallow type test of its `if`, and every `allOf` member. Enough for the project's schema, which
 * avoids `oneOf`/`anyOf` so that every error has one clear place.
 */
function applicable(node: SchemaNode | undefined, value: unknown): SchemaNode[] {
  const resolved = resolve(node);
  if (!resolved) {
    return [];
  }
  const found: SchemaNode[] = [resolved];
  if (resolved.if) {
    const branch = matchesShallow(resolve(resolved.if), value) ? resolved.then : resolved.else;
    found.push(...applicable(branch, value));
  }
  for (const member of resolved.allOf ?? []) {
    found.push(...applicable(member, value));
  }
  return found;
}

function matchesShallow(condition: SchemaNode | undefined, value: unknown): boolean {
  if (!condition) {
    return true;
  }
  if (condition.type !== undefined && !typeMatches(condition.type, value)) {
    return false;
  }
  for (const [name, inner] of Object.entries(condition.properties ?? {})) {
    const actual = isRecord(value) ? value[name] : undefined;
    if (actual === undefined) {
      // As in JSON Schema, `properties` says nothing about a key that is absent.
      continue;
    }
    const target = typeof inner === 'object' ? resolve(inner) : undefined;
    if (target?.const !== undefined && actual !== target.const) {
      return false;
    }
    if (target?.enum && !target.enum.includes(actual)) {
      return false;
    }
  }
  for (const name of condition.required ?? []) {
    if (!isRecord(value) || !(name in value)) {
      return false;
    }
  }
  return true;
}

function typeMatches(type: string | string[], value: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((name) => {
    switch (name) {
      case 'string':
        return typeof value === 'string';
      case 'object':
        return isRecord(value);
      case 'array':
        return Array.isArray(value);
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number';
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return value === null;
      default:
        return false;
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Everything the schema says about the node at `path`, merged over its applicable branches. */
export interface SchemaFacts {
  nodes: SchemaNode[];
  /** Properties allowed in the object at `path`, with their schemas. */
  properties: Record<string, SchemaNode>;
  required: string[];
  description?: string;
  markdownDescription?: string;
  enumValues?: unknown[];
  defaultValue?: unknown;
  examples: unknown[];
  types: string[];
  snippets: { label?: string; description?: string; body: unknown }[];
  /** Keys the chosen mode does not read. */
  forbidden: Set<string>;
}

/**
 * Walks the schema along a spec path, using the document's data to choose `if/then/else`
 * branches (a domain item written as a string or as a mapping). Returns undefined where the
 * schema has nothing to say (an unknown key).
 */
export function schemaAt(path: SpecPath, data: unknown): SchemaFacts | undefined {
  let nodes = applicable(root, data);
  let value = data;
  for (const segment of path) {
    const next: SchemaNode[] = [];
    const inner = typeof segment === 'number'
      ? Array.isArray(value) ? (value as unknown[])[segment] : undefined
      : isRecord(value) ? value[segment] : undefined;
    for (const node of nodes) {
      const child = typeof segment === 'number' ? node.items : node.properties?.[segment];
      if (child) {
        next.push(...applicable(child, inner));
      }
    }
    if (next.length === 0) {
      return undefined;
    }
    nodes = next;
    value = inner;
  }
  return mergeFacts(nodes);
}

function mergeFacts(nodes: SchemaNode[]): SchemaFacts {
  const facts: SchemaFacts = { nodes, properties: {}, required: [], examples: [], types: [], snippets: [], forbidden: new Set<string>() };
  for (const node of nodes) {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      // `false` marks a key that the chosen mode does not read; it is not offered.
      if (typeof child === 'object') {
        facts.properties[name] ??= child;
      } else if ((child as unknown) === false) {
        delete facts.properties[name];
        facts.forbidden.add(name);
      }
    }
    facts.required.push(...(node.required ?? []));
    facts.description ??= node.description;
    facts.markdownDescription ??= node.markdownDescription;
    if (node.enum) {
      facts.enumValues ??= node.enum;
    }
    if (node.const !== undefined) {
      facts.enumValues ??= [node.const];
    }
    if (node.default !== undefined) {
      facts.defaultValue ??= node.default;
    }
    facts.examples.push(...(node.examples ?? []));
    if (node.type) {
      facts.types.push(...(Array.isArray(node.type) ? node.type : [node.type]));
    }
    facts.snippets.push(...(node.defaultSnippets ?? []));
  }
  for (const name of facts.forbidden) {
    delete facts.properties[name];
  }
  facts.required = [...new Set(facts.required)];
  facts.types = [...new Set(facts.types)];
  return facts;
}
