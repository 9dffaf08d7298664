/// <reference types="mocha" />
// The Exchange commands inside a real VS Code: contributed to the palette, the PowerShell export
// opening its script in a new editor, and sign-in and sign-out answering without any network
// (the fixture signs in as an app, which needs no interactive sign-in).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitUntil } from '../../support/wait-until';
import { openWorkspaceFile } from '../../support/workspace-files';

const COMMANDS = [
  'mailHybrid.exchange.signIn',
  'mailHybrid.exchange.signOut',
  'mailHybrid.exchange.exportPowerShell',
];

describe('exchange: sign-in and the PowerShell export in the editor', () => {
  it('contributes its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const command of COMMANDS) {
      assert.ok(all.includes(command), `${command} is registered`);
    }
  });

  it('opens the script for the active spec in an untitled PowerShell editor', async () => {
    const { document: spec } = await openWorkspaceFile('hybrid.yaml');
    await vscode.commands.executeCommand('mailHybrid.exchange.exportPowerShell');
    const editor = await waitUntil(
      () => {
        const active = vscode.window.activeTextEditor;
        return active && active.document !== spec ? active : undefined;
      },
      { timeoutMs: 10_000, description: 'the script editor' },
    );
    const { document } = editor;
    assert.equal(document.isUntitled, true);
    assert.equal(document.languageId, 'powershell');
    const text = document.getText();
    assert.match(
      text,
      /^Connect-ExchangeOnline -DelegatedOrganization 'contoso\.onmicrosoft\.com'/m,
    );
    assert.match(text, /Set-AcceptedDomain -Identity 'example\.com' -DomainType 'InternalRelay'/);
    // The hostile name stays one literal: its quote is doubled.
    assert.ok(text.includes("-Name 'To mailcow''; Remove-Mailbox -Identity *; '''"));
  });

  it('has nothing to sign in for an app, and signs out without error', async () => {
    await openWorkspaceFile('hybrid.yaml');
    const signedIn = await vscode.commands.executeCommand<boolean>('mailHybrid.exchange.signIn');
    assert.equal(signedIn, false);
    await vscode.commands.executeCommand('mailHybrid.exchange.signOut');
  });
});
