import assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FindingFix } from '../../../src/core/findings/finding';
import { silentLogger } from '../../../src/core/log';
import { runStepsInOrder } from '../../../src/core/plan/run-steps';
import { createMailcowSteps } from '../../../src/core/mailcow/mailcow-steps';
import type { MailcowLiveState } from '../../../src/core/mailcow/mailcow-live';
import { NodeIds } from '../../../src/core/tree/node-ids';
import type { DnsEmulator } from '../../emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../emulators/dns/dns-emulator';
import type { MailcowEmulator, MailcowSeed } from '../../emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../emulators/mailcow/mailcow-emulator';
import {
  GATEWAY,
  KEYS,
  SPF_HOST,
  codesOf,
  emptyMailcow,
  lineOf,
  liveCheck,
  only,
  specText,
  writesOf,
} from './mailcow-live-kit';

let dns: DnsEmulator;
const silent = silentLogger;

before(async () => {
  dns = await startDnsEmulator({
    [SPF_HOST]: { TXT: ['v=spf1 ip4:198.51.100.0/26 ip6:2001:db8:7::/48 -all'] },
  });
});
after(async () => {
  await dns.close();
});

async function withMailcow(
  seed: MailcowSeed,
  run: (emulator: MailcowEmulator) => Promise<void>,
): Promise<void> {
  const emulator = await startMailcowEmulator(seed, { dnsServers: [dns.address] });
  try {
    await run(emulator);
  } finally {
    await emulator.close();
  }
}

function stepFix(fixes: FindingFix[] | undefined): { stepId: string; domain?: string } | undefined {
  const fix = fixes?.find((candidate) => candidate.kind === 'step');
  return fix?.kind === 'step' ? { stepId: fix.stepId, domain: fix.domain } : undefined;
}

const RELAY_ALL = { backupmx: 1, relay_all_recipients: 1, relay_unknown_only: 1 } as const;

