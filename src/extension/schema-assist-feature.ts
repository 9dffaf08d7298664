import * as vscode from 'vscode';
import { completionSite } from '../core/spec/completion-context';
import type { SchemaFacts, SchemaNode } from '../core/spec/schema-navigator';
import { schemaAt } from '../core/spec/schema-navigator';
import type { SpecDocuments } from './spec-documents';
import { ui } from './ui-messages';

function dataOf(specs: SpecDocuments, document: vscode.TextDocument): unknown {
  try {
    return specs.parsed(document).source.toData();
  } catch {
    return undefined;
  }
}

function typeLabel(node: SchemaNode | SchemaFacts): string {
  const types =
    'types' in node
      ? node.types
      : node.type === undefined
        ? []
        : Array.isArray(node.type)
          ? node.type
          : [node.type];
  return types.join(' | ');
}

/** Hover text from the schema: what the key means for mail flow, its type, default and values. */
export function describeSchema(facts: SchemaFacts, key: string): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(undefined, false);
  markdown.appendMarkdown(`**${escapeMarkdown(key)}**`);
  const type = typeLabel(facts);
  if (type) {
    markdown.appendMarkdown(` · \`${type}\``);
  }
  markdown.appendMarkdown('\n\n');
  markdown.appendMarkdown(facts.markdownDescription ?? escapeMarkdown(facts.description ?? ''));
  if (facts.enumValues && facts.enumValues.length > 1) {
    markdown.appendMarkdown(
      `\n\n${ui.hoverValues()} ${facts.enumValues.map((value) => `\`${String(value)}\``).join(', ')}`,
    );
  }
  if (facts.defaultValue !== undefined) {
    markdown.appendMarkdown(`\n\n${ui.hoverDefault()} \`${JSON.stringify(facts.defaultValue)}\``);
  }
  return markdown;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (char) => `\\${char}`);
}

/**
 * Hover and completion from the project's own schema, so nothing else needs to be installed.
 * The schema is never handed to the YAML extension (no `yamlValidation` contribution), so
 * with it installed there are still no duplicate diagnostics.
 */
