import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

let extensionRoot: string | undefined;
let readmePath: string | undefined;
let headingLines: Map<string, number> | undefined;

export function setExtensionRoot(root: string): void {
  extensionRoot = root;
  readmePath = undefined;
  headingLines = undefined;
}

/**
 * The README line where the section about a finding code starts (a heading that is the code in
 * backticks), read once on first use rather than at activation.
 */
function headingLine(code: string): number | undefined {
  if (!extensionRoot) {
    return undefined;
  }
  if (!headingLines) {
    headingLines = new Map();
    try {
      // A .vsix stores the file as readme.md, a development folder as README.md, and the
      // extension folder may sit on a case-sensitive file system.
      const name = readdirSync(extensionRoot).find((file) => file.toLowerCase() === 'readme.md');
      if (name === undefined) {
        return undefined;
      }
      readmePath = join(extensionRoot, name);
      readFileSync(readmePath, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const match = /^#{2,6}\s+`([a-z0-9-]+)`/.exec(line);
          if (match?.[1] && !headingLines!.has(match[1])) {
            headingLines!.set(match[1], index + 1);
          }
        });
    } catch {
      // Without a README the codes simply carry no link.
    }
  }
  return headingLines.get(code);
}

/** A link to the README section that explains `code`, for the Problems panel. */
export function readmeSectionUri(code: string): vscode.Uri | undefined {
  const line = headingLine(code);
  if (!readmePath || line === undefined) {
    return undefined;
  }
  return vscode.Uri.file(readmePath).with({ fragment: `L${line}` });
}
