/// <reference types="mocha" />
// End-to-end validation inside a real VS Code: mailcow's and Exchange's emulators run in the
// extension host with a Postfix log and a message trace, the command follows both test messages
// through them with the editor's own live host, and shows where each one is beside the spec.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ValidationReport } from '../../../../src/core/validate/follow-message';
import type { ExchangeEmulators } from '../../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../../emulators/exchange/start-exchange-emulators';
import type { MailcowEmulator } from '../../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../../emulators/mailcow/mailcow-emulator';
import { waitUntil } from '../../support/wait-until';
import { workspaceUri } from '../../support/workspace-files';

const KEY_VARIABLE = 'MAIL_HYBRID_SUITE_MAILCOW_KEY';
const SECRET_VARIABLE = 'MAIL_HYBRID_SUITE_EXCHANGE_SECRET';
const TENANT_ID = '11111111-2222-3333-4444-555555555555';
const ADMIN_APP = '66666666-7777-8888-9999-000000000000';
const MINUTE = 60_000;

const key = Array.from({ length: 5 }, () => randomBytes(3).toString('hex').toUpperCase()).join('-');
const secret = `Suite~${randomBytes(12).toString('hex')}`;

interface RunResult {
  instructions: string[];
  reports: ValidationReport[];
  markdown: string;
}

type RunOutcome = RunResult | { notRun: string };

function followed(outcome: RunOutcome | undefined): RunResult {
  assert.ok(outcome && 'reports' in outcome, `the command ran: ${JSON.stringify(outcome)}`);
  return outcome;
}

function line(at: number, program: string, message: string) {
  return { time: String(Math.floor(at / 1000)), priority: 'info', program, message };
}

function traceRow(at: number, sender: string, recipient: string, id: string) {
  return {
    MessageTraceId: `00000000-0000-4000-8000-00000000000${id}`,
    Received: new Date(at).toISOString(),
    SenderAddress: sender,
    RecipientAddress: recipient,
    Subject: 'mail-hybrid test',
    Status: 'Delivered',
    FromIP: '203.0.113.20',
    ToIP: '198.51.100.25',
    MessageId: `<test-${id}@example.net>`,
  };
}

function reportDocument(): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find(
    (document) => document.uri.scheme === 'mail-hybrid-validation',
  );
}

