/// <reference types="mocha" />
// What the Problems panel shows for specs, as VS Code holds it: the exact range, severity and
// code of each finding for syntax errors, schema errors and the offline rules, the README link
// behind each code, per-line suppression, updates while typing, and nothing left after closing.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import manifest from '../../../../package.json';
import { diagnosticCodes, diagnosticsFor, waitForDiagnostics } from '../../support/diagnostics';
import { screenshot } from '../../support/screenshot';
import { waitUntil } from '../../support/wait-until';
import { openWorkspaceFile, workspaceUri } from '../../support/workspace-files';

const PRODUCT_ID = `${manifest.publisher}.${manifest.name}`;
const OURS = 'mail-hybrid';

type Shown = [code: string, range: string, severity: string, source: string];

const SEVERITY_NAMES = ['error', 'warning', 'info', 'hint'];

/** One diagnostic as a line a reader can check against the fixture: code, range, severity. */
function shown(diagnostic: vscode.Diagnostic): Shown {
  const { start, end } = diagnostic.range;
  return [
    diagnosticCodes([diagnostic])[0]!,
    `${start.line}:${start.character}-${end.line}:${end.character}`,
    SEVERITY_NAMES[diagnostic.severity]!,
    diagnostic.source ?? '',
  ];
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return diagnosticsFor(uri).filter((diagnostic) => diagnostic.source?.startsWith(OURS));
}

function waitForOurs(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, (found) =>
    accept(found.filter((diagnostic) => diagnostic.source?.startsWith(OURS))),
  ).then((found) => found.filter((diagnostic) => diagnostic.source?.startsWith(OURS)));
}

function textAt(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): string {
  return document.getText(diagnostic.range);
}

