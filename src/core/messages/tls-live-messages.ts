/** Sentences of the live TLS check of mailcow's SMTP listener, and its values in the tree. */
export const tlsLiveMessages = {
  'tlsLive.value.starttls': 'STARTTLS offered ({protocol})',
  'tlsLive.value.noStarttls': 'no STARTTLS',
  'tlsLive.value.handshakeFailed': 'STARTTLS offered, handshake failed',
  'tlsLive.value.unreachable': 'not reachable',
  'tlsLive.value.certificate': '{names}; valid until {notAfter}; {trust}',
  'tlsLive.untrusted.validated':
    'The connectors rely on it (outbound tlsSettings {tlsSettings}, or certificate authentication inbound): Exchange refuses the TLS session, mail to mailcow queues with 4.7.320, and mail from mailcow cannot be attributed to the tenant (550 5.7.64).',
  'tlsLive.untrusted.notValidated':
    'The connectors do not validate it now (EncryptionOnly outbound, IP authentication inbound), but any switch to certificate or domain validation, or to certificate authentication, would fail with it.',

  'finding.smtp-unreachable':
    "{summary} Mail that Exchange passes to mailcow stays queued in Exchange and bounces after its retry period. Make sure port {port} of {host} is open to the internet (EOP connects from its own addresses) and that mailcow's Postfix is running.",
  'finding.smtp-unreachable.smtp':
    '{summary} Exchange Online cannot hand mail to mailcow this way.',
  'finding.smtp-no-starttls':
    "{host}:{port} does not offer STARTTLS. Every TLS setting of the outbound connector requires TLS, so Exchange queues the mail for mailcow and finally bounces it. Enable TLS in mailcow's Postfix, with a certificate for {host}.",
  'finding.smtp-no-starttls.refused':
    "{host}:{port} offers STARTTLS but does not start it ({detail}). Exchange requires TLS for the connector, so mail for mailcow stays queued. Check the certificate and key files of mailcow's Postfix.",
  'finding.smtp-no-starttls.handshake':
    "The TLS handshake with {host}:{port} fails ({detail}), so Exchange cannot deliver to mailcow over TLS and mail stays queued. Check the certificate, key and TLS settings of mailcow's Postfix.",
  'finding.cert-expired':
    "The certificate of {host}:{port} ({names}) expired on {notAfter}. Exchange refuses it: with certificate or domain validation mail to mailcow queues (4.7.320), and mailcow's mail can no longer be attributed to the tenant (550 5.7.64 TenantAttribution). Renew it; mailcow renews its Let's Encrypt certificate by itself unless ACME is switched off or failing (see its acme log).",
  'finding.cert-expiring':
    'The certificate of {host}:{port} ({names}) expires on {notAfter}, in {days} days. Make sure it is renewed in time, and that the renewed certificate still holds the names the connectors expect: a renewal under another name breaks them just as expiry does.',
  'finding.cert-untrusted':
    'The certificate chain of {host}:{port} does not lead to a trusted authority ({reason}; issued by {issuer}). {consequence} Use a certificate from a public CA and serve its full chain, intermediates included. mailcow.caFile only makes this check trust a private CA; Exchange Online does not.',
  'finding.cert-untrusted.selfSigned':
    "The certificate of {host}:{port} is self-signed (issued by {issuer}; {reason}). {consequence} Exchange Online does not accept self-signed certificates for validation or authentication; use one from a public CA, as mailcow's built-in Let's Encrypt support provides.",
  'finding.cert-untrusted.notYetValid':
    "The certificate of {host}:{port} ({names}) is valid only from {notBefore}; until then every validating peer refuses it, Exchange included. Check the server's clock and the certificate's dates.",
  'finding.cert-name-mismatch.tlsDomain':
    'With DomainValidation Exchange expects a certificate for {expected}, but {host}:{port} presents one for {names}: Exchange refuses the TLS session and mail to mailcow queues (451 4.7.320 certificate validation failed). Get a certificate that names {expected}, or set tlsDomain to a name it holds (found: {names}; expected: {expected}).',
  'finding.cert-name-mismatch.smartHosts':
    'With CertificateValidation Exchange connects to {expected}, but {host}:{port} presents a certificate for {names}, which does not name it: Exchange refuses the TLS session and mail to mailcow queues (4.7.320). Get a certificate that names the smart host (found: {names}; expected: {expected}).',
  'finding.cert-name-mismatch.certificateName':
    "The inbound connector recognises mailcow by a certificate for {expected}, but mailcow presents one for {names} (Postfix uses the same certificate when it sends): Exchange cannot attribute mailcow's mail to the tenant and it bounces with 550 5.7.64 TenantAttribution. Set certificateName to a name the certificate holds, or get a certificate for {expected} (found: {names}; expected: {expected}).",
  'finding.dns-lookup-failed.smtpHost':
    "The address of mailcow's host name could not be looked up, so its SMTP listener was not probed: {detail} This says nothing about the listener or its certificate.",
} as const satisfies Record<string, string>;
