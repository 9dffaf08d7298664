import { describe as suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../../src/core/findings/finding';
import {
  applyEdits,
  assertFixClears,
  covered,
  describe,
  editsOf,
  findingsOf,
  lines,
  MINIMAL,
  problemsOf,
  range,
  rangeIn,
  single,
  withCode,
} from '../support/spec-text';

const root = join(__dirname, '..', '..', '..');

/** The schema findings of `text`, each as its range and the text it covers. */
function schemaRanges(text: string): { range: ReturnType<typeof rangeIn>; text: string }[] {
  return withCode(findingsOf(text), 'schema').map((finding) => ({
    range: rangeIn(text, finding),
    text: covered(text, finding),
  }));
}

function onlySchema(text: string): Finding {
  return single(problemsOf(text), 'schema');
}

suite('unknown keys', () => {
  test('a misspelt key is reported on the key, with a rename that fixes it', () => {
    const text = MINIMAL.replace('  apiKey:', '  apikey:');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(5, 2, 5, 8));
    assert.match(finding.message, /"apikey"/);
    assert.match(finding.message, /did you mean "apiKey"/);
    assert.deepEqual(editsOf(finding.fixes?.[0]), [{ offset: finding.offset, length: 6, newText: 'apiKey' }]);
    const fixed = assertFixClears(text, finding);
    assert.equal(fixed, MINIMAL);
  });

  test('a key that resembles nothing lists the allowed keys and offers no rename', () => {
    const text = MINIMAL.replace('  apiKey: secret:mailcow', '  frobnicate: 1');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(5, 2, 5, 12));
    assert.match(finding.message, /"frobnicate" in mailcow/);
    assert.match(finding.message, /url, hostname, apiKey/);
    assert.equal(finding.fixes, undefined);
  });

  test('an unknown top-level key sits on that key', () => {
    const text = `${MINIMAL}chceks:\n  smtpPort: 25\n`;
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(9, 0, 9, 6));
    assert.match(finding.message, /did you mean "checks"/);
  });

  test('an unknown key inside a long-form domain sits on that key', () => {
    const text = MINIMAL.replace('  - example.com', '  - name: example.com\n    mailbox: [a@example.com]');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(3, 4, 3, 11));
    assert.match(finding.message, /"mailbox" in domains\[0\]/);
  });
});

suite('missing keys', () => {
  test('a missing key is reported on its parent key', () => {
    const text = MINIMAL.replace('  gateway: example-com.mail.protection.outlook.com\n', '');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(6, 0, 6, 8));
    assert.match(finding.message, /exchange lacks the required key "gateway"/);
  });

  test('a missing key of a list item sits on the item', () => {
    const text = MINIMAL.replace('  - example.com', '  - relay: {domain: true}');
    const finding = withCode(findingsOf(text), 'schema').find((found) => /"name"/.test(found.message));
    assert.ok(finding, describe(findingsOf(text)));
    assert.deepEqual(rangeIn(text, finding), range(2, 4, 2, 9));
  });

  test('a missing top-level key sits on the first key of the document, never on a blank line', () => {
    const text = `\n# comment\n${MINIMAL.replace('version: 1\n', '')}`;
    const finding = onlySchema(text);
    assert.match(finding.message, /the top level lacks the required key "version"/);
    assert.deepEqual(rangeIn(text, finding), range(2, 0, 2, 7));
    assert.equal(covered(text, finding), 'domains');
  });

  test('a required key of a chosen mode sits on the mapping that lacks it', () => {
    const text = lines(
      MINIMAL.trimEnd(),
      '  auth:',
      '    method: clientSecret',
      '    clientId: 00000000-0000-0000-0000-000000000000',
    );
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(9, 2, 9, 6));
    assert.match(finding.message, /exchange\.auth lacks the required key "clientSecret"/);
  });
});

