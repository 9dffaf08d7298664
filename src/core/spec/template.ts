/** The spec a new user starts from: the recipe's defaults, with the values to fill in marked. */
export const SPEC_TEMPLATE = `# hybrid.yaml: one mail domain shared by mailcow and Exchange Online.
# Every key is explained on hover; completion (Ctrl+Space) offers the rest.
version: 1

domains:
  - example.com                 # the shared domain(s)

mailcow:
  url: https://mail.example.com # mailcow's admin UI and API
  apiKey: secret:mailcow        # run "Mail Hybrid: Store the mailcow API key"

exchange:
  tenant: contoso.onmicrosoft.com
  gateway: example-com.mail.protection.outlook.com   # the MX value from the Microsoft 365 admin center
  auth:
    method: vscode
`;
