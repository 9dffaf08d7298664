import * as vscode from 'vscode';
import type { Finding } from '../core/findings/finding';
import type { LiveReport } from '../core/live/live-check';
import { createLiveSession, runLiveCheck, withoutSettled } from '../core/live/live-check';
import type { ExchangeHostHooks, LiveSystemName } from '../core/live/live-system';
import type { Logger } from '../core/log';
import type { StepRunReport } from '../core/plan/run-steps';
import { runStepsInOrder } from '../core/plan/run-steps';
import type { SetupStep, StepOutcome } from '../core/plan/step';
import type { ParsedSpec } from '../core/spec/parse-spec';
import { Commands } from './constants';
import type { DiagnosticsFeature } from './diagnostics-feature';
import { createEditorLiveHost } from './editor-live-host';
import { liveUi } from './live-messages';
import type { SecretVault } from './secret-vault';
import type { SpecDocuments } from './spec-documents';

/** What `mailHybrid.step.run` and `mailHybrid.mailcow.applyAll` accept besides the step. */
export interface StepRunOptions {
  /** Runs without the modal question (automation and tests). */
  assumeYes?: boolean;
}

/** The argument object the code actions pass to `mailHybrid.step.run`. */
export interface StepTarget {
  uri: string;
  stepId: string;
  domain?: string;
}

interface LiveEntry {
  report: LiveReport;
  /** Each live finding with whether it sat on its key, so it can be placed again by path. */
  placed: { finding: Finding; onKey: boolean }[];
}

export interface LiveChange {
  uri: vscode.Uri;
  report: LiveReport;
}

function isStepTarget(value: unknown): value is StepTarget {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StepTarget).uri === 'string' &&
    typeof (value as StepTarget).stepId === 'string'
  );
}

/**
 * Live checks and setup steps in the editor. A live check runs only when asked (a command, a
 * step, the tree) and never in an untrusted workspace. Its findings join the diagnostics and
 * are placed again by spec path on every parse, so they stay on their line while the user
 * edits; the offline findings a live check settled are hidden.
 */
export class LiveFeature implements vscode.Disposable {
  private readonly entries = new Map<string, LiveEntry>();
  private readonly changed = new vscode.EventEmitter<LiveChange>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires after every live check of a spec, with its report. */
  readonly onDidChangeLive: vscode.Event<LiveChange> = this.changed.event;

