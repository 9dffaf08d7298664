import * as vscode from 'vscode';

/** The sentences of the live check and the setup steps in the editor, through `vscode.l10n`. */
export const liveUi = {
  untrusted: () =>
    vscode.l10n.t(
      'This workspace is not trusted, so nothing is sent to mailcow or Exchange Online. Trust the workspace to run live checks and setup steps.',
    ),
  noSpec: () => vscode.l10n.t('Open a hybrid.yaml first.'),
  specBroken: () =>
    vscode.l10n.t(
      'The spec has syntax or schema errors (see the Problems panel); fix them before a live check or a step.',
    ),
  checking: () => vscode.l10n.t('Mail Hybrid: reading the live systems…'),
  checked: (count: number) =>
    vscode.l10n.t('Live check finished: {0} finding(s) from the live systems.', count),
  unreadable: (reasons: string) => vscode.l10n.t('Live check: {0}', reasons),
  failed: (reason: string) => vscode.l10n.t('The live check failed: {0}', reason),
  stepUnknown: (step: string) =>
    vscode.l10n.t(
      'There is no setup step "{0}" for this spec right now; run the live check again.',
      step,
    ),
  stepNotNeeded: (title: string) =>
    vscode.l10n.t('"{0}" is already done; nothing was sent.', title),
  stepAsk: (title: string) => vscode.l10n.t('Run "{0}"?', title),
  stepRun: () => vscode.l10n.t('Run'),
  stepRunning: (title: string) => vscode.l10n.t('Mail Hybrid: {0}…', title),
  stepDone: (message: string) => vscode.l10n.t('Done: {0}', message),
  stepUnchanged: (message: string) => vscode.l10n.t('Nothing to change: {0}', message),
  stepFailed: (message: string) => vscode.l10n.t('The step failed: {0}', message),
  applyAllNothing: (system: string) =>
    vscode.l10n.t('{0} already matches the spec; no {0} step is needed.', system),
  applyAllAsk: (count: number, system: string) =>
    vscode.l10n.t(
      'Run {0} {1} step(s) in order? Each change is read back; the run stops at the first failure.',
      count,
      system,
    ),
  applyAllRun: () => vscode.l10n.t('Run all'),
  applyAllRunning: (system: string) =>
    vscode.l10n.t('Mail Hybrid: applying the {0} steps…', system),
  applyAllOk: (system: string, message: string) =>
    vscode.l10n.t('{0} steps finished. {1}', system, message),
  applyAllFailed: (system: string, message: string) =>
    vscode.l10n.t('{0} steps stopped: {1}', system, message),
  rebindQuestion: (name: string, storedFor: string, origin: string) =>
    vscode.l10n.t(
      'secret:{0} was stored for {1}, but the spec now points at {2}. Send the key to {2}?',
      name,
      storedFor,
      origin,
    ),
  rebindYes: () => vscode.l10n.t('Send it there'),
};
