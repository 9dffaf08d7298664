import * as vscode from 'vscode';
import type { Finding, TextEdit } from '../core/findings/finding';
import { DIAGNOSTIC_SOURCE } from './constants';
import { readmeSectionUri } from './readme-links';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function findingRange(
  document: vscode.TextDocument,
  finding: Pick<Finding, 'offset' | 'length'>,
): vscode.Range {
  return new vscode.Range(
    document.positionAt(finding.offset),
    document.positionAt(finding.offset + finding.length),
  );
}

/** The one place where core offsets become editor positions. */
export function toDiagnostic(document: vscode.TextDocument, finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    findingRange(document, finding),
    finding.message,
    SEVERITY[finding.severity],
  );
  diagnostic.source = `${DIAGNOSTIC_SOURCE} (${finding.source})`;
  const target = readmeSectionUri(finding.code);
  diagnostic.code = target ? { value: finding.code, target } : finding.code;
  return diagnostic;
}

export function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) {
    return undefined;
  }
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function toWorkspaceEdit(
  uri: vscode.Uri,
  document: vscode.TextDocument,
  edits: TextEdit[],
): vscode.WorkspaceEdit {
  const workspaceEdit = new vscode.WorkspaceEdit();
  for (const edit of edits) {
    workspaceEdit.replace(uri, findingRange(document, edit), edit.newText);
  }
  return workspaceEdit;
}
