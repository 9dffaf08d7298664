import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CODES } from '../../../src/core/findings/codes';
import type { FindingCode } from '../../../src/core/findings/codes';
import type { Finding } from '../../../src/core/findings/finding';
import { STEP_ORDER } from '../../../src/core/plan/step';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import type { ParsedSpec } from '../../../src/core/spec/parse-spec';
import { PLACEMENTS } from '../../../src/core/tree/finding-placement';
import { escapeMarkdown } from '../../../src/core/tree/markdown-escape';
import { flagPattern } from '../../../src/core/tree/node-flags';
import { NodeIds } from '../../../src/core/tree/node-ids';
import { buildSetupTree, worstStatus } from '../../../src/core/tree/setup-tree';
import type { LiveValue, SetupNode } from '../../../src/core/tree/setup-tree';

const examplesDir = join(__dirname, '..', '..', '..', 'examples');

function example(name: string): string {
  return readFileSync(join(examplesDir, name, 'hybrid.yaml'), 'utf8');
}

function tree(
  text: string,
  live?: Map<string, LiveValue>,
  extra: Finding[] = [],
): {
  parsed: ParsedSpec;
  roots: SetupNode[];
} {
  const parsed = parseSpec(text, '/specs/hybrid.yaml');
  return { parsed, roots: buildSetupTree(parsed, [...parsed.findings, ...extra], live) };
}

function all(roots: SetupNode[]): SetupNode[] {
  return roots.flatMap((node) => [node, ...all(node.children)]);
}

function byId(roots: SetupNode[], id: string): SetupNode {
  const found = all(roots).find((node) => node.id === id);
  assert.ok(
    found,
    `no node ${id}; ids: ${all(roots)
      .map((node) => node.id)
      .join(', ')}`,
  );
  return found;
}

function codesOn(node: SetupNode): string[] {
  return node.findings.map((finding) => finding.code).sort();
}

/** The text a node reveals in the spec. */
function revealed(text: string, node: SetupNode): string {
  assert.ok(node.offset !== undefined && node.length !== undefined, `${node.id} reveals nothing`);
  return text.slice(node.offset, node.offset + node.length);
}

/** A live finding as a live check would make it: placed on the spec node it is about. */
function liveFinding(parsed: ParsedSpec, code: FindingCode, path: (string | number)[]): Finding {
  const where = parsed.source.locate(path);
  const info = FINDING_CODES[code];
  return {
    code,
    severity: info.severity,
    source: info.source,
    message: `${code} seen`,
    path,
    ...where,
  };
}

const MINIMAL = example('minimal');