suite('bad values', () => {
  test('a wrong type is reported on the value, quotes included', () => {
    const text = `${MINIMAL}checks:\n  smtpPort: "25"\n`;
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(10, 12, 10, 16));
    assert.match(finding.message, /checks\.smtpPort must be a whole number, not "25"/);
  });

  test('a mapping where text belongs is reported on the key that holds it', () => {
    const text = MINIMAL.replace('  apiKey: secret:mailcow', '  apiKey:\n    name: mailcow');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(5, 2, 5, 8));
    assert.match(finding.message, /must be text, not a mapping/);
  });

  test('a bad enum value sits on the value and offers each allowed value as an edit', () => {
    const text = MINIMAL.replace('  gateway:', '  cloud: europe\n  gateway:');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(8, 9, 8, 15));
    assert.match(finding.message, /global, usgov-gcchigh, usgov-dod, china; "europe" is not/);
    const choices = (finding.fixes ?? []).map((fix) => (fix.kind === 'edit' ? fix.edits : []));
    assert.deepEqual(
      choices.map((edits) => edits.map((edit) => edit.newText)),
      [['global'], ['usgov-gcchigh'], ['usgov-dod'], ['china']],
    );
    for (const edits of choices) {
      assert.deepEqual(edits.map(({ offset, length }) => ({ offset, length })), [{ offset: finding.offset, length: 6 }]);
    }
    const fixed = assertFixClears(text, finding);
    assert.match(fixed, /cloud: global\n/);
  });

  test('a quoted bad enum value is replaced quotes and all', () => {
    const text = MINIMAL.replace('  gateway:', "  cloud: 'GLOBAL'\n  gateway:");
    const finding = onlySchema(text);
    assert.equal(covered(text, finding), "'GLOBAL'");
    assert.equal(applyEdits(text, editsOf(finding.fixes?.[0])), MINIMAL.replace('  gateway:', '  cloud: global\n  gateway:'));
  });

  test('the version is a constant and sits on its value', () => {
    const text = MINIMAL.replace('version: 1', 'version: 2');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(0, 9, 0, 10));
    assert.equal(assertFixClears(text, finding), MINIMAL);
  });

  test('a pattern failure sits on the value and explains what is expected', () => {
    const text = MINIMAL.replace('tenant: contoso.onmicrosoft.com', 'tenant: "contoso tenant"');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(7, 10, 7, 26));
    assert.match(finding.message, /exchange\.tenant has an unusable value "contoso tenant"/);
    assert.match(finding.message, /GUID/);
  });

  test('a format failure sits on the list item', () => {
    const text = MINIMAL.replace('  - example.com', '  - name: example.com\n    mailboxes: [app@example.com, not-an-address]');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(3, 33, 3, 47));
    assert.match(finding.message, /domains\[0\]\.mailboxes\[1\] is not a valid email/);
  });

  test('a URL that is not http(s) sits on the value', () => {
    const text = MINIMAL.replace('url: https://mail.example.com', 'url: ftp://mail.example.com');
    const findings = withCode(findingsOf(text), 'schema');
    assert.ok(findings.length >= 1);
    for (const finding of findings) {
      assert.deepEqual(rangeIn(text, finding), range(4, 7, 4, 29));
    }
  });

  test('an empty domain list sits on the domains key and asks for a domain', () => {
    const text = MINIMAL.replace('domains:\n  - example.com', 'domains: []');
    const schema = withCode(findingsOf(text), 'schema');
    assert.equal(schema.length, 1, describe(schema));
    assert.deepEqual(rangeIn(text, schema[0]!), range(1, 0, 1, 7));
    assert.match(schema[0]!.message, /at least 1 entry: list the domains/);
  });

  test('an empty list elsewhere sits on its key', () => {
    const text = lines(MINIMAL.trimEnd(), '  outboundConnector:', '    smartHosts: []');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(10, 4, 10, 14));
    assert.match(finding.message, /smartHosts needs at least 1 entry/);
  });

  test('a connector name longer than Exchange takes sits on the value', () => {
    const name = 'n'.repeat(65);
    const text = lines(MINIMAL.trimEnd(), '  outboundConnector:', `    name: ${name}`);
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(10, 10, 10, 75));
    assert.match(finding.message, /longer than 64/);
  });

  test('a port out of range sits on the value', () => {
    const text = `${MINIMAL}checks:\n  smtpPort: 70000\n`;
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(10, 12, 10, 17));
    assert.match(finding.message, /<= 65535/);
  });
});

