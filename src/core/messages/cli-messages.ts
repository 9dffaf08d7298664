/** What the command line prints, apart from the findings themselves. */
export const cliMessages = {
  'cli.usage':
    'Usage:\n  mail-hybrid check <spec> [--live] [--systems list] [--format text|json|sarif] [--verbose]\n  mail-hybrid plan <spec> [--systems list] [--format text|json] [--verbose]\n  mail-hybrid apply <spec> [--systems list] [--yes] [--verbose]\n  mail-hybrid export-powershell <spec> [--out file]\n  mail-hybrid explain-bounce [<file>|-] [--spec <spec>] [--format text|json]\n  mail-hybrid validate <spec>\n  mail-hybrid sandbox <scenario> [--write-spec <path>] [--json]\n  mail-hybrid snapshot <spec> [--out <file>]\n\ncheck: exit 0 no error finding, 1 at least one error finding, 2 could not run.\nplan: lists the setup steps that would run, with the exact requests (secrets redacted).\napply: runs the needed steps in order, asking before each (--yes: without asking); exit 0 when every step ended done or unchanged.\nexport-powershell: the Exchange steps as an Exchange Online PowerShell script.\nexplain-bounce: what a bounce means for this setup and which setting causes it.\nvalidate: follows the validation mailboxes\' test messages through both systems.\n--systems: a comma-separated list of mailcow, exchange, dns, tls (default: all the spec involves).\nsandbox: runs the emulated systems on loopback until interrupted.\nsnapshot: writes the live systems a spec names as a scenario, without secrets.\nEach command takes --help. Live checks read env: secrets from the environment, and HTTPS_PROXY/NO_PROXY.',
  'cli.unknownCommand': 'Unknown command "{command}".',
  'cli.missingSpec': 'Name the spec file to check, for example: mail-hybrid check hybrid.yaml',
  'cli.badFormat': 'Unknown format "{format}"; use text, json or sarif.',
  'cli.badOption': '{detail}',
  'cli.unreadable': 'Cannot read {file}: {reason}.',
  'cli.summary': '{errors} error(s), {warnings} warning(s), {infos} info(s) in {file}.',
  'cli.clean': 'No findings in {file}.',
} as const satisfies Record<string, string>;
