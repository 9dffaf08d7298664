import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BounceKind } from '../../../src/core/bounce/explain-bounce';
import { explainBounce, formatSpecPath } from '../../../src/core/bounce/explain-bounce';
import { isFindingCode } from '../../../src/core/findings/codes';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import { runExplainBounce } from '../../../src/cli/explain-bounce-command';

const SPEC = [
  'version: 1',
  'domains:',
  '  - example.com',
  '  - name: example.org',
  '    relay:',
  '      domain: false',
  'mailcow:',
  '  url: https://mail.example.com',
  '  apiKey: secret:mailcow',
  'exchange:',
  '  tenant: contoso.onmicrosoft.com',
  '  gateway: example-com.mail.protection.outlook.com',
  '  inboundConnector:',
  '    certificateName: mail.example.com',
  '',
].join('\n');

const spec = parseSpec(SPEC, '/specs/hybrid.yaml').spec;

/** An Exchange Online NDR for mail that mailcow relayed, as Outlook shows it to the sender. */
const NDR_TENANT_ATTRIBUTION = `Delivery has failed to these recipients or groups:

friend@partner.example
Your message wasn't delivered because the recipient's email provider rejected it.

Diagnostic information for administrators:

Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com

friend@partner.example
Remote server returned '550 5.7.64 TenantAttribution; Relay Access Denied [AM0PR01MB1234.eurprd01.prod.exchangelabs.com 2026-12-04T10:11:12.345Z 08DC1234ABCD5678]'

Original message headers:

Received: from mail.example.com (198.51.100.25) by AM0PR01MB1234.mail.protection.outlook.com
From: Scanner <scanner@example.com>
To: <friend@partner.example>
Subject: Scan 0042
`;

/** What Validate-OutboundConnector reports while the domain is still Authoritative. */
const VALIDATION_5_1_10 = `Validation failed for recipient app@example.com:
550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient app@example.com not found by SMTP address lookup
`;

/** A message queued in Exchange: the trace detail of a deferral to mailcow. */
const DEFERRAL_4_7_320 = `Event: Defer
Action:
Detail: Reason: [{LED=451 4.7.320 Certificate validation failed};{MSG=};{FQDN=mail.example.com};
 {IP=198.51.100.25};{LRT=12/4/2026 9:58:01 AM}]. OutboundProxyTargetIP: 198.51.100.25. OutboundProxyTargetHostName: mail.example.com
Recipient: app@example.com
`;

const NDR_LOOP = `Delivery has failed to these recipients or groups:

ghost@example.com
The message couldn't be delivered because it was detected as being in a mail loop.

Remote server returned '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [DB8EUR05FT011.eop-eur05.prod.protection.outlook.com 2026-12-04T11:00:00.000Z 08DC0000ABCDEF01]'
`;

/** A Postfix bounce from mailcow (MAILER-DAEMON) for a domain without a transport. */
const POSTFIX_LOOPS_BACK = `This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<alice@example.org>: mail for example.org loops back to myself

Reporting-MTA: dns; mail.example.com
Final-Recipient: rfc822; alice@example.org
Action: failed
Status: 5.4.6
Diagnostic-Code: X-Postfix; mail for example.org loops back to myself
`;

/** Exchange relayed to mailcow, which treats the domain as local. */
const NDR_VIRTUAL_MAILBOX = `Remote server returned '550 5.1.1 <bob@example.org>: Recipient address rejected: User
 unknown in virtual mailbox table'`;

const DBEB = `550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [BN1NAM02FT012.eop-nam02.prod.protection.outlook.com 2026-12-04T12:00:00.000Z 08DC0000ABCDEF02]`;

const POSTFIX_RELAY_DENIED = `554 5.7.1 <carol@example.org>: Relay access denied`;

const POSTFIX_RELAY_RECIPIENT = `550 5.1.1 <dave@example.com>: Recipient address rejected: User unknown in relay recipient table`;

function kinds(text: string): BounceKind[] {
  return explainBounce(text, spec).map((explanation) => explanation.kind);
}

