/**
 * Time as the Exchange clients see it. Polling, back-off and token expiry all read this seam, so
 * a host can cancel waits and tests can run a device-code or throttling sequence without
 * waiting for real seconds.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, Math.max(0, ms));
    }),
};
