import * as vscode from 'vscode';
import { CodeActionsFeature } from './code-actions-feature';
import { Commands } from './constants';
import { DiagnosticsFeature } from './diagnostics-feature';
import { createLogChannel } from './log-channel';
import { setExtensionRoot } from './readme-links';
import { SandboxFeature } from './sandbox-feature';
import { SchemaAssistFeature } from './schema-assist-feature';
import { SecretVault } from './secret-vault';
import { SpecCommands } from './spec-commands';
import { SpecDocuments } from './spec-documents';

/** What the extension offers other extensions and its own integration tests. */
export interface MailHybridApi {
  specs: SpecDocuments;
  diagnostics: DiagnosticsFeature;
}

/** Builds the features and registers them; no file is read and nothing is sent here. */
export function activate(context: vscode.ExtensionContext): MailHybridApi {
  const { channel, logger } = createLogChannel();
  context.subscriptions.push(channel);
  setExtensionRoot(context.extensionPath);

  const specs = new SpecDocuments();
  const diagnostics = new DiagnosticsFeature(specs);
  const vault = new SecretVault(context.secrets);
  context.subscriptions.push(
    specs,
    diagnostics,
    new CodeActionsFeature(specs, diagnostics),
    new SchemaAssistFeature(specs),
    new SpecCommands(specs, vault, logger),
    new SandboxFeature(context, logger),
    vscode.commands.registerCommand(Commands.showLog, () => channel.show()),
  );
  logger.info('Mail Hybrid is active.');
  return { specs, diagnostics };
}

export function deactivate(): void {
  // Every feature is a disposable owned by the extension context.
}
