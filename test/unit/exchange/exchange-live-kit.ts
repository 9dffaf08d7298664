import assert from 'node:assert/strict';
import type { ExchangeHostHooks, LiveHost, LiveSession } from '../../../src/core/live/live-system';
import type { LiveReport } from '../../../src/core/live/live-check';
import { createLiveSession, runLiveCheck } from '../../../src/core/live/live-check';
import type { Logger } from '../../../src/core/log';
import type { SecretRef } from '../../../src/core/spec/model';
import type { ParsedSpec } from '../../../src/core/spec/parse-spec';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import { exchangeLiveModule } from '../../../src/core/exchange/exchange-live';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { ADMIN_APP, TENANT_ID } from './exchange-test-kit';

/** The `exchange:` lines of a spec aimed at the emulators; `auth` and `more` are indented by 2. */
export function liveSpecText(
  emulators: Pick<ExchangeEmulators, 'loginUrl' | 'adminUrl'>,
  options: { auth?: string[]; more?: string[]; domains?: string[]; tenant?: string } = {},
): string {
  const auth = options.auth ?? [
    'method: clientSecret',
    `clientId: ${ADMIN_APP}`,
    'clientSecret: env:EXO_SECRET',
  ];
  return [
    'version: 1',
    'domains:',
    ...(options.domains ?? ['example.com', 'example.org']).map((domain) => `  - ${domain}`),
    'mailcow:',
    '  url: https://mail.example.com',
    '  apiKey: secret:mailcow',
    'exchange:',
    `  tenant: ${options.tenant ?? TENANT_ID}`,
    '  gateway: example-com.mail.protection.outlook.com',
    '  endpoints:',
    `    login: ${emulators.loginUrl}`,
    `    admin: ${emulators.adminUrl}`,
    '  auth:',
    ...auth.map((line) => `    ${line}`),
    ...(options.more ?? []).map((line) => `  ${line}`),
    '',
  ].join('\n');
}

export interface SecretCall {
  ref: SecretRef;
  origin: string;
}

export interface LiveRun {
  parsed: ParsedSpec;
  report: LiveReport;
  secretCalls: SecretCall[];
}

/** Runs the Exchange live check on a spec text with the given secrets and host hooks. */
export async function checkLive(
  text: string,
  logger: Logger,
  options: {
    secrets?: Record<string, string>;
    hooks?: ExchangeHostHooks;
    /** Runs on the session before the check (to seed its memo, for example). */
    prepare?: (session: LiveSession) => void;
  } = {},
): Promise<LiveRun> {
  const parsed = parseSpec(text, '/specs/hybrid.yaml');
  assert.ok(parsed.spec, 'the spec parses');
  const secretCalls: SecretCall[] = [];
  const host: LiveHost = {
    logger,
    timeoutMs: 5000,
    resolveSecret: (ref, origin) => {
      secretCalls.push({ ref, origin });
      const name = ref.kind === 'inline' ? '' : ref.name;
      return Promise.resolve(options.secrets?.[name]);
    },
    ...(options.hooks ? { exchange: options.hooks } : {}),
  };
  const session = createLiveSession(parsed.spec, parsed.source, host);
  options.prepare?.(session);
  const report = await runLiveCheck(session, { modules: [exchangeLiveModule] });
  return { parsed, report, secretCalls };
}

/** The text a finding covers in the spec. */
export function coveredText(run: LiveRun, finding: { offset: number; length: number }): string {
  return run.parsed.source.text.slice(finding.offset, finding.offset + finding.length);
}
