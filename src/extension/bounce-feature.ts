import * as vscode from 'vscode';
import type { BounceExplanation } from '../core/bounce/explain-bounce';
import { explainBounce, formatSpecPath } from '../core/bounce/explain-bounce';
import type { Logger } from '../core/log';
import { msg } from '../core/messages/catalogue';
import { Commands } from './constants';
import type { SpecDocuments } from './spec-documents';

/** The read-only document the explanation is shown in; nothing asks to save it. */
const SCHEME = 'mail-hybrid-bounce';
const EXPLANATION_URI = vscode.Uri.from({ scheme: SCHEME, path: '/Bounce explanation.md' });

const text = {
  prompt: () =>
    vscode.l10n.t(
      'Paste the bounce (non-delivery report) or the SMTP reply, for example "550 5.7.64 TenantAttribution; Relay Access Denied".',
    ),
  placeholder: () => vscode.l10n.t('550 5.7.64 TenantAttribution; Relay Access Denied'),
  heading: () => vscode.l10n.t('Bounce explanation'),
  seen: () => vscode.l10n.t('Seen'),
  reporter: () => vscode.l10n.t('Reported by'),
  findings: () => vscode.l10n.t('Findings of the live check for its usual causes'),
  setting: () => vscode.l10n.t('Setting in the spec'),
  noSpec: () => vscode.l10n.t('Open a hybrid.yaml to jump to the setting that decides it.'),
};

/**
 * "Explain a bounce": takes the selected text, a bounce on the clipboard, or a pasted one, says
 * what each recognised failure means in this setup, and jumps to the spec setting behind it.
 */
export class BounceFeature implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private content = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();

  constructor(
    private readonly specs: SpecDocuments,
    private readonly logger: Logger,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: () => this.content,
      }),
      vscode.commands.registerCommand(Commands.explainBounce, (given?: unknown) =>
        this.explain(typeof given === 'string' ? given : undefined),
      ),
    );
  }

  /** Returns what was recognised, so other commands and tests can use the result. */
  async explain(given?: string): Promise<BounceExplanation[]> {
    const input = given ?? (await this.input());
    if (input === undefined || input.trim() === '') {
      return [];
    }
    const document = await this.specDocument();
    const parsed = document ? this.specs.parsed(document) : undefined;
    const explanations = explainBounce(input, parsed?.spec);
    if (explanations.length === 0) {
      this.logger.info('Bounce explainer: nothing recognised in the text given.');
      void vscode.window.showWarningMessage(msg('bounce.cli.none'));
      return [];
    }
    for (const explanation of explanations) {
      this.logger.info(
        `Bounce explainer: ${explanation.kind} (${explanation.status ?? 'no status'}) → ${formatSpecPath(explanation.specPath)}`,
      );
    }
    this.content = this.markdown(explanations, document !== undefined);
    this.changed.fire(EXPLANATION_URI);
    const shown = await vscode.languages.setTextDocumentLanguage(
      await vscode.workspace.openTextDocument(EXPLANATION_URI),
      'markdown',
    );
    await vscode.window.showTextDocument(shown, {
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
      preserveFocus: document !== undefined,
    });
    const first = explanations[0];
    if (document && parsed && first) {
      const where = parsed.source.locate(first.specPath);
      const range = new vscode.Range(
        document.positionAt(where.offset),
        document.positionAt(where.offset + where.length),
      );
      await vscode.window.showTextDocument(document, {
        viewColumn: vscode.ViewColumn.One,
        selection: range,
      });
    }
    return explanations;
  }

  /** The selection when there is one, else a recognisable bounce on the clipboard, else asks. */
  private async input(): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    const selected =
      editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    if (selected.trim() !== '') {
      return selected;
    }
    const clipboard = await vscode.env.clipboard.readText();
    if (clipboard.trim() !== '' && explainBounce(clipboard).length > 0) {
      return clipboard;
    }
    return vscode.window.showInputBox({
      prompt: text.prompt(),
      placeHolder: text.placeholder(),
      ignoreFocusOut: true,
    });
  }

  /** The spec in view, else one open in the editor, else the first in the workspace. */
  private async specDocument(): Promise<vscode.TextDocument | undefined> {
    const active = vscode.window.activeTextEditor?.document;
    if (active && this.specs.isSpec(active)) {
      return active;
    }
    const open = vscode.workspace.textDocuments.find((document) => this.specs.isSpec(document));
    if (open) {
      return open;
    }
    for (const glob of this.specs.globs()) {
      const [file] = await vscode.workspace.findFiles(glob, '**/node_modules/**', 1);
      if (file) {
        return vscode.workspace.openTextDocument(file);
      }
    }
    return undefined;
  }

  private markdown(explanations: BounceExplanation[], withSpec: boolean): string {
    const blocks = explanations.map((explanation) =>
      [
        `## ${explanation.title}`,
        '',
        `**${text.seen()}:** \`${explanation.evidence.replace(/`/g, "'")}\``,
        '',
        `**${text.reporter()}:** ${msg(`bounce.reporter.${explanation.reporter}`)}`,
        '',
        explanation.meaning,
        '',
        `**${text.findings()}:** ${explanation.findingCodes.map((code) => `\`${code}\``).join(', ')}`,
        '',
        `**${text.setting()}:** \`${formatSpecPath(explanation.specPath)}\``,
      ].join('\n'),
    );
    const footer = withSpec ? [] : ['', `_${text.noSpec()}_`];
    return [`# ${text.heading()}`, '', blocks.join('\n\n'), ...footer, ''].join('\n');
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
