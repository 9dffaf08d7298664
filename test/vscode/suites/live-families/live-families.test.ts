/// <reference types="mocha" />
// Every live family inside a real VS Code, against a sandbox the suite starts in the extension
// host: emulated mailcow, Exchange Online, DNS and mailcow's SMTP listener on loopback, seeded
// from the workspace's scenario, which holds one problem per system and one across systems.
// The live check places each on its line; the accepted domain's quick fix changes the emulated
// tenant, which the diagnostics and the Setup tree then show; Apply all leaves nothing a step
// could fix.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../../package.json';
import type { LiveReport } from '../../../../src/core/live/live-check';
import { NodeIds } from '../../../../src/core/tree/node-ids';
import type { SetupNode } from '../../../../src/core/tree/setup-tree';
import type { MailHybridApi } from '../../../../src/extension/main';
import { loadScenario } from '../../../../src/sandbox/scenario';
import type { RunningSandbox } from '../../../../src/sandbox/start-sandbox';
import { startSandbox } from '../../../../src/sandbox/start-sandbox';
import { diagnosticCodes, diagnosticsFor, waitForDiagnostics } from '../../support/diagnostics';
import { screenshot } from '../../support/screenshot';
import { waitUntil } from '../../support/wait-until';
import { workspaceUri } from '../../support/workspace-files';

const PRODUCT_ID = `${manifest.publisher}.${manifest.name}`;
const DOMAIN = 'example.com';
const STEP_COMMAND = 'mailHybrid.step.run';

function api(): MailHybridApi {
  const product = vscode.extensions.getExtension<MailHybridApi>(PRODUCT_ID);
  assert.ok(product?.isActive, `${PRODUCT_ID} is not active`);
  return product.exports;
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  return diagnosticCodes([diagnostic])[0] ?? '';
}

function all(nodes: SetupNode[]): SetupNode[] {
  return nodes.flatMap((node) => [node, ...all(node.children)]);
}

async function treeNode(id: string): Promise<SetupNode | undefined> {
  return all(await api().tree.getChildren()).find((candidate) => candidate.id === id);
}

async function stepActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
  );
  return actions.filter((action) => action.command?.command === STEP_COMMAND);
}