suite('keys the chosen mode does not read', () => {
  test('clientId with the default sign-in method sits on the key', () => {
    const text = lines(MINIMAL.trimEnd(), '  auth:', '    clientId: 00000000-0000-0000-0000-000000000000');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(10, 4, 10, 12));
    assert.match(finding.message, /"clientId" is not read in exchange\.auth/);
  });

  test('certificateFile with method clientSecret sits on the key', () => {
    const text = lines(
      MINIMAL.trimEnd(),
      '  auth:',
      '    method: clientSecret',
      '    clientId: 00000000-0000-0000-0000-000000000000',
      '    clientSecret: env:SECRET',
      '    certificateFile: ./app.pem',
    );
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(13, 4, 13, 19));
  });

  test('tlsDomain with EncryptionOnly sits on the key', () => {
    const text = lines(
      MINIMAL.trimEnd(),
      '  outboundConnector:',
      '    tlsSettings: EncryptionOnly',
      '    tlsDomain: mail.example.com',
    );
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(11, 4, 11, 13));
    assert.match(finding.message, /"tlsDomain" is not read in exchange\.outboundConnector/);
  });

  test('senderIPs with certificate authentication (the default) sits on the key', () => {
    const text = lines(MINIMAL.trimEnd(), '  inboundConnector:', '    senderIPs: [198.51.100.25]');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(10, 4, 10, 13));
  });
});

suite('several errors in one file', () => {
  test('the schema-errors example reports every error on its own node', () => {
    const file = join(root, 'examples', 'broken', 'schema-errors.hybrid.yaml');
    const text = readFileSync(file, 'utf8');
    assert.deepEqual(schemaRanges(text), [
      { range: range(8, 14, 8, 19), text: '"yes"' },
      { range: range(12, 2, 12, 8), text: 'apikey' },
      { range: range(14, 0, 14, 8), text: 'exchange' },
      { range: range(16, 9, 16, 15), text: 'europe' },
      { range: range(17, 2, 17, 6), text: 'auth' },
      { range: range(20, 4, 20, 19), text: 'certificateFile' },
      { range: range(23, 12, 23, 16), text: '"25"' },
    ]);
  });

  test('errors on siblings are all reported, sorted by position', () => {
    const text = lines(
      'version: 1',
      'domains: [example.com]',
      'mailcow:',
      '  url: 5',
      '  hostname: [a]',
      '  egressIPs: [not-an-ip]',
      'exchange:',
      '  tenant: contoso.onmicrosoft.com',
      '  gateway: example-com.mail.protection.outlook.com',
      '  cloud: mars',
    );
    const found = schemaRanges(text);
    assert.deepEqual(
      found.map((entry) => entry.text),
      ['5', 'hostname', 'not-an-ip', 'mars'],
    );
    const offsets = withCode(findingsOf(text), 'schema').map((finding) => finding.offset);
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
  });
});

