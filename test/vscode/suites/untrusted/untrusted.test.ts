/// <reference types="mocha" />
// A folder the user has not trusted: the extension still runs its offline checks, since they
// read only the file, and the Setup view still shows the spec. (Nothing is sent anywhere in
// this version at all; the live checks that will need trust are not part of it.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../../package.json';
import type { MailHybridApi } from '../../../../src/extension/main';
import { diagnosticCodes, waitForDiagnostics } from '../../support/diagnostics';
import { openWorkspaceFile } from '../../support/workspace-files';

const PRODUCT_ID = `${manifest.publisher}.${manifest.name}`;

describe('untrusted: restricted mode', () => {
  it('runs in a workspace that is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const product = vscode.extensions.getExtension<MailHybridApi>(PRODUCT_ID);
    assert.equal(product?.isActive, true);
  });

  it('shows the offline findings on their nodes', async () => {
    const { document } = await openWorkspaceFile('hybrid.yaml');
    const found = await waitForDiagnostics(document.uri, (list) => list.length >= 4);
    assert.deepEqual(
      found.map((diagnostic) => [
        diagnosticCodes([diagnostic])[0],
        diagnostic.range.start.line,
        document.getText(diagnostic.range),
      ]),
      [
        ['inbound-filtering-bypassed', 2, 'example.com'],
        ['inbound-filtering-bypassed', 3, 'example.org'],
        ['relay-all-recipients-off', 5, 'false'],
        ['gateway-malformed', 11, 'example.com.mail.protection.outlook.com'],
        ['smart-host-has-port', 13, 'mail.example.com:2525'],
      ],
    );
  });

  it('does not follow test messages: that reads mailcow and Exchange with the secrets', async () => {
    const { document } = await openWorkspaceFile('hybrid.yaml');
    const outcome = await vscode.commands.executeCommand<{ notRun?: string } | undefined>(
      'mailHybrid.validate.run',
      document.uri,
      { assumeSent: true },
    );
    assert.deepEqual(outcome, { notRun: 'untrusted' });
  });

  it('offers the offline quick fixes', async () => {
    const { document } = await openWorkspaceFile('hybrid.yaml');
    const offered = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(5, 21, 5, 26),
      vscode.CodeActionKind.QuickFix.value,
    );
    assert.deepEqual(
      offered.map((action) => action.title),
      ['Set relay.allRecipients to true', 'Ignore relay-all-recipients-off on this line'],
    );
  });

  it('shows the spec in the Setup view', async () => {
    const tree = vscode.extensions.getExtension<MailHybridApi>(PRODUCT_ID)!.exports.tree;
    const roots = await tree.getChildren();
    assert.deepEqual(
      roots.map((root) => [root.label, root.status]),
      [
        ['mailcow', 'error'],
        ['Exchange Online', 'error'],
        // The spec alone cannot tell what DNS answers; no lookup runs in restricted mode.
        ['DNS', 'unknown'],
        ['Setup steps', 'error'],
      ],
    );
  });
});