describe('live families: mailcow, Exchange Online, DNS, TLS and across systems', () => {
  let sandbox: RunningSandbox;
  let uri: vscode.Uri;
  let document: vscode.TextDocument;

  /** The spec's line (from 0) whose text, trimmed, is `text`; it must be there exactly once. */
  function lineOf(text: string): number {
    const lines = document
      .getText()
      .split(/\r?\n/)
      .flatMap((line, index) => (line.trim() === text ? [index] : []));
    assert.equal(lines.length, 1, `the spec has "${text}" once`);
    return lines[0]!;
  }

  function withCode(code: string): vscode.Diagnostic[] {
    return diagnosticsFor(uri).filter((diagnostic) => codeOf(diagnostic) === code);
  }

  function acceptedDomainType(): unknown {
    return sandbox.emulators.exchange.state.acceptedDomains.find(
      (domain) => domain.DomainName === DOMAIN,
    )?.DomainType;
  }

  before(async () => {
    sandbox = await startSandbox(loadScenario(workspaceUri('scenario.yaml').fsPath));
    // The written spec names the sandbox credentials as env: references; the live check runs in
    // this process, so they resolve from its environment.
    for (const [name, value] of Object.entries(sandbox.env)) {
      process.env[name] = value;
    }
    uri = vscode.Uri.file(sandbox.specFile);
    document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
  });

  after(async () => {
    for (const name of Object.keys(sandbox?.env ?? {})) {
      delete process.env[name];
    }
    await sandbox?.stop();
  });

  it('aims every system of the written spec at the sandbox on loopback', () => {
    const text = document.getText();
    assert.match(text, new RegExp(`url: ${sandbox.addresses.mailcow}`));
    assert.match(text, new RegExp(`login: ${sandbox.addresses.login}`));
    assert.match(text, new RegExp(`admin: ${sandbox.addresses.admin}`));
    assert.match(text, new RegExp(`- ${sandbox.addresses.dns}`));
    const { mailcow, login, admin, dns, smtp } = sandbox.addresses;
    for (const address of [mailcow, login, admin, dns, smtp]) {
      assert.match(address, /^(https?:\/\/)?127\.0\.0\.1:\d+$/);
    }
  });

  it('puts a finding of every live family on the line it is about', async () => {
    const report = await vscode.commands.executeCommand<LiveReport>('mailHybrid.live.refresh', uri);
    assert.ok(report, 'the live check ran');
    assert.deepEqual(report.unreadable, []);
    const expected: [code: string, source: string, line: string][] = [
      ['mailcow-relay-flags-drift', 'mailcow', `- name: ${DOMAIN}`],
      ['accepted-domain-authoritative', 'exchange', `- name: ${DOMAIN}`],
      ['spf-no-eop-include', 'dns', `- name: ${DOMAIN}`],
      // The connectors that validate the certificate are defaulted, so it sits on `exchange:`.
      ['cert-name-mismatch', 'tls', 'exchange:'],
      ['mailbox-also-in-exchange', 'exchange', `mailboxes: [app@${DOMAIN}]`],
    ];
    await waitForDiagnostics(uri, () => expected.every(([code]) => withCode(code).length > 0), {
      description: `diagnostics ${expected.map(([code]) => code).join(', ')}`,
    });
    for (const [code, source, line] of expected) {
      const found = withCode(code);
      assert.ok(
        found.every((diagnostic) => diagnostic.range.start.line === lineOf(line)),
        `${code} on "${line}", found on lines ${found.map((d) => d.range.start.line).join(', ')}`,
      );
      assert.ok(
        found.every((diagnostic) => diagnostic.source === `mail-hybrid (${source})`),
        `${code} comes from ${source}`,
      );
    }
    // The cross-system finding needs both systems' state: mailcow's mailbox and Exchange's
    // recipient of the same address.
    assert.match(withCode('mailbox-also-in-exchange')[0]!.message, /app@example\.com/);
    assert.deepEqual(
      report.findings
        .filter((finding) => finding.code === 'accepted-domain-authoritative')
        .map((finding) => finding.fixes?.map((fix) => fix.kind)),
      [['step']],
    );
    await screenshot('live-families');
  });

  it('shows the accepted domain’s live type in the Setup tree, drifting', async () => {
    const node = await waitUntil(
      async () => (await treeNode(NodeIds.acceptedDomain(DOMAIN)))?.live ?? undefined,
      { description: 'the accepted domain’s live value in the tree' },
    );
    assert.deepEqual(node, { value: 'Authoritative', drift: true });
  });

  it('makes the domain Internal relay in Exchange through its quick fix', async () => {
    assert.equal(acceptedDomainType(), 'Authoritative');
    const [finding] = withCode('accepted-domain-authoritative');
    assert.ok(finding);
    const [fix, ...others] = (await stepActions(uri, finding.range)).filter(
      (action) =>
        (action.command?.arguments?.[0] as { stepId?: string })?.stepId === 'accepted-domain',
    );
    assert.ok(fix?.command, 'the finding offers the accepted-domain step');
    assert.equal(others.length, 0);
    const outcome = await vscode.commands.executeCommand<{ status: string; message: string }>(
      fix.command.command,
      ...((fix.command.arguments ?? []) as unknown[]),
      { assumeYes: true },
    );
    assert.equal(outcome?.status, 'done', outcome?.message);
    assert.equal(acceptedDomainType(), 'InternalRelay');
    await waitForDiagnostics(uri, () => withCode('accepted-domain-authoritative').length === 0, {
      description: 'accepted-domain-authoritative to disappear',
    });
    // The step changed only Exchange: the other families still report.
    assert.ok(withCode('mailcow-relay-flags-drift').length > 0);
    assert.ok(withCode('spf-no-eop-include').length > 0);
  });

  it('shows the new type in the Setup tree without drift', async () => {
    const id = NodeIds.acceptedDomain(DOMAIN);
    const node = await waitUntil(
      async () => {
        const found = await treeNode(id);
        return found?.live?.drift === false ? found : undefined;
      },
      { description: 'the accepted domain without drift in the tree' },
    );
    assert.deepEqual(node.live, { value: 'Internal relay', drift: false });
    assert.equal(node.status, 'ok');
    const description = api().tree.getTreeItem(node).description;
    assert.equal(description, `${node.desired} → Internal relay`);
  });

  it('leaves no finding a step could fix after Apply all for mailcow and Exchange Online', async () => {
    const mailcow = await vscode.commands.executeCommand<{ ok: boolean; message: string }>(
      'mailHybrid.mailcow.applyAll',
      uri,
      { assumeYes: true },
    );
    assert.equal(mailcow?.ok, true, mailcow?.message);
    const exchange = await vscode.commands.executeCommand<{ ok: boolean; message: string }>(
      'mailHybrid.exchange.applyAll',
      uri,
      { assumeYes: true },
    );
    assert.equal(exchange?.ok, true, exchange?.message);
    assert.equal(sandbox.emulators.exchange.state.inboundConnectors.length, 1);
    assert.equal(sandbox.emulators.mailcow.state.domains.get(DOMAIN)?.relayUnknown, 1);

    const left = await waitForDiagnostics(
      uri,
      () =>
        withCode('mailcow-relay-flags-drift').length === 0 &&
        withCode('inbound-connector-missing').length === 0,
      { description: 'the mailcow and Exchange drift to disappear' },
    );
    const report = api().live.report(uri);
    assert.ok(report);
    assert.deepEqual(
      report.findings
        .filter((finding) => finding.fixes?.some((fix) => fix.kind === 'step'))
        .map((finding) => finding.code),
      [],
    );
    for (const diagnostic of left) {
      assert.deepEqual(
        (await stepActions(uri, diagnostic.range)).map((action) => action.title),
        [],
        `no step offered for ${codeOf(diagnostic)}`,
      );
    }
    // What no mailcow or Exchange step can change stays: DNS, the certificate, the duplicate
    // mailbox, and the note about mailcow's filtering.
    assert.deepEqual([...new Set(left.map(codeOf))].sort(), [
      'cert-name-mismatch',
      'inbound-filtering-bypassed',
      'mailbox-also-in-exchange',
      'spf-no-eop-include',
    ]);
  });
});
