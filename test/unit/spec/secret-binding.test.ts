// The quick fix that moves an inline secret into secret storage binds it to an origin; the live
// check later hands it out only for the origin it sends to. Both must name the same origin, or
// the first check asks whether to send the secret to a "new" host that is the same one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { originOf } from '../../../src/core/exchange/exchange-http';
import type { FindingFix } from '../../../src/core/findings/finding';
import { parseSpec } from '../../../src/core/spec/parse-spec';

function storeSecretOrigins(text: string): Record<string, string | undefined> {
  const parsed = parseSpec(text, '/specs/hybrid.yaml');
  const origins: Record<string, string | undefined> = {};
  for (const finding of parsed.findings.filter((candidate) => candidate.code === 'secret-inline')) {
    for (const fix of finding.fixes ?? []) {
      const store = fix as Extract<FindingFix, { kind: 'storeSecret' }>;
      if (store.kind === 'storeSecret') {
        origins[store.secretName] = store.origin;
      }
    }
  }
  return origins;
}

describe('inline secrets moved to secret storage', () => {
  it('are bound to the origins the live check sends them to', () => {
    const login = 'https://Login.Microsoftonline.com:443/';
    const url = 'https://Mail.Example.com:443/admin';
    const origins = storeSecretOrigins(
      [
        'version: 1',
        'domains: [example.com]',
        `mailcow: { url: "${url}", apiKey: "inline-mailcow-key" }`,
        'exchange:',
        '  tenant: contoso.onmicrosoft.com',
        '  gateway: example-com.mail.protection.outlook.com',
        `  endpoints: { login: "${login}" }`,
        '  auth:',
        '    method: clientSecret',
        '    clientId: 66666666-7777-8888-9999-000000000000',
        '    clientSecret: inline-app-secret',
        '',
      ].join('\n'),
    );
    assert.deepEqual(origins, {
      mailcow: 'https://mail.example.com',
      'exchange-app': 'https://login.microsoftonline.com',
    });
    assert.equal(origins['exchange-app'], originOf(login));
  });
});
