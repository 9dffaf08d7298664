/** Sentences about DNS lookups and SPF records. */
export const dnsMessages = {
  'dns.server.notAddress':
    'The DNS server "{server}" is not an IP address with an optional port (192.0.2.53, 192.0.2.53:5353, 2001:db8::53 or [2001:db8::53]:5353).',
  'dns.server.badPort': 'The DNS server "{server}" has a port outside 1–65535.',
  'dns.server.system': 'the system resolver',
  'dns.log.lookup': 'DNS {type} {name} via {servers}: {outcome}',

  'dns.failure.servfail':
    'The DNS server ({servers}) could not answer for {name} ({type}): it reported a server failure, so nothing is known about this record. Try again later or check the zone and its name servers.',
  'dns.failure.timeout':
    'No DNS answer for {name} ({type}) from {servers} within {timeout} ms ({tries} tries). The record was not checked; make sure the resolver is reachable from here.',
  'dns.failure.refused':
    'The DNS server ({servers}) refused to answer for {name} ({type}). It may not resolve for this machine; use a resolver that does in checks.dnsServers.',
  'dns.failure.unreachable':
    'The DNS server ({servers}) cannot be reached ({code}) for {name} ({type}). The record was not checked; fix checks.dnsServers or the network.',
  'dns.failure.badResponse':
    'The DNS server ({servers}) sent an answer for {name} ({type}) that cannot be read ({code}).',
  'dns.failure.badName': '"{name}" is not a DNS name that can be looked up.',
  'dns.failure.other': 'The lookup of {name} ({type}) via {servers} failed ({code}).',

  'dns.spf.missing':
    '{domain} has no SPF record, so receivers cannot tell whether Exchange Online and mailcow may send for it, and more of its mail lands in spam.',
  'dns.spf.multipleRecords':
    '{domain} publishes {count} SPF records; receivers treat that as a permanent error and ignore SPF for the domain. Merge them into one.',
  'dns.spf.syntax':
    'The SPF record of {domain} has terms receivers cannot read ({terms}); they treat the whole record as a permanent error.',
  'dns.spf.includeMissing':
    '{term} in the SPF record of {domain} names {target}, which has no SPF record; receivers stop with a permanent error there.',
  'dns.spf.redirectMissing':
    '{term} in the SPF record of {domain} points to {target}, which has no SPF record; receivers stop with a permanent error there.',
  'dns.spf.lookupLimit':
    'The SPF record of {domain} needs more than {count} DNS lookups (include, a, mx, ptr, exists, redirect); receivers stop at {term} with a permanent error, and every sender after that point fails SPF.',
  'dns.spf.voidLookupLimit':
    'The SPF of {domain} reaches more than {count} names that do not exist or hold no records (last at {term}); receivers stop there with a permanent error. Remove the dead terms.',
  'dns.spf.mxLimit':
    '{term} in the SPF record of {domain} lists {count} MX hosts for {target}; receivers look at no more than 10 and stop with a permanent error.',
  'dns.spf.loop':
    '{term} in the SPF record of {domain} leads back to {target}, a record already being read; receivers run into their lookup limit and fail SPF.',
  'dns.spf.dnsFailed':
    'The SPF lookup for {target} (from {domain}) got no DNS answer: {detail} Receivers in the same situation return a temporary error.',
  'dns.spf.notExpandable':
    '{term} in the SPF record of {domain} depends on each message (sender, client address or PTR), so a check without a message cannot say which addresses it allows.',
  'dns.spf.syntaxReason.unknown-term': 'unknown term',
  'dns.spf.syntaxReason.bad-address': 'not an address',
  'dns.spf.syntaxReason.bad-prefix': 'bad prefix length',
  'dns.spf.syntaxReason.missing-domain': 'domain missing',
  'dns.spf.syntaxReason.duplicate-modifier': 'modifier given twice',
  'dns.spf.syntaxReason.bad-domain': 'not a domain name',
} as const satisfies Record<string, string>;