  constructor(
    private readonly specs: SpecDocuments,
    private readonly diagnostics: DiagnosticsFeature,
    private readonly vault: SecretVault,
    private readonly logger: Logger,
    private readonly exchangeHooks?: ExchangeHostHooks,
  ) {
    this.disposables.push(
      this.changed,
      diagnostics.addProvider((document, parsed) => this.liveFindings(document, parsed)),
      diagnostics.addFilter((document, findings) => {
        const entry = this.entries.get(document.uri.toString());
        return entry ? withoutSettled(findings, entry.report.settles) : findings;
      }),
      vscode.commands.registerCommand(Commands.liveRefresh, (uri?: vscode.Uri | string) =>
        this.refresh(uri),
      ),
      vscode.commands.registerCommand(
        Commands.runStep,
        (target: StepTarget | string, ...rest: unknown[]) => this.runStepCommand(target, rest),
      ),
      vscode.commands.registerCommand(
        Commands.mailcowApplyAll,
        (uri?: vscode.Uri | string, options?: StepRunOptions) =>
          this.applyAll('mailcow', uri, options),
      ),
      vscode.commands.registerCommand(
        Commands.exchangeApplyAll,
        (uri?: vscode.Uri | string, options?: StepRunOptions) =>
          this.applyAll('exchange', uri, options),
      ),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.entries.delete(document.uri.toString());
      }),
    );
  }

  /** The last live report of a spec, if a live check ran for it. */
  report(uri: vscode.Uri): LiveReport | undefined {
    return this.entries.get(uri.toString())?.report;
  }

  /** Runs the live check for a spec and shows its findings. Undefined when it could not run. */
  async refresh(target?: vscode.Uri | string, quiet = false): Promise<LiveReport | undefined> {
    const document = await this.documentFor(target);
    if (!document) {
      return undefined;
    }
    const parsed = this.specs.parsed(document);
    // A spec with syntax or schema errors is never acted on: its values are not proven safe to
    // send to an API, and a step planned from it could half-apply a wrong setup.
    const invalid = parsed.findings.some(
      (finding) =>
        finding.severity === 'error' && (finding.source === 'yaml' || finding.source === 'schema'),
    );
    if (!parsed.spec || invalid) {
      void vscode.window.showWarningMessage(liveUi.specBroken());
      return undefined;
    }
    const spec = parsed.spec;
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: liveUi.checking() },
        () =>
          runLiveCheck(
            createLiveSession(
              spec,
              parsed.source,
              createEditorLiveHost(this.vault, this.logger, this.exchangeHooks),
            ),
          ),
      );
      this.remember(document, parsed, report);
      if (!quiet) {
        if (report.unreadable.length > 0) {
          void vscode.window.showWarningMessage(
            liveUi.unreadable(report.unreadable.map((entry) => entry.reason).join(' ')),
          );
        } else {
          void vscode.window.showInformationMessage(liveUi.checked(report.findings.length));
        }
      }
      return report;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(`Live check failed: ${reason}`);
      void vscode.window.showErrorMessage(liveUi.failed(reason));
      return undefined;
    }
  }

  private remember(document: vscode.TextDocument, parsed: ParsedSpec, report: LiveReport): void {
    const placed = report.findings.map((finding) => {
      const path = finding.path;
      const onKey =
        path !== undefined &&
        parsed.source.locateKey(path).offset === finding.offset &&
        parsed.source.locate(path).offset !== finding.offset;
      return { finding, onKey };
    });
    this.entries.set(document.uri.toString(), { report, placed });
    this.diagnostics.validateNow(document);
    this.changed.fire({ uri: document.uri, report });
  }

  /** The live findings placed on the current text: by spec path, as the offline rules do. */
  private liveFindings(document: vscode.TextDocument, parsed: ParsedSpec): Finding[] {
    const entry = this.entries.get(document.uri.toString());
    if (!entry) {
      return [];
    }
    if (!parsed.spec) {
      // While the text does not parse, nothing can be placed reliably.
      return [];
    }
    return entry.placed.map(({ finding, onKey }) => {
      if (!finding.path) {
        return finding;
      }
      const where = onKey
        ? parsed.source.locateKey(finding.path)
        : parsed.source.locate(finding.path);
      return { ...finding, offset: where.offset, length: where.length };
    });
  }

  private async runStepCommand(
    target: StepTarget | string,
    rest: unknown[],
  ): Promise<StepOutcome | undefined> {
    if (isStepTarget(target)) {
      return this.runStep(target, rest[0] ?? {});
    }
    const [stepId, domain, options] = rest as [
      string,
      string | undefined,
      StepRunOptions | undefined,
    ];
    return this.runStep({ uri: String(target), stepId, domain }, options ?? {});
  }

  /**
   * Reads the live state afresh, finds the step, shows its exact requests in a modal and runs it
   * under a progress notification; then says what happened and checks again.
   */
  async runStep(
    target: StepTarget,
    options: StepRunOptions = {},
  ): Promise<StepOutcome | undefined> {
    const report = await this.refresh(target.uri, true);
    if (!report) {
      return undefined;
    }
    const step = report.steps.find(
      (candidate) =>
        candidate.id === target.stepId &&
        (candidate.domain ?? undefined) === (target.domain ?? undefined),
    );
    if (!step) {
      // Steps come only from systems that could be read; say why this one could not.
      const unreadable = report.unreadable.map((entry) => entry.reason).join(' ');
      void vscode.window.showWarningMessage(
        unreadable ? liveUi.unreadable(unreadable) : liveUi.stepUnknown(target.stepId),
      );
      return undefined;
    }
    if (!step.needed) {
      void vscode.window.showInformationMessage(liveUi.stepNotNeeded(step.title));
      return { status: 'unchanged', message: liveUi.stepNotNeeded(step.title) };
    }
    if (
      !options.assumeYes &&
      !(await this.confirm(liveUi.stepAsk(step.title), [step], liveUi.stepRun()))
    ) {
      return undefined;
    }
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: liveUi.stepRunning(step.title) },
      () => this.applyOne(step),
    );
    this.tell(outcome);
    await this.refresh(target.uri, true);
    return outcome;
  }

  /** Runs every needed step of one system in order, stopping at the first failure. */
  async applyAll(
    system: Extract<LiveSystemName, 'mailcow' | 'exchange'>,
    target?: vscode.Uri | string,
    options: StepRunOptions = {},
  ): Promise<StepRunReport | undefined> {
    const report = await this.refresh(target, true);
    if (!report) {
      return undefined;
    }
    const unreadable = report.unreadable.find((entry) => entry.system === system);
    if (unreadable) {
      void vscode.window.showWarningMessage(liveUi.unreadable(unreadable.reason));
      return undefined;
    }
    const document = await this.documentFor(target);
    const systemName = system === 'mailcow' ? 'mailcow' : 'Exchange Online';
    const steps = report.steps.filter((step) => step.system === system);
    const needed = steps.filter((step) => step.needed);
    if (needed.length === 0) {
      void vscode.window.showInformationMessage(liveUi.applyAllNothing(systemName));
      return undefined;
    }
    if (
      !options.assumeYes &&
      !(await this.confirm(
        liveUi.applyAllAsk(needed.length, systemName),
        needed,
        liveUi.applyAllRun(),
      ))
    ) {
      return undefined;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: liveUi.applyAllRunning(systemName) },
      (progress) =>
        runStepsInOrder(needed, this.logger, {
          onOutcome: ({ step, outcome }) => {
            progress.report({ message: `${step.title}: ${outcome.status}` });
          },
        }),
    );
    if (result.ok) {
      void vscode.window.showInformationMessage(liveUi.applyAllOk(systemName, result.message));
    } else {
      void vscode.window.showErrorMessage(liveUi.applyAllFailed(systemName, result.message));
    }
    if (document) {
      await this.refresh(document.uri, true);
    }
    return result;
  }

  private async applyOne(step: SetupStep): Promise<StepOutcome> {
    try {
      return await step.apply(this.logger);
    } catch (error) {
      return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  private tell(outcome: StepOutcome): void {
    const details =
      outcome.details && outcome.details.length > 0 ? ` ${outcome.details.join('; ')}` : '';
    switch (outcome.status) {
      case 'done':
        void vscode.window.showInformationMessage(liveUi.stepDone(outcome.message + details));
        break;
      case 'unchanged':
        void vscode.window.showInformationMessage(liveUi.stepUnchanged(outcome.message));
        break;
      case 'failed':
        this.logger.warn(outcome.message);
        void vscode.window.showErrorMessage(liveUi.stepFailed(outcome.message + details));
        break;
    }
  }

  /** A modal that shows each step's summary and exact requests before anything is sent. */
  private async confirm(
    question: string,
    steps: readonly SetupStep[],
    run: string,
  ): Promise<boolean> {
    const detail = steps
      .map((step) => {
        const preview = step.preview();
        const requests = preview.requests.map(
          (request) => `${request.action} ${JSON.stringify(request.body)}`,
        );
        return [step.title, preview.summary, ...requests].join('\n');
      })
      .join('\n\n');
    const choice = await vscode.window.showWarningMessage(question, { modal: true, detail }, run);
    return choice === run;
  }

  /**
   * The spec document a command is about: the one named, else the active editor's, else the
   * first open spec. Never in an untrusted workspace: a spec from an unknown source must not
   * make the editor send keys to the hosts it names.
   */
  private async documentFor(
    target?: vscode.Uri | string,
  ): Promise<vscode.TextDocument | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(liveUi.untrusted());
      return undefined;
    }
    if (target !== undefined) {
      const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
      const open = vscode.workspace.textDocuments.find(
        (document) => document.uri.toString() === uri.toString(),
      );
      return open ?? (await vscode.workspace.openTextDocument(uri));
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active && this.specs.isSpec(active)) {
      return active;
    }
    const any = vscode.workspace.textDocuments.find((document) => this.specs.isSpec(document));
    if (!any) {
      void vscode.window.showWarningMessage(liveUi.noSpec());
    }
    return any;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
