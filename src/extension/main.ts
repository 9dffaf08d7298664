import * as vscode from 'vscode';
import { BounceFeature } from './bounce-feature';
import { CodeActionsFeature } from './code-actions-feature';
import { Commands } from './constants';
import { DiagnosticsFeature } from './diagnostics-feature';
import { ExchangeExportCommand } from './exchange-export-command';
import { ExchangeSignIn } from './exchange-sign-in';
import { LiveFeature } from './live-feature';
import { createLogChannel } from './log-channel';
import { setExtensionRoot } from './readme-links';
import { SandboxFeature } from './sandbox-feature';
import { SchemaAssistFeature } from './schema-assist-feature';
import { SecretVault } from './secret-vault';
import { SetupTreeFeature } from './setup-tree-feature';
import { SpecCommands } from './spec-commands';
import { SpecDocuments } from './spec-documents';
import { ValidateFeature } from './validate-feature';

/** What the extension offers other extensions and its own integration tests. */
export interface MailHybridApi {
  specs: SpecDocuments;
  diagnostics: DiagnosticsFeature;
  /** The Setup view's provider; a live check hands it what it read through `setLive`. */
  tree: SetupTreeFeature;
  /** Live checks and setup steps; `onDidChangeLive` fires after every live check. */
  live: LiveFeature;
}

/** Builds the features and registers them; no file is read and nothing is sent here. */
export function activate(context: vscode.ExtensionContext): MailHybridApi {
  const { channel, logger } = createLogChannel();
  context.subscriptions.push(channel);
  setExtensionRoot(context.extensionPath);

  const specs = new SpecDocuments();
  const diagnostics = new DiagnosticsFeature(specs);
  const vault = new SecretVault(context.secrets);
  const tree = new SetupTreeFeature(specs, diagnostics, logger, () => channel.show());
  // Its hooks() go into the live host, so checks and steps sign in to Exchange through it.
  const exchangeSignIn = new ExchangeSignIn(specs, logger);
  const live = new LiveFeature(specs, diagnostics, vault, logger, exchangeSignIn.hooks());
  // The tree shows what the last live check read beside what the spec wants.
  const liveToTree = live.onDidChangeLive(({ uri, report }) =>
    tree.setLive(uri, { values: report.liveValues, unreadable: report.unreadable }),
  );
  context.subscriptions.push(
    live,
    liveToTree,
    specs,
    diagnostics,
    new CodeActionsFeature(specs, diagnostics),
    new SchemaAssistFeature(specs),
    new SpecCommands(specs, vault, logger),
    tree,
    new BounceFeature(specs, logger),
    new ValidateFeature(specs, vault, logger, exchangeSignIn.hooks()),
    exchangeSignIn,
    new ExchangeExportCommand(specs, logger),
    new SandboxFeature(context, logger),
    vscode.commands.registerCommand(Commands.showLog, () => channel.show()),
  );
  logger.info('Mail Hybrid is active.');
  return { specs, diagnostics, tree, live };
}

export function deactivate(): void {
  // Every feature is a disposable owned by the extension context.
}
