import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { ScenarioError, loadScenario } from '../sandbox/scenario';
import type { RunningSandbox } from '../sandbox/start-sandbox';
import { startSandbox } from '../sandbox/start-sandbox';
import { Commands, ContextKeys } from './constants';

interface ScenarioPick extends vscode.QuickPickItem {
  file: string;
  shipped: boolean;
}

/**
 * Runs a sandbox scenario inside the extension host: emulated mailcow, Exchange Online, DNS and
 * SMTP on loopback, with the redirected spec opened so every feature of the extension works on
 * it. Only in a trusted workspace: the scenario names the spec that is read and the emulators
 * listen on local ports.
 */
export class SandboxFeature implements vscode.Disposable {
  private readonly registrations: vscode.Disposable[];
  private readonly statusItem: vscode.StatusBarItem;
  private running?: RunningSandbox;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
  ) {
    this.statusItem = vscode.window.createStatusBarItem(
      'mailHybrid.sandbox',
      vscode.StatusBarAlignment.Left,
      10,
    );
    this.statusItem.name = vscode.l10n.t('Mail Hybrid sandbox');
    this.statusItem.text = `$(beaker) ${vscode.l10n.t('Sandbox (emulated)')}`;
    this.statusItem.command = Commands.sandboxStop;
    this.registrations = [
      this.statusItem,
      vscode.commands.registerCommand(Commands.sandboxStart, (file?: vscode.Uri) =>
        this.start(file),
      ),
      vscode.commands.registerCommand(Commands.sandboxStop, () => this.stop()),
    ];
  }

  /** The running sandbox, for integration tests. */
  get current(): RunningSandbox | undefined {
    return this.running;
  }

  async start(file?: vscode.Uri): Promise<RunningSandbox | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          "The sandbox runs only in a trusted workspace: it reads the scenario's spec and opens local ports.",
        ),
      );
      return undefined;
    }
    const picked = file ? { file: file.fsPath, shipped: false } : await this.pickScenario();
    if (!picked) {
      return undefined;
    }
    if (this.running) {
      await this.stop();
    }
    let sandbox: RunningSandbox;
    try {
      const scenario = loadScenario(picked.file);
      // A shipped example lives in the extension's folder, which is not the user's to write in.
      const writeSpecTo = picked.shipped ? this.shippedSpecPath(picked.file) : undefined;
      sandbox = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Starting the sandbox (emulated systems)…'),
        },
        () =>
          startSandbox(scenario, { logger: this.logger, ...(writeSpecTo ? { writeSpecTo } : {}) }),
      );
    } catch (error) {
      const reason = error instanceof ScenarioError ? error.message : (error as Error).message;
      this.logger.error(reason);
      void vscode.window.showErrorMessage(
        vscode.l10n.t('The sandbox could not start: {0}', reason),
      );
      return undefined;
    }
    this.running = sandbox;
    // `env:` references in the written spec resolve from this process's environment.
    for (const [name, value] of Object.entries(sandbox.env)) {
      process.env[name] = value;
    }
    this.statusItem.tooltip = new vscode.MarkdownString(
      [
        vscode.l10n.t(
          'Emulated systems on loopback; nothing here is the real mailcow or Exchange Online.',
        ),
        '',
        `- mailcow: \`${sandbox.addresses.mailcow}\``,
        `- Exchange: \`${sandbox.addresses.admin}\``,
        `- DNS: \`${sandbox.addresses.dns}\``,
        `- SMTP: \`${sandbox.addresses.smtp}\``,
        '',
        vscode.l10n.t('Click to stop the sandbox.'),
      ].join('\n'),
    );
    this.statusItem.show();
    await vscode.commands.executeCommand('setContext', ContextKeys.sandboxRunning, true);
    await vscode.window.showTextDocument(vscode.Uri.file(sandbox.specFile));
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Sandbox running with emulated systems from {0}. The log lists their addresses.',
        basename(picked.file),
      ),
    );
    return sandbox;
  }

  async stop(): Promise<void> {
    const sandbox = this.running;
    if (!sandbox) {
      return;
    }
    this.running = undefined;
    this.statusItem.hide();
    for (const name of Object.keys(sandbox.env)) {
      delete process.env[name];
    }
    await sandbox.stop();
    await vscode.commands.executeCommand('setContext', ContextKeys.sandboxRunning, false);
  }

  private shippedSpecPath(scenarioFile: string): string {
    const folder = join(this.context.globalStorageUri.fsPath, 'sandbox');
    mkdirSync(folder, { recursive: true });
    return join(folder, `${basename(join(scenarioFile, '..'))}.hybrid.yaml`);
  }

  private async pickScenario(): Promise<ScenarioPick | undefined> {
    const items: ScenarioPick[] = [];
    const found = await vscode.workspace.findFiles(
      '**/*scenario*.{yaml,yml}',
      '**/node_modules/**',
      200,
    );
    for (const uri of found.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
      items.push({
        label: vscode.workspace.asRelativePath(uri),
        description: vscode.l10n.t('workspace'),
        file: uri.fsPath,
        shipped: false,
      });
    }
    const shippedDir = join(this.context.extensionPath, 'examples', 'scenarios');
    if (existsSync(shippedDir)) {
      for (const name of readdirSync(shippedDir).sort()) {
        const file = join(shippedDir, name, 'scenario.yaml');
        if (existsSync(file)) {
          items.push({
            label: name,
            description: vscode.l10n.t('shipped example'),
            file,
            shipped: true,
          });
        }
      }
    }
    return vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Start a sandbox (emulated mailcow, Exchange Online, DNS and SMTP)'),
      placeHolder: vscode.l10n.t('Scenario to run'),
      matchOnDescription: true,
    });
  }

  dispose(): void {
    void this.stop();
    for (const registration of this.registrations) {
      registration.dispose();
    }
  }
}
