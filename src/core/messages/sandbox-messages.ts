/** Sentences about sandbox scenarios, the emulated systems and snapshots. */
export const sandboxMessages = {
  'sandbox.scenario.unreadable': 'Cannot read the scenario {file}: {reason}.',
  'sandbox.scenario.syntax': '{file}:{line}: the scenario is not valid YAML: {detail}.',
  'sandbox.scenario.invalid': '{file}:{line}: {where} {detail}.',
  'sandbox.scenario.specUnreadable':
    '{file}:{line}: the spec {spec} named by the scenario cannot be read: {reason}.',
  'sandbox.scenario.specNotMapping':
    '{file}:{line}: an inline spec must be a mapping (version, domains, mailcow, exchange).',
  'sandbox.hostnameAddress':
    "mailcow's host name in {file} is the address {hostname}. The sandbox points mailcow's name at its emulated SMTP listener through the emulated DNS, which an address bypasses, so the TLS check would connect to {hostname} itself. Give mailcow.hostname a name (the one its certificate carries) to run this scenario.",
  'sandbox.spec.notMapping':
    'The spec {file} is not a YAML mapping, so the sandbox cannot point it at the emulated systems.',
  'sandbox.spec.flowSection':
    'The spec {file} writes {section} as a flow mapping on one line with a key the sandbox must add; write it as a block mapping (one key per line).',
  'sandbox.tenantMismatch':
    'The spec names the tenant {tenant}, but the scenario emulates {tenantId} ({initialDomain}); the emulated Exchange refuses sign-in for any other tenant, so its checks will fail to sign in.',
  'sandbox.started':
    'Sandbox running (emulated systems on loopback, not the real mailcow or Exchange Online).',
  'sandbox.address.mailcow': 'mailcow API (emulated): {url}',
  'sandbox.address.login': 'Exchange sign-in (emulated): {url}',
  'sandbox.address.admin': 'Exchange admin API (emulated): {url}',
  'sandbox.address.dns': 'DNS (emulated): {address}',
  'sandbox.address.smtp': 'mailcow SMTP (emulated): {address}',
  'sandbox.spec.written': 'Sandbox spec: {file}',
  'sandbox.env.intro': 'Set these in the shell that runs the checks:',
  'sandbox.stopping': 'Stopping the sandbox.',
  'sandbox.stopped': 'Sandbox stopped; its certificates are removed.',
  'sandbox.snapshot.removed':
    'Removed from this snapshot: {items}. The sandbox makes its own sandbox credentials when it runs the scenario.',
  'sandbox.snapshot.written': 'Wrote the snapshot {file} (secrets removed).',
  'sandbox.snapshot.failed': 'The snapshot could not read {system}: {reason}',
  'sandbox.snapshot.noExchange':
    'Exchange was not read: the spec signs in with {method}, which the command line cannot use; use clientSecret or certificate.',
  'sandbox.cli.usage':
    'Usage:\n  mail-hybrid sandbox <scenario.yaml> [--write-spec <path>] [--json]\n  mail-hybrid snapshot <spec> [--out <file>]',
  'sandbox.cli.missingScenario':
    'Name the scenario file, for example: mail-hybrid sandbox examples/scenarios/demo/scenario.yaml',
  'sandbox.cli.missingSpec':
    'Name the spec to snapshot, for example: mail-hybrid snapshot hybrid.yaml --out scenario.yaml',
  'sandbox.cli.startFailed': 'The sandbox could not start: {reason}',
  'sandbox.cli.secretMissing':
    '{name} is not set in the environment; the command line reads secrets from env: references only.',
  'sandbox.cli.secretNotEnv':
    '{key} is {ref}; the command line reads secrets from env: references only.',
} as const satisfies Record<string, string>;
