import * as vscode from 'vscode';
import { waitUntil } from './wait-until';
import type { WaitOptions } from './wait-until';

/** Diagnostics VS Code holds for `uri`, optionally only those from one `source`. */
export function diagnosticsFor(uri: vscode.Uri, source?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((diagnostic) => source === undefined || diagnostic.source === source);
}

/**
 * Waits until the diagnostics for `uri` satisfy `accept` and returns them. Validation runs
 * after a debounce and off the typing path, so a test never reads diagnostics just once.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  options: WaitOptions & { source?: string } = {},
): Promise<vscode.Diagnostic[]> {
  return waitUntil(
    () => {
      const found = diagnosticsFor(uri, options.source);
      return accept(found) ? found : undefined;
    },
    { description: `diagnostics on ${vscode.workspace.asRelativePath(uri)}`, ...options },
  );
}

/** The diagnostic codes in `diagnostics`, in order, for readable assertions. */
export function diagnosticCodes(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) =>
    typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code),
  );
}
