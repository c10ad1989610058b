// RFC 5626 §4.5: the wait before a new registration attempt after consecutive failures.

export type BackoffConfig = {
  /** base-time when every flow failed (RFC 5626 §4.5: 30 s). */
  allFailedBaseMs: number;
  /** base-time when some flow still works (90 s). */
  someOkBaseMs: number;
  /** max-time (1800 s). */
  maxMs: number;
  /**
   * Flow recovery: after a flow that carried a registration fails, this many retries use
   * `quickBaseMs` as base-time before the 30 s base applies (§4.5 lets the times be configured).
   */
  quickRetries: number;
  /** base-time of the quick retries (1 s: W = 1, 2, 4, 8 s). */
  quickBaseMs: number;
};

export const DEFAULT_BACKOFF: BackoffConfig = {
  allFailedBaseMs: 30_000, someOkBaseMs: 90_000, maxMs: 1_800_000, quickRetries: 4, quickBaseMs: 1_000,
};

/**
 * W = min(max-time, base-time * 2^consecutive-failures); the wait is a random value between 50 %
 * and 100 % of W (RFC 5626 §4.5). `random` is in [0, 1).
 */
export function backoffDelay(failures: number, allFlowsFailed: boolean, random: () => number, config: BackoffConfig = DEFAULT_BACKOFF): number {
  const base = allFlowsFailed ? config.allFailedBaseMs : config.someOkBaseMs;
  const w = Math.min(config.maxMs, base * 2 ** Math.min(failures, 30));
  return Math.round(w * (0.5 + random() * 0.5));
}

/**
 * The wait after `failures` consecutive failed attempts to recover a flow that had worked: a
 * registrar that restarts is usually back within seconds, so the first `quickRetries` waits are
 * 50-100 % of quickBaseMs * 2^(n-1) (at most 15 s for the default four in all); after those the
 * §4.5 formula counts on from one failure, so a server that stays down sees 30-60 s, 60-120 s, ...
 */
export function recoveryDelay(failures: number, random: () => number, config: BackoffConfig = DEFAULT_BACKOFF): number {
  if (failures <= config.quickRetries) {
    const w = Math.min(config.maxMs, config.quickBaseMs * 2 ** (failures - 1));
    return Math.round(w * (0.5 + random() * 0.5));
  }
  return backoffDelay(failures - config.quickRetries, true, random, config);
}
