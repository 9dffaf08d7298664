/**
 * Sentences about talking to mailcow: why a request failed, and what mailcow's own reply keys
 * mean. `{reason}` in an error sentence is one of the `mailcow.reply.*` sentences.
 */
export const mailcowMessages = {
  'mailcow.error.refused':
    "mailcow at {origin} refused the connection. Check mailcow.url and that mailcow's web server is running.",
  'mailcow.error.dns':
    'The host name of {origin} could not be resolved. Check mailcow.url and the DNS of this machine.',
  'mailcow.error.dropped':
    'mailcow at {origin} closed the connection without answering {request}. A firewall or a proxy in between may be cutting it.',
  'mailcow.error.network': 'mailcow at {origin} could not be reached ({detail}).',
  'mailcow.error.gateway':
    "The web server in front of mailcow at {origin} answered HTTP {status}: mailcow itself is not answering. Check that mailcow's nginx and PHP containers are running.",
  'mailcow.error.proxyAuth':
    'The proxy {proxy} asked for credentials (HTTP 407). Put them into the proxy setting as http://user:password@host:port.',
  'mailcow.error.proxyFailed':
    'The proxy {proxy} could not open a connection to {origin} ({detail}). Check the proxy setting, or list the mailcow host in the no-proxy setting.',
  'mailcow.error.timeout':
    'mailcow at {origin} did not answer {request} in time. The server may be overloaded, or a firewall may drop the traffic.',
  'mailcow.error.tlsUntrusted':
    'The certificate of {origin} is not trusted ({detail}). If mailcow uses a certificate from a private authority, set mailcow.caFile to that authority’s PEM file.',
  'mailcow.error.tlsName':
    'The certificate of {origin} is not issued for that host name ({detail}). Use the name on the certificate in mailcow.url.',
  'mailcow.error.tlsExpired':
    'The certificate of {origin} has expired or is not valid yet ({detail}). Renew it in mailcow.',
  'mailcow.error.tlsOther': 'The TLS connection to {origin} failed ({detail}).',
  'mailcow.error.caFile':
    'The CA file for mailcow could not be read ({detail}). Check mailcow.caFile.',
  'mailcow.error.noKey':
    'No mailcow API key is available. Store the key (the read-write key if changes are to be made) and try again.',
  'mailcow.error.keyUnknown':
    "mailcow at {origin} rejected the API key: it is unknown or switched off. Check the key and its 'active' switch in mailcow's admin page (API section).",
  'mailcow.error.emptyAnswer':
    'mailcow at {origin} answered {request} with an empty body, which it does when a request is not signed in. Check that the API key is stored and that nothing between here and mailcow removes the X-API-Key header.',
  'mailcow.error.ipDenied':
    "mailcow at {origin} accepts this API key only from listed addresses, and it saw the request come from {address}. Add {address} to the key's allowed addresses in mailcow's admin page (API section), or enable 'skip IP check'.",
  'mailcow.error.readOnly':
    'The API key is read-only, so mailcow refused {request}. Use the read-write key to make changes.',
  'mailcow.error.backedOff':
    'mailcow rejected this API key {failures} time(s) in a row, so it is not tried again for {seconds} s: mailcow bans addresses that keep failing. Fix the key, then try again.',
  'mailcow.error.refusedByMailcow': 'mailcow refused {request}: {reason}',
  'mailcow.error.warning':
    'mailcow reported a problem with {request}: {reason} Part of the change may be stored; read the state back before trying again.',
  'mailcow.error.emptyWriteAnswer':
    'mailcow answered {request} with an empty body. It does that after an internal error, and part of the change may already be stored; read the state back before trying again.',
  'mailcow.error.html':
    "The server at {origin} answered {request} with a web page (HTTP {status}) instead of mailcow's JSON. mailcow.url may point at another site or a login page, or mailcow's database, Redis or Docker API is down.",
  'mailcow.error.notJson':
    "The server at {origin} answered {request} with something that is not mailcow's JSON (HTTP {status}).",
  'mailcow.error.unexpectedShape':
    'mailcow at {origin} answered {request} in a form this version does not understand ({detail}).',
  'mailcow.error.redirect':
    'The server at {origin} redirected {request} to {location}. The API key is sent only to {origin}: set mailcow.url to the address mailcow answers on directly.',
  'mailcow.error.routeNotFound':
    'mailcow at {origin} does not know {request} (HTTP 404). mailcow.url may not point at mailcow, or this mailcow is too old for this request.',
  'mailcow.error.serverError':
    "mailcow at {origin} failed with HTTP {status} on {request}. mailcow's database, Redis or Docker API may be down.",
  'mailcow.error.httpStatus': 'mailcow at {origin} answered {request} with HTTP {status}. {reason}',

  'mailcow.reply.invalidJson': 'mailcow could not read the request body as JSON.',
  'mailcow.reply.noAttributes': 'mailcow found no attributes in the request.',
  'mailcow.reply.cannotAdd': 'mailcow could not add the item.',
  'mailcow.reply.cannotEdit': 'mailcow could not change the item.',
  'mailcow.reply.cannotDelete': 'mailcow could not delete the item.',
  'mailcow.reply.wrongMethod': 'mailcow does not accept this HTTP method here.',
  'mailcow.reply.routeNotFound': 'mailcow does not know this API route.',
  'mailcow.reply.other': 'mailcow said "{key}".',
  'mailcow.reply.access_denied': 'the API session may not do this (access_denied).',
  'mailcow.reply.domain_invalid':
    'the domain name is not valid, or the domain does not exist in mailcow.',
  'mailcow.reply.domain_exists':
    'the domain {arg} already exists in mailcow (as a domain or an alias domain).',
  'mailcow.reply.domain_cannot_match_hostname':
    "the domain is mailcow's own host name (MAILCOW_HOSTNAME), which cannot also be a mail domain.",
  'mailcow.reply.defquota_empty': 'the default mailbox quota must not be 0.',
  'mailcow.reply.maxquota_empty': 'the largest mailbox quota must not be 0.',
  'mailcow.reply.mailbox_quota_exceeds_domain_quota':
    "the largest mailbox quota is bigger than the domain's quota.",
  'mailcow.reply.mailbox_defquota_exceeds_mailbox_maxquota':
    'the default mailbox quota is bigger than the largest mailbox quota.',
  'mailcow.reply.object_is_not_numeric': 'the value {arg} must be a number.',
  'mailcow.reply.max_quota_in_use':
    'a mailbox already uses more than the new largest quota ({arg}).',
  'mailcow.reply.domain_quota_m_in_use':
    'the mailboxes already use more than the new domain quota ({arg}).',
  'mailcow.reply.mailboxes_in_use':
    'the domain already has more mailboxes ({arg}) than the new limit.',
  'mailcow.reply.aliases_in_use': 'the domain already has more aliases ({arg}) than the new limit.',
  'mailcow.reply.domain_not_empty': 'the domain {arg} still has mailboxes.',
  'mailcow.reply.redis_error': 'mailcow could not write to its Redis store ({args}).',
  'mailcow.reply.mysql_error': 'mailcow hit a database error.',
  'mailcow.reply.invalid_host':
    'mailcow could not use the host "{arg}": it is empty, or mailcow found no address for it in DNS (it looks at SPF, then MX, then A/AAAA records, never at the hosts file).',
  'mailcow.reply.relayhost_invalid': 'there is no relayhost with id {arg}.',
  'mailcow.reply.tag_limit_exceeded': 'too many tags.',
  'mailcow.reply.domain_added_sogo_failed': 'the domain was stored, but restarting SOGo failed.',
} as const satisfies Record<string, string>;
