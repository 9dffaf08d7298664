/** What the command line prints for live checks, plans and applied steps. */
export const cliLiveMessages = {
  'cli.live.secretUnreadable':
    "secret:{name} lives in VS Code's secret storage, which the command line cannot read. On the command line write env:VARIABLE instead (for example apiKey: env:MAILCOW_API_KEY) and set that environment variable to the key.",
  'cli.plan.heading': 'Steps that would run for {file}:',
  'cli.plan.nothing': 'Nothing to do: the live systems match {file}.',
  'cli.plan.step': '{number}. {title}',
  'cli.plan.notNeeded': '   already done: {title}',
  'cli.plan.partial':
    'Not read, so its steps are left out: {systems}. Fix the findings above, or name the systems to work on with --systems.',
  'cli.plan.readOnly':
    "The mailcow key is read-only, so mailcow's steps are left out. Use a read-write key to apply them.",
  'cli.live.badSystems':
    '--systems takes a comma-separated list of {allowed}; "{given}" is not one of them.',
  'cli.apply.notInteractive':
    'apply changes live systems and asks before each step; stdin is not a terminal, so nothing was changed. Run it in a terminal, or add --yes to run every step without asking.',
  'cli.apply.ask': 'Run this step? [y/N] ',
  'cli.apply.outcome': '{status}: {message}',
  'cli.apply.detail': '    {detail}',
} as const satisfies Record<string, string>;
