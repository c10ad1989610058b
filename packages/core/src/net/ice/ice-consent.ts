// RFC 7675 consent freshness on a selected pair: a Binding request every
// 5 s on average (randomised 0.8-1.2x, §5.1), consent lasts 30 s after the
// last authenticated answer (§5.1); when it lapses we stop sending (§5.1).
// The requests also keep the NATs' bindings of the pair open.
import type { Clock, TimerHandle } from "../../util/clock.js";

export type ConsentOptions = { intervalMs?: number; timeoutMs?: number };

export class Consent {
  private lastFresh: number;
  private timer: TimerHandle | undefined;
  private lost = false;

  constructor(
    private readonly clock: Clock,
    /** Sends one consent request; resolves true when an authenticated answer came. */
    private readonly ask: () => Promise<boolean>,
    private readonly onLost: () => void,
    private readonly o: ConsentOptions = {},
  ) {
    this.lastFresh = clock.now();
    this.schedule();
  }

  get fresh(): boolean {
    return !this.lost;
  }

  private schedule(): void {
    const base = this.o.intervalMs ?? 5000;
    this.timer = this.clock.setTimeout(() => this.tick(), base * (0.8 + Math.random() * 0.4));
  }

  private tick(): void {
    if (this.lost) return;
    if (this.clock.now() - this.lastFresh > (this.o.timeoutMs ?? 30_000)) {
      this.lost = true;
      return this.onLost();
    }
    void this.ask().then((ok) => {
      if (ok) this.lastFresh = this.clock.now();
    });
    this.schedule();
  }

  stop(): void {
    this.lost = true;
    this.clock.clearTimeout(this.timer);
  }
}
