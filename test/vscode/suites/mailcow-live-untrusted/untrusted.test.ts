/// <reference types="mocha" />
// In an untrusted workspace the live check and the steps send nothing, even when the spec
// points at a reachable mailcow and a key is at hand.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { MailcowEmulator } from '../../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../../emulators/mailcow/mailcow-emulator';
import { diagnosticsFor, waitForDiagnostics } from '../../support/diagnostics';
import { workspaceUri } from '../../support/workspace-files';

const KEY_VARIABLE = 'MAIL_HYBRID_SUITE_MAILCOW_KEY';

describe('mailcow live in an untrusted workspace', () => {
  let emulator: MailcowEmulator;
  const uri = workspaceUri('hybrid.yaml');

  before(async () => {
    const key = randomBytes(15).toString('hex').toUpperCase();
    emulator = await startMailcowEmulator({
      apiKeys: [{ key, access: 'rw', allowFrom: ['127.0.0.1'] }],
    });
    process.env[KEY_VARIABLE] = key;
    const text = await readFile(uri.fsPath, 'utf8');
    await writeFile(uri.fsPath, text.replace(/url: .*/, `url: ${emulator.url}`));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
  });

  after(async () => {
    delete process.env[KEY_VARIABLE];
    await emulator.close();
  });

  it('is really untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('refuses the live check, a step and all mailcow steps without sending anything', async () => {
    // The offline checks still run.
    await waitForDiagnostics(uri, (found) => found.length > 0, { description: 'offline findings' });
    assert.equal(await vscode.commands.executeCommand('mailHybrid.live.refresh', uri), undefined);
    assert.equal(
      await vscode.commands.executeCommand(
        'mailHybrid.step.run',
        { uri: uri.toString(), stepId: 'mailcow-domain', domain: 'example.com' },
        { assumeYes: true },
      ),
      undefined,
    );
    assert.equal(
      await vscode.commands.executeCommand('mailHybrid.mailcow.applyAll', uri, { assumeYes: true }),
      undefined,
    );
    assert.deepEqual(emulator.requests, []);
    assert.equal(
      diagnosticsFor(uri).some((diagnostic) => diagnostic.source === 'mail-hybrid (mailcow)'),
      false,
    );
  });
});
