import * as vscode from 'vscode';
import { formatSpecPath } from '../core/bounce/explain-bounce';
import type { Clock } from '../core/exchange/clock';
import { systemClock } from '../core/exchange/clock';
import { createLiveSession } from '../core/live/live-check';
import type { ExchangeHostHooks } from '../core/live/live-system';
import type { Logger } from '../core/log';
import type {
  HopState,
  ValidationDirection,
  ValidationReport,
} from '../core/validate/follow-message';
import { followMessage } from '../core/validate/follow-message';
import { validationSourcesFor } from '../core/validate/validation-sources';
import { Commands } from './constants';
import { createEditorLiveHost } from './editor-live-host';
import type { SecretVault } from './secret-vault';
import type { SpecDocuments } from './spec-documents';

/** The read-only document the report is shown in; nothing asks to save it. */
const SCHEME = 'mail-hybrid-validation';
const REPORT_URI = vscode.Uri.from({ scheme: SCHEME, path: '/Mail flow validation.md' });
const MINUTE = 60_000;
/** A message sent shortly before the command ran counts too, as on the command line. */
const SINCE_MINUTES = 30;

/** For automation and tests: answers the questions a person would be asked, skips none. */
export interface ValidateRunOptions {
  /** Answers "I sent both messages" for the person. */
  assumeSent?: boolean;
  pollMs?: number;
  timeoutMs?: number;
  /** Cancels as the notification's Cancel button does (a caller in the extension host). */
  cancellation?: vscode.CancellationToken;
}

export interface ValidateRunResult {
  instructions: string[];
  reports: ValidationReport[];
  markdown: string;
}

/** Why the command stopped before following anything; the person was told in words. */
export type ValidateNotRun = {
  notRun: 'untrusted' | 'no-spec' | 'spec-broken' | 'no-mailbox' | 'not-sent' | 'cancelled';
};

const text = {
  untrusted: () =>
    vscode.l10n.t(
      'Validating the mail flow reads mailcow and Exchange Online with your secrets: trust this workspace first.',
    ),
  noSpec: () => vscode.l10n.t('Open a hybrid.yaml first.'),
  specBroken: () =>
    vscode.l10n.t('The spec has errors that keep it from being read; fix those first.'),
  noMailbox: () =>
    vscode.l10n.t(
      'Add checks.validation.mailcowMailbox to the spec: a mailbox that exists only on mailcow (and, optionally, checks.validation.exchangeMailbox: one that exists only in Exchange Online). The test messages go to and from it.',
    ),
  inbound: (mailbox: string) =>
    vscode.l10n.t(
      'Inbound: from a mailbox outside both systems (a personal address, say), send a message to {0}.',
      mailbox,
    ),
  outbound: (mailbox: string, target: string) =>
    vscode.l10n.t(
      'Outbound: from {0} (mailcow’s webmail, SOGo), send a message to {1}.',
      mailbox,
      target,
    ),
  outsideAddress: () => vscode.l10n.t('an address outside both systems'),
  outsideOrExchange: (mailbox: string) =>
    vscode.l10n.t('an address outside both systems, or to {0} in Exchange Online', mailbox),
  ask: () => vscode.l10n.t('Send the two test messages, then let them be followed.'),
  sent: () => vscode.l10n.t('I sent both'),
  copy: (mailbox: string) => vscode.l10n.t('Copy {0}', mailbox),
  copied: (mailbox: string) => vscode.l10n.t('{0} is on the clipboard.', mailbox),
  progressTitle: () => vscode.l10n.t('Following the test messages'),
  progressStarting: () =>
    vscode.l10n.t('Asking Exchange’s message trace and mailcow’s Postfix log…'),
  stage: (direction: string, polls: number, states: string) =>
    vscode.l10n.t('{0}, look {1}: {2}', direction, polls, states),
  cancelled: () => vscode.l10n.t('Stopped following the test messages.'),
  heading: () => vscode.l10n.t('Mail flow validation'),
  whatToSend: () => vscode.l10n.t('What to send'),
  inboundHeading: (mailbox: string, outcome: string) =>
    vscode.l10n.t('Inbound: the internet → Exchange → mailcow ({0}): {1}', mailbox, outcome),
  outboundHeading: (mailbox: string, outcome: string) =>
    vscode.l10n.t('Outbound: mailcow ({0}) → Exchange → the internet: {1}', mailbox, outcome),
  directionInbound: () => vscode.l10n.t('Inbound'),
  directionOutbound: () => vscode.l10n.t('Outbound'),
  delivered: () => vscode.l10n.t('arrived'),
  failed: () => vscode.l10n.t('failed'),
  timeout: () => vscode.l10n.t('not seen in time'),
  unreadable: () => vscode.l10n.t('could not be followed'),
  done: () => vscode.l10n.t('done'),
  pending: () => vscode.l10n.t('waiting'),
  failedHop: () => vscode.l10n.t('failed'),
  unknown: () => vscode.l10n.t('unknown'),
  bounce: () => vscode.l10n.t('Why it bounced'),
  findings: () => vscode.l10n.t('Findings of the live check for its usual causes'),
  setting: () => vscode.l10n.t('Setting in the spec'),
  looks: (polls: number) => vscode.l10n.t('Looked {0} time(s).', polls),
  summaryDelivered: () => vscode.l10n.t('Both test messages arrived.'),
  summaryNot: () =>
    vscode.l10n.t('Not every test message arrived; the report says where each one is.'),
};

