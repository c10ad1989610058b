// RFC 5626 §4.5: the wait before a new registration attempt after consecutive failures.

export type BackoffConfig = {
  /** base-time when every flow failed (RFC 5626 §4.5: 30 s). */
  allFailedBaseMs: number;
  /** base-time when some flow still works (90 s). */
  someOkBaseMs: number;
  /** max-time (1800 s). */
  maxMs: number;
};

export const DEFAULT_BACKOFF: BackoffConfig = { allFailedBaseMs: 30_000, someOkBaseMs: 90_000, maxMs: 1_800_000 };

/**
 * W = min(max-time, base-time * 2^consecutive-failures); the wait is a random value between 50 %
 * and 100 % of W (RFC 5626 §4.5). `random` is in [0, 1).
 */
export function backoffDelay(failures: number, allFlowsFailed: boolean, random: () => number, config: BackoffConfig = DEFAULT_BACKOFF): number {
  const base = allFlowsFailed ? config.allFailedBaseMs : config.someOkBaseMs;
  const w = Math.min(config.maxMs, base * 2 ** Math.min(failures, 30));
  return Math.round(w * (0.5 + random() * 0.5));
}
