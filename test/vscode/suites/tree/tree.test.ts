/// <reference types="mocha" />
// The Setup view as a mail admin sees it: the nodes of the fixture spec with their statuses and
// the recipe's steps in order, the line each node reveals, the live values a live check hands
// in, and the welcome state once the workspace holds no spec. The tree is read through the
// product's exported API (the same provider the view draws from) and the view itself.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import manifest from '../../../../package.json';
import { flagPattern, NodeFlags } from '../../../../src/core/tree/node-flags';
import { NodeIds } from '../../../../src/core/tree/node-ids';
import type { SetupNode } from '../../../../src/core/tree/setup-tree';
import type { MailHybridApi } from '../../../../src/extension/main';
import { screenshot } from '../../support/screenshot';
import { waitUntil } from '../../support/wait-until';
import { openWorkspaceFile, workspaceUri } from '../../support/workspace-files';

const PRODUCT_ID = `${manifest.publisher}.${manifest.name}`;

function api(): MailHybridApi {
  const product = vscode.extensions.getExtension<MailHybridApi>(PRODUCT_ID);
  assert.ok(product?.isActive, `${PRODUCT_ID} is not active`);
  return product.exports;
}

async function roots(): Promise<SetupNode[]> {
  return api().tree.getChildren();
}

function all(nodes: SetupNode[]): SetupNode[] {
  return nodes.flatMap((node) => [node, ...all(node.children)]);
}

async function node(id: string): Promise<SetupNode> {
  const found = all(await roots()).find((candidate) => candidate.id === id);
  assert.ok(found, `the tree has no node ${id}`);
  return found;
}

function item(target: SetupNode): vscode.TreeItem {
  return api().tree.getTreeItem(target);
}

function icon(target: SetupNode): { id: string; color: string | undefined } {
  const path = item(target).iconPath;
  assert.ok(path instanceof vscode.ThemeIcon, `${target.id} has no theme icon`);
  // ThemeColor has carried its id at run time for long; the typings of VS Code 1.90 lack it.
  const color = path.color as unknown as { id: string } | undefined;
  return { id: path.id, color: color?.id };
}