describe('the shape of the setup tree', () => {
  test('roots are mailcow, Exchange Online, DNS and the setup steps', () => {
    const { roots } = tree(MINIMAL);
    assert.deepEqual(
      roots.map((node) => [node.id, node.label]),
      [
        ['mailcow', 'mailcow'],
        ['exchange', 'Exchange Online'],
        ['dns', 'DNS'],
        ['steps', 'Setup steps'],
      ],
    );
    assert.equal(roots[0]?.desired, 'https://mail.example.com');
    assert.equal(roots[1]?.desired, 'contoso.onmicrosoft.com (global cloud)');
  });

  test('mailcow shows each shared domain with its relay flags and mailboxes, the relayhost and the forwarding hosts', () => {
    const { roots } = tree(example('full'));
    const mailcow = byId(roots, 'mailcow');
    assert.deepEqual(
      mailcow.children.map((node) => node.id),
      [
        'mailcow/domain/example.com',
        'mailcow/domain/example.org',
        'mailcow/relayhost',
        'mailcow/forwarding-hosts',
        'mailcow/smtp',
      ],
    );
    const org = byId(roots, 'mailcow/domain/example.org');
    assert.deepEqual(
      org.children.map((node) => [node.label, node.desired]),
      [
        ['Relay this domain', 'on'],
        ['Relay all recipients', 'on'],
        ['Relay non-existing mailboxes only', 'on'],
        ['Sender-dependent transport', '[example-com.mail.protection.outlook.com]:25'],
        ['scanner@example.org', 'on mailcow'],
        ['app@example.org', 'on mailcow'],
      ],
    );
    assert.deepEqual(
      byId(roots, 'mailcow/forwarding-hosts').children.map((node) => node.id),
      ['mailcow/forwarding-hosts/spf.protection.outlook.com'],
    );
  });

  test('Exchange shows the gateway, one accepted domain per shared domain and both connectors', () => {
    const { roots } = tree(example('full'));
    const exchange = byId(roots, 'exchange');
    assert.deepEqual(
      exchange.children.map((node) => [node.id, node.desired]),
      [
        ['exchange/gateway', 'example-com.mail.protection.outlook.com'],
        ['exchange/accepted-domain/example.com', 'Internal relay'],
        ['exchange/accepted-domain/example.org', 'Internal relay'],
        ['exchange/outbound-connector', 'enabled'],
        ['exchange/inbound-connector', 'enabled'],
      ],
    );
    assert.deepEqual(
      byId(roots, 'exchange/outbound-connector').children.map((node) => [node.label, node.desired]),
      [
        ['Name', 'To mailcow'],
        ['Recipient domains', 'example.com, example.org'],
        ['Smart hosts', 'mail.example.com'],
        ['TLS settings', 'DomainValidation'],
        ['TLS domain', 'mail.example.com'],
      ],
    );
    assert.deepEqual(
      byId(roots, 'exchange/inbound-connector').children.map((node) => [node.label, node.desired]),
      [
        ['Name', 'From mailcow'],
        ['Authentication', 'certificate'],
        ['Certificate name', 'mail.example.com'],
      ],
    );
  });

  test('an IP-authenticated inbound connector shows its sender addresses instead of a certificate name', () => {
    const { roots } = tree(example('ip-connector'));
    assert.deepEqual(
      byId(roots, 'exchange/inbound-connector').children.map((node) => [node.id, node.desired]),
      [
        ['exchange/inbound-connector/name', 'From mailcow'],
        ['exchange/inbound-connector/auth', 'IP address'],
        ['exchange/inbound-connector/sender-ips', '198.51.100.25'],
      ],
    );
  });

  test('steps follow the recipe, per-domain steps once per domain in the order the domains are written', () => {
    const { roots } = tree(example('several-domains'));
    const steps = byId(roots, 'steps').children;
    assert.deepEqual(
      steps.map((node) => node.id),
      [
        'steps/mx/example.com',
        'steps/mx/example.org',
        'steps/mx/example.net',
        'steps/accepted-domain/example.com',
        'steps/accepted-domain/example.org',
        'steps/accepted-domain/example.net',
        'steps/mailcow-domain/example.com',
        'steps/mailcow-domain/example.org',
        'steps/mailcow-domain/example.net',
        'steps/mailcow-relayhost',
        'steps/mailcow-fwdhosts',
        'steps/mailcow-transport/example.com',
        'steps/mailcow-transport/example.org',
        'steps/mailcow-transport/example.net',
        'steps/outbound-connector',
        'steps/inbound-connector',
      ],
    );
    assert.deepEqual(
      [...new Set(steps.map((node) => node.step?.id))],
      [...STEP_ORDER],
      'every step of the recipe, in its order',
    );
    assert.equal(steps[0]?.label, '1. MX of example.com points to Exchange Online');
    assert.equal(steps[15]?.label, '16. Connector mailcow → Exchange');
    assert.deepEqual(steps[12]?.step, { id: 'mailcow-transport', domain: 'example.org' });
  });

  test('a domain listed twice gives one node, with the duplicate finding on it', () => {
    const { roots } = tree(
      MINIMAL.replace('  - example.com\n', '  - example.com\n  - Example.COM\n'),
    );
    const domains = byId(roots, 'mailcow').children.filter((node) => node.kind === 'domain');
    assert.deepEqual(
      domains.map((node) => node.id),
      ['mailcow/domain/example.com'],
    );
    assert.ok(codesOn(domains[0]!).includes('duplicate-domain'));
    assert.equal(byId(roots, 'steps/mailcow-domain/example.com').status, 'error');
  });

  test('a spec that does not parse shows one node that explains, with the syntax findings below it', () => {
    const text = 'version: 1\ndomains: [example.com\n';
    const { parsed, roots } = tree(text);
    assert.equal(roots.length, 1);
    const root = roots[0]!;
    assert.equal(root.kind, 'unreadable');
    assert.equal(root.status, 'error');
    assert.ok(root.children.length > 0);
    assert.ok(root.children.every((child) => child.findings[0]?.code === 'yaml-syntax'));
    assert.equal(root.children[0]?.offset, parsed.findings[0]?.offset);
  });
});

