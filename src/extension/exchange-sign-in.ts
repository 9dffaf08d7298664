import * as vscode from 'vscode';
import { signInToExchange } from '../core/exchange/exchange-live';
import type { TokenSource } from '../core/exchange/token-source';
import { exchangeScope } from '../core/exchange/token-source';
import { createLiveSession } from '../core/live/live-check';
import type { ExchangeHostHooks } from '../core/live/live-system';
import type { Logger } from '../core/log';
import type { HybridSpec } from '../core/spec/model';
import type { ParsedSpec } from '../core/spec/parse-spec';
import { Commands } from './constants';
import type { SpecDocuments } from './spec-documents';

/** VS Code's built-in Microsoft account provider. */
const MICROSOFT_PROVIDER = 'microsoft';
const SIGN_IN_TIMEOUT_MS = 60_000;

/**
 * Sign-in to Exchange Online in the editor: the Microsoft account VS Code holds (method
 * `vscode`), or a device code shown with a button that copies it and opens the sign-in page.
 * `hooks()` is what the live checks are handed; the sign-ins it keeps last until sign-out.
 *
 * Checks never open VS Code's account picker by themselves: they use an account only when one is
 * already signed in, and otherwise their finding points at the sign-in command, which asks.
 */
export class ExchangeSignIn implements vscode.Disposable {
  /** Device-code sign-ins, kept across checks (see `ExchangeHostHooks.signIns`). */
  private readonly signIns = new Map<string, TokenSource>();
  /** After sign-out no account is used until the person signs in again. */
  private signedOut = false;
  /** After sign-out the next sign-in asks which account, instead of reusing the last one. */
  private chooseAccount = false;
  private readonly registrations: vscode.Disposable[];

  constructor(
    private readonly specs: SpecDocuments,
    private readonly logger: Logger,
  ) {
    this.registrations = [
      vscode.commands.registerCommand(Commands.exchangeSignIn, () => this.signIn()),
      vscode.commands.registerCommand(Commands.exchangeSignOut, () => this.signOut()),
    ];
  }

  /** The hooks a live check of the editor uses for Exchange. */
  hooks(): ExchangeHostHooks {
    return {
      signIns: this.signIns,
      getVscodeToken: (scopes, tenant) => this.accountToken(scopes, tenant, 'silent'),
      onDeviceCode: (prompt) => this.showDeviceCode(prompt),
    };
  }

  private sessionScopes(scopes: string[], tenant: string): string[] {
    // The provider reads the tenant from this pseudo-scope; without it the token would be for
    // the account's home tenant, which need not be the one the spec names.
    return [...scopes, `VSCODE_TENANT:${tenant}`];
  }

  private async accountToken(
    scopes: string[],
    tenant: string,
    mode: 'silent' | 'ask',
  ): Promise<string | undefined> {
    if (mode === 'silent' && this.signedOut) {
      return undefined;
    }
    const options: vscode.AuthenticationGetSessionOptions =
      mode === 'silent'
        ? { silent: true }
        : this.chooseAccount
          ? {
              forceNewSession: {
                detail: vscode.l10n.t('Choose the account that administers Exchange Online.'),
              },
              clearSessionPreference: true,
            }
          : { createIfNone: true, clearSessionPreference: true };
    try {
      const session = await vscode.authentication.getSession(
        MICROSOFT_PROVIDER,
        this.sessionScopes(scopes, tenant),
        options,
      );
      if (session) {
        this.logger.info(
          `Exchange: using the VS Code account ${session.account.label} for ${tenant}.`,
        );
      }
      return session?.accessToken;
    } catch (error) {
      // A dismissed prompt is not an error worth a stack; the check says how to sign in.
      this.logger.warn(
        `Exchange: the Microsoft account sign-in failed (${(error as Error).message}).`,
      );
      return undefined;
    }
  }

