export const exchangeMessages = {} as const satisfies Record<string, string>;
