import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  buildPowerShellScript,
  powerShellString,
} from '../../../src/core/exchange/powershell-export';
import type { HybridSpec } from '../../../src/core/spec/model';
import { parseSpec } from '../../../src/core/spec/parse-spec';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(__dirname, 'fixtures', 'export-hybrid.yaml');
const QUOTES = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);

interface Lexed {
  /** The script with every string literal and comment removed: what PowerShell would run. */
  code: string;
  /** The values of the single-quoted literals, as PowerShell reads them. */
  strings: string[];
}

/**
 * Reads a script the way PowerShell's tokenizer treats single-quoted strings and line comments:
 * any of the four single-quote characters opens and closes a literal, and a doubled one inside
 * stands for itself. Enough to prove where each literal ends.
 */
function lex(script: string): Lexed {
  let code = '';
  const strings: string[] = [];
  for (let index = 0; index < script.length; index += 1) {
    const char = script[index] as string;
    if (char === '#') {
      while (index < script.length && script[index] !== '\n') {
        index += 1;
      }
      code += '\n';
      continue;
    }
    if (!QUOTES.has(char)) {
      code += char;
      continue;
    }
    let value = '';
    for (index += 1; index < script.length; index += 1) {
      const inner = script[index] as string;
      if (QUOTES.has(inner)) {
        if (QUOTES.has(script[index + 1] ?? '')) {
          value += inner;
          index += 1;
          continue;
        }
        break;
      }
      value += inner;
    }
    assert.ok(index < script.length, 'every literal is closed');
    strings.push(value);
    code += '<string>';
  }
  return { code, strings };
}

function spec(exchangeLines: string[], domains = ['example.com']): HybridSpec {
  const text = [
    'version: 1',
    'domains:',
    ...domains.map((domain) => `  - ${JSON.stringify(domain)}`),
    'mailcow:',
    '  url: https://mail.example.com',
    'exchange:',
    '  tenant: contoso.onmicrosoft.com',
    '  gateway: example-com.mail.protection.outlook.com',
    ...exchangeLines.map((line) => `  ${line}`),
    '',
  ].join('\n');
  const parsed = parseSpec(text, '/specs/hybrid.yaml');
  assert.ok(parsed.spec);
  return parsed.spec;
}

function script(value: HybridSpec): string {
  const result = buildPowerShellScript(value);
  if (!result.ok) {
    assert.fail(result.problems.join(' '));
  }
  return result.script;
}

