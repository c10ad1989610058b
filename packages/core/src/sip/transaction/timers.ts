// RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2 and Table 4 (Appendix A); RFC 6026 §8.4, §8.7 (Timers L, M).
import type { Clock, TimerHandle } from "../../util/clock.js";

export type TimerConfig = {
  /** RTT estimate (RFC 3261 §17.1.1.1): 500 ms. */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses: 4 s. */
  t2: number;
  /** Maximum duration a message remains in the network: 5 s. */
  t4: number;
};

export const DEFAULT_TIMERS: Readonly<TimerConfig> = { t1: 500, t2: 4000, t4: 5000 };

export type TimerName = "A" | "B" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M" | "Trying";

type FixedTimer = Exclude<TimerName, "A" | "E" | "G">;

const DURATIONS: Record<FixedTimer, (c: TimerConfig, reliable: boolean) => number> = {
  // RFC 3261 §17.1.1.2: Timer B = 64*T1, the INVITE transaction timeout.
  B: (c) => 64 * c.t1,
  // RFC 3261 §17.1.1.2: Timer D at least 32 s on unreliable transports, 0 on reliable ones.
  D: (c, reliable) => (reliable ? 0 : Math.max(32_000, 64 * c.t1)),
  // RFC 3261 §17.1.2.2: Timer F = 64*T1, the non-INVITE transaction timeout.
  F: (c) => 64 * c.t1,
  // RFC 3261 §17.2.1: Timer H = 64*T1 for all transports, the wait for an ACK.
  H: (c) => 64 * c.t1,
  // RFC 3261 §17.2.1: Timer I = T4 on unreliable transports, 0 on reliable ones.
  I: (c, reliable) => (reliable ? 0 : c.t4),
  // RFC 3261 §17.2.2: Timer J = 64*T1 on unreliable transports, 0 on reliable ones.
  J: (c, reliable) => (reliable ? 0 : 64 * c.t1),
  // RFC 3261 §17.1.2.2: Timer K = T4 on unreliable transports, 0 on reliable ones.
  K: (c, reliable) => (reliable ? 0 : c.t4),
  // RFC 6026 §8.7: Timer L = 64*T1, Accepted absorbs INVITE retransmissions.
  L: (c) => 64 * c.t1,
  // RFC 6026 §8.4: Timer M = 64*T1, Accepted passes 2xx retransmissions up.
  M: (c) => 64 * c.t1,
  // RFC 3261 §17.2.1: send 100 (Trying) if the TU won't answer within 200 ms.
  Trying: () => 200,
};

/** The duration of a non-retransmission timer, as RFC 3261 Table 4 gives it; `reliable` is the transport's. */
export function timerDuration(name: FixedTimer, config: TimerConfig, reliable: boolean): number {
  return DURATIONS[name](config, reliable);
}

/**
 * The next retransmission interval after `current`.
 * RFC 3261 §17.1.1.2: Timer A doubles without limit (its end is Timer B).
 * RFC 3261 §17.1.2.2 / §17.2.1: Timers E and G double up to T2.
 */
export function nextInterval(name: "A" | "E" | "G", current: number, config: TimerConfig): number {
  return name === "A" ? current * 2 : Math.min(current * 2, config.t2);
}

/** The named timers of one transaction, on an injected clock. Starting a running timer restarts it. */
export class TransactionTimers {
  private readonly running = new Map<TimerName, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  start(name: TimerName, ms: number, fire: () => void): void {
    this.stop(name);
    const handle = this.clock.setTimeout(() => {
      this.running.delete(name);
      fire();
    }, ms);
    this.running.set(name, handle);
  }

  stop(name: TimerName): void {
    this.clock.clearTimeout(this.running.get(name));
    this.running.delete(name);
  }

  stopAll(): void {
    for (const name of [...this.running.keys()]) this.stop(name);
  }

  isRunning(name: TimerName): boolean {
    return this.running.has(name);
  }
}