describe('diagnostics: the Problems panel for specs', () => {
  it('places every offline rule finding on the node it is about', async () => {
    const { document } = await openWorkspaceFile('rules/hybrid.yaml');
    const found = await waitForOurs(document.uri, (list) => list.length > 0);
    assert.deepEqual(found.map(shown), [
      ['inbound-filtering-bypassed', '2:4-2:15', 'info', 'mail-hybrid (rules)'],
      ['inbound-filtering-bypassed', '3:10-3:21', 'info', 'mail-hybrid (rules)'],
      ['relay-unknown-only-off', '5:19-5:24', 'error', 'mail-hybrid (rules)'],
      ['relayhost-not-gateway', '9:13-9:55', 'error', 'mail-hybrid (rules)'],
      ['relayhost-unbracketed', '9:13-9:55', 'warning', 'mail-hybrid (rules)'],
      ['gateway-malformed', '12:11-12:50', 'error', 'mail-hybrid (rules)'],
      ['connector-wildcard-recipients', '14:23-14:26', 'error', 'mail-hybrid (rules)'],
      ['smart-host-has-port', '15:17-15:37', 'error', 'mail-hybrid (rules)'],
    ]);
    assert.deepEqual(
      found.map((diagnostic) => textAt(document, diagnostic)),
      [
        'example.com',
        'example.org',
        'false',
        'example-com.mail.protection.outlook.com:25',
        'example-com.mail.protection.outlook.com:25',
        'example.com.mail.protection.outlook.com',
        '"*"',
        'mail.example.com:587',
      ],
    );
    const relay = found[2]!;
    assert.match(relay.message, /example\.org/);
    assert.match(relay.message, /loop|relays mail for its own/);

    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await openWorkspaceFile('rules/hybrid.yaml');
    await screenshot('diagnostics', { settleMs: 1500 });
  });

  it('links each code to its section in the README', () => {
    const found = ours(workspaceUri('rules/hybrid.yaml'));
    assert.ok(found.length > 0);
    const product = vscode.extensions.getExtension(PRODUCT_ID);
    assert.ok(product);
    const readme = readFileSync(
      vscode.Uri.joinPath(product.extensionUri, 'README.md').fsPath,
      'utf8',
    ).split('\n');
    for (const diagnostic of found) {
      const code = diagnostic.code;
      assert.ok(typeof code === 'object', `${diagnosticCodes([diagnostic])[0]} carries no link`);
      assert.ok(code.target instanceof vscode.Uri);
      assert.equal(code.target.path, vscode.Uri.joinPath(product.extensionUri, 'README.md').path);
      const line = /^L(\d+)$/.exec(code.target.fragment);
      assert.ok(line, `fragment ${code.target.fragment}`);
      assert.equal(readme[Number(line[1]) - 1], `#### \`${String(code.value)}\``);
    }
  });

  it('honours a suppression comment, and shows the finding once the comment is gone', async () => {
    const { document } = await openWorkspaceFile('rules/hybrid.yaml');
    assert.equal(diagnosticCodes(ours(document.uri)).includes('inbound-ip-only'), false);
    const line = document.lineAt(17);
    assert.equal(line.text, '    auth: ip   # hybrid-ignore inbound-ip-only');
    const edit = new vscode.WorkspaceEdit();
    edit.delete(document.uri, new vscode.Range(17, 12, 17, line.text.length));
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const found = await waitForOurs(document.uri, (list) =>
      diagnosticCodes(list).includes('inbound-ip-only'),
    );
    const ipOnly = found.find(
      (diagnostic) => diagnosticCodes([diagnostic])[0] === 'inbound-ip-only',
    );
    assert.deepEqual(shown(ipOnly!), [
      'inbound-ip-only',
      '17:10-17:12',
      'warning',
      'mail-hybrid (rules)',
    ]);
  });

  it('follows typing: a fixed value loses its finding, a new mistake gains one', async () => {
    const { document } = await openWorkspaceFile('rules/hybrid.yaml');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(5, 19, 5, 24), 'true');
    edit.replace(document.uri, new vscode.Range(1, 0, 1, 8), 'domians:');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const found = await waitForOurs(
      document.uri,
      (list) =>
        !diagnosticCodes(list).includes('relay-unknown-only-off') &&
        diagnosticCodes(list).includes('schema'),
    );
    const schema = found.filter((diagnostic) => diagnostic.source === 'mail-hybrid (schema)');
    assert.deepEqual(schema.map(shown), [
      ['schema', '0:0-0:7', 'error', 'mail-hybrid (schema)'],
      ['schema', '1:0-1:7', 'error', 'mail-hybrid (schema)'],
    ]);
    assert.match(schema[0]!.message, /"domains"/);
    assert.match(schema[1]!.message, /did you mean "domains"/);
  });

  it('clears the findings of a spec when its editor closes', async () => {
    const { document } = await openWorkspaceFile('rules/hybrid.yaml');
    assert.ok(ours(document.uri).length > 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitUntil(() => ours(document.uri).length === 0, {
      description: 'the findings of rules/hybrid.yaml to go',
    });
  });

  it('places schema errors: unknown key on the key, missing key on the parent, bad value on the value', async () => {
    const { document } = await openWorkspaceFile('schema/hybrid.yaml');
    const found = await waitForOurs(document.uri, (list) => list.length > 0);
    const schema = found.filter((diagnostic) => diagnostic.source === 'mail-hybrid (schema)');
    assert.deepEqual(schema.map(shown), [
      ['schema', '6:2-6:11', 'error', 'mail-hybrid (schema)'],
      ['schema', '7:0-7:8', 'error', 'mail-hybrid (schema)'],
      ['schema', '9:9-9:15', 'error', 'mail-hybrid (schema)'],
      ['schema', '11:16-11:32', 'error', 'mail-hybrid (schema)'],
    ]);
    assert.deepEqual(
      schema.map((diagnostic) => textAt(document, diagnostic)),
      ['relayHost', 'exchange', 'europe', 'mail.example.com'],
    );
    assert.match(schema[0]!.message, /Unknown key "relayHost".*did you mean "relayhost"/);
    assert.match(schema[1]!.message, /lacks the required key "tenant"/);
    assert.match(schema[2]!.message, /must be one of global, usgov-gcchigh, usgov-dod, china/);
    assert.match(schema[3]!.message, /must be a list/);
  });

  it('reports YAML syntax errors where the parser gave up, and nothing else', async () => {
    const { document } = await openWorkspaceFile('syntax/hybrid.yaml');
    const found = await waitForOurs(document.uri, (list) => list.length > 0);
    assert.deepEqual(found.map(shown), [
      ['yaml-syntax', '4:7-4:8', 'error', 'mail-hybrid (yaml)'],
      ['yaml-syntax', '4:7-5:9', 'error', 'mail-hybrid (yaml)'],
    ]);
    assert.match(found[1]!.message, /Implicit keys need to be on a single line/);
  });

  it('checks files named *.hybrid.yaml as specs', async () => {
    const { document } = await openWorkspaceFile('site.hybrid.yaml');
    const found = await waitForOurs(document.uri, (list) =>
      diagnosticCodes(list).includes('duplicate-domain'),
    );
    const duplicate = found.find(
      (diagnostic) => diagnosticCodes([diagnostic])[0] === 'duplicate-domain',
    );
    assert.deepEqual(shown(duplicate!), [
      'duplicate-domain',
      '1:23-1:34',
      'error',
      'mail-hybrid (rules)',
    ]);
  });

  it('leaves other YAML files alone', async () => {
    const { document } = await openWorkspaceFile('other.yaml');
    // A spec opened afterwards is checked; by then the other file would have been too.
    const spec = await openWorkspaceFile('site.hybrid.yaml');
    await waitForOurs(spec.document.uri, (list) => list.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(diagnosticsFor(document.uri), []);
  });
});
