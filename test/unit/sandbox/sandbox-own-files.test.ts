// The sandbox writes a redirected spec; it must never write it over the files it was started
// from, which would leave the user with a spec that points at loopback and a deleted CA.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadScenario } from '../../../src/sandbox/scenario';
import { SANDBOX_SPEC_NAME, startSandbox } from '../../../src/sandbox/start-sandbox';
import { SCENARIOS_DIR } from './sandbox-kit';

const work = mkdtempSync(join(tmpdir(), 'sandbox-own-files-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Starts the sandbox expecting a refusal; a sandbox that did start is stopped again. */
async function refusal(...args: Parameters<typeof startSandbox>): Promise<string> {
  let started;
  try {
    started = await startSandbox(...args);
  } catch (error) {
    return (error as Error).message;
  }
  await started.stop();
  return 'started';
}

describe('the sandbox spec', () => {
  it('is not written over the spec the scenario names', async () => {
    const folder = mkdtempSync(join(work, 'named-'));
    // A spec that happens to carry the name the sandbox writes by default.
    const spec = join(folder, SANDBOX_SPEC_NAME);
    copyFileSync(join(SCENARIOS_DIR, 'demo', 'hybrid.yaml'), spec);
    const scenarioText = readFileSync(join(SCENARIOS_DIR, 'demo', 'scenario.yaml'), 'utf8');
    const scenario = join(folder, 'scenario.yaml');
    writeFileSync(
      scenario,
      scenarioText.replace('spec: ./hybrid.yaml', `spec: ./${SANDBOX_SPEC_NAME}`),
    );
    const before = readFileSync(spec, 'utf8');
    assert.match(await refusal(loadScenario(scenario)), /would be written over/);
    assert.equal(readFileSync(spec, 'utf8'), before);
  });

  it('is not written over the spec or the scenario named by writeSpecTo', async () => {
    const folder = mkdtempSync(join(work, 'write-to-'));
    for (const name of ['hybrid.yaml', 'scenario.yaml']) {
      copyFileSync(join(SCENARIOS_DIR, 'demo', name), join(folder, name));
    }
    for (const target of ['hybrid.yaml', 'scenario.yaml']) {
      const file = join(folder, target);
      const before = readFileSync(file, 'utf8');
      assert.match(
        await refusal(loadScenario(join(folder, 'scenario.yaml')), { writeSpecTo: file }),
        /would be written over/,
      );
      assert.equal(readFileSync(file, 'utf8'), before);
    }
  });
});
