/** Sentences about the SMTP STARTTLS probe and the certificates it sees. */
export const tlsMessages = {
  'tls.caFile.noCertificate': 'the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
  'tls.caFile.badCertificate': 'a certificate in the file cannot be read',

  'tls.probe.closed': 'the server closed the connection',
  'tls.probe.closedWith': 'the connection broke off ({code})',
  'tls.probe.noReply': 'no reply within {timeout} ms',
  'tls.probe.replyTooLong': 'the reply is too long to be SMTP',
  'tls.probe.unexpectedLine': 'a line that is not an SMTP reply: {line}',
  'tls.probe.injected':
    'the server sent data right after agreeing to STARTTLS, before the handshake; that is refused as a protocol error',
  'tls.probe.handshakeTimeout': 'the TLS handshake did not finish within {timeout} ms',
  'tls.probe.noCertificate': 'the server presented no certificate',
  'tls.probe.dnsFailed': 'the address of {host} could not be looked up',
  'tls.probe.noAddress': '{host} has no A or AAAA record',
  'tls.probe.unreachable.refused': '{host} refused the connection on port {port}',
  'tls.probe.unreachable.timeout': 'no connection to {host} on port {port} in time',
  'tls.probe.unreachable.dns': 'the name {host} could not be resolved ({code})',
  'tls.probe.unreachable.network': 'no network route to {host} ({code})',
  'tls.probe.unreachable.other': 'could not connect to {host} on port {port} ({code})',

  'tls.log.connect': 'connecting to {address}',
  'tls.log.connectFailed': 'connecting to {address} failed: {code}',
  'tls.log.handshakeFailed': 'TLS handshake failed: {code} {detail}',
  'tls.log.certificate':
    '{protocol} certificate {subject}; names {names}; valid until {notAfter}; {trust}',

  'tls.summary.unreachable':
    'The SMTP listener {host}:{port} cannot be reached: {detail}. Exchange Online cannot deliver to mailcow until it can.',
  'tls.summary.smtpFailed.greeting':
    '{host}:{port} accepted the connection but its SMTP greeting failed: {detail}.',
  'tls.summary.smtpFailed.ehlo': '{host}:{port} did not accept EHLO: {detail}.',
  'tls.summary.smtpFailed.starttls':
    '{host}:{port} offered STARTTLS but did not start it: {detail}.',
  'tls.summary.noStarttls':
    '{host}:{port} does not offer STARTTLS, so Exchange Online cannot send to it over TLS and a connector that requires TLS fails.',
  'tls.summary.tlsFailed': 'The TLS handshake with {host}:{port} failed: {detail}.',
  'tls.summary.caFileUnreadable': 'The CA file {caFile} cannot be used: {detail}.',
  'tls.summary.certificate':
    '{host}:{port} presents a certificate for {names}, issued by {issuer}, valid until {notAfter}; {trust}.',
  'tls.summary.trusted': 'its chain is trusted',
  'tls.summary.untrusted': 'its chain is not trusted ({code})',
  'tls.summary.noNames': 'no host name',
} as const satisfies Record<string, string>;
