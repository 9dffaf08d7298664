import type { Finding } from '../findings/finding';
import type { SpecLocator } from '../findings/make-finding';
import type { SetupStep } from '../plan/step';
import { STEP_ORDER } from '../plan/step';
import type { HybridSpec } from '../spec/model';
import { sortFindings } from '../spec/parse-spec';
import type {
  LiveHost,
  LiveSession,
  LiveSnapshot,
  LiveSystemModule,
  LiveCheckResult,
  LiveSystemName,
  LiveValueMap,
} from './live-system';
import { CROSS_SYSTEM_RULES, LIVE_SYSTEM_MODULES } from './live-systems';

/** A session over one spec; memoised objects live as long as it does. */
export function createLiveSession(
  spec: HybridSpec,
  locator: SpecLocator,
  host: LiveHost,
): LiveSession {
  const memos = new Map<string, unknown>();
  return {
    spec,
    locator,
    host,
    memo<T>(key: string, create: () => T): T {
      if (!memos.has(key)) {
        memos.set(key, create());
      }
      return memos.get(key) as T;
    },
  };
}

export interface LiveReport {
  /** Live findings, sorted by position (the offline ones are not repeated here). */
  findings: Finding[];
  liveValues: LiveValueMap;
  snapshot: LiveSnapshot;
  /** Systems that could not be read, with the reason in words. */
  unreadable: { system: LiveSystemName; reason: string }[];
  /** Every step of the systems that could be read, in the recipe's order. */
  steps: SetupStep[];
  /** Offline findings the live state settled; hosts hide these (see `LiveCheckResult`). */
  settles: NonNullable<LiveCheckResult['settles']>;
}

export interface LiveCheckOptions {
  /** Only these systems (default: every system whose module applies to the spec). */
  systems?: readonly LiveSystemName[];
  modules?: readonly LiveSystemModule[];
}

/**
 * Drops the offline findings a live check settled. Matching is by code and spec path, so it
 * holds across edits that move the node.
 */
export function withoutSettled<T extends Finding>(
  offline: T[],
  settles: LiveReport['settles'],
): T[] {
  const key = (code: string, path: readonly (string | number)[] | undefined): string =>
    `${code}@${JSON.stringify(path ?? [])}`;
  const settled = new Set(settles.map((entry) => key(entry.code, entry.path)));
  return offline.filter((finding) => !settled.has(key(finding.code, finding.path)));
}

/**
 * Reads every system the spec involves (in parallel: they are independent), then lets each
 * judge its state with the whole snapshot at hand, and gathers the steps of the readable ones.
 * A system that cannot be read contributes its failure findings and no steps, so nothing is
 * ever planned from a state that was not seen.
 */
export async function runLiveCheck(
  session: LiveSession,
  options: LiveCheckOptions = {},
): Promise<LiveReport> {
  const modules = (options.modules ?? LIVE_SYSTEM_MODULES).filter(
    (module) =>
      (!options.systems || options.systems.includes(module.system)) && module.applies(session),
  );
  const reads = await Promise.all(modules.map((module) => module.read(session)));
  const snapshot: LiveSnapshot = {};
  modules.forEach((module, index) => {
    snapshot[module.system] = reads[index];
  });

  const findings: Finding[] = [];
  const liveValues: LiveValueMap = new Map();
  const unreadable: LiveReport['unreadable'] = [];
  const steps: SetupStep[] = [];
  const settles: LiveReport['settles'] = [];
  const take = (result: LiveCheckResult): void => {
    findings.push(...result.findings);
    for (const [id, value] of result.liveValues) {
      liveValues.set(id, value);
    }
    settles.push(...(result.settles ?? []));
  };
  modules.forEach((module, index) => {
    const read = reads[index];
    if (!read) {
      return;
    }
    if (!read.ok) {
      findings.push(...read.findings);
      unreadable.push({ system: module.system, reason: read.reason });
      return;
    }
    take(module.check(session, read.state, snapshot));
    steps.push(...(module.steps?.(session, read.state, snapshot) ?? []));
  });
  for (const rule of CROSS_SYSTEM_RULES) {
    take(rule(session, snapshot));
  }
  steps.sort((a, b) => STEP_ORDER.indexOf(a.id) - STEP_ORDER.indexOf(b.id));
  return { findings: sortFindings(findings), liveValues, snapshot, unreadable, steps, settles };
}