describe('validate: following the test messages through emulated mailcow and Exchange', () => {
  let mailcow: MailcowEmulator;
  let exchange: ExchangeEmulators;
  const uri = workspaceUri('hybrid.yaml');

  before(async () => {
    mailcow = await startMailcowEmulator({
      hostname: 'mail.example.com',
      apiKeys: [{ key, access: 'ro', allowFrom: ['127.0.0.1', '::1'] }],
    });
    exchange = await startExchangeEmulators({
      tenantId: TENANT_ID,
      initialDomain: 'contoso.onmicrosoft.com',
      apps: [{ clientId: ADMIN_APP, clientSecret: secret, roles: ['Exchange Administrator'] }],
      recipients: ['alice@example.com'],
      messageTrace: [],
    });
    process.env[KEY_VARIABLE] = key;
    process.env[SECRET_VARIABLE] = secret;
    const text = await readFile(uri.fsPath, 'utf8');
    await writeFile(
      uri.fsPath,
      text
        .replace(/url: .*/, `url: ${mailcow.url}`)
        .replace(/login: .*/, `login: ${exchange.loginUrl}`)
        .replace(/admin: .*/, `admin: ${exchange.adminUrl}`),
    );
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
  });

  after(async () => {
    delete process.env[KEY_VARIABLE];
    delete process.env[SECRET_VARIABLE];
    await mailcow.close();
    await exchange.close();
  });

  beforeEach(() => {
    mailcow.state.postfixLog.length = 0;
    exchange.state.messageTrace.length = 0;
  });

  async function run(target = uri): Promise<RunOutcome | undefined> {
    return vscode.commands.executeCommand<RunOutcome | undefined>(
      'mailHybrid.validate.run',
      target,
      {
        assumeSent: true,
        pollMs: 100,
        timeoutMs: 1500,
      },
    );
  }

  it('asks for a validation mailbox when the spec names none, and follows nothing', async () => {
    const outcome = await run(workspaceUri('no-mailbox.hybrid.yaml'));
    assert.deepEqual(outcome, { notRun: 'no-mailbox' });
  });

  it('says what to send, follows a delivered message each way, and shows the report beside the spec', async () => {
    const now = Date.now();
    exchange.state.messageTrace.push(
      traceRow(now - 5 * MINUTE, 'friend@partner.example', 'app@example.com', '1'),
      traceRow(now - 3 * MINUTE, 'app@example.com', 'friend@partner.example', '2'),
    );
    mailcow.state.postfixLog.unshift(
      line(
        now - 4 * MINUTE,
        'postfix/qmgr',
        '4QinAAA1: from=<friend@partner.example>, size=900, nrcpt=1 (queue active)',
      ),
      line(
        now - 4 * MINUTE,
        'postfix/lmtp',
        '4QinAAA1: to=<app@example.com>, relay=dovecot[192.168.247.250]:24, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 <app@example.com> Saved)',
      ),
      line(
        now - 3 * MINUTE,
        'postfix/qmgr',
        '4QoutBBB2: from=<app@example.com>, size=800, nrcpt=1 (queue active)',
      ),
      line(
        now - 3 * MINUTE,
        'postfix/smtp',
        '4QoutBBB2: to=<friend@partner.example>, relay=example-com.mail.protection.outlook.com[192.0.2.10]:25, delay=0.9, delays=0/0/0.4/0.5, dsn=2.6.0, status=sent (250 2.6.0 <out-1@example.com> [InternalId=1] Queued mail for delivery)',
      ),
    );
    mailcow.state.postfixLog.reverse();

    const result = followed(await run());
    assert.match(result.instructions[0]!, /send a message to app@example\.com/);
    assert.match(result.instructions[1]!, /^Outbound: from app@example\.com .*alice@example\.com/);
    assert.deepEqual(
      result.reports.map((report) => [report.direction, report.outcome]),
      [
        ['inbound', 'delivered'],
        ['outbound', 'delivered'],
      ],
    );
    const shown = reportDocument();
    assert.ok(shown, 'the report is open');
    assert.equal(shown.languageId, 'markdown');
    const markdown = shown.getText();
    assert.equal(markdown, result.markdown);
    assert.match(markdown, /^## What to send$/m);
    assert.match(
      markdown,
      /^## Inbound: the internet → Exchange → mailcow \(app@example\.com\): arrived$/m,
    );
    assert.match(
      markdown,
      /^1\. \*\*Exchange Online\*\* \(done\): Exchange received the message from friend@partner\.example/m,
    );
    assert.match(
      markdown,
      /^2\. \*\*mailcow\*\* \(done\): mailcow delivered the message to app@example\.com/m,
    );
    assert.match(
      markdown,
      /^## Outbound: mailcow \(app@example\.com\) → Exchange → the internet: arrived$/m,
    );
    assert.match(
      markdown,
      /^1\. \*\*mailcow\*\* \(done\): mailcow handed the message to example-com\.mail\.protection\.outlook\.com/m,
    );
    assert.ok(!markdown.includes(key) && !markdown.includes(secret), 'no secret in the report');
    const columns = vscode.window.visibleTextEditors.map((editor) => editor.document.uri.scheme);
    assert.ok(columns.includes('file') && columns.includes('mail-hybrid-validation'), 'beside');
  });

  it('stops following when cancelled, without a report', async () => {
    // Nothing in the log or the trace: both messages stay pending until the person cancels.
    const cancel = new vscode.CancellationTokenSource();
    const looks = mailcow.requests.length;
    const pending = vscode.commands.executeCommand<RunOutcome | undefined>(
      'mailHybrid.validate.run',
      uri,
      { assumeSent: true, pollMs: 200, timeoutMs: 60_000, cancellation: cancel.token },
    );
    await waitUntil(() => mailcow.requests.length > looks, { description: 'a first look' });
    cancel.cancel();
    assert.deepEqual(await pending, { notRun: 'cancelled' });
    cancel.dispose();
  });

  it('explains the bounce when Exchange refuses the mail mailcow relays', async () => {
    const now = Date.now();
    exchange.state.messageTrace.push(
      traceRow(now - 5 * MINUTE, 'friend@partner.example', 'app@example.com', '3'),
    );
    mailcow.state.postfixLog.unshift(
      line(
        now - 2 * MINUTE,
        'postfix/qmgr',
        '4QbncCCC3: from=<app@example.com>, size=800, nrcpt=1 (queue active)',
      ),
      line(
        now - 2 * MINUTE,
        'postfix/smtp',
        '4QbncCCC3: to=<friend@partner.example>, relay=example-com.mail.protection.outlook.com[192.0.2.10]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=5.7.64, status=bounced (host example-com.mail.protection.outlook.com[192.0.2.10] said: 550 5.7.64 TenantAttribution; Relay Access Denied [AM0PR01MB1234.eurprd01.prod.exchangelabs.com] (in reply to RCPT TO command))',
      ),
    );
    mailcow.state.postfixLog.reverse();

    const result = followed(await run());
    const outbound = result.reports.find((report) => report.direction === 'outbound');
    assert.equal(outbound?.outcome, 'failed');
    assert.match(result.markdown, /^## Outbound: .*: failed$/m);
    assert.match(result.markdown, /\*\*Why it bounced:\*\* /);
    assert.match(result.markdown, /`exchange\.inboundConnector/);
    // Inbound arrived at Exchange but mailcow never logged it: still waiting when time ran out.
    assert.match(result.markdown, /^## Inbound: .*: not seen in time$/m);
    assert.match(result.markdown, /^2\. \*\*mailcow\*\* \(waiting\): /m);
  });
});
