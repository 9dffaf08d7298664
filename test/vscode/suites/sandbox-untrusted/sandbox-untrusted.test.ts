/// <reference types="mocha" />
// In a workspace the user has not trusted, the sandbox does not start: no spec is read or
// written, no port is opened, no credential is put into the environment.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { workspaceUri } from '../../support/workspace-files';

describe('sandbox in an untrusted workspace', () => {
  it('refuses to start', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const started = await vscode.commands.executeCommand<unknown>(
      'mailHybrid.sandbox.start',
      workspaceUri('scenario.yaml'),
    );
    assert.equal(started, undefined);
    assert.equal(existsSync(workspaceUri('sandbox.hybrid.yaml').fsPath), false);
    assert.equal(process.env.MAIL_HYBRID_SANDBOX_MAILCOW_KEY, undefined);
    assert.equal(process.env.MAIL_HYBRID_SANDBOX_EXCHANGE_SECRET, undefined);
  });
});