class Cancelled extends Error {}

/** Markdown special characters in text from mail logs and traces, shown as themselves. */
function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_[\]<>#|]/g, (character) => `\\${character}`);
}

function outcomeWords(outcome: ValidationReport['outcome']): string {
  return text[outcome]();
}

function stateWords(state: HopState): string {
  switch (state) {
    case 'done':
      return text.done();
    case 'pending':
      return text.pending();
    case 'failed':
      return text.failedHop();
    case 'unknown':
      return text.unknown();
  }
}

function systemName(system: 'exchange' | 'mailcow'): string {
  return system === 'exchange' ? 'Exchange Online' : 'mailcow';
}

function directionWords(direction: ValidationDirection): string {
  return direction === 'inbound' ? text.directionInbound() : text.directionOutbound();
}

/** The clock of one run: its waits end early, with `Cancelled`, when any token cancels. */
function cancellableClock(tokens: vscode.CancellationToken[]): Clock {
  return {
    now: () => systemClock.now(),
    sleep: (ms) =>
      new Promise((resolve, reject) => {
        if (tokens.some((token) => token.isCancellationRequested)) {
          reject(new Cancelled());
          return;
        }
        let listeners: vscode.Disposable[] = [];
        const timer = setTimeout(() => {
          for (const listener of listeners) {
            listener.dispose();
          }
          resolve();
        }, ms);
        listeners = tokens.map((token) =>
          token.onCancellationRequested(() => {
            clearTimeout(timer);
            for (const listener of listeners) {
              listener.dispose();
            }
            reject(new Cancelled());
          }),
        );
      }),
  };
}

/**
 * "Validate the mail flow": says which two test messages to send, follows them through
 * Exchange's message trace and mailcow's Postfix log with the clients of a live session (the
 * vault's origin-bound secrets, the Exchange sign-in), and shows where each one is beside the
 * spec, with a bounce explained when one is found. It only reads.
 */
