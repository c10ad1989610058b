// Reconnect delays: exponential back-off with full jitter, capped (RFC 6120 §3.3 asks
// clients not to hammer a server that dropped them).

export type BackoffOptions = { baseMs?: number; maxMs?: number; random?: () => number };

/** Delay before attempt `attempt` (0-based): uniform in [base*2^n / 2, base*2^n], capped at max. */
export function backoffDelay(attempt: number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 1000;
  const max = o.maxMs ?? 60_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  const r = (o.random ?? Math.random)();
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
