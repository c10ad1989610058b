// RFC 5626 §4.4.1 (CRLF keep-alive on connections, pong within 10 s), §4.4.2 (UDP: we use an OPTIONS
// to the registrar instead of STUN; any response proves the path). Time from the injected clock.
import type { Clock, TimerHandle } from "../../util/clock.js";

export type KeepAliveProbe =
  /** Reliable flows: send a ping; `true` once sent, `false` when the flow is gone. */
  | { kind: "ping"; send: () => boolean }
  /** UDP: send an OPTIONS; resolves true on any response, false on a time-out or transport error. */
  | { kind: "options"; send: () => Promise<boolean> };

export type KeepAliveOptions = {
  clock: Clock;
  intervalMs: number;
  /** RFC 5626 §4.4.1: a pong must come within 10 s. */
  pongTimeoutMs: number;
  random: () => number;
  probe: KeepAliveProbe;
  onDead: (why: string) => void;
};

/** Sends a keep-alive every 80-100 % of the interval (RFC 5626 §4.4.1) until stopped or dead. */
export class KeepAlive {
  private timer: TimerHandle | undefined;
  private pongTimer: TimerHandle | undefined;
  private running = false;

  constructor(private readonly o: KeepAliveOptions) {}

  start(): void {
    this.stop();
    if (this.o.intervalMs <= 0) return; // keep-alives turned off
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.o.clock.clearTimeout(this.timer);
    this.o.clock.clearTimeout(this.pongTimer);
    this.timer = this.pongTimer = undefined;
  }

  /** A pong arrived on our flow. */
  pong(): void {
    this.o.clock.clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private schedule(): void {
    const delay = this.o.intervalMs * (0.8 + this.o.random() * 0.2);
    this.timer = this.o.clock.setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    if (!this.running) return;
    const p = this.o.probe;
    if (p.kind === "ping") {
      if (!p.send()) return this.dead("flow closed");
      // A ping still waiting for its pong keeps its own deadline.
      this.pongTimer ??= this.o.clock.setTimeout(() => this.dead("no pong within the time-out"), this.o.pongTimeoutMs);
      this.schedule();
      return;
    }
    void p.send().then((alive) => {
      if (!this.running) return;
      if (alive) this.schedule();
      else this.dead("keep-alive OPTIONS got no response");
    });
  }

  private dead(why: string): void {
    if (!this.running) return;
    this.stop();
    this.o.onDead(why);
  }
}