export class SchemaAssistFeature
  implements vscode.HoverProvider, vscode.CompletionItemProvider, vscode.Disposable
{
  private readonly registrations: vscode.Disposable[];

  constructor(private readonly specs: SpecDocuments) {
    const selector = specs.selector();
    this.registrations = [
      vscode.languages.registerHoverProvider(selector, this),
      vscode.languages.registerCompletionItemProvider(selector, this, ':', ' ', '-'),
    ];
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.specs.isSpec(document)) {
      return undefined;
    }
    const { source } = this.specs.parsed(document);
    const offset = document.offsetAt(position);
    const { path } = source.pathAt(offset);
    // Hovering a list item explains the list.
    const keyPath = typeof path[path.length - 1] === 'number' ? path : path;
    const facts = schemaAt(keyPath, dataOf(this.specs, document));
    if (!facts || path.length === 0) {
      return undefined;
    }
    const lastKey = [...path].reverse().find((segment) => typeof segment === 'string') ?? '';
    const entry = source.entry(path);
    const target = entry?.key ?? entry?.value;
    const range = target
      ? new vscode.Range(
          document.positionAt(target.offset),
          document.positionAt(target.offset + target.length),
        )
      : undefined;
    return new vscode.Hover(describeSchema(facts, String(lastKey)), range);
  }

  provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): vscode.CompletionItem[] {
    if (!this.specs.isSpec(document)) {
      return [];
    }
    const { source } = this.specs.parsed(document);
    const site = completionSite(source, document.offsetAt(position));
    if (!site) {
      return [];
    }
    const data = dataOf(this.specs, document);
    if (site.kind === 'value') {
      return this.valueItems(schemaAt(site.path, data), position, site.prefix);
    }
    const facts = schemaAt(site.parent, data);
    if (!facts) {
      return [];
    }
    const replace = new vscode.Range(position.translate(0, -site.prefix.length), position);
    const items: vscode.CompletionItem[] = [];
    for (const [key, child] of Object.entries(facts.properties)) {
      if (site.present.includes(key)) {
        continue;
      }
      const childFacts = schemaAt([...site.parent, key], data);
      const item = new vscode.CompletionItem(key, vscode.CompletionItemKind.Property);
      item.detail = typeLabel(child) || undefined;
      item.documentation = childFacts ? describeSchema(childFacts, key) : undefined;
      item.insertText = new vscode.SnippetString(keySnippet(key, childFacts));
      item.range = replace;
      item.sortText = `${facts.required.includes(key) ? '0' : '1'}${key}`;
      items.push(item);
      for (const snippet of childFacts?.snippets ?? []) {
        const block = new vscode.CompletionItem(
          snippet.label ?? `${key} …`,
          vscode.CompletionItemKind.Snippet,
        );
        block.detail = snippet.description;
        block.documentation = childFacts ? describeSchema(childFacts, key) : undefined;
        block.insertText = new vscode.SnippetString(
          `${key}:\n${indentBlock(snippetBody(snippet.body), 2)}`,
        );
        block.range = replace;
        block.sortText = `2${key}`;
        items.push(block);
      }
    }
    return items;
  }

  private valueItems(
    facts: SchemaFacts | undefined,
    position: vscode.Position,
    prefix: string,
  ): vscode.CompletionItem[] {
    if (!facts) {
      return [];
    }
    const values = new Set<string>();
    for (const value of facts.enumValues ?? []) {
      values.add(String(value));
    }
    if (facts.types.includes('boolean')) {
      values.add('true');
      values.add('false');
    }
    if (values.size === 0) {
      for (const example of facts.examples) {
        if (
          typeof example === 'string' ||
          typeof example === 'number' ||
          typeof example === 'boolean'
        ) {
          values.add(String(example));
        }
      }
    }
    const replace = new vscode.Range(position.translate(0, -prefix.length), position);
    return [...values].map((value) => {
      const item = new vscode.CompletionItem(value, vscode.CompletionItemKind.Value);
      item.range = replace;
      if (isPrimitive(facts.defaultValue) && String(facts.defaultValue) === value) {
        item.detail = ui.completionDefault();
        item.preselect = true;
      }
      return item;
    });
  }

  dispose(): void {
    vscode.Disposable.from(...this.registrations).dispose();
  }
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function keySnippet(key: string, facts: SchemaFacts | undefined): string {
  const types = facts?.types ?? [];
  if (types.includes('object') && !types.includes('string')) {
    return `${key}:\n  $0`;
  }
  if (types.includes('array')) {
    return `${key}:\n  - $0`;
  }
  if (facts?.enumValues && facts.enumValues.length > 1) {
    const choices = facts.enumValues
      .map((value) => String(value).replace(/[,|\\$}]/g, '\\$&'))
      .join(',');
    return `${key}: \${1|${choices}|}`;
  }
  return `${key}: $0`;
}

/** Renders a `defaultSnippets` body (JSON) as YAML snippet text. */
function snippetBody(body: unknown, depth = 0): string {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    return Object.entries(body as Record<string, unknown>)
      .map(([key, value]) => {
        if (value !== null && typeof value === 'object') {
          const inner = snippetBody(value, depth + 1);
          return Array.isArray(value)
            ? `${key}:\n${indentBlock(inner, 2)}`
            : `${key}:\n${indentBlock(inner, 2)}`;
        }
        return `${key}: ${String(value)}`;
      })
      .join('\n');
  }
  if (Array.isArray(body)) {
    return body
      .map((item) => `- ${typeof item === 'object' ? snippetBody(item, depth + 1) : String(item)}`)
      .join('\n');
  }
  return String(body);
}

function indentBlock(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}
