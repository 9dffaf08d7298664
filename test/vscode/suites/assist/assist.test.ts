/// <reference types="mocha" />
// Hover and completion from the spec's schema, as VS Code's own hover and suggest widgets ask
// for them: the key's description, the allowed values, and the connector snippets, which must
// insert YAML the schema accepts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticCodes, waitForDiagnostics } from '../../support/diagnostics';
import { openWorkspaceFile, workspaceUri } from '../../support/workspace-files';

const SPEC = 'hybrid.yaml';

async function hoverText(
  position: vscode.Position,
): Promise<{ text: string; range?: vscode.Range }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    workspaceUri(SPEC),
    position,
  );
  const text = hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
  return { text, range: hovers[0]?.range };
}

async function completions(position: vscode.Position): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    workspaceUri(SPEC),
    position,
  );
  // Only what the schema offers; VS Code adds words from the file besides.
  return list.items.filter((item) => item.kind !== vscode.CompletionItemKind.Text);
}

function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

describe('assist: hover and completion from the schema', () => {
  before(async () => {
    await openWorkspaceFile(SPEC);
  });

  it('explains a key on hover, on the key itself', async () => {
    const { text, range } = await hoverText(new vscode.Position(5, 5));
    assert.match(text, /^\*\*relayhost\*\* · `string`/);
    assert.match(text, /The relayhost \("sender-dependent transport"\) the shared domains use/);
    assert.match(text, /Default: `\[<exchange\.gateway>\]:25`/);
    assert.ok(range);
    assert.deepEqual(
      [range.start.line, range.start.character, range.end.line, range.end.character],
      [5, 2, 5, 11],
    );
  });

  it('lists the allowed values on hover of a closed set', async () => {
    const { text } = await hoverText(new vscode.Position(9, 3));
    assert.match(text, /^\*\*cloud\*\*/);
    assert.match(text, /`global`, `usgov-gcchigh`, `usgov-dod`, `china`/);
  });

  it('completes the keys a section still lacks, required ones first', async () => {
    const items = await completions(new vscode.Position(10, 2));
    const keys = items
      .filter((item) => item.kind === vscode.CompletionItemKind.Property)
      .sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))
      .map(label);
    assert.deepEqual(keys, ['auth', 'endpoints', 'inboundConnector', 'outboundConnector']);
    const auth = items.find((item) => label(item) === 'auth')!;
    assert.ok(auth.documentation instanceof vscode.MarkdownString);
  });

  it('completes the allowed values, the default preselected', async () => {
    const items = await completions(new vscode.Position(9, 9));
    const values = items.filter((item) => item.kind === vscode.CompletionItemKind.Value);
    // VS Code orders the list itself; which values are offered is the product's part.
    assert.deepEqual(values.map(label).sort(), ['china', 'global', 'usgov-dod', 'usgov-gcchigh']);
    const preselected = values.filter((item) => item.preselect);
    assert.deepEqual(preselected.map(label), ['global']);
  });

  it('offers the connector snippets, which insert what the schema accepts', async () => {
    const items = await completions(new vscode.Position(10, 2));
    const snippets = items.filter((item) => item.kind === vscode.CompletionItemKind.Snippet);
    assert.deepEqual(snippets.map(label).sort(), [
      'auth: certificate',
      'auth: clientSecret',
      'auth: deviceCode',
      'auth: vscode',
      'inbound connector (mailcow → Exchange), IP',
      'inbound connector (mailcow → Exchange), certificate',
      'outbound connector (Exchange → mailcow)',
    ]);

    const outbound = snippets.find(
      (item) => label(item) === 'outbound connector (Exchange → mailcow)',
    )!;
    assert.ok(outbound.insertText instanceof vscode.SnippetString);
    const { document, editor } = await openWorkspaceFile(SPEC);
    // Fill the value of cloud first, so the only findings left are the snippet's.
    await editor.edit((builder) => builder.insert(new vscode.Position(9, 9), 'global'));
    const inserted = await editor.insertSnippet(
      outbound.insertText,
      new vscode.Range(10, 2, 10, 2),
    );
    assert.equal(inserted, true);
    assert.equal(
      document.getText(new vscode.Range(10, 0, 16, 0)),
      [
        '  outboundConnector:',
        '    name: To mailcow',
        '    recipientDomains:',
        '      - example.com',
        '    smartHosts:',
        '      - mail.example.com',
        '',
      ].join('\n'),
    );
    assert.match(document.lineAt(16).text, /^ {4}tlsSettings: DomainValidation$/);
    assert.match(document.lineAt(17).text, /^ {4}tlsDomain: mail\.example\.com$/);
    const found = await waitForDiagnostics(document.uri, (list) =>
      list.every((diagnostic) => diagnosticCodes([diagnostic])[0] !== 'schema'),
    );
    assert.deepEqual(diagnosticCodes(found), ['inbound-filtering-bypassed']);
  });
});
