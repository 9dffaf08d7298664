export const findingMessages = {} as const satisfies Record<string, string>;
