// Issue 13 "responsive under a flood": writes that come from the network
// (an incoming chat message, the archive checkpoint after it) are deferred
// and run together, in arrival order, in one transaction per event-loop turn,
// so a burst of stanzas costs one commit per batch instead of several per
// stanza, and the API is served between batches. What a job reports (an
// event) runs after its batch is committed: nothing is announced unstored.
import { setImmediate as defaultSchedule } from "node:timers";

/** A deferred write; what it returns runs once its batch is committed. */
export type DeferredJob = () => void | (() => void);

/** Jobs per transaction: a turn of the event loop stays short under a flood. */
export const DEFER_BATCH = 200;

export type WriteBatchOptions = {
  /** Runs `fn` in one transaction (the store's). */
  transaction: (fn: () => void) => void;
  maxBatch?: number;
  schedule?: (fn: () => void) => unknown;
  /** A job or its follow-up threw: reported, the others go on. */
  onError?: (err: unknown) => void;
};

export class WriteBatch {
  private readonly queue: DeferredJob[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly schedule: (fn: () => void) => unknown;

  constructor(private readonly o: WriteBatchOptions) {
    this.maxBatch = Math.max(1, o.maxBatch ?? DEFER_BATCH);
    this.schedule = o.schedule ?? ((fn) => defaultSchedule(fn));
  }

  get pending(): number {
    return this.queue.length;
  }

  defer(job: DeferredJob): void {
    this.queue.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.turn());
  }

  /** Runs everything pending now (shutdown, or a reader that must see it). */
  flush(): void {
    while (this.queue.length > 0) this.runBatch(this.queue.length);
  }

  private turn(): void {
    this.scheduled = false;
    this.runBatch(this.maxBatch);
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.turn());
    }
  }

  private runBatch(n: number): void {
    const jobs = this.queue.splice(0, n);
    if (jobs.length === 0) return;
    const after: (() => void)[] = [];
    try {
      this.o.transaction(() => {
        for (const job of jobs) {
          try {
            const then = job();
            if (then) after.push(then);
          } catch (err) {
            this.report(err);
          }
        }
      });
    } catch (err) {
      // The commit itself failed (a closed or broken file): nothing of the batch is announced.
      this.report(err);
      return;
    }
    for (const then of after) {
      try {
        then();
      } catch (err) {
        this.report(err);
      }
    }
  }

  private report(err: unknown): void {
    if (this.o.onError) this.o.onError(err);
    else process.emitWarning(`cusax store: a deferred write failed: ${String(err)}`);
  }
}
