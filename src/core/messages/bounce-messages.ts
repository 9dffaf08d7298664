/** Sentences of the bounce explainer: what each recognised failure means in this setup. */
export const bounceMessages = {
  'bounce.theDomain': 'the shared domain',
  'bounce.mailcowHost': 'mailcow',
  'bounce.reporter.exchange': 'Exchange Online',
  'bounce.reporter.mailcow': 'mailcow (Postfix)',

  'bounce.recipient-not-found.title': '5.1.10 RecipientNotFound: Exchange knows no such recipient',
  'bounce.recipient-not-found.meaning':
    'Exchange looked the recipient up in its directory, found nobody, and stopped instead of passing the mail to mailcow. For an address that lives on mailcow this means {domain} is still an Authoritative accepted domain; only as Internal relay does Exchange send unknown recipients on through the outbound connector. The same reply during connector validation has the same cause. Switch the accepted domain to Internal relay (Set-AcceptedDomain -DomainType InternalRelay).',
  'bounce.tenant-attribution.title':
    "5.7.64 TenantAttribution: Exchange cannot tell which tenant mailcow's mail belongs to",
  'bounce.tenant-attribution.meaning':
    "Exchange accepted the connection from mailcow but matched it to no inbound connector of the tenant, so it refused to relay. With certificate authentication the name in mailcow's certificate does not match the connector's certificate name (often after a renewal under another name), is not an accepted domain, or the chain is incomplete; with IP authentication mailcow sent from an address the connector does not list (a new address, or IPv6). Compare the certificate mailcow presents, or the address it sends from, with the inbound connector.",
  'bounce.certificate-validation.title':
    "4.7.320 certificate validation failed: Exchange refuses mailcow's certificate",
  'bounce.certificate-validation.meaning':
    "Exchange tried to deliver to mailcow through the outbound connector and rejected the certificate {hostname} presented: it does not name the TLS domain (DomainValidation) or the smart host (CertificateValidation), is expired, or does not lead to a public CA. The mail waits in Exchange's queue and bounces when the retries run out. Fix the certificate, or the connector's tlsDomain.",
  'bounce.routing-loop.title': 'Mail loop: the message went back and forth until the hop limit',
  'bounce.routing-loop.meaning':
    'The message travelled between mailcow and Exchange until a hop limit stopped it. Either mailcow relays mail for its own mailboxes to Exchange ("Relay non-existing mailboxes only" is off for {domain}), or the recipient exists on neither side: mailcow relays unknown recipients to Exchange, and Exchange, with the domain as Internal relay, relays unknown recipients back. Turn relay.unknownOnly on, and make sure the address exists on exactly one side.',
  'bounce.recipient-access-denied.title':
    '5.4.1 Access denied: Exchange rejects the recipient at the door',
  'bounce.recipient-access-denied.meaning':
    'Exchange Online Protection rejected the recipient while the sender was still connected (directory-based edge blocking): it does not know the address and the domain does not let it pass unknown recipients on. For a mailbox on mailcow, {domain} must be an Internal relay accepted domain, not Authoritative.',
  'bounce.relay-access-denied.title':
    'Relay access denied: mailcow refuses to relay for the domain',
  'bounce.relay-access-denied.meaning':
    'mailcow\'s Postfix refused the recipient because it neither hosts nor relays its domain for the sender. When Exchange passes mail to mailcow this means {domain} is missing in mailcow or "Relay this domain" is off. Add the domain to mailcow and tick "Relay this domain".',
  'bounce.loops-back-to-myself.title':
    'Loops back to myself: mailcow would send the mail to itself',
  'bounce.loops-back-to-myself.meaning':
    'mailcow looked up where to send the mail and found its own address: the domain has no sender-dependent transport to the Exchange gateway, or the relayhost (or the domain\'s MX) points at mailcow itself. Set the domain\'s transport to the relayhost "[{gateway}]:25" and check that the relayhost names the Exchange gateway.',
  'bounce.virtual-mailbox-unknown.title':
    'User unknown in virtual mailbox table: mailcow treats the domain as its own',
  'bounce.virtual-mailbox-unknown.meaning':
    'mailcow handles {domain} as a purely local domain and rejects every address without a mailbox on mailcow, including all Exchange users. "Relay this domain" is off. Tick it (with "Relay all recipients" and "Relay non-existing mailboxes only") so that unknown recipients go to Exchange.',
  'bounce.relay-recipient-unknown.title':
    'User unknown in relay recipient table: mailcow relays only listed recipients',
  'bounce.relay-recipient-unknown.meaning':
    'mailcow relays {domain} but only for recipients it knows, so mail to Exchange users is rejected. "Relay all recipients" is off; tick it.',

  'bounce.cli.none':
    'No failure of this setup was recognised in the text. Paste the whole bounce, including the lines with the status code (such as 550 5.7.64) and the diagnostic text.',
  'bounce.cli.usage':
    'Usage:\n  mail-hybrid explain-bounce [<file>|-] [--spec <spec>] [--format text|json]\n\nReads a bounce (non-delivery report) or an SMTP reply from the file, or from standard input, and explains it. Exit codes: 0 recognised, 1 nothing recognised, 2 could not run.',
  'bounce.cli.heading': '{index}. {title} ({reporter})',
  'bounce.cli.seen': 'Seen: {evidence}',
  'bounce.cli.codes': 'Findings: {codes}',
  'bounce.cli.spec': 'Spec: {path}',
  'bounce.cli.specAt': 'Spec: {path} ({file}:{line}:{column})',
} as const satisfies Record<string, string>;
