import type { Finding, TextEdit } from '../findings/finding';
import type { HybridSpec, SpecPath } from '../spec/model';
import type { YamlSource } from '../spec/yaml-source';

/** What every offline rule reads: the typed spec and the source that places findings. */
export interface RuleContext {
  spec: HybridSpec;
  source: YamlSource;
}

export type OfflineRule = (context: RuleContext) => Finding[];

/** A scalar as YAML can hold it without changing its meaning. */
export function yamlScalar(value: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(value) ? value : JSON.stringify(value);
}

/** An edit that replaces the written value at `path`, or undefined when it is not written. */
export function replaceValue(context: RuleContext, path: SpecPath, newText: string): TextEdit[] | undefined {
  const range = context.source.entry(path)?.value;
  return range ? [{ offset: range.offset, length: range.length, newText }] : undefined;
}

/**
 * An edit that rewrites the whole value of a mapping entry as a flow list, which is right for
 * block and flow lists alike: the text from the end of the key to the end of the value.
 */
export function replaceWithFlowList(context: RuleContext, path: SpecPath, items: string[]): TextEdit[] | undefined {
  const entry = context.source.entry(path);
  if (!entry?.key || !entry.value) {
    return undefined;
  }
  const start = entry.key.offset + entry.key.length;
  const end = entry.value.offset + entry.value.length;
  return [{ offset: start, length: end - start, newText: `: [${items.map(yamlScalar).join(', ')}]` }];
}