describe('the Exchange Online PowerShell export', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mail-hybrid-export-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('connects to the tenant and guards every step so the script can run again', () => {
    const text = script(spec([]));
    const { code } = lex(text);
    assert.match(
      code,
      /^Connect-ExchangeOnline -DelegatedOrganization <string> -ShowBanner:\$false$/m,
    );
    assert.ok(text.includes("-DelegatedOrganization 'contoso.onmicrosoft.com'"));
    assert.match(
      text,
      /\$domain = Get-AcceptedDomain -Identity 'example\.com' -ErrorAction SilentlyContinue/,
    );
    assert.match(
      text,
      /elseif \(\$domain\.DomainType -ne 'InternalRelay'\) \{\n {4}Set-AcceptedDomain -Identity 'example\.com' -DomainType 'InternalRelay'/,
    );
    assert.match(
      text,
      /\$connector = Get-OutboundConnector -Identity 'To mailcow' -ErrorAction SilentlyContinue\nif \(-not \$connector\) \{\n {4}New-OutboundConnector -Name 'To mailcow' -ConnectorType 'OnPremises' -RecipientDomains @\('example\.com'\) -SmartHosts @\('mail\.example\.com'\) -UseMXRecord \$false -TlsSettings 'DomainValidation' -TlsDomain 'mail\.example\.com'\n\} else \{\n {4}Set-OutboundConnector -Identity 'To mailcow' .* -Enabled \$true\n\}/,
    );
    assert.match(
      text,
      /New-InboundConnector -Name 'From mailcow' -ConnectorType 'OnPremises' -SenderDomains @\('\*'\) -TlsSenderCertificateName 'mail\.example\.com' -RequireTls \$true -RestrictDomainsToCertificate \$true/,
    );
    // One commented block per step.
    assert.equal((text.match(/^# Step:/gm) ?? []).length, 3);
  });

  it('writes sender addresses for IP authentication and the environment of a sovereign cloud', () => {
    const text = script(
      spec(['cloud: china', 'inboundConnector:', '  auth: ip', '  senderIPs: [198.51.100.25/32]']),
    );
    assert.match(text, /-ExchangeEnvironmentName 'O365China'/);
    assert.match(text, /-SenderIPAddresses @\('198\.51\.100\.25'\)/);
    assert.ok(!text.includes('TlsSenderCertificateName'));
  });

  for (const [what, name] of [
    ['a straight quote', "To mailcow'; Remove-Mailbox -Identity * -Confirm:$false; '"],
    ['typographic quotes', 'To mailcow\u2019; Remove-Mailbox -Identity *; \u2018'],
    ['a low quote', 'x\u201a; Remove-Mailbox -Identity *; \u201b'],
    ['a subexpression', 'To $(Remove-Mailbox -Identity *) mailcow'],
  ] as const) {
    it(`keeps a connector name with ${what} one literal, so it runs nothing`, () => {
      const text = script(spec(['outboundConnector:', `  name: ${JSON.stringify(name)}`]));
      const { code, strings } = lex(text);
      assert.ok(!code.includes('Remove-Mailbox'), `code outside literals: ${code}`);
      assert.ok(strings.includes(name), 'the literal reads back as the exact name');
    });
  }

  it('refuses values that are not what a cmdlet takes, writing no script', () => {
    const hostile = [
      spec(['outboundConnector:', '  name: "line\\nRemove-Mailbox"']),
      spec(['outboundConnector:', '  recipientDomains: ["example.com\'; Stop-Computer; \'"]']),
      spec(['outboundConnector:', '  smartHosts: ["mail.example.com -Confirm:$false"]']),
      spec(['inboundConnector:', '  certificateName: "mail.example.com\' -RequireTls $false #"']),
      spec(['inboundConnector:', '  auth: ip', '  senderIPs: ["2001:db8::25"]']),
      spec([], ["example.com'; Stop-Computer; '"]),
    ];
    for (const value of hostile) {
      const result = buildPowerShellScript(value);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.problems.length > 0);
    }
    const tenant = spec([]);
    tenant.exchange.tenant = "contoso.onmicrosoft.com' ; Stop-Computer ; '";
    const result = buildPowerShellScript(tenant);
    assert.ok(!result.ok && /neither a tenant GUID nor a domain/.test(result.problems.join(' ')));
  });

  it('refuses a line break in a literal outright', () => {
    assert.throws(() => powerShellString('a\nb'));
    assert.equal(powerShellString("it's"), "'it''s'");
  });

  it('is written by the command line to the file named by --out', () => {
    const cli = join(ROOT, 'dist', 'cli.js');
    assert.ok(existsSync(cli), 'build first: node scripts/build.mjs');
    const out = join(folder, 'exchange.ps1');
    const result = spawnSync(process.execPath, [cli, 'export-powershell', FIXTURE, '--out', out], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Wrote the Exchange Online PowerShell script/);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /-ExchangeEnvironmentName 'O365USGovGCCHigh' -Device/);
    const { code, strings } = lex(text);
    assert.ok(!code.includes('Remove-Mailbox') && !code.includes('Stop-Computer'));
    assert.ok(strings.includes("To mailcow'; Remove-Mailbox -Identity * -Confirm:$false; '"));
    assert.ok(strings.includes('From mailcow\u2019 + $(Stop-Computer) + \u2018'));

    const printed = spawnSync(process.execPath, [cli, 'export-powershell', FIXTURE], {
      encoding: 'utf8',
    });
    assert.equal(printed.status, 0);
    assert.equal(`${printed.stdout}`, text);

    const missing = spawnSync(process.execPath, [cli, 'export-powershell'], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Usage: mail-hybrid export-powershell/);
  });
});
