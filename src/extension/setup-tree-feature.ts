import * as vscode from 'vscode';
import type { Finding } from '../core/findings/finding';
import type { LiveValueMap } from '../core/live/live-system';
import type { Logger } from '../core/log';
import { msg } from '../core/messages/catalogue';
import { parseSpec } from '../core/spec/parse-spec';
import type { ParsedSpec } from '../core/spec/parse-spec';
import { FLAG_SEPARATOR, NodeFlags } from '../core/tree/node-flags';
import { buildSetupTree, explainingNode } from '../core/tree/setup-tree';
import type { NodeStatus, SetupNode } from '../core/tree/setup-tree';
import { Commands, CONFIG_SECTION, ContextKeys, Settings, Views } from './constants';
import type { DiagnosticsFeature } from './diagnostics-feature';
import { findingRange } from './findings-to-vscode';
import type { SpecDocuments } from './spec-documents';

/** What a live check last read for one spec; `unreadable` lists the systems it could not read. */
export interface LiveState {
  values: LiveValueMap;
  unreadable: { system: string; reason: string }[];
}

const STATUS_ICONS: Record<NodeStatus, { icon: string; color: string }> = {
  ok: { icon: 'pass', color: 'testing.iconPassed' },
  info: { icon: 'info', color: 'problemsInfoIcon.foreground' },
  unknown: { icon: 'circle-large-outline', color: 'disabledForeground' },
  warning: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  error: { icon: 'error', color: 'problemsErrorIcon.foreground' },
};

const SYSTEM_NAMES: Record<string, string> = {
  mailcow: 'mailcow',
  exchange: 'Exchange Online',
  dns: 'DNS',
  tls: 'TLS',
};

/** Node ids of the items that explain instead of showing the setup. */
const ERROR_NODE_ID = 'error';
const unreadableSystemId = (system: string): string => `live-unreadable/${system}`;

/**
 * The one provider of the Setup view. It shows the spec of the active editor, or, when the
 * active editor is no spec, the one it showed before, or the first spec the `specGlobs` find.
 * The tree is built when the view asks for it, from the same findings the Problems panel shows
 * (live ones included), so the two never disagree.
 */
