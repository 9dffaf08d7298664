import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { stringify } from 'yaml';
import { PositionMapper } from '../core/findings/positions';
import type {
  RawFlag,
  RawMailcowDomain,
  RawMailcowForwardingHost,
  RawMailcowMailbox,
  RawMailcowRelayhost,
  RawPostfixLogEntry,
} from '../core/mailcow/mailcow-types';
import { msg } from '../core/messages/catalogue';
import type { SpecPath } from '../core/spec/model';
import { YamlSource } from '../core/spec/yaml-source';
import scenarioSchema from '../../schemas/scenario.schema.json';

/*
 * A sandbox scenario: the state of every system the product talks to, in each system's own
 * read shapes, so a snapshot of live systems is a scenario without translation. The format is
 * described in README ("Sandbox") and held by schemas/scenario.schema.json.
 */

export interface ScenarioApiKey {
  key: string;
  access: 'rw' | 'ro';
  allowFrom?: string[] | string;
  active?: RawFlag;
  skipIpCheck?: RawFlag;
}

export interface ScenarioMailcow {
  hostname?: string;
  version?: string;
  apiKeys?: ScenarioApiKey[];
  domains?: RawMailcowDomain[];
  relayhosts?: RawMailcowRelayhost[];
  fwdhosts?: RawMailcowForwardingHost[];
  mailboxes?: RawMailcowMailbox[];
  postfixLog?: RawPostfixLogEntry[];
}

export interface ScenarioApp {
  clientId: string;
  clientSecret?: string;
  roles?: string[];
  permissions?: string[];
  allowPublicClient?: boolean;
}

export interface ScenarioExchange {
  tenantId: string;
  initialDomain: string;
  apps?: ScenarioApp[];
  users?: { userPrincipalName: string; roles?: string[] }[];
  acceptedDomains?: Record<string, unknown>[];
  outboundConnectors?: Record<string, unknown>[];
  inboundConnectors?: Record<string, unknown>[];
  recipients?: string[];
  messageTrace?: Record<string, unknown>[];
}

export interface ScenarioDnsName {
  MX?: { exchange: string; priority: number }[];
  TXT?: (string | string[])[];
  A?: string[];
  AAAA?: string[];
}

export interface ScenarioCertificateShape {
  names: string[];
  notAfter?: string;
  notBefore?: string;
  issuer?: 'trusted' | 'self-signed' | 'untrusted';
}

export interface ScenarioSmtpShape {
  starttls?: boolean;
  certificate?: ScenarioCertificateShape;
}

export interface ScenarioExpectation {
  code: string;
  /** Line in the scenario's spec, counted from 0; absent: anywhere. */
  line?: number;
}

/** The spec a scenario goes with. */
export interface ScenarioSpec {
  /** Absolute path of the spec file; absent when the spec is written inline in the scenario. */
  file?: string;
  /** The spec's text: the file's, or the inline mapping written out as YAML. */
  text: string;
}

export interface Scenario {
  /** Absolute path of the scenario file. */
  file: string;
  description?: string;
  spec: ScenarioSpec;
  mailcow: ScenarioMailcow;
  exchange?: ScenarioExchange;
  dns: Record<string, ScenarioDnsName>;
  smtp?: ScenarioSmtpShape;
  expect: ScenarioExpectation[];
}