describe('mailcow live check', () => {
  it('reads with one request per kind and proves write access without changing anything', async () => {
    await withMailcow(
      emptyMailcow({ domains: [{ domain_name: 'example.com' }] }),
      async (emulator) => {
        const before = JSON.stringify(emulator.state.snapshot().domains);
        const { report } = await liveCheck(specText(emulator.url));
        assert.deepEqual(report.unreadable, []);
        const gets = emulator.requests
          .filter((request) => request.method === 'GET')
          .map((r) => r.url);
        assert.deepEqual(gets.sort(), [
          '/api/v1/get/domain/all',
          '/api/v1/get/fwdhost/all',
          '/api/v1/get/mailbox/all',
          '/api/v1/get/relayhost/all',
        ]);
        const posts = emulator.requests.filter((request) => request.method === 'POST');
        assert.deepEqual(
          posts.map((request) => [request.url, request.body]),
          [['/api/v1/edit/domain', '{}']],
        );
        assert.equal(JSON.stringify(emulator.state.snapshot().domains), before);
        assert.equal(report.liveValues.get(NodeIds.mailcow)?.drift, false);
      },
    );
  });

  it('reports everything an empty mailcow lacks, on the spec node it concerns, each with its step', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const { report, text } = await liveCheck(specText(emulator.url));
      assert.deepEqual(codesOf(report.findings), [
        'mailcow-domain-missing',
        'mailcow-domain-missing',
        'mailcow-fwdhost-missing',
        'mailcow-mailbox-missing',
        'mailcow-relayhost-missing',
      ]);
      const [com, org] = only(report.findings, 'mailcow-domain-missing');
      assert.equal(lineOf(text, com!), '- example.com');
      assert.equal(lineOf(text, org!), '- name: example.org');
      assert.deepEqual(stepFix(com!.fixes), { stepId: 'mailcow-domain', domain: 'example.com' });
      const relayhost = only(report.findings, 'mailcow-relayhost-missing')[0]!;
      // The relayhost is defaulted from the gateway: the finding sits on `mailcow:`.
      assert.equal(lineOf(text, relayhost), 'mailcow:');
      assert.match(relayhost.message, new RegExp(`\\[${GATEWAY.replace(/\./g, '\\.')}\\]:25`));
      assert.deepEqual(stepFix(relayhost.fixes), {
        stepId: 'mailcow-relayhost',
        domain: undefined,
      });
      const fwd = only(report.findings, 'mailcow-fwdhost-missing')[0]!;
      assert.match(lineOf(text, fwd), /^forwardingHosts:/);
      assert.match(fwd.message, new RegExp(SPF_HOST));
      const mailbox = only(report.findings, 'mailcow-mailbox-missing')[0]!;
      assert.match(lineOf(text, mailbox), /^mailboxes: \[app@example\.org\]/);
      assert.equal(mailbox.fixes, undefined);
      assert.equal(report.liveValues.get(NodeIds.mailcowDomain('example.com'))?.drift, true);
      assert.equal(report.liveValues.get(NodeIds.relayhost)?.drift, true);
      assert.deepEqual(
        report.steps.map((step) => [step.id, step.domain, step.needed]),
        [
          ['mailcow-domain', 'example.com', true],
          ['mailcow-domain', 'example.org', true],
          ['mailcow-relayhost', undefined, true],
          ['mailcow-fwdhosts', undefined, true],
          ['mailcow-transport', 'example.com', true],
          ['mailcow-transport', 'example.org', true],
        ],
      );
    });
  });

  it('names each drifting relay flag with mailcow’s value and the spec’s, and a transport that is not the gateway', async () => {
    const seed = emptyMailcow({
      domains: [
        {
          domain_name: 'example.com',
          backupmx: 1,
          relay_all_recipients: 1,
          relay_unknown_only: 0,
          relayhost: '2',
        },
        { domain_name: 'example.org', ...RELAY_ALL, relayhost: '1' },
      ],
      // The gateway without port and in capitals is the same next hop.
      relayhosts: [
        { id: 1, hostname: `[${GATEWAY.toUpperCase()}]` },
        { id: 2, hostname: '[smtp.other.test]:587' },
      ],
      fwdhosts: [{ host: '198.51.100.0/26', source: SPF_HOST, keep_spam: 'yes' }],
      mailboxes: [{ username: 'app@example.org' }],
    });
    await withMailcow(seed, async (emulator) => {
      const { report, text } = await liveCheck(specText(emulator.url));
      assert.deepEqual(codesOf(report.findings), [
        'mailcow-relay-flags-drift',
        'mailcow-transport-not-set',
      ]);
      const drift = only(report.findings, 'mailcow-relay-flags-drift')[0]!;
      assert.equal(lineOf(text, drift), '- example.com');
      assert.match(
        drift.message,
        /Relay non-existing mailboxes only is off in mailcow, the spec wants on/,
      );
      assert.doesNotMatch(drift.message, /Relay all recipients is/);
      assert.deepEqual(stepFix(drift.fixes), {
        stepId: 'mailcow-transport',
        domain: 'example.com',
      });
      const transport = only(report.findings, 'mailcow-transport-not-set')[0]!;
      assert.match(transport.message, /\[smtp\.other\.test\]:587 \(id 2\)/);
      assert.equal(
        report.liveValues.get(NodeIds.relayFlag('example.com', 'unknownOnly'))?.drift,
        true,
      );
      assert.equal(report.liveValues.get(NodeIds.relayFlag('example.com', 'domain'))?.drift, false);
      // Matching nodes get live values too.
      assert.deepEqual(report.liveValues.get(NodeIds.transport('example.org')), {
        value: `[${GATEWAY.toUpperCase()}] (id 1)`,
        drift: false,
      });
      assert.deepEqual(report.liveValues.get(NodeIds.forwardingHost(SPF_HOST)), {
        value: '198.51.100.0/26',
        drift: false,
      });
      assert.deepEqual(report.liveValues.get(NodeIds.mailbox('example.org', 'app@example.org')), {
        value: 'on mailcow',
        drift: false,
      });
      assert.deepEqual(
        report.steps
          .filter((step) => step.needed)
          .map((step) => `${step.id} ${step.domain ?? ''}`.trim()),
        ['mailcow-transport example.com'],
      );
    });
  });

  it('reads the spec’s relay flags as mailcow couples them, so no step is owed for what mailcow cannot store', async () => {
    const seed = emptyMailcow({
      domains: [
        { domain_name: 'example.com', ...RELAY_ALL, relayhost: '1' },
        { domain_name: 'example.org', ...RELAY_ALL, relayhost: '1' },
      ],
      relayhosts: [{ id: 1, hostname: `${GATEWAY}:25` }],
      fwdhosts: [{ host: '198.51.100.7', source: '198.51.100.7' }],
      mailboxes: [{ username: 'app@example.org' }],
    });
    await withMailcow(seed, async (emulator) => {
      const text = specText(emulator.url, {
        relay: '{ domain: false, allRecipients: false, unknownOnly: true }',
        forwardingHosts: ['198.51.100.7'],
      });
      const { report } = await liveCheck(text);
      assert.deepEqual(codesOf(report.findings), []);
      assert.equal(
        report.steps.some((step) => step.needed),
        false,
      );
    });
  });

  it('finds an international domain under the ASCII name mailcow stores', async () => {
    const seed = emptyMailcow({
      domains: [{ domain_name: 'xn--bcher-kva.example', ...RELAY_ALL, relayhost: '1' }],
      relayhosts: [{ id: 1, hostname: `[${GATEWAY}]:25` }],
    });
    await withMailcow(seed, async (emulator) => {
      const text = specText(emulator.url).replace('  - example.com', '  - bücher.example');
      const { report } = await liveCheck(text);
      const missing = only(report.findings, 'mailcow-domain-missing');
      assert.deepEqual(
        missing.map((finding) => finding.message.includes('example.org')),
        [true],
      );
      assert.equal(only(report.findings, 'mailcow-transport-not-set').length, 0);
    });
  });

  it('counts a switched-off relayhost as missing, and the steps route the domain through a new one', async () => {
    const seed = emptyMailcow({
      domains: [{ domain_name: 'example.com', ...RELAY_ALL, relayhost: '5' }],
      relayhosts: [{ id: 5, hostname: `[${GATEWAY}]:25`, active: 0 }],
    });
    await withMailcow(seed, async (emulator) => {
      const text = specText(emulator.url).replace(/ {2}- name: example\.org\n(.*\n){2}/, '');
      const { report } = await liveCheck(text);
      const missing = only(report.findings, 'mailcow-relayhost-missing')[0];
      assert.ok(missing, JSON.stringify(codesOf(report.findings)));
      assert.match(missing.message, /id 5, switched off/);
      assert.equal(only(report.findings, 'mailcow-transport-not-set').length, 1);
      const steps = report.steps.filter((step) => step.id !== 'mailcow-fwdhosts');
      const result = await runStepsInOrder(steps, silent);
      assert.equal(result.ok, true, result.message);
      const active = [...emulator.state.relayhosts.values()].filter((row) => row.active === 1);
      assert.equal(active.length, 1);
      assert.equal(emulator.state.domains.get('example.com')!.relayhost, String(active[0]!.id));
    });
  });

  it('reports a relayhost mailcow holds twice', async () => {
    const seed = emptyMailcow({
      relayhosts: [
        { id: 4, hostname: `[${GATEWAY}]:25` },
        { id: 7, hostname: `[${GATEWAY}]:25` },
      ],
    });
    await withMailcow(seed, async (emulator) => {
      const { report } = await liveCheck(specText(emulator.url));
      const duplicate = only(report.findings, 'mailcow-relayhost-duplicate');
      assert.equal(duplicate.length, 1);
      assert.match(duplicate[0]!.message, /2 times \(ids 4, 7\)/);
    });
  });

  it('compares forwarding hosts by the name they were added as and by address', async () => {
    const seed = emptyMailcow({
      fwdhosts: [
        { host: '198.51.100.0/26', source: SPF_HOST },
        { host: '203.0.113.9', source: '203.0.113.9' },
      ],
    });
    await withMailcow(seed, async (emulator) => {
      const text = specText(emulator.url, {
        forwardingHosts: [SPF_HOST, '203.0.113.9', 'mx.missing.test'],
      });
      const { report } = await liveCheck(text);
      const missing = only(report.findings, 'mailcow-fwdhost-missing');
      assert.equal(missing.length, 1);
      assert.equal(
        lineOf(text, missing[0]!),
        `forwardingHosts: [${SPF_HOST}, 203.0.113.9, mx.missing.test]`,
      );
      assert.match(
        missing[0]!.message,
        /mx\.missing\.test is not among mailcow's forwarding hosts/,
      );
      assert.equal(report.liveValues.get(NodeIds.forwardingHost('203.0.113.9'))?.drift, false);
    });
  });
});

