/**
 * Sentences about signing in to Exchange Online and calling its admin API. Each says what
 * failed and what the admin can change; placeholders never carry a token or a secret.
 */
export const exchangeMessages = {
  'exchange.caFileUnreadable':
    'Could not read the certificate authority file {file} ({reason}); fix the path or remove the setting.',
  'exchange.proxyInvalid':
    'The proxy setting is not a URL of the form http://host:port; Exchange Online was not contacted.',

  'exchange.identityUnreachable':
    'Could not reach the Microsoft sign-in service at {origin} ({reason}). Check the network, the proxy and `exchange.endpoints.login`.',
  'exchange.identityTimeout':
    'The Microsoft sign-in service at {origin} did not answer within {seconds} s. Check the network and the proxy, then try again.',
  'exchange.identityThrottled':
    'The Microsoft sign-in service at {origin} is throttling sign-ins (HTTP 429); wait a minute and try again.',
  'exchange.identityBadResponse':
    'The sign-in endpoint at {origin} answered with something that is not an OAuth response (HTTP {status}); check that `exchange.endpoints.login` points at the Microsoft identity platform of your cloud.',

  'exchange.auth.invalidSecret':
    "Microsoft Entra ID rejected the client secret of app {clientId}. Store the secret's value (not its secret ID) and check that it has not expired.",
  'exchange.auth.secretExpired':
    'The client secret of app {clientId} has expired. Create a new secret for the app registration and store it.',
  'exchange.auth.appNotFound':
    'Tenant {tenant} has no app with client ID {clientId}. Check `exchange.auth.clientId`, and that the app is registered in (or consented to by) this tenant.',
  'exchange.auth.tenantNotFound':
    'Microsoft Entra ID does not know the tenant {tenant}. Set `exchange.tenant` to the tenant GUID or its initial .onmicrosoft.com domain, in the right cloud.',
  'exchange.auth.certificateNotAccepted':
    'Microsoft Entra ID did not accept the certificate (thumbprint {thumbprint}) of app {clientId}: {detail} Upload this certificate to the app registration, or point `exchange.auth.certificateFile` at the one that is registered.',
  'exchange.auth.resourceNotFound':
    'Tenant {tenant} does not know the resource {resource}. Check that `exchange.endpoints.admin` belongs to the same cloud as the tenant, and that Exchange Online is licensed there.',
  'exchange.auth.consentMissing':
    'App {clientId} lacks admin consent for Exchange Online. Grant admin consent for the Exchange.ManageAsApp permission (Office 365 Exchange Online) in the app registration.',
  'exchange.auth.publicClientDisabled':
    'App {clientId} does not allow device-code sign-in. Enable "Allow public client flows" in its authentication settings, or leave `exchange.auth.clientId` out to use the Exchange PowerShell client.',
  'exchange.auth.mfaRequired':
    'The tenant requires multi-factor authentication for this sign-in; complete it in the browser when signing in with the code.',
  'exchange.auth.conditionalAccess':
    'A Conditional Access policy of the tenant blocked this sign-in; ask the tenant admin to allow it for this device or app.',
  'exchange.auth.refused': 'Microsoft Entra ID refused the sign-in for app {clientId}: {detail}',
  'exchange.auth.failed': 'Signing in to Exchange Online failed: {detail}',
  'exchange.auth.vscodeOnly':
    'Sign-in method `vscode` works only inside VS Code. On the command line use `deviceCode`, `clientSecret` or `certificate` in `exchange.auth.method`.',
  'exchange.auth.clientIdMissing':
    "Sign-in method `{method}` needs the app's client ID in `exchange.auth.clientId`.",
  'exchange.auth.secretMissing':
    'The client secret `{name}` is not set. Store it (VS Code: "Mail Hybrid: Store Secret") or set the environment variable, then try again.',
  'exchange.auth.certificateFileMissing':
    'Sign-in method `certificate` needs `exchange.auth.certificateFile`: a PEM file with the app certificate and its private key.',
  'exchange.auth.certificateFileUnreadable':
    'Could not read the certificate file {file} ({reason}).',
  'exchange.auth.certificateUnreadable':
    'The certificate file {file} holds a certificate or key that cannot be read; export it again as PEM.',
  'exchange.auth.certificateMissing':
    'The certificate file {file} holds no certificate. It must hold the app certificate and its private key, both as PEM.',
  'exchange.auth.certificateKeyMissing':
    'The certificate file {file} holds no private key. Export the certificate with its key (for example `openssl pkcs12 -in app.pfx -nodes -out app.pem`).',
  'exchange.auth.certificateKeyEncrypted':
    'The private key in {file} is encrypted. Export it without a passphrase (`-nodes`) and protect the file itself instead.',
  'exchange.auth.certificateNotRsa':
    'The key in {file} is not an RSA key; Microsoft Entra ID signs client assertions with RS256 only. Use an RSA certificate.',
  'exchange.auth.certificateKeyMismatch':
    'The private key in {file} belongs to none of the certificates in it; put the matching certificate and key in one file.',
  'exchange.auth.certificateExpired':
    'The app certificate (thumbprint {thumbprint}) expired on {date}. Create a new one, upload it to the app registration and update `exchange.auth.certificateFile`.',
  'exchange.auth.deviceCodePrompt':
    'To sign in to Exchange Online, open {url} and enter the code {code} (valid for {minutes} min).',
  'exchange.auth.deviceCodeExpired':
    'The sign-in code expired before it was used. Start the sign-in again and enter the new code within its time.',
  'exchange.auth.deviceCodeDeclined':
    'The sign-in was declined in the browser. Start it again and accept with an account that administers Exchange Online.',
  'exchange.auth.deviceCodeCancelled': 'The sign-in to Exchange Online was cancelled.',

  'exchange.unreachable':
    'Could not reach the Exchange admin API at {origin} ({reason}). Check the network, the proxy and `exchange.endpoints.admin`.',
  'exchange.timeout':
    'The Exchange admin API at {origin} did not answer {cmdlet} within {seconds} s. Try again; if it persists, check the network and the proxy.',
  'exchange.throttled':
    'Exchange Online kept throttling {cmdlet} (HTTP 429) for {seconds} s of retries. Wait a few minutes and try again.',
  'exchange.serverError':
    'Exchange Online kept failing {cmdlet} (HTTP {status}) for {seconds} s of retries; the service may be having trouble. Try again later.',
  'exchange.unauthorized':
    'Exchange Online did not accept the sign-in for {cmdlet} (HTTP 401), even with a fresh token. The token must be issued for {resource} by the tenant in `exchange.tenant`; check that the login and admin endpoints belong to the same cloud.',
  'exchange.forbiddenApp':
    'App {clientId} signed in, but Exchange Online refused {cmdlet} (HTTP 403). Give the app the application permission Exchange.ManageAsApp (Office 365 Exchange Online) with admin consent, and assign the Exchange Administrator role to its service principal in Microsoft Entra ID (Global Reader is enough for checks only).',
  'exchange.forbiddenUser':
    '{user} signed in, but Exchange Online refused {cmdlet} (HTTP 403). Sign in with an account that holds the Exchange Administrator (or Global Administrator) role; Global Reader is enough for checks only.',
  'exchange.cmdletNotAvailable':
    "Exchange Online does not offer {cmdlet} to this sign-in: either the cmdlet does not exist in Exchange Online, or the sign-in's role does not include it. Assign the Exchange Administrator role to the app's service principal or the signed-in account.",
  'exchange.rejected': 'Exchange Online rejected {cmdlet}: {detail}',
  'exchange.rejectedNoDetail':
    'Exchange Online rejected {cmdlet} (HTTP {status}) without saying why.',
  'exchange.notFound':
    'The Exchange admin API at {origin} has no endpoint for this tenant (HTTP 404, {cmdlet}). Check `exchange.tenant` and `exchange.endpoints.admin`.',
  'exchange.badResponse':
    "Exchange Online answered {cmdlet} with something that is not the admin API's JSON (HTTP {status}). Check that `exchange.endpoints.admin` points at the Exchange admin endpoint, not at a proxy's page.",
  'exchange.unexpectedStatus':
    'Exchange Online answered {cmdlet} with an unexpected HTTP {status}.',
  'exchange.redirectRefused':
    'Exchange Online answered {cmdlet} with a redirect (HTTP {status}) to {target}. The sign-in token is only sent to {origin}, so the redirect was not followed; check `exchange.endpoints.admin`.',
  'exchange.nextLinkForeign':
    'Exchange Online pointed the next page of {cmdlet} at {target}, which is not {origin}. The sign-in token is only sent to {origin}, so the listing was stopped.',
  'exchange.nextLinkInvalid': 'Exchange Online gave an unusable link to the next page of {cmdlet}.',
  'exchange.tooManyPages':
    '{cmdlet} returned more than {pages} pages; the listing was stopped so it cannot run forever.',
} as const satisfies Record<string, string>;
