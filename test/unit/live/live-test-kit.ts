import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/findings/finding';
import type { FindingCode } from '../../../src/core/findings/codes';
import { createLiveSession } from '../../../src/core/live/live-check';
import type { LiveHost, LiveSession } from '../../../src/core/live/live-system';
import { silentLogger } from '../../../src/core/log';
import { parseSpec } from '../../../src/core/spec/parse-spec';

/** A host for live checks in tests: no secrets, short timeouts, nothing logged. */
export function testHost(timeoutMs = 3000): LiveHost {
  return {
    logger: silentLogger,
    resolveSecret: () => Promise.resolve(undefined),
    timeoutMs,
  };
}

/** A live session over spec text, as the editor and the command line make one. */
export function sessionFor(text: string, host: LiveHost = testHost()): LiveSession {
  const parsed = parseSpec(text, '/specs/hybrid.yaml');
  assert.ok(parsed.spec, 'the test spec must parse');
  return createLiveSession(parsed.spec, parsed.source, host);
}

/**
 * A spec for live tests: one shared domain, mailcow at mail.example.com, and the given extra
 * lines appended under `checks:` and elsewhere by the caller.
 */
export function liveSpec(options: {
  dnsServer: string;
  domains?: string[];
  mailcow?: string[];
  exchange?: string[];
  checks?: string[];
}): string {
  return [
    'version: 1',
    'domains:',
    ...(options.domains ?? ['  - example.com']),
    'mailcow:',
    '  url: https://mail.example.com',
    '  apiKey: secret:mailcow',
    ...(options.mailcow ?? []),
    'exchange:',
    '  tenant: contoso.onmicrosoft.com',
    '  gateway: example-com.mail.protection.outlook.com',
    ...(options.exchange ?? []),
    'checks:',
    `  dnsServers: ["${options.dnsServer}"]`,
    ...(options.checks ?? []),
    '',
  ].join('\n');
}

export function codesOf(findings: readonly Finding[]): FindingCode[] {
  return findings.map((finding) => finding.code).sort();
}

/** The one finding with `code`; fails when there are none or several. */
export function only(findings: readonly Finding[], code: FindingCode): Finding {
  const found = findings.filter((finding) => finding.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(codesOf(findings))}`);
  return found[0]!;
}