describe('explainBounce', () => {
  it('recognises 5.7.64 TenantAttribution, not also as mailcow refusing to relay', () => {
    const [explanation, ...rest] = explainBounce(NDR_TENANT_ATTRIBUTION, spec);
    assert.deepEqual(rest, []);
    assert.ok(explanation);
    assert.equal(explanation.kind, 'tenant-attribution');
    assert.equal(explanation.reporter, 'exchange');
    assert.equal(explanation.status, '5.7.64');
    assert.match(explanation.evidence, /^Remote server returned '550 5\.7\.64 TenantAttribution/);
    assert.deepEqual(explanation.specPath, ['exchange', 'inboundConnector', 'certificateName']);
    assert.ok(explanation.findingCodes.includes('inbound-cert-not-accepted-domain'));
    assert.ok(explanation.findingCodes.includes('inbound-ips-miss-egress'));
    // The sender's address names the shared domain; the foreign recipient does not count.
    assert.equal(explanation.domain, 'example.com');
  });

  it('recognises 5.1.10 RecipientNotFound and points at the domain', () => {
    const [explanation] = explainBounce(VALIDATION_5_1_10, spec);
    assert.equal(explanation?.kind, 'recipient-not-found');
    assert.equal(explanation?.status, '5.1.10');
    assert.deepEqual(explanation?.specPath, ['domains', 0]);
    assert.match(explanation?.meaning ?? '', /example\.com is still an Authoritative/);
    assert.deepEqual(explanation?.findingCodes, [
      'accepted-domain-authoritative',
      'accepted-domain-missing',
    ]);
  });

  it('recognises 4.7.320 in a deferral folded over two lines', () => {
    const [explanation] = explainBounce(DEFERRAL_4_7_320, spec);
    assert.equal(explanation?.kind, 'certificate-validation');
    assert.equal(explanation?.status, '4.7.320');
    assert.deepEqual(explanation?.specPath, ['exchange', 'outboundConnector', 'tlsDomain']);
    assert.match(explanation?.meaning ?? '', /mail\.example\.com presented/);
    assert.ok(explanation?.findingCodes.includes('cert-name-mismatch'));
  });

  it('recognises a 5.4.14 hop-count loop from Exchange', () => {
    const [explanation] = explainBounce(NDR_LOOP, spec);
    assert.equal(explanation?.kind, 'routing-loop');
    assert.equal(explanation?.reporter, 'exchange');
    assert.deepEqual(explanation?.specPath, ['domains', 0, 'relay', 'unknownOnly']);
    assert.ok(explanation?.findingCodes.includes('relay-unknown-only-off'));
  });

  it('recognises "loops back to myself" without calling its 5.4.6 a hop-count loop', () => {
    const explanations = explainBounce(POSTFIX_LOOPS_BACK, spec);
    assert.deepEqual(
      explanations.map((explanation) => explanation.kind),
      ['loops-back-to-myself'],
    );
    assert.equal(explanations[0]?.reporter, 'mailcow');
    assert.deepEqual(explanations[0]?.specPath, ['mailcow', 'relayhost']);
    assert.match(
      explanations[0]?.meaning ?? '',
      /\[example-com\.mail\.protection\.outlook\.com\]:25/,
    );
  });

  it("recognises a Postfix forwarding loop as mailcow's", () => {
    const [explanation] = explainBounce(
      '<app@example.com>: mail forwarding loop for app@example.com',
      spec,
    );
    assert.equal(explanation?.kind, 'routing-loop');
    assert.equal(explanation?.reporter, 'mailcow');
  });

  it('recognises "User unknown in virtual mailbox table" across a folded line, on the second domain', () => {
    const [explanation] = explainBounce(NDR_VIRTUAL_MAILBOX, spec);
    assert.equal(explanation?.kind, 'virtual-mailbox-unknown');
    assert.equal(explanation?.domain, 'example.org');
    assert.deepEqual(explanation?.specPath, ['domains', 1, 'relay', 'domain']);
    assert.equal(formatSpecPath(explanation?.specPath ?? []), 'domains[1].relay.domain');
  });

  it('tells Exchange\'s 5.4.1 from Postfix\'s "Relay access denied"', () => {
    assert.deepEqual(kinds(DBEB), ['recipient-access-denied']);
    const [relay] = explainBounce(POSTFIX_RELAY_DENIED, spec);
    assert.equal(relay?.kind, 'relay-access-denied');
    assert.equal(relay?.reporter, 'mailcow');
    assert.deepEqual(relay?.specPath, ['domains', 1, 'relay', 'domain']);
  });

  it('recognises "User unknown in relay recipient table"', () => {
    const [explanation] = explainBounce(POSTFIX_RELAY_RECIPIENT, spec);
    assert.equal(explanation?.kind, 'relay-recipient-unknown');
    assert.deepEqual(explanation?.specPath, ['domains', 0, 'relay', 'allRecipients']);
  });

  it('works without a spec, pointing at the general place', () => {
    const [explanation] = explainBounce(NDR_VIRTUAL_MAILBOX);
    assert.deepEqual(explanation?.specPath, ['domains']);
    assert.match(explanation?.meaning ?? '', /the shared domain/);
  });

  it('recognises nothing in a delivery that failed for other reasons', () => {
    assert.deepEqual(
      kinds('550 5.2.2 <bob@example.com>: mailbox full\n452 4.2.2 Over quota; try again later'),
      [],
    );
    assert.deepEqual(kinds(''), []);
  });

  it('has a title and a meaning for every kind and names only real finding codes', () => {
    const all = [
      NDR_TENANT_ATTRIBUTION,
      VALIDATION_5_1_10,
      DEFERRAL_4_7_320,
      NDR_LOOP,
      POSTFIX_LOOPS_BACK,
      NDR_VIRTUAL_MAILBOX,
      DBEB,
      POSTFIX_RELAY_DENIED,
      POSTFIX_RELAY_RECIPIENT,
    ].flatMap((text) => explainBounce(text, spec));
    assert.equal(new Set(all.map((explanation) => explanation.kind)).size, 9);
    for (const explanation of all) {
      assert.doesNotMatch(explanation.title, /^bounce\.|\{\w+\}/);
      assert.doesNotMatch(explanation.meaning, /^bounce\.|\{\w+\}/);
      assert.ok(explanation.findingCodes.every(isFindingCode));
    }
  });
});

describe('explain-bounce on the command line', () => {
  let folder: string;
  let specFile: string;
  let bounceFile: string;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mail-hybrid-bounce-'));
    specFile = join(folder, 'hybrid.yaml');
    bounceFile = join(folder, 'bounce.txt');
    await writeFile(specFile, SPEC);
    await writeFile(bounceFile, NDR_TENANT_ATTRIBUTION);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  function run(args: string[]): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = runExplainBounce(args, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('explains a file and names the spec line with --spec', () => {
    const { code, out } = run([bounceFile, '--spec', specFile]);
    assert.equal(code, 0);
    assert.match(out, /^1\. 5\.7\.64 TenantAttribution/);
    assert.match(out, /Findings: inbound-cert-not-accepted-domain/);
    assert.ok(
      out.includes(`Spec: exchange.inboundConnector.certificateName (${specFile}:14:22)`),
      out,
    );
  });

  it('prints JSON with the spec position counted from 0', () => {
    const { code, out } = run([bounceFile, '--spec', specFile, '--format', 'json']);
    assert.equal(code, 0);
    const parsed = JSON.parse(out) as {
      explanations: { kind: string; specPath: string; specPosition: unknown }[];
    };
    assert.equal(parsed.explanations[0]?.kind, 'tenant-attribution');
    assert.equal(parsed.explanations[0]?.specPath, 'exchange.inboundConnector.certificateName');
    assert.deepEqual(parsed.explanations[0]?.specPosition, { line: 13, character: 21 });
  });

  it('exits 1 for a text it does not recognise and 2 for a missing file', async () => {
    const unknown = join(folder, 'other.txt');
    await writeFile(unknown, '250 2.0.0 Ok: queued as 4XyZ');
    const none = run([unknown]);
    assert.equal(none.code, 1);
    assert.match(none.out, /No failure of this setup was recognised/);
    const missing = run([join(folder, 'nope.txt')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file/);
  });

  it('reads the bounce from standard input', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'explain-bounce', '-'],
      { input: POSTFIX_RELAY_RECIPIENT, encoding: 'utf8', cwd: join(__dirname, '..', '..', '..') },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /User unknown in relay recipient table/);
    assert.match(child.stdout, /Spec: domains/);
  });
});
