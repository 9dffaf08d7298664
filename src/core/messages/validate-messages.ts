/** Sentences of the end-to-end validation: where a test message is, step by step. */
export const validateMessages = {
  'validate.exchange.notYet.inbound':
    "Exchange's message trace has no message to {mailbox} yet; a message shows there 5 to 10 minutes after it passed.",
  'validate.exchange.notYet.outbound':
    "Exchange's message trace has no message from {mailbox} yet; a message shows there 5 to 10 minutes after it passed.",
  'validate.exchange.delivered.inbound':
    'Exchange received the message from {sender} at {received} (from {fromIp}) and passed it on to {toIp}.',
  'validate.exchange.delivered.outbound':
    'Exchange received the message from mailcow at {received} (from {fromIp}) and delivered it to {recipient} ({toIp}).',
  'validate.exchange.failed':
    'Exchange reports the message from {sender} to {recipient} at {received} as {status}; see its message trace details for the reason.',
  'validate.exchange.pending':
    'Exchange has the message from {sender} to {recipient} (received {received}) with status {status}; waiting.',
  'validate.mailcow.notYet.inbound': "mailcow's Postfix log shows no delivery to {mailbox} yet.",
  'validate.mailcow.notYet.outbound':
    "mailcow's Postfix log shows no message from {mailbox} leaving yet.",
  'validate.mailcow.sent.inbound': 'mailcow delivered the message to {to} at {at} ({relay}).',
  'validate.mailcow.sent.outbound': 'mailcow handed the message to {relay} at {at}: {reply}',
  'validate.mailcow.deferred':
    'mailcow could not hand the message for {to} to {relay} yet and will retry ({dsn}): {reply}',
  'validate.mailcow.bounced':
    'mailcow gave up on the message for {to} ({dsn}, via {relay}): {reply}',
  'validate.mailcow.rejected': 'mailcow refused the message from {client} at {at}: {reply}',
  'validate.unknown': 'Not checked: {reason}',
  'validate.notConfigured.exchange': 'Exchange Online was not asked.',
  'validate.notConfigured.mailcow': 'mailcow was not asked.',

  'validate.cli.usage':
    "Usage:\n  mail-hybrid validate <spec> [--direction inbound|outbound|both] [--since <minutes>] [--timeout <minutes>] [--format text|json]\n\nFollows the test messages of checks.validation.mailcowMailbox: inbound (from the internet to it) through Exchange's message trace and mailcow's Postfix log, outbound the other way. Send them first; --since says how many minutes back they count from (default 30). mailcow.apiKey and exchange.auth.clientSecret must be env: references here. Exit codes: 0 every message arrived, 1 one failed or did not arrive in time, 2 could not run.",
  'validate.cli.noMailbox':
    'The spec names no checks.validation.mailcowMailbox, the mailbox on mailcow the test messages go to and come from.',
  'validate.cli.badNumber': '--{option} needs a number of minutes greater than 0.',
  'validate.cli.badDirection': 'Unknown direction "{direction}"; use inbound, outbound or both.',
  'validate.cli.heading.inbound':
    'Inbound: the internet → Exchange → mailcow ({mailbox}): {outcome}',
  'validate.cli.heading.outbound':
    'Outbound: mailcow ({mailbox}) → Exchange → the internet: {outcome}',
  'validate.cli.outcome.delivered': 'arrived',
  'validate.cli.outcome.failed': 'failed',
  'validate.cli.outcome.timeout': 'not arrived in time',
  'validate.cli.outcome.unreadable': 'could not be checked',
  'validate.cli.hop': '  {mark} {system}: {detail}',
  'validate.cli.explanation': '      → {title}. Findings: {codes}',
  'validate.cli.progress': '{direction}: look {polls}, {states}',
  'validate.cli.deviceCode': '{message}',
  'validate.cli.secretUnavailable':
    "secret:{name} is kept in the editor's secret storage, which the command line cannot read; use env:VARIABLE for the command line.",
} as const satisfies Record<string, string>;
