import * as vscode from 'vscode';
import type { Finding } from '../core/findings/finding';
import { sortFindings } from '../core/spec/parse-spec';
import type { ParsedSpec } from '../core/spec/parse-spec';
import { CONFIG_SECTION, DIAGNOSTIC_SOURCE, Settings } from './constants';
import { toDiagnostic } from './findings-to-vscode';
import type { SpecDocuments } from './spec-documents';

/** Adds findings beyond the offline ones (live systems), for the same document. */
export type FindingProvider = (document: vscode.TextDocument, parsed: ParsedSpec) => Finding[];

/** Narrows the offline findings of a document (a live check hides those it settled). */
export type OfflineFindingFilter = (
  document: vscode.TextDocument,
  findings: Finding[],
) => Finding[];

/**
 * Keeps the Problems panel in step with every open spec: at once on open, debounced while the
 * user types, gone on close. Findings are read from the version-keyed parse cache, so a
 * version is never validated twice.
 */
export class DiagnosticsFeature implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly providers: FindingProvider[] = [];
  private readonly filters: OfflineFindingFilter[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after the diagnostics of a spec were replaced. */
  readonly onDidUpdate = this.changed.event;

  constructor(private readonly specs: SpecDocuments) {
    this.disposables.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((document) => this.validateNow(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.validateSoon(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.clear(document.uri)),
      // A closed tab does not close its document at once; clear when no tab shows it any more.
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        for (const tab of event.closed) {
          const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
          if (uri && !this.isShownInATab(uri)) {
            this.clear(uri);
          }
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${CONFIG_SECTION}.${Settings.specGlobs}`)) {
          this.collection.clear();
          this.validateAllOpen();
        }
      }),
    );
    this.validateAllOpen();
  }

  addProvider(provider: FindingProvider): vscode.Disposable {
    this.providers.push(provider);
    this.validateAllOpen();
    return new vscode.Disposable(() => {
      this.providers.splice(this.providers.indexOf(provider), 1);
    });
  }

  addFilter(filter: OfflineFindingFilter): vscode.Disposable {
    this.filters.push(filter);
    this.validateAllOpen();
    return new vscode.Disposable(() => {
      this.filters.splice(this.filters.indexOf(filter), 1);
    });
  }

  /** All findings for a spec document: offline ones and those of the registered providers. */
  findings(document: vscode.TextDocument): Finding[] {
    const parsed = this.specs.parsed(document);
    const offline = this.filters.reduce((kept, filter) => filter(document, kept), parsed.findings);
    const extra = this.providers.flatMap((provider) => provider(document, parsed));
    return extra.length === 0 ? offline : sortFindings([...offline, ...extra]);
  }

  validateAllOpen(): void {
    for (const document of vscode.workspace.textDocuments) {
      this.validateNow(document);
    }
  }

  validateNow(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (!this.specs.isSpec(document)) {
      return;
    }
    this.collection.set(
      document.uri,
      this.findings(document).map((finding) => toDiagnostic(document, finding)),
    );
    this.changed.fire(document.uri);
  }

  private validateSoon(document: vscode.TextDocument): void {
    if (!this.specs.isSpec(document)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    const delay = vscode.workspace
      .getConfiguration(CONFIG_SECTION)
      .get<number>(Settings.debounceMs, 250);
    this.timers.set(
      key,
      setTimeout(() => this.validateNow(document), Math.max(0, delay)),
    );
  }

  private isShownInATab(uri: vscode.Uri): boolean {
    return vscode.window.tabGroups.all.some((group) =>
      group.tabs.some(
        (tab) =>
          tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString(),
      ),
    );
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(uri);
    this.changed.fire(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
