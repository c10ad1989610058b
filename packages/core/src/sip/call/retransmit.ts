// RFC 3261 §13.3.1.4, RFC 6026 §7.1: the UAS core resends its 2xx to INVITE (T1 doubling to T2) until the ACK comes, for 64*T1.
import type { Clock, TimerHandle } from "../../util/clock.js";
import type { SipResponse } from "../message/index.js";
import type { InviteServerTransaction, TimerConfig } from "../transaction/index.js";

export class Reliable2xx {
  private timer: TimerHandle | undefined;
  private readonly started: number;
  private done = false;

  constructor(
    private readonly tx: InviteServerTransaction,
    private readonly response: SipResponse,
    private readonly clock: Clock,
    private readonly timers: TimerConfig,
    /** No ACK within 64*T1: the caller sends BYE (§13.3.1.4). */
    private readonly onGiveUp: () => void,
    reliable: boolean,
  ) {
    this.started = clock.now();
    tx.respond(response);
    // On reliable transports the transport carries the 2xx; we still wait 64*T1 for the ACK.
    this.schedule(reliable ? 64 * timers.t1 : timers.t1, reliable);
  }

  private schedule(interval: number, reliable: boolean): void {
    const left = 64 * this.timers.t1 - (this.clock.now() - this.started);
    if (left <= 0 || reliable) {
      this.timer = this.clock.setTimeout(() => this.giveUp(), Math.max(0, left));
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      if (this.done) return;
      if (this.clock.now() - this.started >= 64 * this.timers.t1) return this.giveUp();
      if (this.tx.state === "accepted") this.tx.respond(this.response);
      this.schedule(Math.min(interval * 2, this.timers.t2), false);
    }, Math.min(interval, left));
  }

  private giveUp(): void {
    if (this.done) return;
    this.done = true;
    this.onGiveUp();
  }

  /** The ACK came. */
  acknowledged(): void {
    this.done = true;
    this.clock.clearTimeout(this.timer);
  }

  stop(): void {
    this.acknowledged();
  }
}
