import * as vscode from 'vscode';
import type { TextEdit } from '../core/findings/finding';
import type { Logger } from '../core/log';
import { SPEC_TEMPLATE } from '../core/spec/template';
import { Commands } from './constants';
import { toWorkspaceEdit } from './findings-to-vscode';
import { SecretStorageUnavailable } from './secret-vault';
import type { SecretVault } from './secret-vault';
import type { SpecDocuments } from './spec-documents';
import { ui } from './ui-messages';

export interface StoreInlineSecretArgs {
  uri: string;
  version: number;
  path: (string | number)[];
  secretName: string;
  origin?: string;
  edits: TextEdit[];
}

/** Commands about the spec file itself and its secrets; none of them touches the network. */
export class SpecCommands implements vscode.Disposable {
  private readonly registrations: vscode.Disposable[];

  constructor(
    private readonly specs: SpecDocuments,
    private readonly vault: SecretVault,
    private readonly logger: Logger,
  ) {
    this.registrations = [
      vscode.commands.registerCommand(Commands.createSpec, () => this.createSpec()),
      vscode.commands.registerCommand(Commands.storeInlineSecret, (args: StoreInlineSecretArgs) =>
        this.storeInlineSecret(args),
      ),
      vscode.commands.registerCommand(Commands.storeMailcowKey, () => this.storeMailcowKey()),
      vscode.commands.registerCommand(Commands.forgetSecret, () => this.forgetSecret()),
    ];
  }

  async createSpec(folder?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const target = folder ?? (await this.chooseFolder());
    if (!target) {
      return undefined;
    }
    const file = vscode.Uri.joinPath(target, 'hybrid.yaml');
    let exists = true;
    try {
      await vscode.workspace.fs.stat(file);
    } catch {
      exists = false;
    }
    if (exists) {
      void vscode.window.showInformationMessage(
        ui.specExists(vscode.workspace.asRelativePath(file)),
      );
    } else {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(SPEC_TEMPLATE));
      this.logger.info(`Created ${vscode.workspace.asRelativePath(file)} from the template.`);
      void vscode.window.showInformationMessage(
        ui.specCreated(vscode.workspace.asRelativePath(file)),
      );
    }
    await vscode.window.showTextDocument(file);
    return file;
  }

  private async chooseFolder(): Promise<vscode.Uri | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showWarningMessage(ui.noWorkspaceFolder());
      return undefined;
    }
    if (folders.length === 1) {
      return folders[0]!.uri;
    }
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: ui.pickFolder() });
    return picked?.uri;
  }

  /**
   * Stores first, edits second: if secret storage fails, the spec keeps its value, so nothing
   * is lost; the value itself is read from the document here and never passed around.
   */
  async storeInlineSecret(args: StoreInlineSecretArgs): Promise<boolean> {
    const document = vscode.workspace.textDocuments.find(
      (candidate) => candidate.uri.toString() === args.uri,
    );
    if (!document) {
      return false;
    }
    if (document.version !== args.version) {
      void vscode.window.showWarningMessage(ui.documentChanged());
      return false;
    }
    const { source } = this.specs.parsed(document);
    // The value as YAML reads it, so quotes, escapes and block scalars store the real secret.
    const written: unknown = source.document.getIn(args.path);
    const value =
      typeof written === 'string'
        ? written.trim()
        : typeof written === 'number'
          ? String(written)
          : '';
    if (!value || /^(secret|env):/.test(value)) {
      void vscode.window.showWarningMessage(ui.secretValueMissing());
      return false;
    }
    try {
      await this.vault.store(args.secretName, args.origin ?? '', value);
    } catch (error) {
      const reason = error instanceof SecretStorageUnavailable ? error.message : String(error);
      this.logger.error(`Storing secret:${args.secretName} failed: ${reason}`);
      void vscode.window.showErrorMessage(ui.secretStoreFailed(reason));
      return false;
    }
    const applied = await vscode.workspace.applyEdit(
      toWorkspaceEdit(document.uri, document, args.edits),
    );
    if (!applied) {
      void vscode.window.showErrorMessage(ui.editFailed());
      return false;
    }
    this.logger.info(`Moved an inline value into secret storage as secret:${args.secretName}.`);
    void vscode.window.showInformationMessage(ui.secretStored(args.secretName));
    return true;
  }

  private activeSpec(): vscode.TextDocument | undefined {
    const active = vscode.window.activeTextEditor?.document;
    if (active && this.specs.isSpec(active)) {
      return active;
    }
    return vscode.workspace.textDocuments.find((document) => this.specs.isSpec(document));
  }

  async storeMailcowKey(): Promise<boolean> {
    const document = this.activeSpec();
    const spec = document ? this.specs.parsed(document).spec : undefined;
    if (!spec) {
      void vscode.window.showWarningMessage(ui.noSpecOpen());
      return false;
    }
    const ref = spec.mailcow.apiKey;
    const name = ref?.kind === 'secret' ? ref.name : 'mailcow';
    const key = await vscode.window.showInputBox({
      prompt: ui.apiKeyPrompt(spec.mailcow.origin),
      password: true,
      ignoreFocusOut: true,
    });
    if (!key) {
      return false;
    }
    try {
      await this.vault.store(name, spec.mailcow.origin, key.trim());
    } catch (error) {
      void vscode.window.showErrorMessage(ui.secretStoreFailed((error as Error).message));
      return false;
    }
    this.logger.info(`Stored the mailcow API key as secret:${name} for ${spec.mailcow.origin}.`);
    void vscode.window.showInformationMessage(
      ref?.kind === 'secret' ? ui.apiKeyStored(name, spec.mailcow.origin) : ui.apiKeyNotSecretRef(),
    );
    return true;
  }

  async forgetSecret(): Promise<void> {
    const name = await vscode.window.showInputBox({ prompt: ui.secretNamePrompt() });
    if (!name) {
      return;
    }
    await this.vault.forget(name.replace(/^secret:/, ''));
    void vscode.window.showInformationMessage(ui.secretForgotten(name));
  }

  dispose(): void {
    vscode.Disposable.from(...this.registrations).dispose();
  }
}