describe('ids', () => {
  test('stay the same when entries are inserted, reordered or commented', () => {
    const before = tree(example('several-domains')).roots;
    const edited = example('several-domains')
      .replace('domains:\n', 'domains:\n  # a new domain first\n  - example.info\n')
      .replace('  - example.com\n', '')
      .replace(
        '    mailboxes:\n      - app@example.net\n',
        '    mailboxes:\n      - app@example.net\n  - example.com\n',
      );
    const after = tree(edited).roots;
    const idsBefore = all(before).map((node) => node.id);
    const idsAfter = new Set(all(after).map((node) => node.id));
    for (const id of idsBefore) {
      assert.ok(idsAfter.has(id), `${id} disappeared after the edit`);
    }
    assert.ok(idsAfter.has('mailcow/domain/example.info'));
    assert.deepEqual(byId(after, 'mailcow/domain/example.com').path, ['domains', 3]);
  });

  test('are unique in the whole tree', () => {
    for (const name of ['minimal', 'full', 'several-domains', 'ip-connector', 'broken']) {
      const ids = all(tree(example(name)).roots).map((node) => node.id);
      assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${name}`);
    }
  });

  test('are what NodeIds builds, so live checks can key their values by them', () => {
    const { roots } = tree(example('full'));
    for (const id of [
      NodeIds.relayFlag('example.org', 'unknownOnly'),
      NodeIds.mailbox('example.org', 'App@Example.org'),
      NodeIds.forwardingHost('spf.protection.outlook.com'),
      NodeIds.acceptedDomain('example.com'),
      NodeIds.outboundSetting('tls-domain'),
      NodeIds.inboundSetting('certificate-name'),
      NodeIds.step('mx', 'example.org'),
      NodeIds.step('inbound-connector'),
    ]) {
      byId(roots, id);
    }
  });
});

describe('statuses from findings', () => {
  test('without a live check, nodes that mirror live state and every step are unknown', () => {
    const { roots } = tree(MINIMAL);
    for (const step of byId(roots, 'steps').children) {
      assert.equal(step.status, 'unknown', step.id);
      assert.match(step.tooltip, /A live check is needed/);
      assert.equal(step.summary, 'live check needed');
    }
    assert.equal(byId(roots, 'mailcow/relayhost').status, 'unknown');
    assert.match(byId(roots, 'mailcow/relayhost').tooltip, /Not compared with the live system yet/);
    // The gateway is spec only: nothing on it, nothing to compare.
    assert.equal(byId(roots, 'exchange/gateway').status, 'ok');
    assert.equal(byId(roots, 'steps').summary, '0 of 8 verified');
  });

  test('an offline error makes its node and the step it belongs to an error', () => {
    const text = MINIMAL.replace(
      '  - example.com\n',
      '  - name: example.com\n    relay:\n      unknownOnly: false\n',
    );
    const { roots } = tree(text);
    const flag = byId(roots, 'mailcow/domain/example.com/relay/unknownOnly');
    assert.deepEqual(codesOn(flag), ['relay-unknown-only-off']);
    assert.equal(flag.status, 'error');
    assert.equal(flag.desired, 'off');
    assert.match(flag.tooltip, /\*\*Error\*\* `relay-unknown-only-off`/);

    const transport = byId(roots, 'steps/mailcow-transport/example.com');
    assert.equal(transport.status, 'error');
    assert.ok(codesOn(transport).includes('relay-unknown-only-off'));
    assert.equal(transport.summary, 'errors');
    // The finding is about relaying, not about adding the domain.
    assert.equal(byId(roots, 'steps/mailcow-domain/example.com').status, 'unknown');
  });

  test('a warning on the relayhost reaches its step but not the others', () => {
    const text = MINIMAL.replace(
      '  apiKey: secret:mailcow\n',
      '  apiKey: secret:mailcow\n  relayhost: example-com.mail.protection.outlook.com:25\n',
    );
    const { roots } = tree(text);
    assert.deepEqual(codesOn(byId(roots, 'mailcow/relayhost')), ['relayhost-unbracketed']);
    assert.equal(byId(roots, 'steps/mailcow-relayhost').status, 'warning');
    assert.equal(byId(roots, 'steps/mailcow-fwdhosts').status, 'unknown');
  });

  test('connector findings sit on the setting they are about', () => {
    const text = MINIMAL.replace(
      '  gateway: example-com.mail.protection.outlook.com\n',
      '  gateway: example-com.mail.protection.outlook.com\n' +
        '  outboundConnector:\n    recipientDomains: ["*"]\n    smartHosts: ["mail.example.com:587"]\n',
    );
    const { roots } = tree(text);
    assert.deepEqual(codesOn(byId(roots, 'exchange/outbound-connector/recipient-domains')), [
      'connector-wildcard-recipients',
    ]);
    assert.deepEqual(codesOn(byId(roots, 'exchange/outbound-connector/smart-hosts')), [
      'smart-host-has-port',
    ]);
    assert.equal(byId(roots, 'exchange/outbound-connector').status, 'error');
    assert.deepEqual(codesOn(byId(roots, 'steps/outbound-connector')), [
      'connector-wildcard-recipients',
      'smart-host-has-port',
    ]);
  });

  test('the mailcow host name equal to a domain fails the step that adds that domain only', () => {
    const text = example('several-domains').replace(
      '  url: https://mail.example.com\n',
      '  url: https://mail.example.com\n  hostname: example.org\n',
    );
    const { roots } = tree(text);
    assert.ok(codesOn(byId(roots, 'mailcow')).includes('mailcow-hostname-is-domain'));
    assert.equal(byId(roots, 'steps/mailcow-domain/example.org').status, 'error');
    assert.equal(byId(roots, 'steps/mailcow-domain/example.com').status, 'unknown');
  });

  test('findings that no node shows are gathered under "Other findings"', () => {
    const text = `${MINIMAL}checks:\n  validation:\n    mailcowMailbox: app@elsewhere.test\n`;
    const { roots, parsed } = tree(text);
    const other = byId(roots, 'other');
    assert.equal(roots.at(-1), other);
    assert.deepEqual(
      other.children.map((node) => node.findings[0]?.code),
      ['validation-mailbox-foreign'],
    );
    assert.equal(other.status, 'warning');
    assert.equal(revealed(text, other.children[0]!), 'app@elsewhere.test');
    const total = all(roots).reduce(
      (count, node) => count + (node.kind === 'step' ? 0 : node.findings.length),
      0,
    );
    assert.equal(total, parsed.findings.length, 'every finding is shown once outside the steps');
  });

  test('every code has a placement, and every placement names an existing step', () => {
    for (const code of Object.keys(FINDING_CODES) as FindingCode[]) {
      const placement = PLACEMENTS[code];
      assert.ok(placement, code);
      for (const step of placement.steps) {
        assert.ok((STEP_ORDER as readonly string[]).includes(step), `${code}: ${step}`);
      }
    }
  });

  test('system-level live failures fail every step of that system and leave the others alone', () => {
    const parsed = parseSpec(MINIMAL);
    const unreachable = liveFinding(parsed, 'mailcow-unreachable', ['mailcow', 'url']);
    const roots = buildSetupTree(parsed, [...parsed.findings, unreachable]);
    assert.deepEqual(codesOn(byId(roots, 'mailcow')), ['mailcow-unreachable']);
    for (const id of [
      'steps/mailcow-domain/example.com',
      'steps/mailcow-relayhost',
      'steps/mailcow-fwdhosts',
      'steps/mailcow-transport/example.com',
    ]) {
      assert.equal(byId(roots, id).status, 'error', id);
    }
    assert.equal(byId(roots, 'steps/accepted-domain/example.com').status, 'unknown');
  });

  test('a live finding about one domain lands on that domain only', () => {
    const parsed = parseSpec(example('several-domains'));
    const authoritative = liveFinding(parsed, 'accepted-domain-authoritative', [
      'domains',
      1,
      'name',
    ]);
    const mx = liveFinding(parsed, 'mx-not-gateway', ['domains', 2, 'name']);
    const roots = buildSetupTree(parsed, [...parsed.findings, authoritative, mx]);
    assert.deepEqual(codesOn(byId(roots, 'exchange/accepted-domain/example.org')), [
      'accepted-domain-authoritative',
    ]);
    assert.deepEqual(codesOn(byId(roots, 'exchange/accepted-domain/example.com')), []);
    assert.equal(byId(roots, 'steps/accepted-domain/example.org').status, 'error');
    assert.equal(byId(roots, 'steps/accepted-domain/example.com').status, 'unknown');
    assert.deepEqual(codesOn(byId(roots, 'steps/mx/example.net')), ['mx-not-gateway']);
    assert.equal(byId(roots, 'steps/mx/example.net').status, 'error');
    assert.equal(byId(roots, 'steps/mx/example.com').status, 'unknown');
  });
});

describe('steps decided by their own findings', () => {
  test('relay flags that drift on a domain mailcow has leave "add the domain" verified', () => {
    const parsed = parseSpec(MINIMAL, '/specs/hybrid.yaml');
    const drift = liveFinding(parsed, 'mailcow-relay-flags-drift', ['domains', 0]);
    const live = new Map<string, LiveValue>([
      ['mailcow/domain/example.com', { value: 'present', drift: false }],
      ['mailcow/domain/example.com/relay/unknownOnly', { value: 'off', drift: true }],
    ]);
    const roots = buildSetupTree(parsed, [...parsed.findings, drift], live);
    // The finding sits on the domain node, yet only the transport step is owed.
    assert.ok(
      codesOn(byId(roots, 'mailcow/domain/example.com')).includes('mailcow-relay-flags-drift'),
    );
    const addDomain = byId(roots, 'steps/mailcow-domain/example.com');
    // Only the information that mailcow's filtering is bypassed remains, which no step owes.
    assert.equal(addDomain.status, 'info');
    assert.deepEqual(codesOn(addDomain), ['inbound-filtering-bypassed']);
    assert.equal(byId(roots, 'steps/mailcow-transport/example.com').status, 'error');
    assert.deepEqual(codesOn(byId(roots, 'steps/mailcow-transport/example.com')), [
      'mailcow-relay-flags-drift',
    ]);
  });
});

describe('parent status', () => {
  test('is the worst of the children and the node itself', () => {
    assert.equal(worstStatus('ok', 'info', 'unknown'), 'unknown');
    assert.equal(worstStatus('unknown', 'warning'), 'warning');
    assert.equal(worstStatus('warning', 'error', 'ok'), 'error');
    assert.equal(worstStatus(), 'ok');

    const text = MINIMAL.replace(
      '  - example.com\n',
      '  - name: example.com\n    relay:\n      domain: false\n',
    );
    const { roots } = tree(text);
    for (const node of all(roots)) {
      const expected = worstStatus(...node.children.map((child) => child.status));
      assert.ok(
        worstStatus(node.status, expected) === node.status,
        `${node.id} (${node.status}) is better than a child (${expected})`,
      );
    }
    assert.equal(byId(roots, 'mailcow/domain/example.com').status, 'error');
    assert.equal(byId(roots, 'mailcow').status, 'error');
    assert.equal(byId(roots, 'steps').status, 'error');
    assert.ok(byId(roots, 'mailcow').flags.includes('error'));
  });

  test('an info finding alone leaves a checked node at info', () => {
    const parsed = parseSpec(MINIMAL);
    const live = new Map<string, LiveValue>([['mailcow/domain/example.com', { value: 'present' }]]);
    const domain = byId(
      buildSetupTree(parsed, parsed.findings, live),
      'mailcow/domain/example.com',
    );
    assert.deepEqual(codesOn(domain), ['inbound-filtering-bypassed']);
    assert.equal(domain.children.find((child) => child.kind === 'relay-flag')?.status, 'unknown');
    assert.equal(domain.status, 'unknown', 'the unchecked relay flags keep the domain unknown');
  });
});

describe('desired values and defaults', () => {
  test('defaults of the recipe are shown as desired values and marked as defaults', () => {
    const { roots } = tree(MINIMAL);
    const expected: [string, string][] = [
      ['mailcow/relayhost', '[example-com.mail.protection.outlook.com]:25'],
      ['mailcow/forwarding-hosts', 'spf.protection.outlook.com'],
      ['mailcow/domain/example.com/relay/domain', 'on'],
      ['exchange/outbound-connector/name', 'To mailcow'],
      ['exchange/outbound-connector/recipient-domains', 'example.com'],
      ['exchange/outbound-connector/smart-hosts', 'mail.example.com'],
      ['exchange/outbound-connector/tls-settings', 'DomainValidation'],
      ['exchange/outbound-connector/tls-domain', 'mail.example.com'],
      ['exchange/inbound-connector/name', 'From mailcow'],
      ['exchange/inbound-connector/certificate-name', 'mail.example.com'],
    ];
    for (const [id, desired] of expected) {
      const node = byId(roots, id);
      assert.equal(node.desired, desired, id);
      assert.ok(node.flags.includes('default'), `${id} is not flagged as a default`);
      assert.match(node.tooltip, /recipe's default/, id);
    }
    assert.ok(!byId(roots, 'exchange/gateway').flags.includes('default'));
  });

  test('written values are desired values without the default mark', () => {
    const { roots } = tree(example('full'));
    const relayhost = byId(roots, 'mailcow/relayhost');
    assert.equal(relayhost.desired, '[example-com.mail.protection.outlook.com]:25');
    assert.ok(!relayhost.flags.includes('default'));
    assert.doesNotMatch(relayhost.tooltip, /default/);
  });
});

describe('live values', () => {
  test('show next to the desired value, with drift when they differ', () => {
    const parsed = parseSpec(MINIMAL);
    const live = new Map<string, LiveValue>([
      ['mailcow/domain/example.com/relay/domain', { value: 'on' }],
      ['mailcow/domain/example.com/relay/allRecipients', { value: 'On ' }],
      ['mailcow/domain/example.com/relay/unknownOnly', { value: 'off' }],
      ['mailcow/domain/example.com/transport', { value: 'none', drift: true }],
    ]);
    const roots = buildSetupTree(parsed, parsed.findings, live);
    const same = byId(roots, 'mailcow/domain/example.com/relay/domain');
    assert.deepEqual(same.live, { value: 'on', drift: false });
    assert.equal(same.status, 'ok');
    assert.ok(same.flags.includes('live') && !same.flags.includes('drift'));
    assert.deepEqual(byId(roots, 'mailcow/domain/example.com/relay/allRecipients').live, {
      value: 'On ',
      drift: false,
    });

    const drifted = byId(roots, 'mailcow/domain/example.com/relay/unknownOnly');
    assert.deepEqual(drifted.live, { value: 'off', drift: true });
    assert.equal(drifted.status, 'warning');
    assert.ok(drifted.flags.includes('drift') && drifted.flags.includes('live'));
    assert.match(drifted.tooltip, /Live: off, which differs from the desired value/);

    const transport = byId(roots, 'mailcow/domain/example.com/transport');
    assert.deepEqual(transport.live, { value: 'none', drift: true });
    assert.equal(byId(roots, 'steps/mailcow-transport/example.com').status, 'warning');
  });

  test('a step whose nodes were all checked and match is verified', () => {
    const parsed = parseSpec(MINIMAL);
    const live = new Map<string, LiveValue>([
      ['mailcow/relayhost', { value: '[example-com.mail.protection.outlook.com]:25' }],
      [
        NodeIds.dnsMx('example.com'),
        { value: '0 example-com.mail.protection.outlook.com', drift: false },
      ],
    ]);
    const roots = buildSetupTree(parsed, parsed.findings, live);
    const relayhost = byId(roots, 'steps/mailcow-relayhost');
    assert.equal(relayhost.status, 'ok');
    assert.equal(relayhost.summary, 'verified');
    assert.match(relayhost.tooltip, /A live check found this step done/);
    assert.equal(byId(roots, 'steps/mx/example.com').status, 'ok');
    assert.equal(byId(roots, 'steps').summary, '2 of 8 verified');
    assert.ok(byId(roots, 'mailcow/relayhost').flags.includes('ok'));
  });

  test('a live finding counts as a live check even without a live value', () => {
    const parsed = parseSpec(MINIMAL);
    const missing = liveFinding(parsed, 'outbound-connector-missing', ['exchange']);
    const roots = buildSetupTree(parsed, [...parsed.findings, missing]);
    const connector = byId(roots, 'exchange/outbound-connector');
    assert.deepEqual(codesOn(connector), ['outbound-connector-missing']);
    assert.equal(connector.status, 'error');
    assert.doesNotMatch(connector.tooltip, /Not compared/);
    assert.equal(byId(roots, 'steps/outbound-connector').status, 'error');
  });
});

describe('paths and ranges', () => {
  test('written values reveal their own text', () => {
    const text = example('full');
    const { roots } = tree(text);
    assert.equal(
      revealed(text, byId(roots, 'mailcow/relayhost')),
      '"[example-com.mail.protection.outlook.com]:25"',
    );
    assert.equal(
      revealed(text, byId(roots, 'mailcow/domain/example.org/mailbox/app@example.org')),
      'app@example.org',
    );
    assert.equal(
      revealed(text, byId(roots, 'exchange/gateway')),
      'example-com.mail.protection.outlook.com',
    );
    assert.equal(
      revealed(text, byId(roots, 'exchange/outbound-connector/tls-settings')),
      'DomainValidation',
    );
    assert.equal(revealed(text, byId(roots, 'mailcow/domain/example.com')), 'example.com');
    // A long-form domain shows its first key; a relay flag its value on the right line.
    assert.equal(revealed(text, byId(roots, 'mailcow/domain/example.org')), 'name');
    const flag = byId(roots, 'mailcow/domain/example.org/relay/unknownOnly');
    assert.equal(revealed(text, flag), 'true');
    const offset = flag.offset ?? 0;
    assert.match(text.slice(text.lastIndexOf('\n', offset) + 1, offset), /^\s+unknownOnly: $/);
    assert.deepEqual(flag.path, ['domains', 1, 'relay', 'unknownOnly']);
  });

  test('defaulted values reveal the nearest key that is written', () => {
    const text = MINIMAL;
    const { roots } = tree(text);
    assert.equal(revealed(text, byId(roots, 'mailcow/relayhost')), 'mailcow');
    assert.equal(
      revealed(text, byId(roots, 'exchange/outbound-connector/smart-hosts')),
      'exchange',
    );
    assert.equal(
      revealed(text, byId(roots, 'mailcow/domain/example.com/relay/unknownOnly')),
      'example.com',
    );
  });

  test('steps reveal what they set up', () => {
    const text = example('several-domains');
    const { roots } = tree(text);
    assert.equal(
      revealed(text, byId(roots, 'steps/mx/example.org')),
      'example-com.mail.protection.outlook.com',
    );
    assert.equal(revealed(text, byId(roots, 'steps/mailcow-domain/example.net')), 'name');
    assert.deepEqual(byId(roots, 'steps/mailcow-domain/example.net').path, ['domains', 2]);
    assert.deepEqual(byId(roots, 'steps/mailcow-transport/example.net').path, [
      'domains',
      2,
      'relay',
    ]);
    assert.ok(byId(roots, 'steps/inbound-connector').flags.includes('revealable'));
  });
});

describe('tooltips and flags', () => {
  test('spec values cannot inject Markdown, links or commands into a tooltip', () => {
    const text = MINIMAL.replace(
      '  - example.com\n',
      '  - name: example.com\n    mailboxes: ["[x](command:workbench.action.quit)"]\n',
    );
    const { roots } = tree(text);
    const mailbox = byId(roots, 'mailcow').children[0]!.children.find(
      (node) => node.kind === 'mailbox',
    )!;
    assert.equal(mailbox.label, '[x](command:workbench.action.quit)');
    assert.ok(mailbox.tooltip.includes('\\[x\\]\\(command\\:workbench\\.action\\.quit\\)'));
    assert.ok(!/[^\\]\[x\]\(/.test(mailbox.tooltip));
    assert.equal(escapeMarkdown('a&b\n<img>'), 'a&amp;b \\<img\\>');
    assert.equal(escapeMarkdown('https://www.example.com'), 'https\\:\\/\\/www\\.example\\.com');
  });

  test('flags carry the kind, the system, the status and the state, and match as when clauses test them', () => {
    const parsed = parseSpec(MINIMAL);
    const live = new Map<string, LiveValue>([['mailcow/domain/example.com', { value: 'missing' }]]);
    const domain = byId(
      buildSetupTree(parsed, parsed.findings, live),
      'mailcow/domain/example.com',
    );
    assert.deepEqual(domain.flags, ['domain', 'mailcow', 'warning', 'live', 'drift', 'revealable']);
    const contextValue = domain.flags.join('+');
    const pattern = flagPattern('drift');
    const regex = new RegExp(pattern.slice(1, -1));
    assert.ok(regex.test(contextValue));
    assert.ok(
      !new RegExp(flagPattern('domain').slice(1, -1)).test('accepted-domain+exchange+unknown'),
    );
  });
});

describe('DNS and the SMTP listener', () => {
  const GATEWAY = 'example-com.mail.protection.outlook.com';

  test('DNS shows MX and SPF of each shared domain with what the recipe wants', () => {
    const { roots } = tree(example('several-domains'));
    const dns = byId(roots, NodeIds.dns);
    assert.deepEqual(
      dns.children.map((node) => node.id),
      ['example.com', 'example.org', 'example.net'].map((domain) => NodeIds.dnsDomain(domain)),
    );
    assert.deepEqual(
      byId(roots, NodeIds.dnsDomain('example.org')).children.map((node) => [
        node.id,
        node.label,
        node.desired,
        node.status,
      ]),
      [
        [NodeIds.dnsMx('example.org'), 'MX', `the single record ${GATEWAY}`, 'unknown'],
        [NodeIds.dnsSpf('example.org'), 'SPF', 'includes spf.protection.outlook.com', 'unknown'],
      ],
    );
  });

  test("SPF wants the include of the spec's cloud", () => {
    const { roots } = tree(example('sovereign-cloud'));
    const spf = all(roots).find((node) => node.id.startsWith('dns/') && node.label === 'SPF');
    assert.ok(spf);
    assert.equal(spf.desired, 'includes spf.protection.office365.us');
  });

  test('mailcow shows its SMTP listener with the certificate names Exchange checks', () => {
    const { roots } = tree(example('full'));
    const listener = byId(roots, NodeIds.mailcowSmtp);
    assert.equal(listener.label, 'SMTP listener mail.example.com:25');
    assert.equal(listener.desired, 'STARTTLS offered');
    assert.equal(listener.status, 'unknown');
    assert.deepEqual(
      listener.children.map((node) => [node.id, node.label, node.desired]),
      [
        [
          NodeIds.mailcowCertificate,
          'Certificate',
          'covers mail.example.com, trusted, not expiring',
        ],
      ],
    );

    const other = MINIMAL.replace(
      'gateway: example-com.mail.protection.outlook.com',
      [
        'gateway: example-com.mail.protection.outlook.com',
        '  outboundConnector:',
        '    tlsSettings: CertificateValidation',
        '    smartHosts: [mx1.example.com, 192.0.2.25]',
        '  inboundConnector:',
        '    certificateName: relay.example.com',
      ].join('\n'),
    );
    assert.equal(
      byId(tree(other).roots, NodeIds.mailcowCertificate).desired,
      'covers mx1.example.com, relay.example.com, trusted, not expiring',
    );
  });

  test('live values that match leave the nodes and the MX step verified', () => {
    const live = new Map<string, LiveValue>([
      [NodeIds.dnsMx('example.com'), { value: `0 ${GATEWAY}`, drift: false }],
      [
        NodeIds.dnsSpf('example.com'),
        { value: 'v=spf1 include:spf.protection.outlook.com -all', drift: false },
      ],
      [NodeIds.mailcowSmtp, { value: 'STARTTLS offered (TLSv1.3)', drift: false }],
      [
        NodeIds.mailcowCertificate,
        { value: 'mail.example.com; valid until 2027-03-01; trusted', drift: false },
      ],
    ]);
    const { roots } = tree(MINIMAL, live);
    for (const [id, value] of live) {
      const node = byId(roots, id);
      assert.deepEqual(node.live, { value: value.value, drift: false }, id);
      assert.equal(node.status, 'ok', id);
      assert.ok(node.flags.includes('live') && !node.flags.includes('drift'), id);
    }
    assert.equal(byId(roots, NodeIds.dns).status, 'ok');
    assert.match(
      byId(roots, NodeIds.mailcowCertificate).tooltip,
      /Live: mail\\\.example\\\.com\\; valid until 2027\\-03\\-01/,
    );
    const step = byId(roots, NodeIds.step('mx', 'example.com'));
    assert.equal(step.status, 'ok');
    assert.equal(step.summary, 'verified');
  });

  test('live values that drift mark their node and, for MX, the step', () => {
    const live = new Map<string, LiveValue>([
      [NodeIds.dnsMx('example.com'), { value: `0 ${GATEWAY}, 10 backup.example.com`, drift: true }],
      [NodeIds.dnsSpf('example.com'), { value: 'v=spf1 mx -all', drift: true }],
      [NodeIds.mailcowSmtp, { value: 'no STARTTLS', drift: true }],
    ]);
    const { roots } = tree(MINIMAL, live);
    const mx = byId(roots, NodeIds.dnsMx('example.com'));
    assert.deepEqual(mx.live, { value: `0 ${GATEWAY}, 10 backup.example.com`, drift: true });
    assert.equal(mx.status, 'warning');
    assert.ok(mx.flags.includes('drift'));
    assert.match(mx.tooltip, /differs from the desired value/);
    assert.equal(byId(roots, NodeIds.dnsSpf('example.com')).status, 'warning');
    assert.equal(byId(roots, NodeIds.mailcowSmtp).status, 'warning');
    // Nothing probed the certificate, so it stays unchecked rather than fine.
    assert.equal(byId(roots, NodeIds.mailcowCertificate).status, 'unknown');
    assert.equal(byId(roots, NodeIds.step('mx', 'example.com')).status, 'warning');
  });

  test('MX findings sit on the MX node of their domain and decide that MX step only', () => {
    const parsed = parseSpec(example('several-domains'));
    const codes: FindingCode[] = [
      'mx-missing',
      'mx-not-gateway',
      'mx-extra',
      'mx-target-unresolvable',
    ];
    for (const code of codes) {
      const finding = liveFinding(parsed, code, ['domains', 1]);
      const roots = buildSetupTree(parsed, [...parsed.findings, finding]);
      assert.deepEqual(codesOn(byId(roots, NodeIds.dnsMx('example.org'))), [code], code);
      assert.deepEqual(codesOn(byId(roots, NodeIds.dnsMx('example.com'))), [], code);
      const step = byId(roots, NodeIds.step('mx', 'example.org'));
      assert.deepEqual(codesOn(step), [code], code);
      assert.equal(step.status, FINDING_CODES[code].severity, code);
      assert.equal(byId(roots, NodeIds.step('mx', 'example.com')).status, 'unknown', code);
      assert.equal(
        roots.find((root) => root.id === NodeIds.other),
        undefined,
        code,
      );
    }
  });

  test('SPF findings sit on the SPF node and leave the MX step alone', () => {
    const parsed = parseSpec(MINIMAL);
    const mxLive = new Map<string, LiveValue>([
      [NodeIds.dnsMx('example.com'), { value: `0 ${GATEWAY}`, drift: false }],
    ]);
    for (const code of ['spf-missing', 'spf-no-eop-include'] as const) {
      const finding = liveFinding(parsed, code, ['domains', 0]);
      const roots = buildSetupTree(parsed, [...parsed.findings, finding], mxLive);
      const spf = byId(roots, NodeIds.dnsSpf('example.com'));
      assert.deepEqual(codesOn(spf), [code]);
      assert.equal(spf.status, FINDING_CODES[code].severity);
      assert.equal(byId(roots, NodeIds.dns).status, FINDING_CODES[code].severity);
      assert.deepEqual(codesOn(byId(roots, NodeIds.step('mx', 'example.com'))), []);
      assert.equal(byId(roots, NodeIds.step('mx', 'example.com')).status, 'ok');
    }
  });

  test('a failed lookup sits where its record would be', () => {
    const text = example('full');
    const parsed = parseSpec(text);
    const domain = liveFinding(parsed, 'dns-lookup-failed', ['domains', 1]);
    const servers = liveFinding(parsed, 'dns-lookup-failed', ['checks', 'dnsServers']);
    const smtpHost = liveFinding(parsed, 'dns-lookup-failed', ['mailcow', 'hostname']);
    const roots = buildSetupTree(parsed, [...parsed.findings, domain, servers, smtpHost]);
    assert.deepEqual(codesOn(byId(roots, NodeIds.dnsDomain('example.org'))), ['dns-lookup-failed']);
    assert.deepEqual(codesOn(byId(roots, NodeIds.dnsDomain('example.com'))), []);
    assert.deepEqual(codesOn(byId(roots, NodeIds.dns)), ['dns-lookup-failed']);
    assert.equal(revealed(text, byId(roots, NodeIds.dns)), 'dnsServers');
    assert.deepEqual(codesOn(byId(roots, NodeIds.mailcowSmtp)), ['dns-lookup-failed']);
    assert.deepEqual(codesOn(byId(roots, NodeIds.step('outbound-connector'))), [
      'dns-lookup-failed',
    ]);
    assert.deepEqual(codesOn(byId(roots, NodeIds.step('mx', 'example.org'))), []);
  });

  test('listener and certificate findings sit on their nodes and decide the connector they matter to', () => {
    const parsed = parseSpec(example('full'));
    const listener: [FindingCode, (string | number)[]][] = [
      ['smtp-unreachable', ['checks', 'smtpPort']],
      ['smtp-no-starttls', ['checks', 'smtpPort']],
    ];
    for (const [code, path] of listener) {
      const roots = buildSetupTree(parsed, [...parsed.findings, liveFinding(parsed, code, path)]);
      assert.deepEqual(codesOn(byId(roots, NodeIds.mailcowSmtp)), [code]);
      assert.equal(byId(roots, NodeIds.mailcowSmtp).status, FINDING_CODES[code].severity);
      assert.deepEqual(codesOn(byId(roots, NodeIds.step('outbound-connector'))), [code]);
      assert.deepEqual(codesOn(byId(roots, NodeIds.outboundSetting('tls-settings'))), []);
    }
    const certificate: [FindingCode, (string | number)[], string][] = [
      ['cert-expired', ['mailcow', 'hostname'], 'outbound-connector'],
      ['cert-expiring', ['mailcow', 'hostname'], 'outbound-connector'],
      ['cert-untrusted', ['mailcow', 'hostname'], 'outbound-connector'],
      ['cert-name-mismatch', ['exchange', 'outboundConnector', 'tlsDomain'], 'outbound-connector'],
      [
        'cert-name-mismatch',
        ['exchange', 'inboundConnector', 'certificateName'],
        'inbound-connector',
      ],
    ];
    for (const [code, path, step] of certificate) {
      const roots = buildSetupTree(parsed, [...parsed.findings, liveFinding(parsed, code, path)]);
      const node = byId(roots, NodeIds.mailcowCertificate);
      assert.deepEqual(codesOn(node), [code], code);
      assert.equal(node.status, FINDING_CODES[code].severity, code);
      assert.equal(byId(roots, NodeIds.mailcowSmtp).status, FINDING_CODES[code].severity, code);
      for (const connector of ['outbound-connector', 'inbound-connector'] as const) {
        assert.deepEqual(
          codesOn(byId(roots, NodeIds.step(connector))),
          connector === step ? [code] : [],
          `${code} on ${path.join('.')}: ${connector}`,
        );
      }
    }
  });

  test('cross-system findings sit on the node they are about', () => {
    const parsed = parseSpec(example('full'));
    const cases: [FindingCode, (string | number)[], string][] = [
      ['fwdhosts-miss-eop', ['mailcow', 'forwardingHosts'], NodeIds.forwardingHosts],
      [
        'mailbox-also-in-exchange',
        ['domains', 1, 'mailboxes', 1],
        NodeIds.mailbox('example.org', 'app@example.org'),
      ],
      [
        'smart-host-not-mailcow',
        ['exchange', 'outboundConnector', 'smartHosts'],
        NodeIds.outboundSetting('smart-hosts'),
      ],
    ];
    for (const [code, path, id] of cases) {
      const roots = buildSetupTree(parsed, [...parsed.findings, liveFinding(parsed, code, path)]);
      assert.deepEqual(codesOn(byId(roots, id)), [code], code);
    }
    const ip = parseSpec(example('ip-connector'));
    const egress = liveFinding(ip, 'inbound-ips-miss-egress', [
      'exchange',
      'inboundConnector',
      'senderIPs',
    ]);
    const roots = buildSetupTree(ip, [...ip.findings, egress]);
    assert.deepEqual(codesOn(byId(roots, NodeIds.inboundSetting('sender-ips'))), [
      'inbound-ips-miss-egress',
    ]);
    // The offline rule's note that IP authentication is the weaker way stays beside it.
    assert.deepEqual(codesOn(byId(roots, NodeIds.step('inbound-connector'))), [
      'inbound-ip-only',
      'inbound-ips-miss-egress',
    ]);
  });

  test('no code of the catalogue ends up under "Other findings" of a full spec', () => {
    const parsed = parseSpec(example('ip-connector'));
    for (const code of Object.keys(FINDING_CODES) as FindingCode[]) {
      // A path a check of that kind would give; the domain's path where it has no better one.
      const path = PLACEMENTS[code].anchor.kind === 'path' ? ['mailcow', 'url'] : ['domains', 0];
      const roots = buildSetupTree(parsed, [...parsed.findings, liveFinding(parsed, code, path)]);
      assert.equal(
        roots.find((root) => root.id === NodeIds.other),
        undefined,
        code,
      );
      assert.ok(
        all(roots).some(
          (node) => node.kind !== 'step' && node.findings.some((f) => f.code === code),
        ),
        code,
      );
    }
  });
});
