/** Sentences of the live DNS check: the MX and SPF findings and the values shown in the tree. */
export const dnsLiveMessages = {
  'dnsLive.unreadable':
    'No DNS answer came from {servers} for any lookup, so MX and SPF were not checked: {detail}',
  'dnsLive.eop.noRecord':
    '{include} has no SPF record, so the addresses Exchange Online sends from cannot be listed.',
  'dnsLive.value.failed': 'lookup failed',
  'dnsLive.value.nxdomain': 'none (the name does not exist)',
  'dnsLive.value.none': 'none',

  'finding.mx-missing':
    '{domain} has no MX record, so senders try its A record or give up: mail for {domain} never reaches Exchange Online Protection, neither for Exchange mailboxes nor for mailcow ones. Publish exactly one MX record: {expected} (found: none; expected: {expected}).',
  'finding.mx-missing.nxdomain':
    'The name {domain} does not exist in DNS (NXDOMAIN), so no mail can be delivered to it at all. Publish the zone with one MX record: {expected}.',
  'finding.mx-missing.null':
    '{domain} publishes a "null MX" (RFC 7505): it announces that it accepts no mail, and senders bounce everything at once. Replace it with one MX record: {expected}.',
  'finding.mx-not-gateway':
    'The MX records of {domain} are {found}, none of them the Exchange gateway: mail for {domain} never passes Exchange Online, so Exchange mailboxes receive nothing and mailcow gets mail that EOP did not filter. Replace them with one record: {expected} (found: {found}; expected: {expected}).',
  'finding.mx-extra':
    'Besides the gateway record, {domain} has the MX record {extra}: senders that use it (spam senders often aim at secondary MX hosts) bypass Exchange Online Protection, and Exchange mailboxes are unreachable through it. Remove it so that the only MX record is {expected}.',
  'finding.mx-extra.preferred':
    'The MX record {extra} of {domain} is preferred to the gateway, or equal to it (the gateway has priority {gatewayPriority}): a share of all mail for {domain} goes there instead of Exchange Online, bypassing EOP and missing every Exchange mailbox. Remove it so that the only MX record is {expected}.',
  'finding.mx-target-unresolvable':
    'The MX target {target} of {domain} has no A or AAAA record, so senders that choose it cannot deliver and keep the mail queued until it bounces. Check its spelling; the record expected is {expected}.',

  'finding.spf-missing':
    '{domain} publishes no SPF record. Everything mailcow sends leaves through Exchange Online, and receivers cannot tell that EOP may send for {domain}, so that mail lands in spam or is rejected under DMARC. Publish "{suggested}" (found: none).',
  'finding.spf-no-eop-include':
    'The SPF record of {domain} is "{record}", which does not reach include:{include}, not even through its includes and redirects. Mail from mailcow and Exchange leaves from EOP\'s addresses and fails SPF at receivers. Add the include, for example "{suggested}".{problems}',
  'finding.spf-no-eop-include.multiple':
    '{domain} publishes several SPF records ({records}); receivers treat that as a permanent error and ignore SPF, so mail relayed through EOP is not authorised. Merge them into one record that holds include:{include}.',
  'finding.spf-no-eop-include.broken':
    'Receivers cannot use the SPF record "{record}" of {domain}: {problem} Mail relayed through EOP is then not authorised. Fix the record so that it holds include:{include}, for example "{suggested}".',

  'finding.dns-lookup-failed':
    'The {what} lookup for {domain} got no answer: {detail} This is a failed lookup, not a missing record; the {what} record of {domain} was not checked. Run the check again, or set checks.dnsServers to a resolver that answers.',
  'finding.dns-lookup-failed.target':
    'The addresses of the MX target {target} of {domain} could not be looked up: {detail} Whether it resolves was not checked.',
  'finding.dns-lookup-failed.spfInclude':
    'The SPF record of {domain} is "{record}"; part of it could not be followed: {detail} Whether it reaches include:{include} was not checked.',
  'finding.dns-lookup-failed.servers':
    'DNS could not be asked: {detail} Nothing about MX and SPF records was checked; this is not a finding about the records. Fix checks.dnsServers or the network.',
} as const satisfies Record<string, string>;
