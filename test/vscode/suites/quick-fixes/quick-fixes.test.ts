/// <reference types="mocha" />
// Every quick fix that needs no network, through VS Code's own code action machinery: the fix
// is offered on its diagnostic, applying it writes exactly the expected text, and the
// diagnostic goes away. The fixes run one after another on one spec, as an admin would work
// through the Problems panel; at the end only the informational finding is left.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diagnosticCodes, diagnosticsFor, waitForDiagnostics } from '../../support/diagnostics';
import { waitUntil } from '../../support/wait-until';
import { openWorkspaceFile, workspaceUri } from '../../support/workspace-files';

const SPEC = 'hybrid.yaml';

function codeOf(diagnostic: vscode.Diagnostic): string {
  return diagnosticCodes([diagnostic])[0]!;
}

async function diagnosticWith(code: string): Promise<vscode.Diagnostic> {
  const found = await waitForDiagnostics(workspaceUri(SPEC), (list) =>
    list.some((diagnostic) => codeOf(diagnostic) === code),
  );
  return found.find((diagnostic) => codeOf(diagnostic) === code)!;
}

/**
 * The quick fixes VS Code offers where the diagnostic sits, as the light bulb lists them. The
 * command hands actions back without their diagnostics, so the titles (which name the value or
 * the code they are about) tell which finding each fixes.
 */
async function actionsFor(diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const offered = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    workspaceUri(SPEC),
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return offered.filter(
    (action): action is vscode.CodeAction => typeof (action as vscode.Command).command !== 'string',
  );
}

async function applyFix(code: string, title: string): Promise<vscode.CodeAction> {
  const diagnostic = await diagnosticWith(code);
  const actions = await actionsFor(diagnostic);
  const action = actions.find((candidate) => candidate.title === title);
  assert.ok(
    action,
    `no fix "${title}" on ${code}; offered: ${actions.map((candidate) => candidate.title).join(' | ')}`,
  );
  if (action.edit) {
    assert.equal(await vscode.workspace.applyEdit(action.edit), true);
  }
  if (action.command) {
    await vscode.commands.executeCommand(
      action.command.command,
      ...((action.command.arguments ?? []) as unknown[]),
    );
  }
  return action;
}

function line(number: number): string {
  const document = vscode.workspace.textDocuments.find(
    (candidate) => candidate.uri.toString() === workspaceUri(SPEC).toString(),
  );
  assert.ok(document);
  return document.lineAt(number).text;
}

async function gone(code: string, count = 0): Promise<void> {
  await waitForDiagnostics(
    workspaceUri(SPEC),
    (list) => list.filter((diagnostic) => codeOf(diagnostic) === code).length === count,
    { description: `${count === 0 ? 'no' : count} ${code} on ${SPEC}` },
  );
}

describe('quick fixes: offline fixes applied through VS Code', () => {
  before(async () => {
    await openWorkspaceFile(SPEC);
    await diagnosticWith('relay-domain-off');
  });

  it('switches a relay flag on', async () => {
    const offered = await actionsFor(await diagnosticWith('relay-domain-off'));
    assert.deepEqual(
      offered.map((action) => action.title),
      ['Set relay.domain to true', 'Ignore relay-domain-off on this line'],
    );
    const action = await applyFix('relay-domain-off', 'Set relay.domain to true');
    assert.equal(action.isPreferred, true);
    assert.equal(line(5), '      domain: true');
    await gone('relay-domain-off');
  });

  it('replaces * in the recipient domains by the shared domains', async () => {
    await applyFix(
      'connector-wildcard-recipients',
      'Replace with the shared domains (example.com, example.org)',
    );
    assert.equal(line(16), '    recipientDomains: [example.com, example.org]');
    await gone('connector-wildcard-recipients');
  });

  it('writes the gateway with dashes, which also makes the relayhost point at it', async () => {
    await applyFix('gateway-malformed', 'Use example-com.mail.protection.outlook.com');
    assert.equal(line(13), '  gateway: example-com.mail.protection.outlook.com');
    await gone('gateway-malformed');
    await gone('relayhost-not-gateway');
  });

  it('brackets the relayhost', async () => {
    await applyFix(
      'relayhost-unbracketed',
      'Write the relayhost as [example-com.mail.protection.outlook.com]:25',
    );
    assert.equal(line(9), '  relayhost: "[example-com.mail.protection.outlook.com]:25"');
    await gone('relayhost-unbracketed');
  });

  it('drops the port of a smart host', async () => {
    await applyFix('smart-host-has-port', 'Drop the port: mail.example.com');
    assert.equal(line(17), '    smartHosts: [mail.example.com]');
    await gone('smart-host-has-port');
  });

  it('renames a misspelt key and picks an allowed value', async () => {
    const rename = await diagnosticWith('schema');
    assert.equal(rename.range.start.line, 10);
    await applyFix('schema', 'Rename to "forwardingHosts"');
    assert.equal(line(10), '  forwardingHosts: [spf.protection.outlook.com]');
    await gone('schema', 1);

    const value = await diagnosticWith('schema');
    assert.equal(value.range.start.line, 14);
    const titles = (await actionsFor(value)).map((action) => action.title);
    assert.deepEqual(titles.slice(0, 4), [
      'Use "global"',
      'Use "usgov-gcchigh"',
      'Use "usgov-dod"',
      'Use "china"',
    ]);
    await applyFix('schema', 'Use "global"');
    assert.equal(line(14), '  cloud: global');
    await gone('schema');
  });

  it('ignores a finding on its line', async () => {
    await applyFix('inbound-ip-only', 'Ignore inbound-ip-only on this line');
    assert.equal(line(19), '    auth: ip  # hybrid-ignore inbound-ip-only');
    await gone('inbound-ip-only');
  });

  it('moves an inline secret into secret storage and writes a secret: reference', async () => {
    const diagnostic = await diagnosticWith('secret-inline');
    assert.equal(line(8), '  apiKey: 4f3c2a1b-inline-key-value');
    const action = (await actionsFor(diagnostic)).find(
      (candidate) => candidate.title === 'Move the value into secret storage as secret:mailcow',
    );
    assert.ok(action?.command, 'the secret fix is a command: it stores before it edits');
    assert.equal(action.command.command, 'mailHybrid.secret.storeInline');
    // The value travels through secret storage only, never in the command's arguments.
    assert.equal(JSON.stringify(action.command.arguments).includes('4f3c2a1b'), false);
    const stored = await vscode.commands.executeCommand<boolean>(
      action.command.command,
      ...((action.command.arguments ?? []) as unknown[]),
    );
    assert.equal(stored, true);
    await waitUntil(() => line(8) === '  apiKey: secret:mailcow', {
      description: 'the reference in place of the value',
    });
    await gone('secret-inline');
  });

  it('leaves only the note that relaying bypasses mailcow’s filtering', async () => {
    await waitUntil(
      () => {
        const codes = diagnosticCodes(diagnosticsFor(workspaceUri(SPEC)));
        return codes.length === 2 && codes.every((code) => code === 'inbound-filtering-bypassed')
          ? codes
          : undefined;
      },
      { description: 'only the two informational findings' },
    );
  });
});
