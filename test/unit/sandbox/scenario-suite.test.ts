// Runs the product end to end against every shipped scenario: `check --live` on the sandbox
// spec must report what the scenario's `expect` says, `apply --yes` must fix what a setup step
// can fix, and a second `check --live` must no longer report it. The live checks are the
// product's; while the command line answers `--live` with "not available" (exit 2), each test
// skips itself with that reason, and asserts as soon as the live checks exist.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { networksCoverNetwork, parseNetwork } from '../../../src/core/dns/ip-network';
import type { HybridSpec } from '../../../src/core/spec/model';
import { CLOUD_PROFILES } from '../../../src/core/spec/model';
import type { Scenario } from '../../../src/sandbox/scenario';
import { loadScenario } from '../../../src/sandbox/scenario';
import type { RunningSandbox } from '../../../src/sandbox/start-sandbox';
import { startSandbox } from '../../../src/sandbox/start-sandbox';
import { ROOT, clientsOf, scenarioFile, shippedScenarios } from './sandbox-kit';

const CLI = join(ROOT, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'scenario-suite-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Live codes a setup step changes (mailcow's four steps, Exchange's three). */
const FIXABLE_BY_APPLY = new Set([
  'mailcow-domain-missing',
  'mailcow-relay-flags-drift',
  'mailcow-relayhost-missing',
  'mailcow-transport-not-set',
  'mailcow-fwdhost-missing',
  'accepted-domain-authoritative',
  'outbound-connector-missing',
  'outbound-connector-drift',
  'outbound-connector-disabled',
  'inbound-connector-missing',
  'inbound-connector-drift',
  'inbound-connector-disabled',
]);

/**
 * Cross-system codes a step fixes only when the spec asks for what the step writes: the cloud's
 * SPF include among the forwarding hosts (the step adds it again), mailcow's egress addresses
 * among the inbound connector's sender IPs (the connector step lists them).
 */
const FIXABLE_WHEN_SPEC_ASKS: Record<string, (spec: HybridSpec) => boolean> = {
  'fwdhosts-miss-eop': (spec) =>
    spec.mailcow.forwardingHosts.some(
      (host) => host.toLowerCase() === CLOUD_PROFILES[spec.exchange.cloud].spfInclude,
    ),
  'inbound-ips-miss-egress': (spec) => {
    const listed = spec.exchange.inboundConnector.senderIPs
      .map((value) => parseNetwork(value))
      .filter((network) => network !== undefined);
    return (
      spec.mailcow.egressIPs.length > 0 &&
      spec.mailcow.egressIPs.every((address) => {
        const network = parseNetwork(address);
        return network?.family === 4 && networksCoverNetwork(listed, network);
      })
    );
  },
};

interface ReportedFinding {
  code: string;
  severity: 'error' | 'warning' | 'info';
  range: { start: { line: number } };
}

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

function liveUnavailable(run: CliRun): boolean {
  return run.status === 2 && /not available/i.test(run.stderr);
}

async function checkLive(sandbox: RunningSandbox): Promise<CliRun> {
  return runCli(['check', sandbox.specFile, '--live', '--format', 'json'], sandbox.env);
}

function findingsOf(run: CliRun): ReportedFinding[] {
  assert.notEqual(run.status, 2, `check --live could not run: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { findings: ReportedFinding[] };
  return report.findings;
}

function fixableCodes(scenario: Scenario, spec: HybridSpec): string[] {
  // With a read-only key no mailcow step can run, so mailcow's findings stay.
  const readOnly = scenario.expect.some((entry) => entry.code === 'mailcow-key-read-only');
  return scenario.expect
    .map((entry) => entry.code)
    .filter(
      (code) =>
        (FIXABLE_BY_APPLY.has(code) || FIXABLE_WHEN_SPEC_ASKS[code]?.(spec) === true) &&
        !(readOnly && code.startsWith('mailcow-')),
    );
}

let available: boolean | undefined;
const UNAVAILABLE =
  'check --live answers "not available" (exit 2): the live checks are not in this build yet';

describe('shipped scenarios, end to end', () => {
  for (const name of shippedScenarios()) {
    it(`${name}: check --live reports what the scenario expects, and apply fixes what it can`, async (t) => {
      if (available === false) {
        t.skip(UNAVAILABLE);
        return;
      }
      const scenario = loadScenario(scenarioFile(name));
      const sandbox = await startSandbox(scenario, {
        writeSpecTo: join(work, `${name}.hybrid.yaml`),
      });
      try {
        const first = await checkLive(sandbox);
        available = !liveUnavailable(first);
        if (!available) {
          t.skip(UNAVAILABLE);
          return;
        }
        const findings = findingsOf(first);
        for (const expected of scenario.expect) {
          const matches = findings.filter((finding) => finding.code === expected.code);
          assert.ok(
            matches.length > 0,
            `${expected.code} was not reported; got ${findings.map((f) => f.code).join(', ')}`,
          );
          if (expected.line !== undefined) {
            const line = sandbox.lineMap[expected.line];
            assert.ok(
              matches.some((finding) => finding.range.start.line === line),
              `${expected.code} is not on spec line ${expected.line} (sandbox line ${line})`,
            );
          }
        }
        const expectedCodes = new Set(scenario.expect.map((entry) => entry.code));
        const unexpected = findings.filter(
          (finding) => finding.severity !== 'info' && !expectedCodes.has(finding.code),
        );
        assert.deepEqual(
          unexpected.map((finding) => `${finding.code} (line ${finding.range.start.line})`),
          [],
          'reported although the scenario does not expect it',
        );

        const { spec } = clientsOf(sandbox);
        const fixable = fixableCodes(scenario, spec);
        const readOnly = scenario.expect.some((entry) => entry.code === 'mailcow-key-read-only');
        const applied = await runCli(['apply', sandbox.specFile, '--yes'], sandbox.env);
        if (!readOnly) {
          assert.notEqual(applied.status, 2, `apply could not run: ${applied.stderr}`);
        }
        const second = findingsOf(await checkLive(sandbox));
        const left = second
          .filter((finding) => fixable.includes(finding.code))
          .map((finding) => finding.code);
        assert.deepEqual(left, [], 'apply left findings a setup step fixes');
        if (!readOnly) {
          // Every step verified itself by reading back; a plan made now must find nothing left
          // to do, or a step did not fix what it decided from, or is not idempotent.
          const plan = await runCli(['plan', sandbox.specFile, '--format', 'json'], sandbox.env);
          assert.equal(plan.status, 0, `plan after apply: ${plan.stderr}`);
          const steps = (JSON.parse(plan.stdout) as { steps: { id: string }[] }).steps;
          assert.deepEqual(
            steps.map((step) => step.id),
            [],
            'steps still needed after apply',
          );
        }
      } finally {
        await sandbox.stop();
      }
    });
  }
});