  private showDeviceCode(prompt: {
    userCode: string;
    verificationUri: string;
    message: string;
  }): void {
    const copyAndOpen = vscode.l10n.t('Copy code and open');
    this.logger.info(`Exchange: waiting for the device-code sign-in at ${prompt.verificationUri}.`);
    void vscode.window
      .showInformationMessage(prompt.message, { modal: false }, copyAndOpen)
      .then(async (choice) => {
        if (choice !== copyAndOpen) {
          return;
        }
        await vscode.env.clipboard.writeText(prompt.userCode);
        // Only a web address is opened; anything else the endpoint answered is shown, not run.
        const target = vscode.Uri.parse(prompt.verificationUri);
        if (target.scheme === 'https' || target.scheme === 'http') {
          await vscode.env.openExternal(target);
        } else {
          this.logger.warn(
            `Exchange: the sign-in address is not a web address and was not opened: ${prompt.verificationUri}`,
          );
        }
      });
  }

  private activeSpec(): ParsedSpec | undefined {
    const active = vscode.window.activeTextEditor?.document;
    const document =
      active && this.specs.isSpec(active)
        ? active
        : vscode.workspace.textDocuments.find((candidate) => this.specs.isSpec(candidate));
    return document ? this.specs.parsed(document) : undefined;
  }

  /** Signs in the way the spec says; for app sign-ins there is nothing to ask. */
  async signIn(): Promise<boolean> {
    // The spec names the login endpoint; one from an untrusted folder must not make the editor
    // talk to it, show its text or open the address it answers with.
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Sign-in to Exchange Online runs only in a trusted workspace.'),
      );
      return false;
    }
    const parsed = this.activeSpec();
    const spec = parsed?.spec;
    if (!parsed || !spec?.exchange.tenant) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Open a hybrid.yaml with an exchange.tenant first.'),
      );
      return false;
    }
    const { method } = spec.exchange.auth;
    if (method === 'vscode') {
      return this.signInWithAccount(spec);
    }
    if (method === 'deviceCode') {
      return this.signInWithDeviceCode(parsed, spec);
    }
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'This spec signs in as an app ({0}); there is nothing to sign in to. Store its secret, or point exchange.auth.certificateFile at its certificate.',
        method,
      ),
    );
    return false;
  }

  private async signInWithAccount(spec: HybridSpec): Promise<boolean> {
    const { tenant } = spec.exchange;
    const token = await this.accountToken(
      [exchangeScope(spec.exchange.endpoints.admin)],
      tenant,
      'ask',
    );
    if (!token) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Not signed in to Exchange Online for tenant {0}.', tenant),
      );
      return false;
    }
    this.signedOut = false;
    this.chooseAccount = false;
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Signed in to Exchange Online for tenant {0}.', tenant),
    );
    return true;
  }

  private async signInWithDeviceCode(parsed: ParsedSpec, spec: HybridSpec): Promise<boolean> {
    const session = createLiveSession(spec, parsed.source, {
      logger: this.logger,
      timeoutMs: SIGN_IN_TIMEOUT_MS,
      // Device code needs no stored secret; nothing is handed out here.
      resolveSecret: () => Promise.resolve(undefined),
      exchange: this.hooks(),
    });
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Signing in to Exchange Online…'),
      },
      () => signInToExchange(session),
    );
    if (!result.ok) {
      void vscode.window.showErrorMessage(result.error.message);
      return false;
    }
    this.signedOut = false;
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Signed in to Exchange Online for tenant {0}.', spec.exchange.tenant),
    );
    return true;
  }

  /**
   * Forgets every token this extension holds. VS Code's own account stays signed in (other
   * extensions may use it), but it is not used again until the next sign-in, which asks which
   * account to use.
   */
  signOut(): void {
    for (const source of this.signIns.values()) {
      source.signOut?.();
    }
    this.signIns.clear();
    this.signedOut = true;
    this.chooseAccount = true;
    this.logger.info('Exchange: signed out; cached tokens forgotten.');
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Signed out of Exchange Online. The next check asks you to sign in again.'),
    );
  }

  dispose(): void {
    for (const source of this.signIns.values()) {
      source.signOut?.();
    }
    this.signIns.clear();
    vscode.Disposable.from(...this.registrations).dispose();
  }
}
