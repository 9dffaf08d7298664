import type { MessageArgs, MessageId } from '../messages/catalogue';
import { msg } from '../messages/catalogue';
import type { SpecPath } from '../spec/model';
import type { FindingCode } from './codes';
import { FINDING_CODES } from './codes';
import type { Finding, FindingFix, Severity } from './finding';

/**
 * Finds where a spec path sits in the source. `locate` gives the value node of the path when it
 * is written in the file, otherwise the key of the nearest ancestor that is (so a finding about
 * a defaulted value lands on e.g. `mailcow:`). `locateKey` gives the key of a mapping entry
 * (for "unknown key" style findings) and falls back like `locate`.
 */
export interface SpecLocator {
  locate(path: SpecPath): { offset: number; length: number };
  locateKey(path: SpecPath): { offset: number; length: number };
  /** True when the path is written in the file (not defaulted). */
  has(path: SpecPath): boolean;
}

export interface FindingOptions {
  severity?: Severity;
  fixes?: FindingFix[];
  /** Place the finding on the key rather than on the value. */
  onKey?: boolean;
}

/** Builds a finding about a spec node, with its message from the catalogue. */
export function findingAt(
  locator: SpecLocator,
  code: FindingCode,
  path: SpecPath,
  messageId: MessageId,
  args: MessageArgs = {},
  options: FindingOptions = {},
): Finding {
  const where = options.onKey ? locator.locateKey(path) : locator.locate(path);
  const info = FINDING_CODES[code];
  const finding: Finding = {
    code,
    severity: options.severity ?? info.severity,
    source: info.source,
    message: msg(messageId, args),
    offset: where.offset,
    length: where.length,
    path,
  };
  if (options.fixes && options.fixes.length > 0) {
    finding.fixes = options.fixes;
  }
  return finding;
}
