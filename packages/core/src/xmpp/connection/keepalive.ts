// XEP-0199 §4.2 client-to-server pings: after `intervalMs` without inbound
// traffic, ping the server; no answer within `timeoutMs` means the link is dead.
import type { Clock, TimerHandle } from "../../util/clock.js";

export type KeepAliveOptions = { intervalMs: number; timeoutMs: number };

export class KeepAlive {
  private idle: TimerHandle | undefined;
  private waiting: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: KeepAliveOptions,
    /** Sends a ping; resolves on the answer (any answer, even an error, proves the link). */
    private readonly ping: () => Promise<unknown>,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.running = true;
    this.activity();
  }

  /** Anything arrived: the link is alive; restart the idle timer. */
  activity(): void {
    if (!this.running) return;
    this.clock.clearTimeout(this.waiting);
    this.waiting = undefined;
    this.clock.clearTimeout(this.idle);
    this.idle = this.clock.setTimeout(() => this.probe(), this.options.intervalMs);
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.idle);
    this.clock.clearTimeout(this.waiting);
    this.idle = this.waiting = undefined;
  }

  private probe(): void {
    if (!this.running) return;
    this.waiting = this.clock.setTimeout(() => {
      this.stop();
      this.onDead();
    }, this.options.timeoutMs);
    this.ping().then(
      () => this.activity(),
      () => this.activity(),
    );
  }
}
