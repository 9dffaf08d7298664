/** What the command line prints for live checks, plans and applied steps. */
export const cliLiveMessages = {
  'cli.live.secretUnreadable':
    "secret:{name} lives in VS Code's secret storage, which the command line cannot read. On the command line write env:VARIABLE instead (for example apiKey: env:MAILCOW_API_KEY) and set that environment variable to the key.",
  'cli.plan.heading': 'Steps that would run for {file}:',
  'cli.plan.nothing': 'Nothing to do: the live systems match {file}.',
  'cli.plan.step': '{number}. {title}',
  'cli.plan.notNeeded': '   already done: {title}',
  'cli.plan.cannotPlan':
    'No plan can be made while a system cannot be read; fix the findings above first.',
  'cli.apply.notInteractive':
    'apply changes live systems and asks before each step; stdin is not a terminal, so nothing was changed. Run it in a terminal, or add --yes to run every step without asking.',
  'cli.apply.ask': 'Run this step? [y/N] ',
  'cli.apply.outcome': '{status}: {message}',
  'cli.apply.detail': '    {detail}',
} as const satisfies Record<string, string>;