suite('how the YAML is written', () => {
  test('flow mappings and flow lists place each error on its node', () => {
    const text = lines(
      'version: 1',
      'domains: [example.com, {name: example.org, relay: {domain: "no"}}]',
      'mailcow: {url: https://mail.example.com, apiKey: secret:mailcow, extra: 1}',
      'exchange: {tenant: contoso.onmicrosoft.com}',
    );
    assert.deepEqual(schemaRanges(text), [
      { range: range(1, 59, 1, 63), text: '"no"' },
      { range: range(2, 65, 2, 70), text: 'extra' },
      { range: range(3, 0, 3, 8), text: 'exchange' },
    ]);
  });

  test('quoted keys: the range covers the key with its quotes, and the rename keeps valid YAML', () => {
    const text = MINIMAL.replace('  apiKey:', '  "apiKye":');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(5, 2, 5, 10));
    assert.equal(assertFixClears(text, finding), MINIMAL);
  });

  test('comments around a node do not widen its range', () => {
    const text = MINIMAL.replace(
      '  gateway:',
      '  # the cloud\n  cloud: europe   # not a Microsoft cloud\n  gateway:',
    );
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(9, 9, 9, 15));
  });

  test('CRLF line endings give the same lines and characters as LF', () => {
    const lf = MINIMAL.replace('  apiKey:', '  apikey:').replace('  gateway:', '  cloud: europe\n  gateway:');
    const crlf = lf.replace(/\n/g, '\r\n');
    assert.deepEqual(schemaRanges(crlf), schemaRanges(lf));
    assert.deepEqual(
      schemaRanges(crlf).map((entry) => entry.range),
      [range(5, 2, 5, 8), range(8, 9, 8, 15)],
    );
    // The quick fix edits the same characters, so the CRLF file stays CRLF.
    const renameKey = withCode(findingsOf(crlf), 'schema')[0];
    const fixed = applyEdits(crlf, editsOf(renameKey?.fixes?.[0]));
    assert.equal(fixed, MINIMAL.replace('  gateway:', '  cloud: europe\n  gateway:').replace(/\n/g, '\r\n'));
  });

  test('characters count in UTF-16 code units, as in VS Code', () => {
    // "ü" is one code unit, the emoji two; both stand before the bad value on its line.
    const text = lines(
      'version: 1',
      'domains: [example.com]',
      'mailcow: {url: https://mail.example.com}',
      'exchange: {tenant: contoso.onmicrosoft.com, gateway: example-com.mail.protection.outlook.com, outboundConnector: {name: "Zü 📬", tlsSettings: Strict}}',
    );
    const finding = onlySchema(text);
    const line = text.split('\n')[3]!;
    assert.equal(covered(text, finding), 'Strict');
    assert.deepEqual(rangeIn(text, finding), range(3, line.indexOf('Strict'), 3, line.indexOf('Strict') + 6));
    assert.equal(line.indexOf('Strict'), 142);
  });

  test('a non-ASCII key is covered whole', () => {
    const text = MINIMAL.replace('  apiKey: secret:mailcow', '  "schlüssel📬": 1');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(5, 2, 5, 15));
  });

  test('a tab used as indentation is a YAML error at the tab, and nothing else is reported', () => {
    const text = MINIMAL.replace('  - example.com', '\t- example.com');
    const findings = findingsOf(text);
    assert.deepEqual(findings.map((finding) => finding.code), ['yaml-syntax']);
    assert.deepEqual(rangeIn(text, findings[0]!), range(2, 0, 2, 1));
    assert.match(findings[0]!.message, /Tabs are not allowed/);
  });

  test('a tab between key and value is allowed and the value keeps its own range', () => {
    const text = MINIMAL.replace('  gateway:', '  cloud:\teurope\n  gateway:');
    const finding = onlySchema(text);
    assert.deepEqual(rangeIn(text, finding), range(8, 9, 8, 15));
  });

  test('anchors and aliases: an error reached through an alias sits on the alias', () => {
    const text = lines(
      'version: 1',
      'domains: &shared [example.com]',
      'mailcow:',
      '  url: https://mail.example.com',
      '  hostname: *shared',
      'exchange:',
      '  tenant: contoso.onmicrosoft.com',
      '  gateway: example-com.mail.protection.outlook.com',
      '  outboundConnector:',
      '    recipientDomains: *shared',
    );
    assert.deepEqual(schemaRanges(text), [{ range: range(4, 12, 4, 19), text: '*shared' }]);
  });
});

