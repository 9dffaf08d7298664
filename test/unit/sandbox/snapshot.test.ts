import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { readExchangeState } from '../../../src/core/exchange/exchange-state';
import { readMailcowState } from '../../../src/core/mailcow/mailcow-state';
import { loadScenario } from '../../../src/sandbox/scenario';
import { takeSnapshot } from '../../../src/sandbox/snapshot';
import type { RunningSandbox } from '../../../src/sandbox/start-sandbox';
import { startSandbox } from '../../../src/sandbox/start-sandbox';
import { clientsOf, recordingLogger, scenarioFile } from './sandbox-kit';

const work = mkdtempSync(join(tmpdir(), 'snapshot-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

const RELAY_PASSWORD = 'relay-Pa55word-that-must-not-leak';

/** The relay-loop scenario with a relayhost that signs in, so a password exists to remove. */
function scenarioWithRelayPassword(): string {
  const source = scenarioFile('relay-loop');
  const text = readFileSync(source, 'utf8')
    .replace('spec: ./hybrid.yaml', `spec: ${JSON.stringify(join(source, '..', 'hybrid.yaml'))}`)
    .replace(
      'username: "",\n        password: "", active: 1 }',
      `username: "relay@example.com",\n        password: "${RELAY_PASSWORD}", active: 1 }`,
    );
  assert.ok(text.includes(RELAY_PASSWORD));
  const file = join(work, 'with-password.yaml');
  writeFileSync(file, text);
  return file;
}

async function liveState(sandbox: RunningSandbox) {
  const { spec, clients } = clientsOf(sandbox);
  const [mailcow, exchange] = await Promise.all([
    readMailcowState(clients.mailcow),
    readExchangeState(clients.exchange),
  ]);
  assert.ok(mailcow.ok, mailcow.ok ? '' : mailcow.error.message);
  assert.ok(exchange.ok, exchange.ok ? '' : exchange.error.message);
  const mx = await clients.dns.mx('example.com');
  const spf = await clients.dns.txt('spf.protection.outlook.com');
  return {
    spec,
    mailcow: {
      ...mailcow.value,
      // mailcow never sends the password back through the client; only that one exists.
      relayhosts: mailcow.value.relayhosts.map(({ hasPassword: _hasPassword, ...rest }) => rest),
    },
    exchange: exchange.value,
    mx,
    spf,
  };
}

describe('snapshot', () => {
  it('round-trips the live state through a scenario, without any secret in the file', async () => {
    const first = await startSandbox(loadScenario(scenarioWithRelayPassword()), {
      writeSpecTo: join(work, 'first.hybrid.yaml'),
    });
    let second: RunningSandbox | undefined;
    try {
      const { spec, clients } = clientsOf(first);
      const logger = recordingLogger();
      const snapshot = await takeSnapshot(spec, './first.hybrid.yaml', { ...clients, logger });
      assert.deepEqual(snapshot.problems, []);
      const file = join(work, 'snapshot.yaml');
      writeFileSync(file, snapshot.text);

      for (const secret of [...Object.values(first.env), RELAY_PASSWORD]) {
        assert.ok(!snapshot.text.includes(secret), 'a secret reached the snapshot');
        assert.ok(!logger.lines.some((line) => line.includes(secret)), 'a secret reached the log');
      }
      assert.match(
        snapshot.text,
        /^# Removed from this snapshot: .*mailcow API keys.*relayhost passwords/,
      );
      const data = parse(snapshot.text) as Record<string, Record<string, unknown>>;
      assert.equal(data.mailcow?.apiKeys, undefined);
      assert.equal(data.exchange?.apps, undefined);
      assert.deepEqual(
        (data.mailcow?.relayhosts as Record<string, unknown>[]).map(
          (relayhost) => relayhost.password,
        ),
        [''],
      );

      const replayed = loadScenario(file);
      assert.equal(replayed.spec.file, first.specFile);
      second = await startSandbox(replayed, { writeSpecTo: join(work, 'second.hybrid.yaml') });
      const before = await liveState(first);
      const afterReplay = await liveState(second);
      assert.deepEqual(afterReplay.mailcow, before.mailcow);
      assert.deepEqual(afterReplay.exchange, before.exchange);
      assert.deepEqual(afterReplay.mx, before.mx);
      assert.deepEqual(afterReplay.spf, before.spf);
      assert.deepEqual(replayed.smtp?.certificate?.names, ['mail.example.com']);
      assert.equal(replayed.smtp?.certificate?.issuer, 'trusted');
    } finally {
      await second?.stop();
      await first.stop();
    }
  });

  it('leaves out a system it cannot read and says why', async () => {
    const sandbox = await startSandbox(loadScenario(scenarioFile('correct')), {
      writeSpecTo: join(work, 'partial.hybrid.yaml'),
    });
    try {
      const { spec, clients } = clientsOf(sandbox);
      await sandbox.emulators.exchange.close();
      const snapshot = await takeSnapshot(spec, './partial.hybrid.yaml', {
        ...clients,
        logger: recordingLogger(),
      });
      assert.equal(snapshot.problems.length, 1);
      assert.match(snapshot.problems[0] ?? '', /could not read Exchange Online/);
      assert.equal(snapshot.data.exchange, undefined);
      assert.ok(snapshot.data.mailcow);
    } finally {
      await sandbox.stop();
    }
  });
});
