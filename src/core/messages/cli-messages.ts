/** What the command line prints, apart from the findings themselves. */
export const cliMessages = {
  'cli.usage':
    'Usage:\n  mail-hybrid check <spec> [--live] [--format text|json|sarif]\n  mail-hybrid export-powershell <spec> [--out file]\n\nExit codes: 0 no error finding, 1 at least one error finding, 2 could not run.',
  'cli.unknownCommand': 'Unknown command "{command}".',
  'cli.missingSpec': 'Name the spec file to check, for example: mail-hybrid check hybrid.yaml',
  'cli.badFormat': 'Unknown format "{format}"; use text, json or sarif.',
  'cli.badOption': '{detail}',
  'cli.unreadable': 'Cannot read {file}: {reason}.',
  'cli.liveUnavailable':
    'Live checks (--live) are not available in this version; run without --live for the checks that need no network.',
  'cli.summary': '{errors} error(s), {warnings} warning(s), {infos} info(s) in {file}.',
  'cli.clean': 'No findings in {file}.',
} as const satisfies Record<string, string>;