export class ValidateFeature implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private content = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();

  constructor(
    private readonly specs: SpecDocuments,
    private readonly vault: SecretVault,
    private readonly logger: Logger,
    private readonly exchangeHooks?: ExchangeHostHooks,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: () => this.content,
      }),
      vscode.commands.registerCommand(
        Commands.validateRun,
        (target?: unknown, options?: ValidateRunOptions) =>
          this.run(
            target instanceof vscode.Uri || typeof target === 'string' ? target : undefined,
            options ?? {},
          ),
      ),
    );
  }

  /** What was followed, or why nothing was. */
  async run(
    target: vscode.Uri | string | undefined,
    options: ValidateRunOptions,
  ): Promise<ValidateRunResult | ValidateNotRun> {
    // A spec from an unknown source must not make the editor send keys to the hosts it names.
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(text.untrusted());
      return { notRun: 'untrusted' };
    }
    const document = await this.documentFor(target);
    if (!document) {
      void vscode.window.showWarningMessage(text.noSpec());
      return { notRun: 'no-spec' };
    }
    const parsed = this.specs.parsed(document);
    if (!parsed.spec) {
      void vscode.window.showWarningMessage(text.specBroken());
      return { notRun: 'spec-broken' };
    }
    const spec = parsed.spec;
    const mailbox = spec.checks.validation.mailcowMailbox?.trim();
    if (!mailbox) {
      void vscode.window.showWarningMessage(text.noMailbox());
      return { notRun: 'no-mailbox' };
    }
    const exchangeMailbox = spec.checks.validation.exchangeMailbox?.trim();
    const instructions = [
      text.inbound(mailbox),
      text.outbound(
        mailbox,
        exchangeMailbox ? text.outsideOrExchange(exchangeMailbox) : text.outsideAddress(),
      ),
    ];
    const started = Date.now();
    if (!(options.assumeSent ?? false) && !(await this.askSent(instructions, mailbox))) {
      return { notRun: 'not-sent' };
    }
    const session = createLiveSession(
      spec,
      parsed.source,
      createEditorLiveHost(this.vault, this.logger, this.exchangeHooks),
    );
    const sources = validationSourcesFor(session);
    let reports: ValidationReport[];
    try {
      reports = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: text.progressTitle(),
          cancellable: true,
        },
        async (progress, token) => {
          progress.report({ message: text.progressStarting() });
          const clock = cancellableClock(
            options.cancellation ? [token, options.cancellation] : [token],
          );
          const latest = new Map<ValidationDirection, string>();
          const follow = (direction: ValidationDirection) =>
            followMessage(direction, mailbox, sources, {
              since: started - SINCE_MINUTES * MINUTE,
              spec,
              clock,
              ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
              ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
              onProgress: (report) => {
                const states = report.hops
                  .map((hop) => `${systemName(hop.system)} ${stateWords(hop.state)}`)
                  .join(', ');
                latest.set(direction, text.stage(directionWords(direction), report.polls, states));
                this.logger.info(`Validation: ${direction} look ${report.polls}: ${states}`);
                progress.report({ message: [...latest.values()].join(' · ') });
              },
            });
          // Both at once: each waits minutes for the trace, and two queries a minute stay far
          // below the trace's limit.
          return Promise.all([follow('inbound'), follow('outbound')]);
        },
      );
    } catch (error) {
      if (error instanceof Cancelled) {
        void vscode.window.showInformationMessage(text.cancelled());
        return { notRun: 'cancelled' };
      }
      throw error;
    }
    const markdown = this.markdown(instructions, reports);
    await this.show(markdown, document);
    const delivered = reports.every((report) => report.outcome === 'delivered');
    if (delivered) {
      void vscode.window.showInformationMessage(text.summaryDelivered());
    } else {
      void vscode.window.showWarningMessage(text.summaryNot());
    }
    return { instructions, reports, markdown };
  }

  /** Tells what to send; copying the address shows the question again. */
  private async askSent(instructions: string[], mailbox: string): Promise<boolean> {
    const sent = text.sent();
    const copy = text.copy(mailbox);
    for (;;) {
      const choice = await vscode.window.showInformationMessage(
        text.ask(),
        { modal: true, detail: instructions.join('\n\n') },
        copy,
        sent,
      );
      if (choice === copy) {
        await vscode.env.clipboard.writeText(mailbox);
        void vscode.window.showInformationMessage(text.copied(mailbox));
        continue;
      }
      return choice === sent;
    }
  }

  private markdown(instructions: string[], reports: ValidationReport[]): string {
    const lines = [`# ${text.heading()}`, '', `## ${text.whatToSend()}`, ''];
    for (const instruction of instructions) {
      lines.push(`- ${escapeMarkdown(instruction)}`);
    }
    for (const report of reports) {
      const heading =
        report.direction === 'inbound'
          ? text.inboundHeading(report.mailbox, outcomeWords(report.outcome))
          : text.outboundHeading(report.mailbox, outcomeWords(report.outcome));
      lines.push('', `## ${escapeMarkdown(heading)}`, '');
      report.hops.forEach((hop, index) => {
        lines.push(
          `${index + 1}. **${systemName(hop.system)}** (${stateWords(hop.state)}): ${escapeMarkdown(hop.detail)}`,
        );
        for (const explanation of hop.explanations ?? []) {
          lines.push(
            '',
            `   **${text.bounce()}:** ${escapeMarkdown(explanation.title)}`,
            '',
            `   ${escapeMarkdown(explanation.meaning)}`,
            '',
            `   **${text.findings()}:** ${explanation.findingCodes.map((code) => `\`${code}\``).join(', ')}`,
            '',
            `   **${text.setting()}:** \`${formatSpecPath(explanation.specPath)}\``,
          );
        }
      });
      lines.push('', `_${text.looks(report.polls)}_`);
    }
    lines.push('');
    return lines.join('\n');
  }

  private async show(markdown: string, spec: vscode.TextDocument): Promise<void> {
    this.content = markdown;
    this.changed.fire(REPORT_URI);
    const shown = await vscode.languages.setTextDocumentLanguage(
      await vscode.workspace.openTextDocument(REPORT_URI),
      'markdown',
    );
    const beside = vscode.window.visibleTextEditors.some(
      (editor) => editor.document.uri.toString() === spec.uri.toString(),
    );
    await vscode.window.showTextDocument(shown, {
      viewColumn: beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
      preview: true,
      preserveFocus: beside,
    });
  }

  /** The spec named, else the active editor's, else the first open one. */
  private async documentFor(
    target: vscode.Uri | string | undefined,
  ): Promise<vscode.TextDocument | undefined> {
    if (target !== undefined) {
      const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
      return (
        vscode.workspace.textDocuments.find(
          (document) => document.uri.toString() === uri.toString(),
        ) ?? (await vscode.workspace.openTextDocument(uri))
      );
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active && this.specs.isSpec(active)) {
      return active;
    }
    return vscode.workspace.textDocuments.find((document) => this.specs.isSpec(document));
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
