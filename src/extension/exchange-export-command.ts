import * as vscode from 'vscode';
import { buildPowerShellScript } from '../core/exchange/powershell-export';
import type { Logger } from '../core/log';
import { Commands } from './constants';
import type { SpecDocuments } from './spec-documents';

/**
 * "Export the Exchange steps as PowerShell": the script for the active spec in an untitled
 * editor, so the admin reads it before saving or running it. Nothing is sent anywhere.
 */
export class ExchangeExportCommand implements vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly specs: SpecDocuments,
    private readonly logger: Logger,
  ) {
    this.registration = vscode.commands.registerCommand(Commands.exchangeExportPowerShell, () =>
      this.export(),
    );
  }

  /** Opens the script; returns its editor, or undefined when the spec does not allow one. */
  async export(): Promise<vscode.TextEditor | undefined> {
    const active = vscode.window.activeTextEditor?.document;
    const document =
      active && this.specs.isSpec(active)
        ? active
        : vscode.workspace.textDocuments.find((candidate) => this.specs.isSpec(candidate));
    const spec = document ? this.specs.parsed(document).spec : undefined;
    if (!spec) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a hybrid.yaml first.'));
      return undefined;
    }
    const result = buildPowerShellScript(spec);
    if (!result.ok) {
      this.logger.warn(
        `PowerShell export refused: ${result.problems.length} value(s) cannot be used.`,
      );
      void vscode.window.showErrorMessage(
        vscode.l10n.t('No script was written: {0}', result.problems.join(' ')),
      );
      return undefined;
    }
    const script = await vscode.workspace.openTextDocument({
      language: 'powershell',
      content: result.script,
    });
    return vscode.window.showTextDocument(script, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
  }
}
