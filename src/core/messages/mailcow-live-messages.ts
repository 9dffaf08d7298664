/**
 * Sentences of the mailcow live check and the four mailcow steps: the findings that compare
 * mailcow with the spec, the fix titles, the step previews and their outcomes.
 */
export const mailcowLiveMessages = {
  'finding.mailcow-unreachable': 'mailcow cannot be used: {reason}',
  'finding.mailcow-auth-failed': 'mailcow refused the API key: {reason}',
  'finding.mailcow-auth-failed.unavailable': 'No mailcow API key is available: {reason}',
  'finding.mailcow-auth-failed.noRef':
    'No mailcow API key is configured, so nothing of mailcow could be checked. Create a read-write API key in mailcow (Configuration → Access, API section), then set apiKey: secret:mailcow and run "Mail Hybrid: Store the mailcow API key", or set apiKey: env:MAILCOW_API_KEY and put the key into that environment variable.',
  'finding.mailcow-auth-failed.noSecret':
    'The mailcow API key secret:{name} is not stored (or sending it to {origin} was declined). Run "Mail Hybrid: Store the mailcow API key" to store it for {origin}.',
  'finding.mailcow-auth-failed.noEnv':
    'The environment variable {name} named by apiKey: env:{name} is not set or empty, so no mailcow API key is available. Set it to the read-write key from mailcow (Configuration → Access, API section).',
  'finding.mailcow-auth-failed.inline':
    'apiKey holds the key itself; it is not sent anywhere from the file. Move it into secret storage (secret:) or an environment variable (env:) first.',
  'finding.mailcow-ip-not-allowed':
    'mailcow accepts this API key only from its allowed addresses, and it saw the request come from {address}. Add {address} to the key\'s "Allow API access from these IPs/CIDR network notations" in mailcow (Configuration → Access, API section), or switch on "Skip IP check".',
  'finding.mailcow-key-read-only':
    'The mailcow API key is read-only: the live check works, but no mailcow step can change anything. Use the read-write key from mailcow (Configuration → Access, API section) to let the quick fixes run.',
  'finding.mailcow-domain-missing':
    'mailcow has no domain {domain}: mail for its mailboxes on mailcow cannot be accepted, and nothing can be relayed for it. The fix adds the domain to mailcow.',
  'finding.mailcow-relay-flags-drift':
    'The relay settings of {domain} in mailcow differ from the spec: {differences}. The fix sets all three checkboxes (and the transport) in one change.',
  'finding.mailcow-relay-flags-drift.item':
    '{flag} is {actual} in mailcow, the spec wants {desired}',
  'finding.mailcow-relay-flags-drift.coupled':
    ' (mailcow switches "Relay this domain" and "Relay all recipients" on by itself when "Relay non-existing mailboxes only" is on, so the spec is read as {effective})',
  'finding.mailcow-relayhost-missing':
    'mailcow has no sender-dependent transport for {relayhost} (it has {actual}), so mail from mailcow cannot be sent through Exchange Online. The fix adds it.',
  'finding.mailcow-relayhost-duplicate':
    'mailcow holds the relayhost {relayhost} {count} times (ids {ids}). Domains may use any of them; keep one and delete the others in mailcow (Configuration → Routing) to avoid confusion.',
  'finding.mailcow-transport-not-set':
    'The domain {domain} in mailcow does not send through the gateway: its sender-dependent transport is {actual}, the spec wants {relayhost}. Outbound mail from its mailboxes would not reach Exchange Online. The fix selects the relayhost and sets the relay checkboxes.',
  'finding.mailcow-transport-not-set.noRelayhost':
    'The domain {domain} in mailcow does not send through the gateway: its sender-dependent transport is {actual}, and mailcow has no relayhost {relayhost} yet. Add the relayhost first, then the fix selects it for the domain.',
  'finding.mailcow-fwdhost-missing':
    "The forwarding host {host} is not among mailcow's forwarding hosts (mailcow has: {actual}), so mail that Exchange Online relays to mailcow from those addresses goes through mailcow's spam checks and greylisting. The fix adds it; mailcow resolves the name to addresses once, when it is added.",
  'finding.mailcow-mailbox-missing':
    'The mailbox {address} does not exist on mailcow, although the spec expects it there. Create it in mailcow (E-Mail → Configuration → Mailboxes); the setup steps do not create mailboxes.',

  'mailcow.live.value.present': 'present',
  'mailcow.live.value.missing': 'missing',
  'mailcow.live.value.none': '(none)',
  'mailcow.live.value.relayhostId': '{hostname} (id {id})',
  'mailcow.live.value.relayhostOff': '{hostname} (id {id}, switched off)',
  'mailcow.live.value.unknownRelayhost': 'id {id}, which does not exist',
  'mailcow.live.value.account': '{url} ({access} key)',
  'mailcow.live.value.readWrite': 'read-write',
  'mailcow.live.value.readOnly': 'read-only',
  'mailcow.live.value.hostCount': '{count} address(es) from {sources}',
  'mailcow.live.unreadable': 'mailcow could not be read: {reason}',
  'mailcow.live.flag.domain': 'Relay this domain',
  'mailcow.live.flag.allRecipients': 'Relay all recipients',
  'mailcow.live.flag.unknownOnly': 'Relay non-existing mailboxes only',
  'mailcow.live.on': 'on',
  'mailcow.live.off': 'off',

  'fix.step.mailcow-domain': 'Add {domain} to mailcow',
  'fix.step.mailcow-relayhost': 'Add {relayhost} as relayhost in mailcow',
  'fix.step.mailcow-fwdhosts': 'Add the forwarding hosts to mailcow',
  'fix.step.mailcow-transport': 'Relay {domain} through {relayhost} in mailcow',

  'step.mailcow-domain.title': 'Add {domain} to mailcow',
  'step.mailcow-domain.summary':
    "Adds the domain {domain} to mailcow ({dkim}). Quotas and limits come from mailcow's domain template unless set.",
  'step.mailcow-domain.noDkim': 'no DKIM key is generated',
  'step.mailcow-domain.dkim': 'with a {keySize}-bit DKIM key, selector "{selector}"',
  'step.mailcow-domain.done': 'Added {domain} to mailcow; reading it back shows it there.',
  'step.mailcow-domain.unchanged': '{domain} already exists in mailcow; nothing was sent.',
  'step.mailcow-domain.existed':
    '{domain} already existed in mailcow when the step ran; nothing was changed.',
  'step.mailcow-domain.notBack':
    'mailcow accepted adding {domain}, but reading it back does not show the domain.',
  'step.mailcow-relayhost.title': 'Add the gateway {relayhost} as relayhost',
  'step.mailcow-relayhost.summary':
    'Adds {relayhost} as sender-dependent transport (relayhost) in mailcow, without credentials.',
  'step.mailcow-relayhost.done':
    'Added {relayhost} to mailcow as relayhost id {id}; reading it back shows it there.',
  'step.mailcow-relayhost.unchanged':
    'mailcow already has the relayhost {relayhost} (id {id}); nothing was sent.',
  'step.mailcow-relayhost.notBack':
    'mailcow accepted the relayhost {relayhost}, but reading the relayhosts back does not show it.',
  'step.mailcow-fwdhosts.title': 'Add the forwarding hosts',
  'step.mailcow-fwdhosts.summary':
    'Adds {hosts} as forwarding host(s) in mailcow; mailcow resolves each name to addresses once (SPF first, then MX, then A/AAAA) and stores those addresses.',
  'step.mailcow-fwdhosts.summaryRefresh':
    'Adds {hosts} again, so that mailcow resolves it afresh: the addresses it stored when the name was added miss {missing}, where EOP sends from now.',
  'step.mailcow-fwdhosts.stillUncovered':
    'mailcow added {hosts} again, but its forwarding hosts still miss {missing}: mailcow resolved the name to other addresses than this check did. Compare the DNS answers mailcow gets with checks.dnsServers.',
  'step.mailcow-fwdhosts.done':
    'Added the forwarding host(s) {hosts}; reading them back shows every one.',
  'step.mailcow-fwdhosts.unchanged':
    'mailcow already has every forwarding host ({hosts}); nothing was sent.',
  'step.mailcow-fwdhosts.resolved': '{host} → {addresses}',
  'step.mailcow-fwdhosts.notBack':
    'mailcow accepted the forwarding host(s), but reading them back does not show {hosts}.',
  'step.mailcow-transport.title': 'Relay {domain} through the gateway',
  'step.mailcow-transport.summary':
    'Edits the domain {domain} in mailcow: sender-dependent transport {relayhost}, {flags}.',
  'step.mailcow-transport.laterId': '<id of {relayhost}, looked up when the step runs>',
  'step.mailcow-transport.done':
    'Set {domain} in mailcow to send through {relayhost} (id {id}) with {flags}; reading it back agrees.',
  'step.mailcow-transport.unchanged':
    '{domain} in mailcow already sends through {relayhost} with the relay settings of the spec; nothing was sent.',
  'step.mailcow-transport.noRelayhost':
    'mailcow has no relayhost {relayhost}, so {domain} cannot use it. Run the step "Add the gateway as relayhost" first.',
  'step.mailcow-transport.noDomain':
    'mailcow has no domain {domain}. Run the step "Add {domain} to mailcow" first.',
  'step.mailcow-transport.notBack':
    'mailcow accepted the change of {domain}, but reading it back shows {actual} instead of {wanted}.',
  'step.failed': '{title} failed: {reason}',
  'step.readBackFailed': '{title}: the change was sent, but reading it back failed: {reason}',

  'steps.run.stopped':
    'Stopped after "{title}" failed. Done: {done}. Not run: {notRun}. Fix the cause and run the remaining steps again; steps that are done are skipped.',
  'steps.run.allDone': 'All {count} step(s) ended well: {summary}.',
  'steps.run.none': '(none)',
  'steps.run.declined': '"{title}" was not confirmed, so it was not run.',
  'steps.run.nothingNeeded': 'mailcow already matches the spec; no step is needed.',
} as const satisfies Record<string, string>;
