/// <reference types="mocha" />
// The bounce explainer inside a real VS Code: the command explains a bounce, shows the
// explanation beside the spec, and selects the setting that decides it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitUntil } from '../../support/wait-until';
import { openWorkspaceFile } from '../../support/workspace-files';

interface Explanation {
  kind: string;
  specPath: (string | number)[];
}

const TENANT_ATTRIBUTION = [
  'Delivery has failed to these recipients or groups:',
  '',
  "Remote server returned '550 5.7.64 TenantAttribution; Relay Access Denied [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]'",
  '',
  'From: Scanner <scanner@example.com>',
].join('\n');

const VIRTUAL_MAILBOX =
  "Remote server returned '550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table'";

async function explain(text: string): Promise<Explanation[]> {
  return (
    (await vscode.commands.executeCommand<Explanation[]>('mailHybrid.bounce.explain', text)) ?? []
  );
}

function explanationDocument(): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find(
    (document) => document.uri.scheme === 'mail-hybrid-bounce',
  );
}

describe('bounce: explaining a pasted bounce', () => {
  it("explains 5.7.64 and selects the inbound connector's certificate name in the spec", async () => {
    const { document } = await openWorkspaceFile('hybrid.yaml');
    const explanations = await explain(TENANT_ATTRIBUTION);
    assert.deepEqual(
      explanations.map((explanation) => explanation.kind),
      ['tenant-attribution'],
    );
    const editor = await waitUntil(
      () => {
        const active = vscode.window.activeTextEditor;
        return active?.document.uri.toString() === document.uri.toString() &&
          !active.selection.isEmpty
          ? active
          : undefined;
      },
      { description: 'the spec setting to be selected' },
    );
    assert.equal(editor.document.getText(editor.selection), 'mail.example.com');
    assert.equal(editor.selection.start.line, 13);

    const shown = await waitUntil(explanationDocument, { description: 'the explanation document' });
    assert.equal(shown.languageId, 'markdown');
    assert.match(shown.getText(), /5\.7\.64 TenantAttribution/);
    assert.match(shown.getText(), /`inbound-cert-not-accepted-domain`/);
    assert.ok(
      vscode.window.visibleTextEditors.some((visible) => visible.document === shown),
      'the explanation is visible beside the spec',
    );
  });

  it('leads to the relay checkbox of the domain the bounce names', async () => {
    await openWorkspaceFile('hybrid.yaml');
    const [explanation] = await explain(VIRTUAL_MAILBOX);
    assert.equal(explanation?.kind, 'virtual-mailbox-unknown');
    assert.deepEqual(explanation?.specPath, ['domains', 1, 'relay', 'domain']);
    const editor = await waitUntil(
      () => {
        const active = vscode.window.activeTextEditor;
        return active && active.selection.start.line === 5 ? active : undefined;
      },
      { description: 'relay.domain of example.org to be selected' },
    );
    assert.equal(editor.document.getText(editor.selection), 'false');
    // The explanation of the first test may still be open; the new one arrives asynchronously.
    await waitUntil(
      () =>
        vscode.workspace.textDocuments.some(
          (document) =>
            document.uri.scheme === 'mail-hybrid-bounce' &&
            /virtual mailbox table/.test(document.getText()),
        ) || undefined,
      { description: 'the explanation of the virtual-mailbox bounce' },
    );
  });

  it('returns nothing for a text it does not recognise', async () => {
    const explanations = await explain('250 2.0.0 Ok: queued as 4XyZ');
    assert.deepEqual(explanations, []);
  });
});
