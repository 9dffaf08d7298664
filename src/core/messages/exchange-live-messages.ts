/**
 * Sentences of the Exchange live check, its steps, the PowerShell export and the command line's
 * Exchange sign-in. Values from the spec or from Exchange are validated before they reach a
 * placeholder; no placeholder ever carries a token or a secret.
 */
export const exchangeLiveMessages = {
  'exchange.value.invalid':
    'The value "{value}" cannot be used for {parameter}; correct it in the spec.',
  'exchange.value.empty': '{parameter} needs at least one value; set it in the spec.',
  'exchange.value.ipv6':
    '{value} is an IPv6 address; an inbound connector takes IPv4 addresses only.',
  'exchange.value.tenant':
    'The tenant "{value}" is neither a tenant GUID nor a domain; no script was written.',

  'exchange.live.vscodeNoSession':
    'No Microsoft account is signed in to VS Code for tenant {tenant}. Run "Mail Hybrid: Sign in to Exchange Online" and check again.',
  'exchange.live.deviceCodeNoHost':
    'Sign-in by device code needs somewhere to show the code, and this host has none. Use the editor or the command line, or sign in with an app (`clientSecret` or `certificate`).',
  'exchange.live.value.missing': 'missing',
  'exchange.live.value.disabled': 'disabled',

  'finding.exchange-auth-failed':
    'Exchange Online could not be read, so its accepted domains and connectors are not checked and its steps cannot run. {detail}',
  'finding.exchange-forbidden':
    'Exchange Online refused this sign-in, so its accepted domains and connectors are not checked and its steps cannot run. {detail}',
  'finding.accepted-domain-missing':
    'Tenant {tenant} has no accepted domain {domain}: Exchange Online rejects mail for it, and nothing can be relayed to mailcow. An accepted domain cannot be created through Exchange Online; add and verify {domain} in the Microsoft 365 admin center (Settings → Domains), then check again.',
  'finding.accepted-domain-authoritative':
    'The accepted domain {domain} is {type} in Exchange Online. Exchange then rejects every recipient it does not know instead of passing the mail to mailcow, so mail to mailboxes that live on mailcow bounces with 550 5.1.10 RESOLVER.ADR.RecipientNotFound (validating the connector to mailcow fails the same way). Switch it to Internal relay.',
  'finding.outbound-connector-missing':
    'Exchange Online has no outbound connector "{name}", so it has nowhere to send mail for recipients that live on mailcow. The step creates it.',
  'finding.outbound-connector-drift':
    'The connector "{name}" (Exchange → mailcow) has {parameter} {actual} in Exchange Online; the spec wants {desired}. {why}',
  'finding.outbound-connector-disabled':
    'The connector "{name}" (Exchange → mailcow) is disabled, so mail for recipients that live on mailcow is not delivered. The step enables it.',
  'finding.inbound-connector-missing':
    'Exchange Online has no inbound connector "{name}", so it does not recognise mail from mailcow and refuses to relay it: mail from mailcow to the internet bounces with 550 5.7.64 TenantAttribution. The step creates it.',
  'finding.inbound-connector-drift':
    'The connector "{name}" (mailcow → Exchange) has {parameter} {actual} in Exchange Online; the spec wants {desired}. {why}',
  'finding.inbound-connector-disabled':
    'The connector "{name}" (mailcow → Exchange) is disabled, so mail from mailcow to the internet bounces with 550 5.7.64 TenantAttribution. The step enables it.',
  'finding.inbound-cert-not-accepted-domain.live':
    'The certificate name "{name}" is neither an accepted domain of tenant {tenant} nor below one (accepted domains: {domains}). Exchange cannot attribute mailcow\'s mail to the tenant, so mail from mailcow to the internet bounces with 550 5.7.64 TenantAttribution. Use a certificate named after (a host below) an accepted domain, or add its domain in the Microsoft 365 admin center.',

  'exchange.drift.ConnectorType':
    "Only an OnPremises connector may carry mail of the tenant's own domains between Exchange and your server.",
  'exchange.drift.RecipientDomains':
    'Exchange sends mail for unknown recipients of exactly these domains to mailcow.',
  'exchange.drift.SmartHosts': 'Exchange delivers through this connector to these hosts only.',
  'exchange.drift.UseMXRecord':
    "With MX delivery Exchange looks up the domain's MX record, which points back at Exchange, and the mail loops.",
  'exchange.drift.Tls':
    "Exchange checks mailcow's certificate as this setting says; if the check fails, mail to mailcow queues.",
  'exchange.drift.IsTransportRuleScoped':
    "A connector scoped to transport rules carries only mail that a rule sends to it, so mail for mailcow's recipients is not passed on.",
  'exchange.drift.RouteAllMessagesViaOnPremises':
    "With it on, Exchange sends all of the tenant's outgoing mail, internet mail included, through mailcow.",
  'exchange.drift.SenderDomains':
    'Exchange accepts mail through this connector from these sender domains only.',
  'exchange.drift.Certificate':
    'Exchange recognises mailcow by the certificate it presents; if it cannot, mail from mailcow bounces with 550 5.7.64 TenantAttribution.',
  'exchange.drift.RestrictOff':
    'Left on from a certificate setup, it makes Exchange refuse mail that mailcow sends without that certificate, whatever its address; mail from mailcow bounces with 550 5.7.64 TenantAttribution.',
  'exchange.drift.SenderIPAddresses':
    'Exchange recognises mailcow by these addresses; mail from any other address bounces with 550 5.7.64 TenantAttribution.',

  'exchange.fix.acceptedDomain': 'Switch {domain} to Internal relay in Exchange Online',
  'exchange.fix.acceptedDomainMissing': 'Show how to add {domain} to the tenant',
  'exchange.fix.outbound': 'Make the connector "{name}" (Exchange → mailcow) match the spec',
  'exchange.fix.inbound': 'Make the connector "{name}" (mailcow → Exchange) match the spec',

  'exchange.step.acceptedDomain.title': 'Accepted domain {domain}: Internal relay',
  'exchange.step.acceptedDomain.summary':
    'Switch the accepted domain {domain} from {type} to Internal relay, so Exchange passes recipients it does not know on to mailcow.',
  'exchange.step.acceptedDomain.notNeeded':
    'The accepted domain {domain} already is Internal relay.',
  'exchange.step.acceptedDomain.missing':
    'The domain {domain} is not an accepted domain of the tenant, and Exchange Online cannot create accepted domains: add and verify {domain} in the Microsoft 365 admin center (Settings → Domains), then run this step again.',
  'exchange.step.acceptedDomain.done':
    'The accepted domain {domain} is Internal relay now (read back from Exchange Online).',
  'exchange.step.outbound.title': 'Connector Exchange → mailcow ("{name}")',
  'exchange.step.outbound.create':
    'Create the outbound connector "{name}" that sends mail for recipients on mailcow to mailcow.',
  'exchange.step.outbound.change': 'Change {parameters} of the outbound connector "{name}".',
  'exchange.step.inbound.title': 'Connector mailcow → Exchange ("{name}")',
  'exchange.step.inbound.create':
    'Create the inbound connector "{name}" by which Exchange recognises and relays mail from mailcow.',
  'exchange.step.inbound.change': 'Change {parameters} of the inbound connector "{name}".',
  'exchange.step.connector.notNeeded': 'The connector "{name}" already matches the spec.',
  'exchange.step.connector.done':
    'The connector "{name}" matches the spec now (read back from Exchange Online).',
  'exchange.step.invalidValues': 'Not sent: {problems}',
  'exchange.step.difference': '{parameter} is {actual}, the spec wants {desired}',
  'exchange.step.readBackDiffers':
    'Exchange Online accepted {cmdlet}, but reading it back shows: {details}.',
  'exchange.step.readBackMissing':
    'Exchange Online accepted {cmdlet}, but the connector "{name}" cannot be read back.',

  'exchange.ps.header': 'Exchange Online part of the mailcow hybrid for {domains}.',
  'exchange.ps.generated':
    'Written by Mail Hybrid from the spec. Each block checks before it changes anything, so the script can run again.',
  'exchange.ps.needs':
    'Needs the ExchangeOnlineManagement module and an account with the Exchange Administrator role.',
  'exchange.ps.connect': 'Sign in to tenant {tenant}.',
  'exchange.ps.acceptedDomain':
    'Step: accepted domain {domain} as Internal relay, so Exchange passes unknown recipients on to mailcow.',
  'exchange.ps.acceptedDomainMissing':
    '{domain} is not an accepted domain of the tenant. Add and verify it in the Microsoft 365 admin center first.',
  'exchange.ps.outbound':
    'Step: outbound connector "{name}" (Exchange → mailcow), created or brought in line with the spec.',
  'exchange.ps.inbound':
    'Step: inbound connector "{name}" (mailcow → Exchange), created or brought in line with the spec.',

  'exchange.cli.exportUsage':
    'Usage: mail-hybrid export-powershell <spec> [--out file]\nWrites the Exchange Online PowerShell script for the spec to the file, or prints it.',
  'exchange.cli.exportWritten': 'Wrote the Exchange Online PowerShell script to {file}.',
  'exchange.cli.exportUnreadableSpec':
    'The spec cannot be read far enough to write a script; run `mail-hybrid check {file}` for the reasons.',
  'exchange.cli.exportInvalid': 'No script was written: {problems}',
  'exchange.cli.exportWriteFailed': 'Could not write {file}: {reason}.',
  'exchange.cli.deviceCode': '{message}',
} as const satisfies Record<string, string>;
