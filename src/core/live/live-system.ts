import type { TokenSource } from '../exchange/token-source';
import type { FindingCode } from '../findings/codes';
import type { Finding } from '../findings/finding';
import type { SpecLocator } from '../findings/make-finding';
import type { Logger } from '../log';
import type { SetupStep } from '../plan/step';
import type { HybridSpec, SecretRef, SpecPath } from '../spec/model';
import type { LiveValue } from '../tree/setup-tree';

/** The systems a live check reads, in the order their findings explain each other. */
export const LIVE_SYSTEMS = ['mailcow', 'exchange', 'dns', 'tls'] as const;
export type LiveSystemName = (typeof LIVE_SYSTEMS)[number];

/**
 * What a host (the editor or the command line) hands to a live check. Everything that reaches
 * outside the process goes through here, so a test or the sandbox can aim it at emulators.
 */
export interface LiveHost {
  logger: Logger;
  /**
   * Reads a `secret:`/`env:` reference for the origin it is about to be sent to. The editor's
   * implementation asks before giving a secret to another origin than the one it was stored
   * for; undefined means "not available" (not stored, declined, or no such variable).
   */
  resolveSecret(ref: SecretRef, origin: string): Promise<string | undefined>;
  /** Per-request timeout for every client. */
  timeoutMs: number;
  /** Proxy settings of the host (the editor's `http.proxy`, or the environment for the CLI). */
  proxy?: { url?: string; noProxy?: string; strictSSL?: boolean };
  /**
   * Why a secret reference cannot be read on this host, when the host knows better than the
   * generic sentence (the command line, for one, cannot read `secret:` references). Optional:
   * without it the systems explain a missing secret themselves.
   */
  explainMissingSecret?(ref: SecretRef): string | undefined;
  /** Extra hooks a system may need from the host (sign-in prompts and the like). */
  exchange?: ExchangeHostHooks;
}

/** What only the host can do for an Exchange sign-in. Filled by the Exchange live module's host. */
export interface ExchangeHostHooks {
  /** Shows a device code and the address to enter it at. */
  onDeviceCode?: (prompt: { userCode: string; verificationUri: string; message: string }) => void;
  /** Access tokens from the editor's Microsoft account (method `vscode`). */
  getVscodeToken?: (scopes: string[], tenant: string) => Promise<string | undefined>;
  /**
   * Interactive sign-ins (device code) kept beyond one session, so a person is not asked for a
   * new code at every check. The host owns it and clears it (after `signOut()` on each) when the
   * person signs out; without it every session signs in afresh.
   */
  signIns?: Map<string, TokenSource>;
}

/** One spec with its source, as a live check and the steps see it. */
export interface LiveSession {
  spec: HybridSpec;
  locator: SpecLocator;
  host: LiveHost;
  /**
   * Objects a system keeps for the length of one session (its API client, a signed-in token
   * source, a resolver with its cache), so the steps reuse what the read built.
   */
  memo<T>(key: string, create: () => T): T;
}

/** The live value of a tree node, by node id (see `NodeIds`). */
export type LiveValueMap = Map<string, LiveValue>;

/** A system that could not be read: why, as findings on the spec nodes that lead to it. */
export interface LiveReadFailure {
  ok: false;
  findings: Finding[];
  /** One sentence for the tree's explanation item and the CLI. */
  reason: string;
}

export type LiveRead<State> = { ok: true; state: State } | LiveReadFailure;

/** What comparing one system with the spec found. */
export interface LiveCheckResult {
  findings: Finding[];
  liveValues: LiveValueMap;
  /**
   * Offline findings that the live state settles one way or the other (for example
   * `inbound-cert-not-accepted-domain` once the tenant's accepted domains are known): hosts
   * drop the offline finding with this code on this path, and show the live one if any.
   */
  settles?: { code: FindingCode; path: SpecPath }[];
}

/** A rule that needs more than one system's state; it runs after every system was checked. */
export type CrossSystemRule = (session: LiveSession, snapshot: LiveSnapshot) => LiveCheckResult;

/**
 * One live system: how to read it, how to judge what was read against the spec, and which
 * setup steps it owns. `check` also receives what the other systems gave, for the rules that
 * look across systems; it must not read anything itself.
 */
export interface LiveSystemModule<State = unknown> {
  system: LiveSystemName;
  /** Whether the spec asks anything of this system (a spec without Exchange auth may skip it). */
  applies(session: LiveSession): boolean;
  read(session: LiveSession): Promise<LiveRead<State>>;
  check(session: LiveSession, state: State, snapshot: LiveSnapshot): LiveCheckResult;
  /**
   * The steps of this system, in the recipe's order, decided from `state`, and from the other
   * systems' reads where a step fixes what a cross-system rule found.
   */
  steps?(session: LiveSession, state: State, snapshot: LiveSnapshot): SetupStep[];
}

/** What every system gave in one live check; absent where a system was not read. */
export type LiveSnapshot = Partial<Record<LiveSystemName, LiveRead<unknown>>>;
