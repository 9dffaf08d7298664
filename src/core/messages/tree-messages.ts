/**
 * The setup tree: labels of its nodes, the values it shows, its tooltips, and what the view says
 * when it cannot show a spec. Ids are `tree.<part>`. Tooltip templates are Markdown; every
 * argument that comes from a spec or a live system is escaped before it is filled in.
 */
export const treeMessages = {
  'tree.mailcow': 'mailcow',
  'tree.mailcow.about':
    'The mailcow server that hosts the additional mailboxes of the shared domains.',
  'tree.exchange': 'Exchange Online',
  'tree.exchange.desired': '{tenant} ({cloud} cloud)',
  'tree.exchange.about':
    'The Microsoft 365 tenant that keeps its mailboxes and passes mail for unknown recipients on to mailcow.',
  'tree.steps': 'Setup steps',
  'tree.steps.summary': '{verified} of {total} verified',
  'tree.steps.about':
    'The steps of the recipe in the order they are done. A step counts as verified once a live check found the systems as the spec describes them.',
  'tree.other': 'Other findings',
  'tree.other.about': 'Findings about parts of the spec that no node of this tree shows.',
  'tree.unreadable': 'The spec cannot be read',
  'tree.unreadable.about':
    'Until the file parses as a YAML mapping, the tree cannot show the setup it describes.',

  'tree.domain.about': 'The shared domain {domain} in mailcow.',
  'tree.relay.domain': 'Relay this domain',
  'tree.relay.allRecipients': 'Relay all recipients',
  'tree.relay.unknownOnly': 'Relay non-existing mailboxes only',
  'tree.relay.about': 'The mailcow checkbox "{flag}" of {domain}. The recipe ticks it.',
  'tree.transport': 'Sender-dependent transport',
  'tree.transport.about':
    'The relayhost chosen for {domain} in mailcow, so that mail from mailcow leaves through Exchange Online.',
  'tree.mailbox.about': 'A mailbox of {domain} meant to live on mailcow.',
  'tree.relayhost': 'Relayhost',
  'tree.relayhost.about':
    "The Exchange gateway as mailcow's relayhost (a sender-dependent transport); brackets stop the MX lookup.",
  'tree.forwardingHosts': 'Forwarding hosts',
  'tree.forwardingHosts.about':
    'Hosts whose mail mailcow accepts as relayed. They must cover the addresses EOP delivers from.',
  'tree.forwardingHost.about':
    'mailcow resolves this name to addresses once, when it is added (SPF record first, then MX, then A/AAAA).',
  'tree.smtp': 'SMTP listener {host}:{port}',
  'tree.smtp.about':
    "mailcow's SMTP listener as Exchange reaches it: it must offer STARTTLS, since both connectors send over TLS.",
  'tree.certificate': 'Certificate',
  'tree.certificate.about':
    'The certificate the listener presents. Exchange checks its names, chain and dates when it delivers to mailcow, and when mailcow authenticates with it.',
  'tree.dns': 'DNS',
  'tree.dns.about':
    'What DNS answers for the shared domains: the MX that sends all inbound mail through EOP, and the SPF record that lets Exchange send for them.',
  'tree.dnsDomain.about': 'The DNS records of {domain} that the recipe depends on.',
  'tree.dns.mx': 'MX',
  'tree.dns.mx.about':
    'The MX records of {domain}. The only one must target the gateway; a second one lets mail bypass EOP.',
  'tree.dns.spf': 'SPF',
  'tree.dns.spf.about':
    "The SPF record of {domain}. It must include the cloud's SPF include, since mail from mailcow leaves through Exchange.",
  'tree.gateway': 'Gateway (MX host)',
  'tree.gateway.about':
    "The tenant's MX target: the shared domains' MX points here and mailcow relays through it.",
  'tree.acceptedDomain.about':
    'The accepted domain {domain} of the tenant. As Internal relay, Exchange passes mail for recipients it does not know on to mailcow.',
  'tree.outbound': 'Connector Exchange → mailcow',
  'tree.outbound.about':
    "The outbound connector (type OnPremises) that delivers mail for the shared domains' unknown recipients to mailcow.",
  'tree.inbound': 'Connector mailcow → Exchange',
  'tree.inbound.about':
    'The inbound connector (type OnPremises) through which Exchange accepts and relays the mail mailcow sends.',
  'tree.connector.name': 'Name',
  'tree.connector.recipientDomains': 'Recipient domains',
  'tree.connector.smartHosts': 'Smart hosts',
  'tree.connector.tlsSettings': 'TLS settings',
  'tree.connector.tlsDomain': 'TLS domain',
  'tree.connector.auth': 'Authentication',
  'tree.connector.certificateName': 'Certificate name',
  'tree.connector.senderIPs': 'Sender IP addresses',

  'tree.value.on': 'on',
  'tree.value.off': 'off',
  'tree.value.present': 'present',
  'tree.value.onMailcow': 'on mailcow',
  'tree.value.internalRelay': 'Internal relay',
  'tree.value.enabled': 'enabled',
  'tree.value.auth.certificate': 'certificate',
  'tree.value.auth.ip': 'IP address',
  'tree.value.starttls': 'STARTTLS offered',
  'tree.value.certificate': 'covers {names}, trusted, not expiring',
  'tree.value.singleMx': 'the single record {gateway}',
  'tree.value.spfIncludes': 'includes {include}',
  'tree.value.none': '(none)',
  'tree.value.listSeparator': ', ',

  'tree.step.label': '{number}. {title}',
  'tree.step.mx': 'MX of {domain} points to Exchange Online',
  'tree.step.mx.about':
    'Prerequisite outside mailcow: the only MX record of {domain} targets the gateway, so EOP filters all inbound mail first.',
  'tree.step.accepted-domain': 'Accepted domain {domain} as Internal relay',
  'tree.step.accepted-domain.about':
    'In Exchange, {domain} is switched from Authoritative to Internal relay, so unknown recipients are passed on instead of rejected.',
  'tree.step.mailcow-domain': 'Add {domain} to mailcow',
  'tree.step.mailcow-domain.about': 'mailcow gets the domain {domain}.',
  'tree.step.mailcow-relayhost': 'Add the gateway as relayhost',
  'tree.step.mailcow-relayhost.about':
    'mailcow gets the gateway as a sender-dependent transport, so its outbound mail can leave through Exchange.',
  'tree.step.mailcow-fwdhosts': 'Add the forwarding hosts',
  'tree.step.mailcow-fwdhosts.about':
    "mailcow accepts mail relayed by Exchange unconditionally once EOP's sending addresses are forwarding hosts.",
  'tree.step.mailcow-transport': 'Relay {domain} through the gateway',
  'tree.step.mailcow-transport.about':
    'The domain {domain} in mailcow uses the relayhost as its transport, with all three relay checkboxes ticked.',
  'tree.step.outbound-connector': 'Connector Exchange → mailcow',
  'tree.step.outbound-connector.about':
    "Exchange sends mail for the shared domains' recipients it does not have to mailcow as smart host.",
  'tree.step.inbound-connector': 'Connector mailcow → Exchange',
  'tree.step.inbound-connector.about':
    'Exchange accepts and relays the mail mailcow sends through it, recognising mailcow by certificate or IP address.',
  'tree.step.summary.unknown': 'live check needed',
  'tree.step.summary.ok': 'verified',
  'tree.step.summary.info': 'verified, with notes',
  'tree.step.summary.warning': 'warnings',
  'tree.step.summary.error': 'errors',

  'tree.status.ok': 'OK',
  'tree.status.info': 'Note',
  'tree.status.unknown': 'Not checked',
  'tree.status.warning': 'Warning',
  'tree.status.error': 'Error',

  'tree.tooltip.title': '**{label}**',
  'tree.tooltip.desired': 'Desired: {value}',
  'tree.tooltip.desiredDefault':
    "Desired: {value} (not written in the spec, so the recipe's default)",
  'tree.tooltip.live': 'Live: {value}',
  'tree.tooltip.liveDrift': 'Live: {value}, which differs from the desired value',
  'tree.tooltip.nodeUnknown': 'Not compared with the live system yet: a live check is needed.',
  'tree.tooltip.stepUnknown':
    'A live check is needed to know whether this step is done; the spec alone cannot tell.',
  'tree.tooltip.stepOk': 'A live check found this step done.',
  'tree.tooltip.finding': '**{severity}** `{code}`: {message}',

  'tree.description.live': '{desired} → {live}',
  'tree.description.drift': '{desired} → {live} (drift)',
  'tree.description.liveOnly': '→ {live}',

  'tree.reveal.title': 'Show in spec',
  'tree.unreadableSystem': '{system} could not be read',
  'tree.unreadableSystem.detail':
    '{system} could not be read, so the nodes it backs show no live value: {reason}',
  'tree.error.item': 'The setup tree could not be built',
  'tree.error.itemDetail': 'The setup tree could not be built: {reason}. The log has the details.',
  'tree.error.notify': 'Mail Hybrid could not show the setup of {file}: {reason}',
  'tree.error.showLog': 'Show log',
  'tree.noSpec.open': 'There is no hybrid spec in this workspace to open.',
  'tree.log.shows': 'Setup tree shows {file}',
  'tree.log.failed': 'Setup tree failed for {file}: {reason}',
} as const satisfies Record<string, string>;
