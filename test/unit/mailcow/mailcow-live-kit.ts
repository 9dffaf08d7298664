import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Finding } from '../../../src/core/findings/finding';
import type { FindingCode } from '../../../src/core/findings/codes';
import { PositionMapper } from '../../../src/core/findings/positions';
import type { LiveReport } from '../../../src/core/live/live-check';
import { createLiveSession, runLiveCheck } from '../../../src/core/live/live-check';
import type { LiveHost, LiveSession } from '../../../src/core/live/live-system';
import type { Logger } from '../../../src/core/log';
import type { SecretRef } from '../../../src/core/spec/model';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import type { MailcowSeed } from '../../emulators/mailcow/mailcow-emulator';

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  trace(message: string): void {
    this.lines.push(`trace ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

/** A key in mailcow's UI format: five groups of six upper-case hex digits. */
export const newKey = (): string =>
  Array.from({ length: 5 }, () => randomBytes(3).toString('hex').toUpperCase()).join('-');

export const KEYS = {
  rw: newKey(),
  ro: newKey(),
  ipDenied: newKey(),
  unknown: newKey(),
};

export const GATEWAY = 'example-com.mail.protection.outlook.com';
export const SPF_HOST = 'spf.gateway.test';

/** A mailcow with the hybrid's API keys and nothing else. */
export function emptyMailcow(extra: Partial<MailcowSeed> = {}): MailcowSeed {
  return {
    hostname: 'mail.example.com',
    apiKeys: [
      { key: KEYS.rw, access: 'rw', allowFrom: ['127.0.0.1'] },
      { key: KEYS.ro, access: 'ro', allowFrom: ['127.0.0.1'] },
      { key: KEYS.ipDenied, access: 'rw', allowFrom: ['192.0.2.7'] },
    ],
    ...extra,
  };
}

/** The spec the live tests use: two domains, one with a mailbox on mailcow. */
export function specText(
  url: string,
  options: { forwardingHosts?: string[]; relay?: string } = {},
): string {
  return [
    'version: 1',
    'domains:',
    '  - example.com',
    '  - name: example.org',
    `    relay: ${options.relay ?? '{ domain: true, allRecipients: true, unknownOnly: true }'}`,
    '    mailboxes: [app@example.org]',
    'mailcow:',
    `  url: ${url}`,
    '  hostname: mail.example.com',
    '  apiKey: env:MAILCOW_TEST_KEY',
    `  forwardingHosts: [${(options.forwardingHosts ?? [SPF_HOST]).join(', ')}]`,
    'exchange:',
    '  tenant: contoso.onmicrosoft.com',
    `  gateway: ${GATEWAY}`,
    '',
  ].join('\n');
}

export interface LiveRun {
  session: LiveSession;
  report: LiveReport;
  text: string;
  logger: RecordingLogger;
}

/** A host as a test sets it up: `env:` references from `env`, a short timeout. */
export function testHost(
  env: Record<string, string | undefined>,
  timeoutMs = 3_000,
): LiveHost & { logger: RecordingLogger } {
  return {
    logger: new RecordingLogger(),
    timeoutMs,
    resolveSecret: (ref: SecretRef) =>
      Promise.resolve(ref.kind === 'env' ? env[ref.name] : undefined),
  };
}

export async function liveCheck(
  text: string,
  env: Record<string, string | undefined> = { MAILCOW_TEST_KEY: KEYS.rw },
  timeoutMs?: number,
): Promise<LiveRun> {
  const parsed = parseSpec(text, '/specs/hybrid.yaml');
  assert.ok(parsed.spec, 'the spec parses');
  const host = testHost(env, timeoutMs);
  const session = createLiveSession(parsed.spec, parsed.source, host);
  // Only mailcow: the other systems would reach for real DNS and SMTP hosts.
  const report = await runLiveCheck(session, { systems: ['mailcow'] });
  return { session, report, text, logger: host.logger };
}

export function codesOf(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.code).sort();
}

export function only(findings: readonly Finding[], code: FindingCode): Finding[] {
  return findings.filter((finding) => finding.code === code);
}

/** The text of the line a finding starts on, trimmed, to assert where it sits. */
export function lineOf(text: string, finding: Finding): string {
  const line = new PositionMapper(text).range(finding).start.line;
  return (text.split('\n')[line] ?? '').trim();
}

export function writesOf(requests: readonly { method: string; url: string }[]): string[] {
  return requests.filter((request) => request.method === 'POST').map((request) => request.url);
}
