import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import { ScenarioError, loadScenario, parseScenario } from '../../../src/sandbox/scenario';
import { scenarioFile, shippedScenarios } from './sandbox-kit';

const work = mkdtempSync(join(tmpdir(), 'scenario-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function scenarioError(text: string): ScenarioError {
  try {
    parseScenario(text, join(work, 'scenario.yaml'), 'scenario.yaml');
  } catch (error) {
    assert.ok(error instanceof ScenarioError, String(error));
    return error;
  }
  assert.fail('the scenario was accepted');
}

const SPEC = [
  'version: 1',
  'domains: [example.com]',
  'mailcow: { url: "https://mail.example.com", apiKey: "env:KEY" }',
  'exchange: { tenant: contoso.onmicrosoft.com, gateway: example-com.mail.protection.outlook.com }',
  '',
].join('\n');
writeFileSync(join(work, 'hybrid.yaml'), SPEC);

describe('loadScenario', () => {
  for (const name of shippedScenarios()) {
    it(`reads the shipped ${name} scenario and its spec`, () => {
      const scenario = loadScenario(scenarioFile(name));
      assert.ok(scenario.spec.file?.endsWith(join(name, 'hybrid.yaml')));
      const parsed = parseSpec(scenario.spec.text, scenario.spec.file);
      assert.ok(parsed.spec, 'the spec parses');
      assert.deepEqual(
        parsed.findings
          .filter((finding) => finding.severity === 'error')
          .map((finding) => finding.code),
        [],
        'the offline checks find no error in the spec',
      );
      assert.ok(
        scenario.expect.length > 0,
        'every shipped scenario says what a live check reports',
      );
      assert.ok(scenario.exchange, 'every shipped scenario describes the tenant');
    });
  }

  it('resolves the spec relative to the scenario', () => {
    const scenario = parseScenario(
      'scenario: 1\nspec: ./hybrid.yaml\n',
      join(work, 'scenario.yaml'),
    );
    assert.equal(scenario.spec.file, join(work, 'hybrid.yaml'));
    assert.equal(scenario.spec.text, SPEC);
    assert.deepEqual(scenario.dns, {});
    assert.deepEqual(scenario.expect, []);
  });

  it('takes an inline spec and writes it out as YAML', () => {
    const scenario = parseScenario(
      [
        'scenario: 1',
        'spec:',
        '  version: 1',
        '  domains: [example.com]',
        '  mailcow: { url: "https://mail.example.com" }',
        '  exchange: { tenant: contoso.onmicrosoft.com, gateway: example-com.mail.protection.outlook.com }',
      ].join('\n'),
      join(work, 'inline.yaml'),
    );
    assert.equal(scenario.spec.file, undefined);
    const parsed = parseSpec(scenario.spec.text);
    assert.equal(parsed.spec?.mailcow.url, 'https://mail.example.com');
    assert.deepEqual(
      parsed.spec?.domains.map((domain) => domain.name),
      ['example.com'],
    );
  });

  it('names the line of a YAML syntax error', () => {
    const error = scenarioError('scenario: 1\nspec: ./hybrid.yaml\nmailcow: [unclosed\n');
    assert.match(error.message, /^scenario\.yaml:\d+: the scenario is not valid YAML/);
  });

  it('names the line of every schema problem', () => {
    const error = scenarioError(
      [
        'scenario: 1',
        'spec: ./hybrid.yaml',
        'mailcow:',
        '  apiKeys:',
        '    - { key: K, access: admin }',
        '  domains:',
        '    - { active: 1 }',
        'exchange:',
        '  tenantId: not-a-guid',
        '  initialDomain: contoso.onmicrosoft.com',
        'smtp:',
        '  certificate: { names: [mail.example.com], issuer: nobody }',
        'colour: blue',
      ].join('\n'),
    );
    assert.equal(error.line, 4);
    const lines = error.message.split('\n');
    assert.deepEqual(
      lines.map((line) => /^scenario\.yaml:(\d+):/.exec(line)?.[1]),
      ['5', '7', '9', '12', '13'],
    );
    assert.match(lines[0] ?? '', /mailcow\.apiKeys\[0\]\.access must be one of "rw", "ro"/);
    assert.match(lines[1] ?? '', /needs the key "domain_name"/);
    assert.match(lines[4] ?? '', /colour is not a key of the scenario format/);
  });

  it('refuses a scenario whose spec file is missing, on the spec line', () => {
    const error = scenarioError('scenario: 1\n\nspec: ./missing.yaml\n');
    assert.equal(error.line, 2);
    assert.match(
      error.message,
      /^scenario\.yaml:3: the spec \.\/missing\.yaml named by the scenario cannot be read/,
    );
  });

  it('refuses an unknown format version', () => {
    const error = scenarioError('scenario: 2\nspec: ./hybrid.yaml\n');
    assert.match(error.message, /^scenario\.yaml:1: scenario must be 1/);
  });

  it('says when the scenario file cannot be read', () => {
    assert.throws(() => loadScenario(join(work, 'nope.yaml')), /Cannot read the scenario/);
  });
});
