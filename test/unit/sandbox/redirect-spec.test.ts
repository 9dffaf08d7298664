import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { PositionMapper } from '../../../src/core/findings/positions';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import type { RedirectEdit } from '../../../src/sandbox/redirect-spec';
import { RedirectError, redirectSpec } from '../../../src/sandbox/redirect-spec';
import { ROOT } from './sandbox-kit';

const EDITS: RedirectEdit[] = [
  { path: ['mailcow', 'url'], value: 'https://127.0.0.1:4443' },
  { path: ['mailcow', 'apiKey'], value: 'env:SANDBOX_KEY' },
  { path: ['mailcow', 'caFile'], value: '/tmp/sandbox ca/ca.pem' },
  { path: ['exchange', 'endpoints', 'login'], value: 'http://127.0.0.1:1001' },
  { path: ['exchange', 'endpoints', 'admin'], value: 'http://127.0.0.1:1002' },
  { path: ['exchange', 'auth', 'method'], value: 'clientSecret' },
  {
    path: ['exchange', 'auth', 'certificateFile'],
    replaceWith: { key: 'clientSecret', value: 'env:SANDBOX_SECRET' },
  },
  { path: ['checks', 'dnsServers'], value: ['127.0.0.1:5353'] },
  { path: ['checks', 'smtpPort'], value: 2525 },
];

function findingLines(text: string): { code: string; line: number }[] {
  const mapper = new PositionMapper(text);
  return parseSpec(text).findings.map((finding) => ({
    code: finding.code,
    line: mapper.position(finding.offset).line,
  }));
}

