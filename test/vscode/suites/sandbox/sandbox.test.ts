/// <reference types="mocha" />
// The sandbox inside a real VS Code: started from a scenario of the workspace, it runs the
// emulators in the extension host, opens the redirected spec (which the extension checks like
// any spec), makes the credentials resolvable as env: references, and stops cleanly.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { diagnosticCodes, waitForDiagnostics } from '../../support/diagnostics';
import { waitUntil } from '../../support/wait-until';
import { workspaceUri } from '../../support/workspace-files';

interface SandboxLike {
  specFile: string;
  caFile: string;
  addresses: { mailcow: string; smtp: string };
  env: Record<string, string>;
}

function canConnect(address: string): Promise<boolean> {
  const port = Number(/:(\d+)$/.exec(address)?.[1]);
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('sandbox: emulated systems in the extension host', () => {
  let sandbox: SandboxLike | undefined;

  after(async () => {
    await vscode.commands.executeCommand('mailHybrid.sandbox.stop');
  });

  it('starts a workspace scenario and opens the spec pointed at the emulators', async () => {
    sandbox = await vscode.commands.executeCommand<SandboxLike | undefined>(
      'mailHybrid.sandbox.start',
      workspaceUri('rehearsal/scenario.yaml'),
    );
    assert.ok(sandbox, 'the sandbox did not start');
    assert.equal(basename(sandbox.specFile), 'sandbox.hybrid.yaml');
    const editor = await waitUntil(
      () =>
        vscode.window.activeTextEditor?.document.uri.fsPath === sandbox?.specFile &&
        vscode.window.activeTextEditor,
      { description: 'the written spec in the active editor' },
    );
    assert.match(editor.document.getText(), new RegExp(`url: ${sandbox.addresses.mailcow}`));
    assert.equal(await canConnect(sandbox.addresses.mailcow), true);
    assert.equal(await canConnect(sandbox.addresses.smtp), true);
  });

  it('makes the sandbox credentials resolvable without writing them into the spec', () => {
    assert.ok(sandbox);
    const text = readFileSync(sandbox.specFile, 'utf8');
    for (const [name, value] of Object.entries(sandbox.env)) {
      assert.equal(process.env[name], value);
      assert.match(text, new RegExp(`env:${name}`));
      assert.equal(text.includes(value), false);
    }
  });

  it('checks the written spec like any other, on the same lines as the original', async () => {
    assert.ok(sandbox);
    const diagnostics = await waitForDiagnostics(
      vscode.Uri.file(sandbox.specFile),
      (list) => list.length > 0,
    );
    assert.deepEqual(diagnosticCodes(diagnostics), ['inbound-filtering-bypassed']);
    assert.equal(diagnostics[0]?.range.start.line, 3);
  });

  it('stops: emulators closed, CA removed, credentials gone from the environment', async () => {
    assert.ok(sandbox);
    await vscode.commands.executeCommand('mailHybrid.sandbox.stop');
    assert.equal(await canConnect(sandbox.addresses.mailcow), false);
    assert.equal(existsSync(sandbox.caFile), false);
    for (const name of Object.keys(sandbox.env)) {
      assert.equal(process.env[name], undefined);
    }
  });
});
