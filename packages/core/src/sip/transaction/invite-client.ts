// RFC 3261 §17.1.1 (Figure 5), RFC 6026 §7.2 ("Accepted", Timer M): the INVITE client transaction.
//
//                     |INVITE from TU
//   Timer A fires     |INVITE sent         Timer B fires
//   Reset A,          V                    or Transport Err.
//   INVITE sent +-----------+              inform TU
//     +---------|           |----------------------------------+
//     |         |  Calling  |                                  |
//     +-------->|           |--------------+ 2xx               |
//               +-----------+              | 2xx to TU         |
//      300-699     |     |1xx              |                   |
//      ACK sent    |     |1xx to TU        |                   |
//      resp. to TU |     V                 |                   |
//                  |  +-----------+ 1xx    |                   |
//                  |  |Proceeding |---+    |                   |
//                  |  |           |<--+    |                   |
//                  |  +-----------+ to TU  |                   |
//                  |   300-699 |   | 2xx   |                   |
//                  |  ACK sent,|   | to TU |                   |
//                  |  to TU    |   +------>|                   |
//                  V           V           V                   |
//  300-699    +-----------+            +-----------+  2xx      |
//  ACK sent +-| Completed |            | Accepted  |---+ to TU |
//           +>|           |            |           |<--+       |
//             +-----------+            +-----------+           |
//    Transport Err. |  | Timer D fires       | Timer M fires   |
//    inform TU      |  | -                   | -               |
//                   V  V                     V                 |
//             +-----------------------------------+            |
//             |            Terminated             |<-----------+
//             +-----------------------------------+
import type { TransportError } from "../../util/errors.js";
import type { SipRequest, SipResponse } from "../message/types.js";
import { buildAckForNon2xx } from "./build.js";
import { nextInterval, timerDuration } from "./timers.js";
import {
  Transaction,
  type ClientFailure,
  type ClientTransactionUser,
  type TransactionContext,
  type TransitionTable,
} from "./transaction.js";

export type InviteClientState = "calling" | "proceeding" | "completed" | "accepted" | "terminated";

const TRANSITIONS: TransitionTable<InviteClientState> = {
  calling: ["proceeding", "completed", "accepted", "terminated"],
  proceeding: ["completed", "accepted", "terminated"],
  completed: ["terminated"],
  accepted: ["terminated"],
  terminated: [],
};

export class InviteClientTransaction extends Transaction<InviteClientState> {
  /** §17.1.1.3: built once, for the first 300-699, resent for each retransmission of it. */
  private ack: SipRequest | undefined;

  constructor(
    id: string,
    readonly request: SipRequest,
    ctx: TransactionContext,
    private readonly user: ClientTransactionUser,
  ) {
    super(id, "INVITE client transaction", TRANSITIONS, "calling", ctx);
  }

  /** Sends the INVITE (§17.1.1.2: the machine starts in Calling). Call once, after the transaction can be matched. */
  start(): void {
    const { request } = this;
    const { timers } = this.ctx;
    this.send(request);
    // RFC 3261 §17.1.1.2: Timer A = T1 on unreliable transports, doubling; none on reliable ones.
    if (!this.reliable) this.retransmit("A", timers.t1, () => this.send(request), (ms) => nextInterval("A", ms, timers));
    // RFC 3261 §17.1.1.2: Timer B = 64*T1 for every transport; fires only in Calling.
    this.timers.start("B", timerDuration("B", timers, this.reliable), () => this.fail({ reason: "timeout", timer: "B" }));
  }

  /** A response matched to this transaction (§17.1.3). */
  receive(response: SipResponse): void {
    const { status } = response;
    switch (this.state) {
      case "calling":
      case "proceeding":
        if (status < 200) {
          if (this.state === "calling") this.transition("proceeding");
        } else if (status < 300) {
          // RFC 6026 §7.2: 2xx moves to Accepted, not Terminated.
          this.transition("accepted");
        } else {
          this.ack = buildAckForNon2xx(this.request, response);
          this.transition("completed");
        }
        this.user.onResponse(response);
        return;
      case "accepted":
        // RFC 6026 §7.2: every 2xx (retransmissions, other forks) goes up; the TU ACKs them.
        if (status >= 200 && status < 300) this.user.onResponse(response);
        return;
      case "completed":
        // RFC 3261 §17.1.1.2: a retransmitted final response is answered with the ACK, not passed up.
        if (status >= 300 && this.ack) this.send(this.ack);
        return;
      case "terminated":
        return;
    }
  }

  protected enter(to: InviteClientState): void {
    const { timers } = this.ctx;
    this.timers.stop("A");
    this.timers.stop("B");
    switch (to) {
      case "completed":
        this.send(this.ack!);
        // RFC 3261 §17.1.1.2: Timer D >= 32 s on unreliable transports, 0 on reliable ones.
        this.timers.start("D", timerDuration("D", timers, this.reliable), () => this.transition("terminated"));
        return;
      case "accepted":
        // RFC 6026 §8.4: Timer M = 64*T1 while 2xx retransmissions may come.
        this.timers.start("M", timerDuration("M", timers, this.reliable), () => this.transition("terminated"));
        return;
      case "calling":
      case "proceeding":
      case "terminated":
        return;
    }
  }

  protected onTransportError(error: TransportError): void {
    // RFC 3261 §17.1.4: inform the TU, go to Terminated.
    this.fail({ reason: "transport-error", error });
  }

  private fail(failure: ClientFailure): void {
    this.transition("terminated");
    this.user.onFailure(failure);
  }
}
