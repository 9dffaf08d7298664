export const mailcowMessages = {} as const satisfies Record<string, string>;