suite('documents that are not a spec', () => {
  test('an empty file gets one finding, at its start', () => {
    const findings = findingsOf('');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.code, 'schema');
    assert.deepEqual({ offset: findings[0]!.offset, length: findings[0]!.length }, { offset: 0, length: 0 });
    assert.match(findings[0]!.message, /must be a mapping/);
  });

  test('a file of comments only is reported on its first character, not as an empty range', () => {
    const text = '# hybrid.yaml, to be written\n';
    const findings = findingsOf(text);
    assert.equal(findings.length, 1);
    assert.ok(findings[0]!.length > 0);
  });

  test('a file that is a scalar is reported on the scalar', () => {
    const text = 'just some text\n';
    const finding = single(findingsOf(text), 'schema');
    assert.deepEqual(rangeIn(text, finding), range(0, 0, 0, 14));
    assert.match(finding.message, /must be a mapping, not "just some text"/);
  });

  test('a file that is a list is reported on the list and runs no rule', () => {
    const text = '- example.com\n- example.org\n';
    const findings = findingsOf(text);
    assert.deepEqual(findings.map((finding) => finding.code), ['schema']);
    assert.deepEqual(rangeIn(text, findings[0]!), range(0, 0, 1, 13));
    assert.match(findings[0]!.message, /a list/);
  });
});

suite('YAML syntax errors', () => {
  test('an unclosed flow list is reported where the parser stops, and nothing else', () => {
    const text = MINIMAL.replace('  apiKey: secret:mailcow', '  apiKey: [secret:mailcow').replace('version: 1', 'version: 7');
    const findings = findingsOf(text);
    assert.ok(findings.length >= 1);
    assert.deepEqual([...new Set(findings.map((finding) => finding.code))], ['yaml-syntax']);
    assert.deepEqual(rangeIn(text, findings[0]!), range(6, 0, 6, 1));
    assert.match(findings[0]!.message, /does not parse: .*\]/);
    assert.match(findings[0]!.message, /Nothing else in this file is checked/);
  });

  test('an unterminated string is reported, and nothing else', () => {
    const text = MINIMAL.replace('  url: https://mail.example.com', '  url: "https://mail.example.com');
    const findings = findingsOf(text);
    assert.ok(findings.length >= 1);
    assert.deepEqual([...new Set(findings.map((finding) => finding.code))], ['yaml-syntax']);
    for (const finding of findings) {
      assert.ok(finding.offset + finding.length <= text.length + 1);
    }
  });

  test('a duplicate key is a YAML error on the second key, covering the key', () => {
    const text = `${MINIMAL}version: 1\n`;
    const findings = findingsOf(text);
    assert.deepEqual(findings.map((finding) => finding.code), ['yaml-syntax']);
    assert.deepEqual(rangeIn(text, findings[0]!), range(9, 0, 9, 7));
    assert.match(findings[0]!.message, /unique/);
  });

  test('a duplicate key inside a nested mapping covers that key', () => {
    const text = MINIMAL.replace('  apiKey: secret:mailcow', '  apiKey: secret:mailcow\n  "apiKey": env:KEY');
    const findings = findingsOf(text);
    assert.deepEqual(findings.map((finding) => finding.code), ['yaml-syntax']);
    assert.deepEqual(rangeIn(text, findings[0]!), range(6, 2, 6, 10));
  });

  test('two documents in one file are a YAML error', () => {
    const text = `${MINIMAL}---\n${MINIMAL}`;
    const findings = findingsOf(text);
    assert.deepEqual([...new Set(findings.map((finding) => finding.code))], ['yaml-syntax']);
    assert.equal(rangeIn(text, findings[0]!).start.line, 9);
  });

  test('an alias without anchor is a YAML error on the alias, not an exception', () => {
    const text = MINIMAL.replace('secret:mailcow', '*key');
    const findings = findingsOf(text);
    assert.deepEqual(findings.map((finding) => finding.code), ['yaml-syntax']);
    assert.deepEqual(rangeIn(text, findings[0]!), range(5, 10, 5, 14));
    assert.match(findings[0]!.message, /alias/i);
  });
});
