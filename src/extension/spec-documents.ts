import * as vscode from 'vscode';
import type { ParsedSpec } from '../core/spec/parse-spec';
import { parseSpec } from '../core/spec/parse-spec';
import { CONFIG_SECTION, Settings } from './constants';

const DEFAULT_GLOBS = ['**/hybrid.yaml', '**/*.hybrid.yaml'];

/**
 * Which documents are specs, and their parse results cached by document version: hover,
 * completion, code actions, diagnostics and the tree all ask here, and a version is parsed once.
 */
export class SpecDocuments implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; parsed: ParsedSpec }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((document) =>
        this.cache.delete(document.uri.toString()),
      ),
    );
  }

  globs(): string[] {
    const configured = vscode.workspace
      .getConfiguration(CONFIG_SECTION)
      .get<string[]>(Settings.specGlobs);
    return configured && configured.length > 0 ? configured : DEFAULT_GLOBS;
  }

  /** A document selector for the language features. */
  selector(): vscode.DocumentSelector {
    return this.globs().flatMap((pattern) => [
      { scheme: 'file', pattern },
      { scheme: 'untitled', pattern },
      { scheme: 'vscode-remote', pattern },
    ]);
  }

  isSpec(document: vscode.TextDocument): boolean {
    if (document.uri.scheme === 'output' || document.uri.scheme === 'git') {
      return false;
    }
    return vscode.languages.match(this.selector(), document) > 0;
  }

  parsed(document: vscode.TextDocument): ParsedSpec {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) {
      return cached.parsed;
    }
    const parsed = parseSpec(
      document.getText(),
      document.uri.scheme === 'file' ? document.uri.fsPath : undefined,
    );
    this.cache.set(key, { version: document.version, parsed });
    return parsed;
  }

  forget(document: vscode.TextDocument): void {
    this.cache.delete(document.uri.toString());
  }

  dispose(): void {
    this.cache.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
