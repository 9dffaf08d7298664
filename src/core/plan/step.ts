import type { Logger } from '../log';

/**
 * The recipe as ordered steps. Per-domain steps (accepted domain, mailcow domain, transport)
 * run once per shared domain; the others once per spec.
 */
export const STEP_ORDER = [
  'mx',
  'accepted-domain',
  'mailcow-domain',
  'mailcow-relayhost',
  'mailcow-fwdhosts',
  'mailcow-transport',
  'outbound-connector',
  'inbound-connector',
] as const;

export type StepId = (typeof STEP_ORDER)[number];
export type StepSystem = 'dns' | 'mailcow' | 'exchange';

/** One request a step will send, shown to the user before anything changes. Secrets redacted. */
export interface PlannedRequest {
  /** `POST /api/v1/add/domain` or `Set-AcceptedDomain`. */
  action: string;
  /** Body or cmdlet parameters, already redacted. */
  body: unknown;
}

export interface StepPreview {
  /** One sentence: what will change, in the admin's words. */
  summary: string;
  requests: PlannedRequest[];
}

export type StepStatus = 'done' | 'unchanged' | 'failed';

export interface StepOutcome {
  status: StepStatus;
  /** A sentence for the user: what happened, verified by reading back. */
  message: string;
  /** Extra lines (for example the addresses mailcow resolved a forwarding host to). */
  details?: string[];
}

/**
 * A step bound to a spec and a live state. `needed` is decided from the live state read
 * before; `apply` sends, then reads back and returns `done` only when the read-back agrees.
 * Applying a step that is not needed returns `unchanged` without sending anything.
 */
export interface SetupStep {
  id: StepId;
  system: StepSystem;
  /** The shared domain for per-domain steps. */
  domain?: string;
  title: string;
  needed: boolean;
  preview(): StepPreview;
  apply(logger: Logger): Promise<StepOutcome>;
}
