import * as vscode from 'vscode';

/**
 * Every sentence the extension layer shows, through `vscode.l10n` so a language bundle in
 * `l10n/` translates it. Sentences that come from the core use the core's own catalogue.
 */
export const ui = {
  hoverValues: () => vscode.l10n.t('Values:'),
  hoverDefault: () => vscode.l10n.t('Default:'),
  completionDefault: () => vscode.l10n.t('default'),
  noWorkspaceFolder: () =>
    vscode.l10n.t('Open a folder first: the spec is created in the workspace folder.'),
  pickFolder: () => vscode.l10n.t('Folder for hybrid.yaml'),
  specExists: (file: string) =>
    vscode.l10n.t('{0} exists already; it is opened instead of overwritten.', file),
  specCreated: (file: string) =>
    vscode.l10n.t('Created {0}. Fill in your domains, mailcow URL, tenant and gateway.', file),
  documentChanged: () =>
    vscode.l10n.t(
      'The spec changed while the secret was being stored; nothing was changed. Try the quick fix again.',
    ),
  secretValueMissing: () =>
    vscode.l10n.t('There is no inline value at that place any more; nothing was stored.'),
  secretStored: (name: string) =>
    vscode.l10n.t(
      'Stored the value in secret storage as secret:{0}; the spec now refers to it.',
      name,
    ),
  secretStoreFailed: (reason: string) =>
    vscode.l10n.t(
      'The secret could not be stored ({0}); the spec was left unchanged. On Linux, secret storage needs a running keyring such as GNOME Keyring or KWallet.',
      reason,
    ),
  editFailed: () =>
    vscode.l10n.t(
      'The spec could not be edited; the value is stored, but the spec still holds it inline. Replace it with the reference by hand.',
    ),
  noSpecOpen: () => vscode.l10n.t('Open a hybrid.yaml first.'),
  apiKeyPrompt: (origin: string) =>
    vscode.l10n.t(
      'mailcow API key for {0} (read-write; it is kept in VS Code secret storage)',
      origin,
    ),
  apiKeyStored: (name: string, origin: string) =>
    vscode.l10n.t('Stored the mailcow API key as secret:{0}, bound to {1}.', name, origin),
  apiKeyNotSecretRef: () =>
    vscode.l10n.t(
      'mailcow.apiKey in this spec is not a secret: reference; the key is stored as secret:mailcow. Set apiKey: secret:mailcow to use it.',
    ),
  secretNamePrompt: () =>
    vscode.l10n.t('Name of the stored secret to forget (the part after secret:)'),
  secretForgotten: (name: string) => vscode.l10n.t('Forgot secret:{0}.', name),
  rebindQuestion: (name: string, storedFor: string, origin: string) =>
    vscode.l10n.t(
      'secret:{0} was stored for {1}, but the spec now points at {2}. Send it to {2}?',
      name,
      storedFor,
      origin,
    ),
  rebindYes: () => vscode.l10n.t('Send it there'),
  untrustedNoNetwork: () =>
    vscode.l10n.t(
      'This workspace is not trusted, so nothing is sent over the network. Trust the workspace to use live checks and steps.',
    ),
};
