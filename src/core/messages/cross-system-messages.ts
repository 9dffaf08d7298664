/** Sentences of the rules that compare one live system with another. */
export const crossSystemMessages = {
  'cross.list.more': '{shown} and {more} more',
  'cross.egress.written': 'mailcow.egressIPs',
  'cross.egress.hostname': 'the addresses of {hostname}, as mailcow.egressIPs is not set',
  'cross.fix.fwdhosts': "Add {include} to mailcow's forwarding hosts again",
  'cross.fix.inboundConnector': "Update the inbound connector's sender addresses",

  'finding.fwdhosts-miss-eop':
    "{count} of the {total} address ranges EOP sends from (as {include} resolves now) are not among mailcow's forwarding hosts: {missing}. mailcow resolved its forwarding hosts ({sources}) once, when they were added, and Microsoft has changed its ranges since. Mail that Exchange passes on from those addresses is filtered, greylisted or rejected by mailcow as if it came straight from the internet. Add {include} as a forwarding host again so that mailcow stores the current addresses.",
  'finding.fwdhosts-miss-eop.other':
    "{count} of the {total} address ranges EOP sends from (as {include} resolves now) are not among mailcow's forwarding hosts: {missing}. mailcow's forwarding hosts come from {sources}, not from {include}, which lists the addresses EOP sends from. Mail that Exchange passes on from those addresses is filtered, greylisted or rejected by mailcow as if it came straight from the internet. Add {include} to mailcow.forwardingHosts, then add it to mailcow with the step.",
  'finding.mailbox-also-in-exchange':
    '{address} is a mailbox on mailcow, but Exchange Online also has it, as {recipient}. Exchange delivers mail for its own recipients itself and relays only unknown ones, so mail for {address} from the internet and from Exchange users never reaches mailcow. Remove the address from the Exchange recipient (or the recipient itself), or drop the mailcow mailbox.',
  'finding.smart-host-not-mailcow':
    "The outbound connector's smart host {smartHost} resolves to {foreign}, which is not mailcow ({hostname}: {mailcow}). Exchange hands mail for mailcow's mailboxes to that server instead, where it is rejected, bounces or is lost. Point the smart host (or its DNS record) at mailcow.",
  'finding.smart-host-not-mailcow.none':
    "The outbound connector's smart host {smartHost} has no A or AAAA record, so Exchange cannot deliver mail for mailcow's mailboxes; it stays queued and bounces. Use mailcow's host name, or publish an address record for {smartHost}.",
  'finding.inbound-ips-miss-egress':
    'The inbound connector accepts mail by sender address ({listed}), but mailcow sends from {missing} ({source}), which it does not list. Exchange cannot attribute that mail to the tenant and it bounces with 550 5.7.64 TenantAttribution; Relay Access Denied. Add the addresses to the connector, or set mailcow.egressIPs to the addresses mailcow really sends from.',
  'finding.inbound-ips-miss-egress.v6':
    "mailcow sends over IPv6 from {missing} ({source}), but an inbound connector takes IPv4 addresses only ({listed}). Mail that mailcow sends to Exchange over IPv6 cannot be attributed and bounces with 550 5.7.64 TenantAttribution. Make mailcow's Postfix send over IPv4 (smtp_address_preference = ipv4, or inet_protocols = ipv4), or use certificate authentication.",
} as const satisfies Record<string, string>;
