/// <reference types="mocha" />
// The live check and a setup step inside a real VS Code: the mailcow emulator runs in the
// extension host, the spec points at it, and the quick fix of a live finding changes it.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { MailcowEmulator } from '../../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../../emulators/mailcow/mailcow-emulator';
import type { LiveReport } from '../../../../src/core/live/live-check';
import type { TlsState } from '../../../../src/core/tls/tls-live';
import { diagnosticCodes, diagnosticsFor, waitForDiagnostics } from '../../support/diagnostics';
import { screenshot } from '../../support/screenshot';
import { workspaceUri } from '../../support/workspace-files';

const KEY_VARIABLE = 'MAIL_HYBRID_SUITE_MAILCOW_KEY';
const GATEWAY = 'example-com.mail.protection.outlook.com';
const DRIFT = 'mailcow-relay-flags-drift';

const key = Array.from({ length: 5 }, () => randomBytes(3).toString('hex').toUpperCase()).join('-');

function withCode(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return diagnosticsFor(uri).filter((diagnostic) => diagnosticCodes([diagnostic])[0] === code);
}

describe('mailcow live: findings from a real mailcow API and their quick fixes', () => {
  let emulator: MailcowEmulator;
  let document: vscode.TextDocument;
  const uri = workspaceUri('hybrid.yaml');

  before(async () => {
    emulator = await startMailcowEmulator({
      hostname: 'mail.example.com',
      apiKeys: [{ key, access: 'rw', allowFrom: ['127.0.0.1'] }],
      // "Relay non-existing mailboxes only" is off; everything else matches the spec.
      domains: [
        {
          domain_name: 'example.com',
          backupmx: 1,
          relay_all_recipients: 1,
          relay_unknown_only: 0,
          relayhost: '1',
        },
      ],
      relayhosts: [{ id: 1, hostname: `[${GATEWAY}]:25` }],
      fwdhosts: [{ host: '198.51.100.7', source: '198.51.100.7' }],
    });
    process.env[KEY_VARIABLE] = key;
    const text = await readFile(uri.fsPath, 'utf8');
    await writeFile(uri.fsPath, text.replace(/url: .*/, `url: ${emulator.url}`));
    document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
  });

  after(async () => {
    delete process.env[KEY_VARIABLE];
    await emulator.close();
  });

  it('shows a relay-flags drift on the domain’s line after the live check', async () => {
    const report = await vscode.commands.executeCommand<LiveReport>('mailHybrid.live.refresh', uri);
    // The other systems stay on loopback: Exchange has no secret to send to 127.0.0.1:9, DNS
    // asks only 127.0.0.1:9, and the SMTP probe gets no address for mailcow from there.
    assert.ok(report, 'the live check ran');
    assert.deepEqual(
      report.unreadable.map((entry) => entry.system),
      ['exchange', 'dns'],
    );
    assert.match(report.unreadable[1]!.reason, /127\.0\.0\.1:9/);
    const tls = report.snapshot.tls;
    assert.ok(tls?.ok);
    const probe = (tls.state as TlsState).probe;
    assert.deepEqual(
      [probe.outcome, 'reason' in probe ? probe.reason : ''],
      ['unreachable', 'dns'],
    );
    await waitForDiagnostics(uri, () => withCode(uri, DRIFT).length === 1, {
      description: DRIFT,
    });
    const [drift] = withCode(uri, DRIFT);
    assert.ok(drift);
    assert.equal(document.lineAt(drift.range.start.line).text.trim(), '- example.com');
    assert.match(
      drift.message,
      /Relay non-existing mailboxes only is off in mailcow, the spec wants on/,
    );
    assert.equal(drift.source, 'mail-hybrid (mailcow)');
    await screenshot('mailcow-live-drift');
  });

  it('keeps the live finding on its node while the spec is edited', async () => {
    const before = withCode(uri, DRIFT)[0]!.range.start.line;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), '# shared domain of the example tenant\n');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const moved = await waitForDiagnostics(
      uri,
      () => withCode(uri, DRIFT)[0]?.range.start.line === before + 1,
      {
        description: 'the drift one line further down',
      },
    );
    assert.ok(moved.length > 0);
    assert.equal(document.lineAt(before + 1).text.trim(), '- example.com');
  });

  it('fixes the drift through mailcow’s API with the quick fix, and the diagnostic goes away', async () => {
    const drift = withCode(uri, DRIFT)[0]!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      drift.range,
    );
    const fix = actions.find((action) => action.command?.command === 'mailHybrid.step.run');
    assert.ok(
      fix?.command,
      `a step quick fix among: ${actions.map((action) => action.title).join(' | ')}`,
    );
    assert.match(fix.title, /Relay example\.com through/);
    const outcome = await vscode.commands.executeCommand<{ status: string; message: string }>(
      fix.command.command,
      ...((fix.command.arguments ?? []) as unknown[]),
      { assumeYes: true },
    );
    assert.equal(outcome?.status, 'done', outcome?.message);
    const row = emulator.state.domains.get('example.com');
    assert.deepEqual(
      [row?.backupmx, row?.relayAll, row?.relayUnknown, row?.relayhost],
      [1, 1, 1, '1'],
    );
    // Every live check also sends `{}` to edit/domain, which changes nothing and tells
    // whether the key may write; the step's own edit is the one with a body.
    const edits = emulator.requests.filter(
      (request) => request.url === '/api/v1/edit/domain' && request.body !== '{}',
    );
    assert.equal(edits.length, 1);
    assert.deepEqual(JSON.parse(edits.at(-1)!.body), {
      items: ['example.com'],
      attr: { relayhost: 1, backupmx: 1, relay_all_recipients: 1, relay_unknown_only: 1 },
    });
    await waitForDiagnostics(uri, () => withCode(uri, DRIFT).length === 0, {
      description: 'the drift to disappear',
    });
    const liveCodes = diagnosticsFor(uri)
      .filter((diagnostic) => diagnostic.source === 'mail-hybrid (mailcow)')
      .map((diagnostic) => diagnosticCodes([diagnostic])[0]);
    assert.deepEqual(liveCodes, []);
  });

  it('applies every needed mailcow step in order with one command', async () => {
    // Someone removed the relayhost and the forwarding host in mailcow meanwhile.
    emulator.state.relayhosts.clear();
    emulator.state.domains.get('example.com')!.relayhost = '0';
    emulator.state.fwdhosts.clear();
    await vscode.commands.executeCommand('mailHybrid.live.refresh', uri);
    await waitForDiagnostics(uri, () => withCode(uri, 'mailcow-relayhost-missing').length === 1, {
      description: 'mailcow-relayhost-missing',
    });
    const result = await vscode.commands.executeCommand<{ ok: boolean; message: string }>(
      'mailHybrid.mailcow.applyAll',
      uri,
      { assumeYes: true },
    );
    assert.equal(result?.ok, true, result?.message);
    const relayhosts = [...emulator.state.relayhosts.values()];
    assert.deepEqual(
      relayhosts.map((relayhost) => relayhost.hostname),
      [`[${GATEWAY}]:25`],
    );
    assert.equal(emulator.state.domains.get('example.com')!.relayhost, String(relayhosts[0]!.id));
    assert.equal(emulator.state.fwdhosts.get('198.51.100.7')?.source, '198.51.100.7');
    await waitForDiagnostics(
      uri,
      (found) => !found.some((diagnostic) => diagnostic.source === 'mail-hybrid (mailcow)'),
      { description: 'no mailcow finding left' },
    );
  });

  it('offers a step once when several findings on the line are fixed by it', async () => {
    // Relay flags and transport both drift; one step, "Relay example.com through …", fixes both.
    const domain = emulator.state.domains.get('example.com')!;
    domain.relayUnknown = 0;
    domain.relayhost = '0';
    await vscode.commands.executeCommand('mailHybrid.live.refresh', uri);
    await waitForDiagnostics(
      uri,
      () =>
        withCode(uri, DRIFT).length === 1 &&
        withCode(uri, 'mailcow-transport-not-set').length === 1,
      { description: 'the relay-flags drift and the missing transport' },
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      withCode(uri, DRIFT)[0]!.range,
    );
    const steps = actions.filter((action) => action.command?.command === 'mailHybrid.step.run');
    assert.deepEqual(
      steps.map((action) => action.title),
      [`Relay example.com through [${GATEWAY}]:25 in mailcow`],
    );
    // Both findings were offered fixes at that place: each keeps its own ignore action.
    for (const code of [DRIFT, 'mailcow-transport-not-set']) {
      assert.ok(
        actions.some((action) => action.title === `Ignore ${code} on this line`),
        code,
      );
    }
  });
  it('runs no live check and sends nothing while the spec has a schema error', async () => {
    const text = document.getText();
    const offset = text.indexOf('  apiKey:');
    assert.ok(offset > 0, 'the fixture names an apiKey');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, document.positionAt(offset), '  apiKye: typo\n');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    await waitForDiagnostics(uri, () => withCode(uri, 'schema').length > 0, {
      description: 'the schema error on the misspelt key',
    });
    const sent = emulator.requests.length;
    const report = await vscode.commands.executeCommand<LiveReport | undefined>(
      'mailHybrid.live.refresh',
      uri,
    );
    assert.equal(report, undefined);
    assert.equal(emulator.requests.length, sent, 'nothing reached mailcow');
    const undo = new vscode.WorkspaceEdit();
    undo.replace(
      uri,
      new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
      text,
    );
    assert.equal(await vscode.workspace.applyEdit(undo), true);
  });
});
