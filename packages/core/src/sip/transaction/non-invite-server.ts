// RFC 3261 §17.2.2 (Figure 8), RFC 4320 §4.1-4.2: the non-INVITE server transaction.
//
//                               |Request received
//                               |pass to TU
//                               V
//                         +-----------+
//                         |           |
//                         | Trying    |-------------+
//                         |           |             |
//                         +-----------+             |200-699 from TU
//                               |                   |send response
//                               |1xx from TU        |
//                               |send response      |
//                               |                   |
//            Request            V      1xx from TU  |
//            send response+-----------+send response|
//                +--------|           |--------+    |
//                |        | Proceeding|        |    |
//                +------->|           |<-------+    |
//         +<--------------|           |             |
//         |Trnsprt Err    +-----------+             |
//         |Inform TU            |                   |
//         |                     |                   |
//         |                     |200-699 from TU    |
//         |                     |send response      |
//         |  Request            V                   |
//         |  send response+-----------+             |
//         |      +--------|           |             |
//         |      |        | Completed |<------------+
//         |      +------->|           |
//         +<--------------|           |
//         |Trnsprt Err    +-----------+
//         |Inform TU            |
//         |                     |Timer J fires
//         |                     |-
//         |                     V
//         |               +-----------+
//         +-------------->| Terminated|
//                         +-----------+
import type { TransportError } from "../../util/errors.js";
import type { SipRequest, SipResponse } from "../message/types.js";
import { timerDuration } from "./timers.js";
import { Transaction, type ServerTransactionUser, type TransactionContext, type TransitionTable } from "./transaction.js";

export type NonInviteServerState = "trying" | "proceeding" | "completed" | "terminated";

const TRANSITIONS: TransitionTable<NonInviteServerState> = {
  trying: ["proceeding", "completed"],
  proceeding: ["completed", "terminated"],
  completed: ["terminated"],
  terminated: [],
};

export class NonInviteServerTransaction extends Transaction<NonInviteServerState> {
  private last: SipResponse | undefined;

  constructor(
    id: string,
    readonly request: SipRequest,
    ctx: TransactionContext,
    private readonly user: Pick<ServerTransactionUser, "onFailure">,
  ) {
    super(id, "non-INVITE server transaction", TRANSITIONS, "trying", ctx);
  }

  /** A response from the TU. Sending after the final response, a 101-199 or a 408 is a bug and throws. */
  respond(response: SipResponse): void {
    const { status } = response;
    // RFC 4320 §4.1: no provisional response but 100 to a non-INVITE; §4.2: never a 408.
    if ((status > 100 && status < 200) || status === 408) {
      throw new RangeError(`RFC 4320: a non-INVITE request is not answered with ${status}`);
    }
    if (this.state === "completed" || this.state === "terminated") {
      throw new Error(`non-INVITE server transaction ${this.id}: cannot send ${status} in ${this.state}`);
    }
    this.last = response;
    if (status >= 200) this.transition("completed");
    else if (this.state === "trying") this.transition("proceeding");
    this.send(response);
  }

  /** A retransmitted request (§17.2.2): absorbed in Trying, answered with the last response after. */
  receive(_request: SipRequest): void {
    if ((this.state === "proceeding" || this.state === "completed") && this.last) this.send(this.last);
  }

  protected enter(to: NonInviteServerState): void {
    if (to !== "completed") return;
    // RFC 3261 §17.2.2: Timer J = 64*T1 on unreliable transports, 0 on reliable ones.
    this.timers.start("J", timerDuration("J", this.ctx.timers, this.reliable), () => this.transition("terminated"));
  }

  protected onTransportError(error: TransportError): void {
    // RFC 3261 §17.2.2: from Proceeding or Completed, inform the TU and go to Terminated.
    this.transition("terminated");
    this.user.onFailure({ reason: "transport-error", error });
  }
}