function labelOf(treeItem: vscode.TreeItem): string {
  const label = treeItem.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

const SPEC = 'hybrid.yaml';

/** The view wide enough to read, with the failing relay flag of example.org in sight. */
async function showForPicture(): Promise<void> {
  const tree = api().tree;
  await tree.treeView.reveal(await node(NodeIds.relayFlag('example.org', 'unknownOnly')), {
    select: true,
    focus: true,
    expand: true,
  });
  // Resizing acts on the focused part: narrowing the editor widens the side bar.
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  for (let step = 0; step < 3; step += 1) {
    await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
  }
  await vscode.commands.executeCommand(
    'mailHybrid.tree.reveal',
    NodeIds.relayFlag('example.org', 'unknownOnly'),
  );
}

describe('tree: the Setup view', () => {
  before(async () => {
    await openWorkspaceFile(SPEC);
    await vscode.commands.executeCommand('workbench.view.extension.mailHybrid');
    await waitUntil(() => api().tree.treeView.visible, { description: 'the Setup view to show' });
  });

  it('shows mailcow, Exchange Online, DNS and the setup steps of the active spec', async () => {
    const top = await waitUntil(async () => {
      const found = await roots();
      return found.length > 0 ? found : undefined;
    });
    assert.equal(api().tree.specUri?.toString(), workspaceUri(SPEC).toString());
    assert.deepEqual(
      top.map((root) => [root.label, root.status]),
      [
        ['mailcow', 'error'],
        ['Exchange Online', 'unknown'],
        ['DNS', 'unknown'],
        ['Setup steps', 'error'],
      ],
    );
    const mailcow = top[0]!;
    assert.deepEqual(
      mailcow.children.map((child) => child.label),
      [
        'example.com',
        'example.org',
        'Relayhost',
        'Forwarding hosts',
        'SMTP listener mail.example.com:25',
      ],
    );
  });

  it('lists the steps in the order of the recipe, once per domain where the recipe says so', async () => {
    const steps = await node(NodeIds.steps);
    assert.deepEqual(
      steps.children.map((step) => [labelOf(item(step)), step.status]),
      [
        ['1. MX of example.com points to Exchange Online', 'unknown'],
        ['2. MX of example.org points to Exchange Online', 'unknown'],
        ['3. Accepted domain example.com as Internal relay', 'unknown'],
        ['4. Accepted domain example.org as Internal relay', 'unknown'],
        ['5. Add example.com to mailcow', 'unknown'],
        ['6. Add example.org to mailcow', 'unknown'],
        ['7. Add the gateway as relayhost', 'warning'],
        ['8. Add the forwarding hosts', 'unknown'],
        ['9. Relay example.com through the gateway', 'unknown'],
        ['10. Relay example.org through the gateway', 'error'],
        ['11. Connector Exchange → mailcow', 'unknown'],
        ['12. Connector mailcow → Exchange', 'unknown'],
      ],
    );
    assert.equal(item(steps).description, '0 of 12 verified');
    assert.equal(item(steps.children[9]!).description, 'errors');
  });

  it('draws each status as a coloured theme icon, with flags as the context value', async () => {
    const flag = await node(NodeIds.relayFlag('example.org', 'unknownOnly'));
    assert.deepEqual(icon(flag), { id: 'error', color: 'problemsErrorIcon.foreground' });
    assert.equal(item(flag).contextValue, 'relay-flag+mailcow+error+revealable');
    assert.equal(item(flag).description, 'off');
    assert.equal(item(flag).collapsibleState, vscode.TreeItemCollapsibleState.None);

    const relayhost = await node(NodeIds.relayhost);
    assert.deepEqual(icon(relayhost), { id: 'warning', color: 'problemsWarningIcon.foreground' });

    const gateway = await node(NodeIds.gateway);
    assert.deepEqual(icon(gateway), { id: 'pass', color: 'testing.iconPassed' });

    const defaulted = await node(NodeIds.forwardingHosts);
    assert.deepEqual(icon(defaulted), { id: 'circle-large-outline', color: 'disabledForeground' });
    assert.equal(
      item(defaulted).contextValue,
      'forwarding-hosts+mailcow+unknown+default+revealable',
    );

    const mailcow = await node(NodeIds.mailcow);
    assert.equal(item(mailcow).collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.equal(
      item(await node(NodeIds.mailcowDomain('example.org'))).collapsibleState,
      vscode.TreeItemCollapsibleState.Collapsed,
    );
  });

  it('matches the manifest’s item menus against the flags of the context value', async () => {
    const menus = manifest.contributes.menus['view/item/context'];
    const pattern = flagPattern(NodeFlags.revealable);
    assert.ok(menus.length > 0);
    for (const menu of menus) {
      assert.equal(menu.when, `view == mailHybrid.setup && viewItem =~ ${pattern}`);
    }
    const regex = new RegExp(pattern.slice(1, -1));
    assert.equal(regex.test(item(await node(NodeIds.relayhost)).contextValue ?? ''), true);
    assert.equal(regex.test(item(await node(NodeIds.steps)).contextValue ?? ''), false);
    assert.equal(
      item(await node(NodeIds.relayhost)).accessibilityInformation?.label,
      'Relayhost, Warning, example-com.mail.protection.outlook.com:25',
    );
  });

  it('explains a node in a Markdown tooltip with its findings and escaped values', async () => {
    const tooltip = item(await node(NodeIds.relayhost)).tooltip;
    assert.ok(tooltip instanceof vscode.MarkdownString);
    assert.equal(tooltip.isTrusted, false);
    assert.match(tooltip.value, /^\*\*Relayhost\*\*/);
    assert.match(tooltip.value, /`relayhost-unbracketed`/);
    // Values from the spec are escaped, so a dot or colon cannot make a link.
    assert.match(tooltip.value, /example\\-com\\\.mail\\\.protection\\\.outlook\\\.com\\:25/);
  });

  it('reveals the node’s line in the spec when a node is chosen', async () => {
    const flag = await node(NodeIds.relayFlag('example.org', 'unknownOnly'));
    const command = item(flag).command;
    assert.ok(command, 'a revealable node carries a command');
    assert.equal(command.command, 'mailHybrid.tree.reveal');

    // Another file in front first, so the reveal has to bring the spec back.
    await openWorkspaceFile('notes.txt');
    assert.deepEqual(command.arguments, [flag.id]);
    await vscode.commands.executeCommand(command.command, flag.id);
    const editor = await waitUntil(() => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.toString() === workspaceUri(SPEC).toString() ? active : undefined;
    });
    assert.deepEqual(
      [
        editor.selection.start.line,
        editor.selection.start.character,
        editor.selection.end.character,
      ],
      [5, 19, 24],
    );
    assert.equal(editor.document.getText(editor.selection), 'false');
  });

  it('reveals the selected node through the view’s selection', async () => {
    const tree = api().tree;
    const relayhost = await node(NodeIds.relayhost);
    await tree.treeView.reveal(relayhost, { select: true, focus: true });
    await waitUntil(() => tree.treeView.selection[0]?.id === NodeIds.relayhost, {
      description: 'the relayhost to be selected',
    });
    await vscode.commands.executeCommand('mailHybrid.tree.reveal');
    const editor = await waitUntil(() => {
      const active = vscode.window.activeTextEditor;
      return active?.selection.start.line === 10 ? active : undefined;
    });
    assert.equal(
      editor.document.getText(editor.selection),
      'example-com.mail.protection.outlook.com:25',
    );
  });

  it('follows edits of the spec', async () => {
    await showForPicture();
    await screenshot('tree', { settleMs: 1500 });
    const { document } = await openWorkspaceFile(SPEC);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(5, 19, 5, 24), 'true');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    await document.save();
    const step = await waitUntil(
      async () => {
        const found = await node(NodeIds.step('mailcow-transport', 'example.org'));
        return found.status !== 'error' ? found : undefined;
      },
      { description: 'the transport step of example.org to lose its error' },
    );
    assert.equal(step.status, 'unknown');
    assert.equal((await node(NodeIds.relayFlag('example.org', 'unknownOnly'))).desired, 'on');
  });

  it('shows the spec of the active editor', async () => {
    await openWorkspaceFile('site-b.hybrid.yaml');
    await waitUntil(
      async () => {
        const mailcow = (await roots())[0];
        return mailcow?.children[0]?.label === 'example.net';
      },
      { description: 'the tree to show site-b.hybrid.yaml' },
    );
    assert.equal(api().tree.specUri?.toString(), workspaceUri('site-b.hybrid.yaml').toString());
    // A file that is no spec leaves the tree where it was.
    await openWorkspaceFile('notes.txt');
    await vscode.commands.executeCommand('mailHybrid.tree.refresh');
    assert.equal((await roots())[0]?.children[0]?.label, 'example.net');
    await openWorkspaceFile(SPEC);
    await waitUntil(() => api().tree.specUri?.toString() === workspaceUri(SPEC).toString());
  });

  it('explains a spec that does not parse instead of showing a broken setup', async () => {
    await openWorkspaceFile('broken.hybrid.yaml');
    const top = await waitUntil(
      async () => {
        const found = await roots();
        return found[0]?.label === 'The spec cannot be read' ? found : undefined;
      },
      { description: 'the tree to explain broken.hybrid.yaml' },
    );
    assert.equal(top.length, 1);
    assert.equal(top[0]!.status, 'error');
    const findings = top[0]!.children;
    assert.ok(findings.length > 0);
    assert.deepEqual(
      findings.map((finding) => item(finding).description),
      findings.map(() => 'yaml-syntax'),
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await openWorkspaceFile(SPEC);
    await waitUntil(() => api().tree.specUri?.toString() === workspaceUri(SPEC).toString());
  });

  it('shows live values beside the desired ones and explains unreadable systems', async () => {
    const tree = api().tree;
    const uri = workspaceUri(SPEC);
    tree.setLive(uri, {
      values: new Map([
        [NodeIds.relayhost, { value: '[example-com.mail.protection.outlook.com]:25' }],
        [NodeIds.gateway, { value: 'example-com.mail.protection.outlook.com' }],
      ]),
      unreadable: [{ system: 'exchange', reason: 'the sign-in was refused' }],
    });
    const top = await roots();
    assert.equal(top[0]?.label, 'Exchange Online could not be read');
    assert.equal(item(top[0]).description, 'the sign-in was refused');
    assert.deepEqual(icon(top[0]).id, 'warning');

    const relayhost = item(await node(NodeIds.relayhost));
    assert.equal(
      relayhost.description,
      'example-com.mail.protection.outlook.com:25 → [example-com.mail.protection.outlook.com]:25 (drift)',
    );
    assert.equal(relayhost.contextValue, 'relayhost+mailcow+warning+live+drift+revealable');
    const gateway = item(await node(NodeIds.gateway));
    assert.equal(
      gateway.description,
      'example-com.mail.protection.outlook.com → example-com.mail.protection.outlook.com',
    );
    assert.equal(gateway.contextValue, 'gateway+exchange+ok+live+revealable');

    tree.setLive(uri, undefined);
    assert.equal((await roots())[0]?.label, 'mailcow');
    assert.equal(
      item(await node(NodeIds.relayhost)).description,
      'example-com.mail.protection.outlook.com:25',
    );
  });

  it('shows what DNS and mailcow’s SMTP listener answered beside what the recipe wants', async () => {
    const tree = api().tree;
    const uri = workspaceUri(SPEC);
    const gateway = 'example-com.mail.protection.outlook.com';
    tree.setLive(uri, {
      values: new Map([
        [NodeIds.dnsMx('example.com'), { value: `0 ${gateway}`, drift: false }],
        [
          NodeIds.dnsMx('example.org'),
          { value: `0 ${gateway}, 10 backup.example.org`, drift: true },
        ],
        [
          NodeIds.dnsSpf('example.com'),
          { value: 'v=spf1 include:spf.protection.outlook.com -all', drift: false },
        ],
        [NodeIds.mailcowSmtp, { value: 'STARTTLS offered (TLSv1.3)', drift: false }],
        [
          NodeIds.mailcowCertificate,
          { value: 'mail.example.com; valid until 2027-03-01; trusted', drift: false },
        ],
      ]),
      unreadable: [],
    });

    const dns = await node(NodeIds.dns);
    assert.deepEqual(
      dns.children.map((domain) => [
        labelOf(item(domain)),
        domain.children.map((record) => [labelOf(item(record)), item(record).description]),
      ]),
      [
        [
          'example.com',
          [
            ['MX', `the single record ${gateway} → 0 ${gateway}`],
            [
              'SPF',
              'includes spf.protection.outlook.com → v=spf1 include:spf.protection.outlook.com -all',
            ],
          ],
        ],
        [
          'example.org',
          [
            ['MX', `the single record ${gateway} → 0 ${gateway}, 10 backup.example.org (drift)`],
            ['SPF', 'includes spf.protection.outlook.com'],
          ],
        ],
      ],
    );
    const drifting = item(await node(NodeIds.dnsMx('example.org')));
    assert.equal(drifting.contextValue, 'dns-record+dns+warning+live+drift+revealable');
    assert.deepEqual(icon(await node(NodeIds.dnsMx('example.com'))).id, 'pass');

    const listener = await node(NodeIds.mailcowSmtp);
    assert.equal(labelOf(item(listener)), 'SMTP listener mail.example.com:25');
    assert.equal(item(listener).description, 'STARTTLS offered → STARTTLS offered (TLSv1.3)');
    const certificate = item(await node(NodeIds.mailcowCertificate));
    assert.equal(labelOf(certificate), 'Certificate');
    assert.equal(
      certificate.description,
      'covers mail.example.com, trusted, not expiring → mail.example.com; valid until 2027-03-01; trusted',
    );
    assert.equal(certificate.contextValue, 'certificate+mailcow+ok+live+revealable');

    // The MX steps follow their domain's MX node.
    const steps = await node(NodeIds.steps);
    assert.deepEqual(
      steps.children.slice(0, 2).map((step) => [labelOf(item(step)), item(step).description]),
      [
        ['1. MX of example.com points to Exchange Online', 'verified'],
        ['2. MX of example.org points to Exchange Online', 'warnings'],
      ],
    );

    tree.setLive(uri, undefined);
    assert.equal(
      item(await node(NodeIds.mailcowCertificate)).description,
      'covers mail.example.com, trusted, not expiring',
    );
  });

  it('shows the welcome content once the workspace holds no spec', async () => {
    const removal = new vscode.WorkspaceEdit();
    removal.deleteFile(workspaceUri(SPEC));
    removal.deleteFile(workspaceUri('site-b.hybrid.yaml'));
    removal.deleteFile(workspaceUri('broken.hybrid.yaml'));
    assert.equal(await vscode.workspace.applyEdit(removal), true);
    await openWorkspaceFile('notes.txt');
    await waitUntil(async () => (await roots()).length === 0, {
      description: 'the tree to empty',
    });
    assert.equal(api().tree.specUri, undefined);
  });

  it('finds a spec written outside the editor on Refresh', async () => {
    const text = [
      'version: 1',
      'domains: [example.net]',
      'mailcow: { url: "https://mx.example.net" }',
      'exchange: { tenant: fabrikam.onmicrosoft.com, gateway: example-net.mail.protection.outlook.com }',
      '',
    ].join('\n');
    mkdirSync(workspaceUri('written').fsPath, { recursive: true });
    writeFileSync(workspaceUri('written/hybrid.yaml').fsPath, text);
    // Limitation: the harness's VS Code runs without its native file watcher, so the watcher
    // that picks up such a file by itself cannot fire here; the Refresh command stands in.
    await vscode.commands.executeCommand('mailHybrid.tree.refresh');
    const top = await waitUntil(
      async () => {
        const found = await roots();
        return found.length > 0 ? found : undefined;
      },
      { description: 'the tree to show written/hybrid.yaml' },
    );
    assert.equal(api().tree.specUri?.toString(), workspaceUri('written/hybrid.yaml').toString());
    assert.equal(top[0]?.children[0]?.label, 'example.net');
  });
});