describe('redirectSpec', () => {
  it('changes every value of the full example in place, line for line', () => {
    const text = readFileSync(join(ROOT, 'examples', 'full', 'hybrid.yaml'), 'utf8');
    const { text: written, lineMap } = redirectSpec(text, EDITS);
    assert.deepEqual(
      lineMap,
      text.split('\n').map((_line, index) => index),
      'nothing had to be added',
    );
    assert.equal(written.split('\n').length, text.split('\n').length);
    const data = parse(written) as Record<string, Record<string, unknown>>;
    assert.equal(data.mailcow?.url, 'https://127.0.0.1:4443');
    assert.equal(data.mailcow?.caFile, '/tmp/sandbox ca/ca.pem');
    assert.deepEqual(data.exchange?.endpoints, {
      login: 'http://127.0.0.1:1001',
      admin: 'http://127.0.0.1:1002',
    });
    assert.deepEqual(data.exchange?.auth, {
      method: 'clientSecret',
      clientId: '00000000-0000-0000-0000-000000000000',
      clientSecret: 'env:SANDBOX_SECRET',
    });
    assert.deepEqual(data.checks?.dnsServers, ['127.0.0.1:5353']);
    assert.equal(data.checks?.smtpPort, 2525);
    // Comments stay where they were.
    assert.match(written, /# Quoted because YAML would otherwise read the brackets as a list\./);
    const changed = text
      .split('\n')
      .filter((line, index) => written.split('\n')[index] !== line)
      .map((line) => line.trim().split(':')[0]);
    assert.deepEqual(changed, [
      'url',
      'apiKey',
      'caFile',
      'login',
      'admin',
      'method',
      'certificateFile',
      '- 192.0.2.53',
      '- "[2001',
      'smtpPort',
    ]);
  });

  it('adds missing keys at the end of their section and maps the lines that moved', () => {
    const text = [
      'version: 1',
      'domains: [example.com]',
      'mailcow:',
      '  url: https://mail.example.com   # the admin UI',
      '  apiKey: secret:mailcow',
      'exchange:',
      '  tenant: contoso.onmicrosoft.com',
      '  gateway: example.com.mail.protection.outlook.com',
      '',
    ].join('\n');
    const { text: written, lineMap } = redirectSpec(text, EDITS);
    assert.deepEqual(lineMap, [0, 1, 2, 3, 4, 6, 7, 8, 18]);
    const lines = written.split('\n');
    text.split('\n').forEach((line, index) => {
      if (!/url:|apiKey:/.test(line)) {
        assert.equal(lines[lineMap[index] ?? -1], line);
      }
    });
    assert.equal(lines[3], '  url: https://127.0.0.1:4443   # the admin UI');
    assert.equal(lines[5], '  caFile: /tmp/sandbox ca/ca.pem');
    const data = parse(written) as Record<string, Record<string, unknown>>;
    assert.deepEqual(data.checks, { dnsServers: ['127.0.0.1:5353'], smtpPort: 2525 });
    assert.deepEqual(data.exchange?.auth, { method: 'clientSecret' });
    // The finding about the dotted gateway moves with its line.
    const before = findingLines(text).filter((finding) => finding.code === 'gateway-malformed');
    const after = findingLines(written).filter((finding) => finding.code === 'gateway-malformed');
    assert.equal(before.length, 1);
    assert.deepEqual(
      after.map((finding) => finding.line),
      before.map((finding) => lineMap[finding.line]),
    );
  });

  it('adds keys inside a one-line flow mapping without adding a line', () => {
    const text = [
      'version: 1',
      'domains: [example.com]',
      'mailcow: { url: "https://mail.example.com", apiKey: "secret:mailcow" }',
      'exchange: { tenant: contoso.onmicrosoft.com, gateway: example-com.mail.protection.outlook.com }',
      'checks: {}',
    ].join('\n');
    const { text: written, lineMap } = redirectSpec(text, EDITS);
    assert.deepEqual(lineMap, [0, 1, 2, 3, 4]);
    assert.equal(written.split('\n').length, 5);
    const data = parse(written) as Record<string, Record<string, unknown>>;
    assert.equal(data.mailcow?.url, 'https://127.0.0.1:4443');
    assert.equal(data.mailcow?.caFile, '/tmp/sandbox ca/ca.pem');
    assert.deepEqual(data.exchange?.endpoints, {
      login: 'http://127.0.0.1:1001',
      admin: 'http://127.0.0.1:1002',
    });
    assert.deepEqual(data.checks, { dnsServers: ['127.0.0.1:5353'], smtpPort: 2525 });
  });

  it('fills a key written without a value, and blanks a dropped key on its own line', () => {
    const text = [
      'version: 1',
      'domains: [example.com]',
      'mailcow:',
      '  url:',
      'exchange:',
      '  tenant: contoso.onmicrosoft.com',
      '  gateway: example-com.mail.protection.outlook.com',
      '  auth:',
      '    certificateFile: ./app.pem',
      '    clientSecret: secret:old',
      '',
    ].join('\n');
    const { text: written, lineMap } = redirectSpec(text, [
      { path: ['mailcow', 'url'], value: 'https://127.0.0.1:1' },
      { path: ['exchange', 'auth', 'certificateFile'] },
      { path: ['exchange', 'auth', 'clientSecret'], value: 'env:X' },
    ]);
    assert.deepEqual(
      lineMap,
      text.split('\n').map((_line, index) => index),
    );
    const lines = written.split('\n');
    assert.equal(lines[3], '  url: https://127.0.0.1:1');
    assert.equal(lines[8], '    ');
    assert.equal(lines[9], '    clientSecret: env:X');
  });

  it('keeps CRLF line breaks in what it adds and pads', () => {
    const text = [
      'version: 1',
      'domains: [example.com]',
      'mailcow:',
      '  url: https://mail.example.com',
      'exchange:',
      '  tenant: contoso.onmicrosoft.com',
      '  gateway: example-com.mail.protection.outlook.com',
      'checks:',
      '  dnsServers:',
      '    - 192.0.2.53',
      '    - 192.0.2.54',
      '',
    ].join('\r\n');
    const { text: written, lineMap } = redirectSpec(text, EDITS);
    assert.equal(written.replace(/\r\n/g, '').includes('\n'), false, 'a bare LF was written');
    assert.deepEqual(lineMap, [0, 1, 2, 3, 6, 7, 8, 14, 15, 16, 17, 19]);
    const data = parse(written) as Record<string, Record<string, unknown>>;
    assert.deepEqual(data.checks, { dnsServers: ['127.0.0.1:5353'], smtpPort: 2525 });
  });

  it('refuses a spec that is not a mapping', () => {
    assert.throws(() => redirectSpec('- a\n- b\n', EDITS), RedirectError);
  });
});
