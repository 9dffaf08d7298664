/// <reference types="mocha" />
// The first suite: proves that the harness installs the product as users get it, that the
// real extension host activates it, and that the window has the fixture workspace open.
import * as assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import manifest from '../../../../package.json';
import { SCREENSHOT_REQUEST_ENV, WORKSPACE_ENV } from '../../support/harness-env';
import { screenshot } from '../../support/screenshot';
import { openWorkspaceFile, workspaceFolder } from '../../support/workspace-files';

const PRODUCT_ID = `${manifest.publisher}.${manifest.name}`;

describe('smoke: the product inside a real VS Code', () => {
  it('is installed from the release layout and active', () => {
    const product = vscode.extensions.getExtension(PRODUCT_ID);
    assert.ok(product, `${PRODUCT_ID} is not installed`);
    assert.equal(product.isActive, true);
    assert.equal(basename(product.extensionPath), `${PRODUCT_ID}-${manifest.version}`);
    assert.equal(product.packageJSON.main, manifest.main);
    // The published layout: the bundle, never the TypeScript it came from.
    assert.equal(existsSync(join(product.extensionPath, manifest.main)), true);
    assert.equal(existsSync(join(product.extensionPath, 'src')), false);
  });

  it('has the fresh copy of the fixture workspace open', async () => {
    const expected = process.env[WORKSPACE_ENV];
    assert.ok(expected, `${WORKSPACE_ENV} is not set`);
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(realpathSync(workspaceFolder().uri.fsPath), realpathSync(expected));

    const { document, editor } = await openWorkspaceFile('hybrid.yaml');
    assert.equal(vscode.window.activeTextEditor, editor);
    assert.equal(document.languageId, 'yaml');
    assert.match(document.lineAt(0).text, /^version: 1$/);
  });

  it('finds the spec through the workspace search', async () => {
    const found = await vscode.workspace.findFiles('**/*.yaml');
    assert.deepEqual(
      found.map((uri) => vscode.workspace.asRelativePath(uri)),
      ['hybrid.yaml'],
    );
  });

  it('takes a workbench screenshot only when the harness was asked for pictures', async () => {
    const taken = await screenshot('smoke-workbench');
    assert.equal(taken, process.env[SCREENSHOT_REQUEST_ENV] !== undefined);
  });
});