describe('mailcow failures become findings on the node that leads to them', () => {
  it('a read-only key: the check works, the finding says so, and no fix is offered', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const { report, text } = await liveCheck(specText(emulator.url), {
        MAILCOW_TEST_KEY: KEYS.ro,
      });
      const readOnly = only(report.findings, 'mailcow-key-read-only');
      assert.equal(readOnly.length, 1);
      assert.equal(lineOf(text, readOnly[0]!), 'apiKey: env:MAILCOW_TEST_KEY');
      assert.ok(only(report.findings, 'mailcow-domain-missing').length > 0);
      assert.equal(
        report.findings.some((finding) => finding.fixes !== undefined),
        false,
      );
      assert.equal(emulator.state.domains.size, 0);
      // No step is offered either, so nothing can send a write that mailcow would refuse.
      assert.deepEqual(
        report.steps.filter((step) => step.system === 'mailcow'),
        [],
      );
      assert.equal(emulator.state.domains.size, 0);
    });
  });

  it('an IP-denied key names the address mailcow saw', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const { report, text } = await liveCheck(specText(emulator.url), {
        MAILCOW_TEST_KEY: KEYS.ipDenied,
      });
      assert.deepEqual(codesOf(report.findings), ['mailcow-ip-not-allowed']);
      const finding = report.findings[0]!;
      assert.equal(lineOf(text, finding), 'apiKey: env:MAILCOW_TEST_KEY');
      assert.match(finding.message, /from 127\.0\.0\.1/);
      assert.deepEqual(report.steps, []);
      assert.equal(report.unreadable[0]?.system, 'mailcow');
    });
  });

  it('an unknown key is an authentication failure on apiKey', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const { report } = await liveCheck(specText(emulator.url), {
        MAILCOW_TEST_KEY: KEYS.unknown,
      });
      assert.deepEqual(codesOf(report.findings), ['mailcow-auth-failed']);
      assert.match(report.findings[0]!.message, /unknown or switched off/);
    });
  });

  it('no key at all: nothing is sent, and the finding says how to provide one', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const { report, text } = await liveCheck(specText(emulator.url), {});
      assert.deepEqual(codesOf(report.findings), ['mailcow-auth-failed']);
      assert.match(report.findings[0]!.message, /MAILCOW_TEST_KEY .*not set/);
      assert.equal(lineOf(text, report.findings[0]!), 'apiKey: env:MAILCOW_TEST_KEY');
      assert.equal(emulator.requests.length, 0);
    });
  });

  it('mailcow answering a web page with HTTP 500 is unreachable, on the url', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      emulator.injectFault({ kind: 'status', status: 500 });
      const { report, text } = await liveCheck(specText(emulator.url));
      assert.deepEqual(codesOf(report.findings), ['mailcow-unreachable']);
      assert.match(lineOf(text, report.findings[0]!), /^url: http:\/\/127\.0\.0\.1:/);
      assert.match(report.findings[0]!.message, /HTTP 500/);
    });
  });

  it('a server that accepts and never answers times out', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { report } = await liveCheck(specText(url), { MAILCOW_TEST_KEY: KEYS.rw }, 300);
      assert.deepEqual(codesOf(report.findings), ['mailcow-unreachable']);
      assert.match(report.findings[0]!.message, /did not answer .* in time/);
    } finally {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the four mailcow steps', () => {
  it('set up an empty mailcow from scratch, verified by reading back; a second run sends nothing', async () => {
    await withMailcow(
      emptyMailcow({ mailboxes: [{ username: 'app@example.org' }] }),
      async (emulator) => {
        const text = specText(emulator.url);
        const first = await liveCheck(text);
        const transport = first.report.steps.find((step) => step.id === 'mailcow-transport')!;
        assert.match(JSON.stringify(transport.preview().requests), /looked up when the step runs/);
        const domainPreview = first.report.steps[0]!.preview();
        assert.deepEqual(domainPreview.requests, [
          {
            action: 'POST /api/v1/add/domain',
            body: { domain: 'example.com', dkim_selector: '0', key_size: 0, restart_sogo: 0 },
          },
        ]);

        const result = await runStepsInOrder(first.report.steps, silent);
        assert.equal(result.ok, true, result.message);
        assert.deepEqual(
          result.ran.map((run) => run.outcome.status),
          ['done', 'done', 'done', 'done', 'done', 'done'],
        );
        const fwd = result.ran.find((run) => run.step.id === 'mailcow-fwdhosts')!;
        assert.deepEqual(fwd.outcome.details, [`${SPF_HOST} → 198.51.100.0/26, 2001:db8:7::/48`]);

        const state = emulator.state;
        const relayhost = [...state.relayhosts.values()];
        assert.equal(relayhost.length, 1);
        assert.equal(relayhost[0]!.hostname, `[${GATEWAY}]:25`);
        for (const name of ['example.com', 'example.org']) {
          const row = state.domains.get(name)!;
          assert.equal(row.relayhost, String(relayhost[0]!.id));
          assert.deepEqual([row.backupmx, row.relayAll, row.relayUnknown], [1, 1, 1]);
          // No DKIM key was generated.
          assert.equal(row.dkimSelector, undefined);
        }
        assert.equal(state.fwdhosts.get('198.51.100.0/26')?.source, SPF_HOST);

        const second = await liveCheck(text);
        assert.deepEqual(codesOf(second.report.findings), []);
        assert.equal(
          second.report.steps.some((step) => step.needed),
          false,
        );
        const writesBefore = emulator.requests.length;
        const again = await runStepsInOrder(second.report.steps, silent);
        assert.equal(again.ok, true);
        assert.deepEqual(
          new Set(again.ran.map((run) => run.outcome.status)),
          new Set(['unchanged']),
        );
        assert.equal(emulator.requests.length, writesBefore, 'nothing at all was sent');
      },
    );
  });

  it('stop at the first failure, say what was done and not, and a re-run finishes', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const text = specText(emulator.url, { forwardingHosts: [SPF_HOST] });
      const first = await liveCheck(text);
      // One domain keeps the numbering simple: domain, relayhost, forwarding hosts (3rd), transport.
      const steps = first.report.steps.filter((step) => step.domain !== 'example.org');
      emulator.injectFault(
        { kind: 'html', status: 500 },
        { path: '/api/v1/add/fwdhost', times: 1 },
      );
      const result = await runStepsInOrder(steps, silent);
      assert.equal(result.ok, false);
      assert.deepEqual(
        result.ran.map((run) => [run.step.id, run.outcome.status]),
        [
          ['mailcow-domain', 'done'],
          ['mailcow-relayhost', 'done'],
          ['mailcow-fwdhosts', 'failed'],
        ],
      );
      assert.equal(result.stoppedAt?.step.id, 'mailcow-fwdhosts');
      assert.match(
        result.stoppedAt.outcome.message,
        /failed with HTTP 500 on POST \/api\/v1\/add\/fwdhost/,
      );
      assert.deepEqual(
        result.notRun.map((step) => step.id),
        ['mailcow-transport'],
      );
      assert.match(result.message, /Not run: Relay example\.com through the gateway/);
      // What remains: the domain and relayhost, no forwarding host, no transport yet.
      assert.ok(emulator.state.domains.has('example.com'));
      assert.equal(emulator.state.relayhosts.size, 1);
      assert.equal(emulator.state.fwdhosts.size, 0);
      assert.equal(emulator.state.domains.get('example.com')!.relayhost, '0');

      const rerun = await liveCheck(text);
      const again = await runStepsInOrder(
        rerun.report.steps.filter((step) => step.domain !== 'example.org'),
        silent,
      );
      assert.equal(again.ok, true, again.message);
      assert.deepEqual(
        again.ran.map((run) => [run.step.id, run.outcome.status]),
        [
          ['mailcow-domain', 'unchanged'],
          ['mailcow-relayhost', 'unchanged'],
          ['mailcow-fwdhosts', 'done'],
          ['mailcow-transport', 'done'],
        ],
      );
      assert.equal(emulator.state.relayhosts.size, 1, 'no second relayhost');
    });
  });

  it('the relayhost step adds nothing when an identical relayhost appeared since the check', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const { report } = await liveCheck(specText(emulator.url));
      const step = report.steps.find((candidate) => candidate.id === 'mailcow-relayhost')!;
      assert.equal(step.needed, true);
      emulator.state.relayhosts.set(9, {
        id: 9,
        hostname: `[${GATEWAY}]`,
        username: '',
        password: '',
        active: 1,
      });
      const outcome = await step.apply(silent);
      assert.equal(outcome.status, 'unchanged');
      assert.match(outcome.message, /id 9/);
      assert.equal(writesOf(emulator.requests).includes('/api/v1/add/relayhost'), false);
      assert.equal(emulator.state.relayhosts.size, 1);
    });
  });

  it('the transport step reads the relayhost id when it runs, and fails clearly without one', async () => {
    await withMailcow(
      emptyMailcow({ domains: [{ domain_name: 'example.com' }] }),
      async (emulator) => {
        const { report, session } = await liveCheck(specText(emulator.url));
        const transport = report.steps.find(
          (step) => step.id === 'mailcow-transport' && step.domain === 'example.com',
        )!;
        const failed = await transport.apply(silent);
        assert.equal(failed.status, 'failed');
        assert.match(failed.message, /has no relayhost .* first/);
        assert.equal(emulator.state.domains.get('example.com')!.backupmx, 0);

        emulator.state.relayhosts.set(3, {
          id: 3,
          hostname: `[${GATEWAY}]:25`,
          username: '',
          password: '',
          active: 1,
        });
        const done = await transport.apply(silent);
        assert.equal(done.status, 'done', done.message);
        assert.equal(emulator.state.domains.get('example.com')!.relayhost, '3');
        const edit = emulator.requests
          .filter((request) => request.url === '/api/v1/edit/domain')
          .at(-1)!;
        assert.deepEqual(JSON.parse(edit.body), {
          items: ['example.com'],
          attr: { relayhost: 3, backupmx: 1, relay_all_recipients: 1, relay_unknown_only: 1 },
        });
        // Steps built again from the session's state are the same six.
        const read = report.snapshot.mailcow;
        assert.ok(read?.ok);
        assert.equal(createMailcowSteps(session, read.state as MailcowLiveState).length, 6);
      },
    );
  });

  it('adds a domain with a DKIM key only when asked', async () => {
    await withMailcow(emptyMailcow(), async (emulator) => {
      const { report, session } = await liveCheck(specText(emulator.url));
      const read = report.snapshot.mailcow;
      assert.ok(read?.ok);
      const steps = createMailcowSteps(session, read.state as MailcowLiveState, {
        domain: { dkim: { selector: 'hybrid', keySize: 2048 }, quotaMiB: 20480 },
      });
      const outcome = await steps[0]!.apply(silent);
      assert.equal(outcome.status, 'done');
      const row = emulator.state.domains.get('example.com')!;
      assert.equal(row.dkimSelector, 'hybrid');
      assert.equal(row.quotaBytes, 20480 * 1048576);
    });
  });
});
