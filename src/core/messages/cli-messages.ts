export const cliMessages = {} as const satisfies Record<string, string>;
