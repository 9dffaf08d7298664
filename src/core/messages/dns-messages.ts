export const dnsMessages = {} as const satisfies Record<string, string>;
