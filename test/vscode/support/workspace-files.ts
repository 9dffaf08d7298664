import * as vscode from 'vscode';

/** The fixture folder the test window has open (a fresh copy of the suite's `workspace/`). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    throw new Error('The test window has no workspace folder open.');
  }
  return folder;
}

/** The uri of a file given by its path relative to the fixture workspace, `/`-separated. */
export function workspaceUri(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, ...relativePath.split('/'));
}

/** Opens a fixture file in an editor, as a user would, and returns the document and editor. */
export async function openWorkspaceFile(
  relativePath: string,
): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  return { document, editor };
}