/** A scenario that cannot be used; the message names the file and the line. */
export class ScenarioError extends Error {
  constructor(
    message: string,
    /** Zero-based line in the scenario file, when the problem has one. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

let validator: ValidateFunction | undefined;

function validateScenario(data: unknown): ErrorObject[] {
  if (!validator) {
    // Compiled once per process; the schema is small, so it is not worth generating at build time.
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    addFormats(ajv);
    validator = ajv.compile(scenarioSchema);
  }
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

function pathOf(instancePath: string): SpecPath {
  if (instancePath === '') {
    return [];
  }
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describeError(error: ErrorObject): { path: SpecPath; detail: string } {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return {
      path: [...path, String(params.additionalProperty)],
      detail: 'is not a key of the scenario format',
    };
  }
  if (error.keyword === 'required') {
    return { path, detail: `needs the key "${String(params.missingProperty)}"` };
  }
  if (error.keyword === 'enum') {
    const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value));
    return { path, detail: `must be one of ${allowed.join(', ')}` };
  }
  if (error.keyword === 'const') {
    return { path, detail: `must be ${JSON.stringify(params.allowedValue)}` };
  }
  return { path, detail: error.message ?? error.keyword };
}

/** The scenario's only `anyOf` asks for one of several keys; say which. */
function describeAnyOf(error: ErrorObject, all: ErrorObject[]): { path: SpecPath; detail: string } {
  const keys = all
    .filter((other) => other.keyword === 'required' && other.instancePath === error.instancePath)
    .map((other) => `"${String((other.params as Record<string, unknown>).missingProperty)}"`);
  return {
    path: pathOf(error.instancePath),
    detail:
      keys.length > 0 ? `needs one of the keys ${keys.join(', ')}` : (error.message ?? 'anyOf'),
  };
}

function pathText(path: SpecPath): string {
  if (path.length === 0) {
    return 'The scenario';
  }
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`,
    )
    .join('');
}

/**
 * Reads and checks a scenario file, then the spec it names (a path relative to the scenario, or
 * an inline mapping written out as YAML).
 * @throws ScenarioError with the file and line of the first problem (all schema problems are
 *   listed, one per line).
 */
export function loadScenario(file: string): Scenario {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new ScenarioError(
      msg('sandbox.scenario.unreadable', { file, reason: (error as Error).message }),
    );
  }
  return parseScenario(text, path, file);
}

/**
 * Checks scenario text. `path` is where relative spec paths resolve from; `shownAs` is how the
 * file is named in messages.
 * @throws ScenarioError
 */
export function parseScenario(text: string, path: string, shownAs: string = path): Scenario {
  const source = new YamlSource(text);
  const mapper = new PositionMapper(text);
  const lineOf = (offset: number): number => mapper.position(offset).line;
  const [problem] = source.problems;
  if (problem) {
    const line = lineOf(problem.offset);
    throw new ScenarioError(
      msg('sandbox.scenario.syntax', { file: shownAs, line: line + 1, detail: problem.detail }),
      line,
    );
  }
  const data = source.toData();
  const errors = validateScenario(data);
  if (errors.length > 0) {
    // anyOf reports each failed branch and then itself; the branches say nothing the summary
    // does not, so only errors outside a failed anyOf are listed.
    const anyOfPaths = new Set(
      errors.filter((error) => error.keyword === 'anyOf').map((error) => error.instancePath),
    );
    const shown = errors.filter(
      (error) =>
        error.keyword === 'anyOf' ||
        !(anyOfPaths.has(error.instancePath) && error.keyword === 'required'),
    );
    const placed = shown.map((error) => {
      const { path: where, detail } =
        error.keyword === 'anyOf' ? describeAnyOf(error, errors) : describeError(error);
      const range = where.length === 0 ? { offset: 0 } : source.locate(where);
      return { line: lineOf(range.offset), where, detail };
    });
    placed.sort((a, b) => a.line - b.line);
    const lines = placed.map((entry) =>
      msg('sandbox.scenario.invalid', {
        file: shownAs,
        line: entry.line + 1,
        where: pathText(entry.where),
        detail: entry.detail,
      }),
    );
    throw new ScenarioError([...new Set(lines)].join('\n'), placed[0]?.line);
  }
  const raw = data as Record<string, unknown>;
  const specLine = lineOf(source.locate(['spec']).offset);
  const spec = resolveSpec(raw.spec, path, shownAs, specLine);
  const scenario: Scenario = {
    file: path,
    spec,
    mailcow: (raw.mailcow as ScenarioMailcow | undefined) ?? {},
    dns: (raw.dns as Record<string, ScenarioDnsName> | undefined) ?? {},
    expect: (raw.expect as ScenarioExpectation[] | undefined) ?? [],
  };
  if (typeof raw.description === 'string') {
    scenario.description = raw.description;
  }
  if (raw.exchange) {
    scenario.exchange = raw.exchange as ScenarioExchange;
  }
  if (raw.smtp) {
    scenario.smtp = raw.smtp;
  }
  return scenario;
}

function resolveSpec(
  value: unknown,
  scenarioPath: string,
  shownAs: string,
  line: number,
): ScenarioSpec {
  if (typeof value === 'string') {
    const specFile = resolve(dirname(scenarioPath), value);
    try {
      return { file: specFile, text: readFileSync(specFile, 'utf8').replace(/^\uFEFF/, '') };
    } catch (error) {
      throw new ScenarioError(
        msg('sandbox.scenario.specUnreadable', {
          file: shownAs,
          line: line + 1,
          spec: value,
          reason: (error as Error).message,
        }),
        line,
      );
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ScenarioError(
      msg('sandbox.scenario.specNotMapping', { file: shownAs, line: line + 1 }),
      line,
    );
  }
  return { text: stringify(value, { lineWidth: 0 }) };
}
