export const tlsMessages = {} as const satisfies Record<string, string>;
