/**
 * The offline findings: each says what will happen to mail and how to fix it. Ids are
 * `finding.<code>` (plus a variant suffix where one code has several causes).
 */
export const findingMessages = {
  'finding.defaultNote': ' (Judged the default: {value}.)',
  'finding.default.tlsDomain': 'tlsDomain defaults to mailcow.hostname "{hostname}"',
  'finding.default.certificateName': 'certificateName defaults to mailcow.hostname "{hostname}"',
  'finding.default.senderIPs': 'senderIPs defaults to mailcow.egressIPs',
  'finding.default.hostname': 'mailcow.hostname defaults to the host of url, "{hostname}"',
  'finding.default.smartHosts': 'smartHosts defaults to [mailcow.hostname] "{hostname}"',

  'finding.duplicate-domain':
    'The domain {domain} is already listed as entry {first}. Two entries for one domain would set it up twice with possibly different relay flags; keep one entry.',
  'finding.secret-inline':
    'The {what} is written into the file, where it ends up in version control and backups. Store it in secret storage and refer to it as secret:{name} (or env:VARIABLE for the command line).',
  'finding.relay-domain-off':
    '"Relay this domain" is off for {domain}: mailcow treats the domain as entirely local, so mail from mailcow to the Exchange mailboxes of {domain} is refused as unknown recipients. Set relay.domain to true.',
  'finding.relay-all-recipients-off':
    '"Relay all recipients" is off for {domain}: mailcow rejects recipients it does not know instead of passing them on, so mail from mailcow users to Exchange users of {domain} bounces. Set relay.allRecipients to true.',
  'finding.relay-unknown-only-off':
    '"Relay non-existing mailboxes only" is off for {domain}: mailcow relays mail for its own mailboxes to Exchange too, and Exchange hands it back for recipients it does not know, so that mail loops until it bounces (hop count exceeded). Set relay.unknownOnly to true.',
  'finding.relayhost-not-gateway':
    'The relayhost "{relayhost}" is not the Exchange gateway {gateway}: mailcow would send outbound mail somewhere that does not relay it for the tenant. Use "[{gateway}]:25".',
  'finding.relayhost-unbracketed':
    'The relayhost "{relayhost}" has no brackets, so Postfix looks up MX records for that name instead of connecting to the host itself, and mail may go to the wrong place or stay queued. Write it as "{bracketed}".',
  'finding.gateway-malformed':
    'The gateway "{gateway}" is not a Microsoft 365 mail host (expected a name ending in {suffixes}): the relayhost and smart host built from it would lead nowhere. Copy the MX value from the Microsoft 365 admin center.',
  'finding.gateway-malformed.cloud':
    'The gateway "{gateway}" belongs to the {otherCloud} cloud, but exchange.cloud is {cloud} (gateways there end in {suffixes}). Fix the cloud or the gateway so that both name the same Microsoft cloud.',
  'finding.gateway-malformed.dots':
    'The gateway "{gateway}" keeps the dots of the domain; Microsoft writes the domain part with dashes ("{dashed}"). As written it does not resolve, so mail relayed through it stays queued.',
  'finding.fwdhost-gateway-only':
    'The forwarding hosts hold only the gateway {gateway}. Its addresses are where EOP receives mail, not where it delivers from, so mail that Exchange passes to mailcow is not recognised as relayed and may be filtered or rejected. Use {include}, whose SPF record lists the addresses EOP sends from.',
  'finding.connector-wildcard-recipients':
    'The outbound connector (Exchange → mailcow) lists "*" as a recipient domain: Exchange would send all internet mail of the tenant to mailcow. List only the shared domains ({domains}).',
  'finding.connector-recipient-not-shared':
    'The outbound connector sends mail for {domain} to mailcow, but {domain} is not a shared domain ({domains}); unless mailcow hosts that domain, such mail will bounce there.',
  'finding.smart-host-has-port':
    'The smart host "{smartHost}" carries the port {port}; Exchange delivers to smart hosts on port 25 only and rejects the connector. Write "{host}".',
  'finding.smart-host-ip-validated':
    'The smart host {smartHost} is an IP address, but tlsSettings is {tlsSettings}: a certificate never names an IP address, so Exchange cannot validate it and mail to mailcow stays queued. Use mailcow\'s host name, or EncryptionOnly.{note}',
  'finding.tls-domain-mismatch':
    'tlsDomain "{tlsDomain}" does not cover the smart host {hosts}, whose certificate mailcow presents: with DomainValidation Exchange refuses the TLS session and mail to mailcow queues (4.7.320).{note}',
  'finding.inbound-cert-not-accepted-domain':
    'The certificate name "{name}" is not a shared domain or below one ({domains}). Unless it is another accepted domain of the tenant, Exchange cannot attribute mailcow\'s mail to the tenant and outbound mail bounces with 550 5.7.64 TenantAttribution.{note}',
  'finding.inbound-ip-only':
    'The inbound connector authenticates mailcow by IP address: bounces and mail with a foreign envelope sender from mailcow cannot relay, and if the address is shared or changes, outbound mail stops with 550 5.7.64 TenantAttribution. Prefer certificate authentication.',
  'finding.inbound-ip-invalid.empty':
    'The IP-authenticated inbound connector has no sender addresses (senderIPs, or mailcow.egressIPs by default): Exchange would accept nothing from mailcow and outbound mail bounces with 550 5.7.64 TenantAttribution.',
  'finding.inbound-ip-invalid': 'The sender address {entry} cannot be used: {reason}{note}',
  'finding.inbound-ip-invalid.v6':
    'Exchange takes IPv4 addresses only for an inbound connector, so mail that mailcow sends over IPv6 is not recognised. Use certificate authentication, or make mailcow send over IPv4.',
  'finding.inbound-ip-invalid.garbage': 'it is not an IPv4 address or IPv4 network.',
  'finding.inbound-ip-invalid.wide':
    'a /{width} network is wider than the /24 Exchange accepts; list mailcow\'s own addresses.',
  'finding.mailcow-hostname-is-domain':
    'mailcow\'s host name {hostname} is also a shared domain; mailcow refuses to add a domain equal to its own host name, so the domain step cannot run. Give mailcow its own name such as mail.{hostname}.{note}',
  'finding.validation-mailbox-foreign':
    'The validation mailbox {address} is not in a shared domain ({domains}), so a test with it says nothing about this setup.',
  'finding.inbound-filtering-bypassed':
    'Once {domain} is relayed, every message for it reaches mailcow through EOP from a forwarding host, so mailcow\'s own inbound spam filtering and its learning no longer apply to that mail. Filtering is EOP\'s job for it.',

  'fix.relayFlagOn': 'Set relay.{flag} to true',
  'fix.storeSecret': 'Move the value into secret storage as secret:{name}',
  'fix.relayhostToGateway': 'Use the gateway [{gateway}]:25',
  'fix.bracketRelayhost': 'Write the relayhost as {bracketed}',
  'fix.gatewayDashes': 'Use {dashed}',
  'fix.fwdhostSpf': 'Use {include} as forwarding host',
  'fix.sharedDomains': 'Replace with the shared domains ({domains})',
  'fix.dropPort': 'Drop the port: {host}',
  'fix.ignoreLine': 'Ignore {code} on this line',
} as const satisfies Record<string, string>;
