import * as vscode from 'vscode';
import type { Finding } from '../core/findings/finding';
import { ignoreOnLineEdit } from '../core/findings/suppression';
import { msg } from '../core/messages/catalogue';
import { Commands, DIAGNOSTIC_SOURCE } from './constants';
import type { DiagnosticsFeature } from './diagnostics-feature';
import { diagnosticCode, findingRange, toWorkspaceEdit } from './findings-to-vscode';
import type { SpecDocuments } from './spec-documents';

/**
 * Turns the fixes that each finding already carries into code actions. Nothing is decided here:
 * offline fixes are edits, secret moves and setup steps are commands that do the work (and any
 * network call) under a progress notification.
 */
export class CodeActionsFeature implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly specs: SpecDocuments,
    private readonly diagnostics: DiagnosticsFeature,
  ) {
    this.registration = vscode.languages.registerCodeActionsProvider(specs.selector(), this, {
      providedCodeActionKinds: CodeActionsFeature.kinds,
    });
  }

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    if (!this.specs.isSpec(document)) {
      return [];
    }
    const ours = context.diagnostics.filter((diagnostic) =>
      diagnostic.source?.startsWith(DIAGNOSTIC_SOURCE),
    );
    if (ours.length === 0) {
      return [];
    }
    const findings = this.diagnostics.findings(document);
    const actions: vscode.CodeAction[] = [];
    // Several live findings on one line can be fixed by the same step (relay flags and transport
    // by "Relay <domain> through the gateway"); the menu offers that step once, for all of them.
    const stepActions = new Map<string, vscode.CodeAction>();
    for (const diagnostic of ours) {
      const finding = findings.find(
        (candidate) =>
          candidate.code === diagnosticCode(diagnostic) &&
          findingRange(document, candidate).isEqual(diagnostic.range),
      );
      if (!finding) {
        continue;
      }
      for (const [index, action] of this.fixesFor(document, finding, diagnostic).entries()) {
        const fix = finding.fixes?.[index];
        if (fix?.kind !== 'step') {
          actions.push(action);
          continue;
        }
        const key = `${fix.stepId}\n${fix.domain ?? ''}`;
        const earlier = stepActions.get(key);
        if (earlier) {
          earlier.diagnostics?.push(diagnostic);
          earlier.isPreferred = (earlier.isPreferred ?? false) || (action.isPreferred ?? false);
          continue;
        }
        stepActions.set(key, action);
        actions.push(action);
      }
      if (finding.code !== 'yaml-syntax') {
        actions.push(this.ignoreAction(document, finding, diagnostic));
      }
    }
    return actions;
  }

  private fixesFor(
    document: vscode.TextDocument,
    finding: Finding,
    diagnostic: vscode.Diagnostic,
  ): vscode.CodeAction[] {
    return (finding.fixes ?? []).map((fix, index) => {
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = index === 0;
      switch (fix.kind) {
        case 'edit':
          action.edit = toWorkspaceEdit(document.uri, document, fix.edits);
          break;
        case 'storeSecret':
          action.command = {
            command: Commands.storeInlineSecret,
            title: fix.title,
            arguments: [
              {
                uri: document.uri.toString(),
                version: document.version,
                path: fix.path,
                secretName: fix.secretName,
                origin: fix.origin,
                edits: fix.edits,
              },
            ],
          };
          break;
        case 'step':
          action.command = {
            command: Commands.runStep,
            title: fix.title,
            arguments: [{ uri: document.uri.toString(), stepId: fix.stepId, domain: fix.domain }],
          };
          break;
      }
      return action;
    });
  }

  private ignoreAction(
    document: vscode.TextDocument,
    finding: Finding,
    diagnostic: vscode.Diagnostic,
  ): vscode.CodeAction {
    const action = new vscode.CodeAction(
      msg('fix.ignoreLine', { code: finding.code }),
      vscode.CodeActionKind.QuickFix,
    );
    action.diagnostics = [diagnostic];
    action.edit = toWorkspaceEdit(document.uri, document, [
      ignoreOnLineEdit(document.getText(), finding),
    ]);
    return action;
  }

  dispose(): void {
    this.registration.dispose();
  }
}
