// Injected time: production code never calls setTimeout or Date.now directly,
// so unit tests drive every timer with FakeClock.

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds, monotonic within this clock. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const realClock: Clock = (() => {
  let next = 1;
  const live = new Map<number, NodeJS.Timeout>();
  const origin = performance.now();
  return {
    now: () => performance.now() - origin,
    setTimeout(fn, ms) {
      const id = next++;
      const t = setTimeout(() => {
        live.delete(id);
        fn();
      }, ms);
      live.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      if (!handle) return;
      const t = live.get(handle.id);
      if (t) clearTimeout(t);
      live.delete(handle.id);
    },
  };
})();

type Pending = { id: number; at: number; fn: () => void };

/** A clock for unit tests: time moves only when `advance()` is called. */
export class FakeClock implements Clock {
  private time = 0;
  private next = 1;
  private pending: Pending[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.pending.push({ id, at: this.time + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.pending = this.pending.filter((p) => p.id !== handle.id);
  }

  /** Number of timers not yet fired. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Moves time forward, firing due timers in order (timers set while firing included). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.pending
        .filter((p) => p.at <= until)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p.id !== due.id);
      this.time = due.at;
      due.fn();
    }
    this.time = until;
  }
}