export class SetupTreeFeature implements vscode.TreeDataProvider<SetupNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SetupNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<SetupNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly liveStates = new Map<string, LiveState>();
  private readonly parents = new Map<string, SetupNode>();
  private watchers: vscode.Disposable[] = [];
  private shown: vscode.Uri | undefined;
  private roots: Promise<SetupNode[]> | undefined;
  private hasSpec: boolean | undefined;
  /** Set after a failure was told, so a tree that keeps failing does not keep interrupting. */
  private failureTold = false;

  constructor(
    private readonly specs: SpecDocuments,
    private readonly diagnostics: DiagnosticsFeature,
    private readonly logger: Logger,
    private readonly showLog: () => void,
  ) {
    this.view = vscode.window.createTreeView(Views.setup, {
      treeDataProvider: this,
      showCollapseAll: true,
    });
    this.disposables.push(
      this.view,
      this.changed,
      vscode.commands.registerCommand(Commands.refreshTree, () => this.refresh()),
      vscode.commands.registerCommand(Commands.revealNode, (node?: SetupNode | string) =>
        this.reveal(node),
      ),
      vscode.commands.registerCommand(Commands.openSpec, () => this.openSpec()),
      diagnostics.onDidUpdate((uri) => {
        if (!this.shown || this.shown.toString() === uri.toString()) {
          this.refresh();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (
          editor &&
          this.specs.isSpec(editor.document) &&
          editor.document.uri.toString() !== this.shown?.toString()
        ) {
          this.refresh();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${CONFIG_SECTION}.${Settings.specGlobs}`)) {
          this.watchSpecs();
          this.shown = undefined;
          this.refresh();
        }
      }),
      vscode.workspace.onDidCreateFiles(() => this.refreshWhenEmpty()),
      vscode.workspace.onDidDeleteFiles((event) => this.refreshWhenGone(event.files)),
      vscode.workspace.onDidRenameFiles((event) =>
        this.refreshWhenGone(event.files.map((file) => file.oldUri)),
      ),
    );
    this.watchSpecs();
  }

  /** The spec the tree shows, once it was asked for its nodes. */
  get specUri(): vscode.Uri | undefined {
    return this.shown;
  }

  /** The view itself, for revealing nodes and reading its selection. */
  get treeView(): vscode.TreeView<SetupNode> {
    return this.view;
  }

  /** Forgets the built tree; the view asks again when it is visible. */
  refresh(): void {
    this.roots = undefined;
    this.changed.fire(undefined);
  }

  /**
   * Shows what a live check read for `specUri` next to the desired values; `undefined` goes
   * back to the spec alone. Called by the live check after each run.
   */
  setLive(specUri: vscode.Uri, live: LiveState | undefined): void {
    if (live) {
      this.liveStates.set(specUri.toString(), live);
    } else {
      this.liveStates.delete(specUri.toString());
    }
    if (!this.shown || this.shown.toString() === specUri.toString()) {
      this.refresh();
    }
  }

  getChildren(element?: SetupNode): Promise<SetupNode[]> | SetupNode[] {
    if (element) {
      return element.children;
    }
    this.roots ??= this.build();
    return this.roots;
  }

  getParent(element: SetupNode): SetupNode | undefined {
    return this.parents.get(element.id);
  }

  getTreeItem(node: SetupNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.children.length === 0
        ? vscode.TreeItemCollapsibleState.None
        : this.parents.has(node.id)
          ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = node.id;
    const description = describe(node);
    if (description !== undefined) {
      item.description = description;
    }
    const { icon, color } = STATUS_ICONS[node.status];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    // The core escaped every value from the spec or a live system; nothing in it may run.
    const tooltip = new vscode.MarkdownString(node.tooltip);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
    item.contextValue = node.flags.join(FLAG_SEPARATOR);
    // A screen reader hears the status the icon shows.
    item.accessibilityInformation = {
      label: `${node.label}, ${msg(`tree.status.${node.status}`)}${description ? `, ${description}` : ''}`,
    };
    if (node.flags.includes(NodeFlags.revealable)) {
      item.command = {
        command: Commands.revealNode,
        title: msg('tree.reveal.title'),
        arguments: [node.id],
      };
    }
    return item;
  }

  /** Opens the spec with the node's place selected; takes a node or its id. */
  async reveal(target?: SetupNode | string): Promise<vscode.TextEditor | undefined> {
    const id = typeof target === 'string' ? target : (target?.id ?? this.view.selection[0]?.id);
    const uri = this.shown;
    if (id === undefined || !uri) {
      return undefined;
    }
    // The node handed in may be from an older version of the spec; its id finds today's.
    const node = this.find(await this.getChildren(), id);
    if (node?.offset === undefined) {
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const range = findingRange(document, { offset: node.offset, length: node.length ?? 0 });
    return vscode.window.showTextDocument(document, {
      selection: range,
      preserveFocus: true,
      preview: true,
    });
  }

  private async openSpec(): Promise<void> {
    const uri = this.shown ?? (await this.findSpec());
    if (!uri) {
      void vscode.window.showInformationMessage(msg('tree.noSpec.open'));
      return;
    }
    await vscode.window.showTextDocument(uri, { preview: false });
  }

  private find(nodes: SetupNode[], id: string): SetupNode | undefined {
    for (const node of nodes) {
      if (node.id === id) {
        return node;
      }
      const below = this.find(node.children, id);
      if (below) {
        return below;
      }
    }
    return undefined;
  }

  private async build(): Promise<SetupNode[]> {
    let uri: vscode.Uri | undefined;
    try {
      uri = await this.chooseSpec();
      this.shown = uri;
      await this.setHasSpec(uri !== undefined);
      if (!uri) {
        this.parents.clear();
        return [];
      }
      const { parsed, findings } = await this.read(uri);
      const live = this.liveStates.get(uri.toString());
      const roots = [
        ...(live?.unreadable ?? []).map(unreadableItem),
        ...buildSetupTree(parsed, findings, live?.values),
      ];
      this.indexParents(roots);
      this.failureTold = false;
      this.logger.debug(msg('tree.log.shows', { file: vscode.workspace.asRelativePath(uri) }));
      return roots;
    } catch (error) {
      return this.failed(uri, error);
    }
  }

  /**
   * An open spec is read as the editor holds it, with every finding the Problems panel shows.
   * A spec that no editor holds is read from disk rather than opened: opening it would put its
   * findings into the Problems panel for a file the user never opened.
   */
  private async read(uri: vscode.Uri): Promise<{ parsed: ParsedSpec; findings: Finding[] }> {
    const open = vscode.workspace.textDocuments.find(
      (document) => document.uri.toString() === uri.toString(),
    );
    if (open) {
      return { parsed: this.specs.parsed(open), findings: this.diagnostics.findings(open) };
    }
    // Limitation: findings that providers add for open documents (live ones) are missing until
    // the spec is opened, since providers take a document; the offline findings are complete.
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const parsed = parseSpec(text, uri.scheme === 'file' ? uri.fsPath : undefined);
    return { parsed, findings: parsed.findings };
  }

  private failed(uri: vscode.Uri | undefined, error: unknown): SetupNode[] {
    const reason = error instanceof Error ? error.message : String(error);
    const file = uri ? vscode.workspace.asRelativePath(uri) : '';
    this.logger.error(msg('tree.log.failed', { file, reason }));
    if (error instanceof Error && error.stack) {
      this.logger.debug(error.stack);
    }
    if (!this.failureTold) {
      this.failureTold = true;
      const showLog = msg('tree.error.showLog');
      void vscode.window
        .showErrorMessage(msg('tree.error.notify', { file, reason }), showLog)
        .then((choice) => {
          if (choice === showLog) {
            this.showLog();
          }
        });
    }
    this.parents.clear();
    return [
      explainingNode(
        ERROR_NODE_ID,
        msg('tree.error.item'),
        msg('tree.error.itemDetail', { reason }),
        'error',
      ),
    ];
  }

  private indexParents(roots: SetupNode[]): void {
    this.parents.clear();
    const walk = (node: SetupNode): void => {
      for (const child of node.children) {
        this.parents.set(child.id, node);
        walk(child);
      }
    };
    roots.forEach(walk);
  }

  private async chooseSpec(): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document;
    if (active && this.specs.isSpec(active)) {
      return active.uri;
    }
    if (this.shown && (await exists(this.shown))) {
      return this.shown;
    }
    return this.findSpec();
  }

  /** The first spec in the workspace: the shallowest, then by path, so the pick is stable. */
  private async findSpec(): Promise<vscode.Uri | undefined> {
    if (!vscode.workspace.workspaceFolders?.length) {
      return undefined;
    }
    const found = (
      await Promise.all(
        this.specs.globs().map((glob) => vscode.workspace.findFiles(glob, '**/node_modules/**')),
      )
    ).flat();
    const depth = (uri: vscode.Uri): number => uri.path.split('/').length;
    found.sort((a, b) => depth(a) - depth(b) || a.path.localeCompare(b.path));
    return found[0];
  }

  private async setHasSpec(value: boolean): Promise<void> {
    if (this.hasSpec !== value) {
      this.hasSpec = value;
      await vscode.commands.executeCommand('setContext', ContextKeys.hasSpec, value);
    }
  }

  /**
   * Specs change outside the editor too (a checkout, a script); watching the spec patterns
   * keeps the tree true to the disk for specs no editor holds.
   */
  private watchSpecs(): void {
    vscode.Disposable.from(...this.watchers).dispose();
    this.watchers = this.specs.globs().map((glob) => {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      watcher.onDidCreate(() => this.refreshWhenEmpty());
      watcher.onDidDelete((uri) => this.refreshWhenGone([uri]));
      watcher.onDidChange((uri) => {
        const held = vscode.workspace.textDocuments.some(
          (document) => document.uri.toString() === uri.toString(),
        );
        // An open spec is followed through its document, with the user's unsaved edits.
        if (!held && uri.toString() === this.shown?.toString()) {
          this.refresh();
        }
      });
      return watcher;
    });
  }

  private refreshWhenEmpty(): void {
    if (!this.shown) {
      this.refresh();
    }
  }

  private refreshWhenGone(files: readonly vscode.Uri[]): void {
    if (this.shown && files.some((file) => isSameOrBelow(this.shown!, file))) {
      this.shown = undefined;
      this.refresh();
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.watchers, ...this.disposables).dispose();
  }
}

/** `desired → live` with a drift mark once a live value is known; else the desired value. */
function describe(node: SetupNode): string | undefined {
  if (node.live) {
    if (node.desired === undefined) {
      return msg('tree.description.liveOnly', { live: node.live.value });
    }
    return msg(node.live.drift ? 'tree.description.drift' : 'tree.description.live', {
      desired: node.desired,
      live: node.live.value,
    });
  }
  if (node.kind === 'finding') {
    return node.findings[0]?.code;
  }
  return node.desired ?? node.summary;
}

function unreadableItem(entry: { system: string; reason: string }): SetupNode {
  const system = SYSTEM_NAMES[entry.system] ?? entry.system;
  const node = explainingNode(
    unreadableSystemId(entry.system),
    msg('tree.unreadableSystem', { system }),
    msg('tree.unreadableSystem.detail', { system, reason: entry.reason }),
    'warning',
  );
  node.summary = entry.reason;
  return node;
}

function isSameOrBelow(uri: vscode.Uri, folder: vscode.Uri): boolean {
  const path = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
  return uri.toString() === folder.toString() || uri.path.startsWith(path);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
