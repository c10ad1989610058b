// RFC 3261 §17.1.2 (Figure 6), RFC 4320 §4 (no 408 made up on Timer F): the non-INVITE client transaction.
//
//                               |Request from TU
//                               |send request
//           Timer E             V
//           send request  +-----------+
//               +---------|           |-------------------+
//               |         |  Trying   |  Timer F          |
//               +-------->|           |  or Transport Err.|
//                         +-----------+  inform TU        |
//            200-699         |  |                         |
//            resp. to TU     |  |1xx                      |
//            +---------------+  |resp. to TU              |
//            |                  |                         |
//            |   Timer E        V       Timer F           |
//            |   send req +-----------+ or Transport Err. |
//            |  +---------|           | inform TU         |
//            |  |         |Proceeding |------------------>|
//            |  +-------->|           |-----+             |
//            |            +-----------+     |1xx          |
//            |              |      ^        |resp to TU   |
//            | 200-699      |      +--------+             |
//            | resp. to TU  |                             |
//            |              V                             |
//            |            +-----------+                   |
//            |            |           |                   |
//            |            | Completed |                   |
//            |            |           |                   |
//            |            +-----------+                   |
//            |              ^   |                         |
//            |              |   | Timer K                 |
//            +--------------+   | -                       |
//                               V                         |
//                         +-----------+                   |
//                         | Terminated|<------------------+
//                         +-----------+
import type { TransportError } from "../../util/errors.js";
import type { SipRequest, SipResponse } from "../message/types.js";
import { nextInterval, timerDuration } from "./timers.js";
import {
  Transaction,
  type ClientFailure,
  type ClientTransactionUser,
  type TransactionContext,
  type TransitionTable,
} from "./transaction.js";

export type NonInviteClientState = "trying" | "proceeding" | "completed" | "terminated";

const TRANSITIONS: TransitionTable<NonInviteClientState> = {
  trying: ["proceeding", "completed", "terminated"],
  proceeding: ["completed", "terminated"],
  completed: ["terminated"],
  terminated: [],
};

export class NonInviteClientTransaction extends Transaction<NonInviteClientState> {
  constructor(
    id: string,
    readonly request: SipRequest,
    ctx: TransactionContext,
    private readonly user: ClientTransactionUser,
  ) {
    super(id, "non-INVITE client transaction", TRANSITIONS, "trying", ctx);
  }

  /** Sends the request (§17.1.2.2: the machine starts in Trying). Call once, after the transaction can be matched. */
  start(): void {
    const { request } = this;
    const { timers } = this.ctx;
    this.send(request);
    // RFC 3261 §17.1.2.2: Timer E = T1 on unreliable transports, doubling up to T2 in Trying,
    // then T2 each time in Proceeding.
    if (!this.reliable) {
      const next = (ms: number) => (this.state === "proceeding" ? timers.t2 : nextInterval("E", ms, timers));
      this.retransmit("E", timers.t1, () => this.send(request), next);
    }
    // RFC 3261 §17.1.2.2: Timer F = 64*T1; RFC 4320 §4.2: it ends as a timeout, not a 408.
    this.timers.start("F", timerDuration("F", timers, this.reliable), () => this.fail({ reason: "timeout", timer: "F" }));
  }

  /** A response matched to this transaction (§17.1.3). */
  receive(response: SipResponse): void {
    switch (this.state) {
      case "trying":
      case "proceeding":
        if (response.status >= 200) this.transition("completed");
        else if (this.state === "trying") this.transition("proceeding");
        this.user.onResponse(response);
        return;
      case "completed":
      case "terminated":
        // RFC 3261 §17.1.2.2: retransmitted final responses are absorbed in Completed.
        return;
    }
  }

  protected enter(to: NonInviteClientState): void {
    if (to !== "completed") return;
    this.timers.stop("E");
    this.timers.stop("F");
    // RFC 3261 §17.1.2.2: Timer K = T4 on unreliable transports, 0 on reliable ones.
    this.timers.start("K", timerDuration("K", this.ctx.timers, this.reliable), () => this.transition("terminated"));
  }

  protected onTransportError(error: TransportError): void {
    // RFC 3261 §17.1.4: inform the TU, go to Terminated. Completed sends nothing, so only Trying/Proceeding get here.
    if (this.state === "completed") return;
    this.fail({ reason: "transport-error", error });
  }

  private fail(failure: ClientFailure): void {
    this.transition("terminated");
    this.user.onFailure(failure);
  }
}
