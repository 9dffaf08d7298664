import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../src/core/log';
import type { SecretRef } from '../../../src/core/spec/model';
import type { HybridSpec } from '../../../src/core/spec/model';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import type { RunningSandbox } from '../../../src/sandbox/start-sandbox';
import type { SpecClients } from '../../../src/sandbox/spec-clients';
import { clientsForSpec } from '../../../src/sandbox/spec-clients';

export const ROOT = join(__dirname, '..', '..', '..');
export const SCENARIOS_DIR = join(ROOT, 'examples', 'scenarios');

/** Every shipped scenario folder, by name. */
export function shippedScenarios(): string[] {
  return readdirSync(SCENARIOS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function scenarioFile(name: string): string {
  return join(SCENARIOS_DIR, name, 'scenario.yaml');
}

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return {
    lines,
    trace: record('trace'),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/** The written spec read back as the product reads it, and its clients with the sandbox's env. */
export function clientsOf(
  sandbox: RunningSandbox,
  logger: Logger = recordingLogger(),
): { spec: HybridSpec; clients: SpecClients } {
  const { spec } = parseSpec(sandbox.specText, sandbox.specFile);
  if (!spec) {
    throw new Error('the written spec does not parse');
  }
  const resolveSecret = (ref: SecretRef): Promise<string | undefined> =>
    Promise.resolve(ref.kind === 'env' ? sandbox.env[ref.name] : undefined);
  return { spec, clients: clientsForSpec(spec, { logger, resolveSecret, timeoutMs: 20_000 }) };
}
