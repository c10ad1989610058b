// RFC 3261 §17.2.1 (Figure 7), RFC 6026 §7.1 ("Accepted", Timer L): the INVITE server transaction.
//
//                                |INVITE
//                                |pass INV to TU
//             INVITE             V send 100 if TU won't in 200 ms
//             send response+------------+
//                 +--------|            |--------+ 101-199 from TU
//                 |        | Proceeding |        | send response
//                 +------->|            |<-------+
//                          |            |--------+ Transport Err.
//                          |            |        | Inform TU
//                          |            |<-------+
//                          +------------+
//             300-699 from TU |    |2xx from TU
//             send response   |    |send response
//              +--------------+    +------------+
//              |                                |
//  INVITE      V          Timer G fires         |
//  send resp.+-----------+ send response        |
//      +-----|           |-------+              |   INVITE -
//      +---->| Completed |<------+              |   ACK: to TU
//            |           |                      V   Transport Err.: inform TU
//            +-----------+                 +----------+  2xx from TU:
//      ACK -   |      | Timer H fires      | Accepted |  send response
//              |      | or Transport Err.  +----------+
//              V      | inform TU               |
//      +-----------+  |                         | Timer L fires
//      | Confirmed |  |                         | -
//      +-----------+  |                         |
//  Timer I fires |    |                         |
//              V      V                         V
//      +-----------------------------------------------+
//      |                  Terminated                   |
//      +-----------------------------------------------+
import type { TransportError } from "../../util/errors.js";
import type { SipRequest, SipResponse } from "../message/types.js";
import { buildTrying } from "./build.js";
import { nextInterval, timerDuration } from "./timers.js";
import { Transaction, type ServerTransactionUser, type TransactionContext, type TransitionTable } from "./transaction.js";

export type InviteServerState = "proceeding" | "completed" | "confirmed" | "accepted" | "terminated";

const TRANSITIONS: TransitionTable<InviteServerState> = {
  proceeding: ["completed", "accepted"],
  completed: ["confirmed", "terminated"],
  confirmed: ["terminated"],
  accepted: ["terminated"],
  terminated: [],
};

export class InviteServerTransaction extends Transaction<InviteServerState> {
  /** The response resent on retransmitted INVITEs (and by Timer G). */
  private last: SipResponse | undefined;
  /** RFC 3261 §17.2.3: an RFC 2543 ACK matches on the To tag of the response we sent. */
  private sentToTag: string | undefined;

  constructor(
    id: string,
    readonly request: SipRequest,
    ctx: TransactionContext,
    private readonly user: ServerTransactionUser,
  ) {
    super(id, "INVITE server transaction", TRANSITIONS, "proceeding", ctx);
    // RFC 3261 §17.2.1: send 100 (Trying) unless the TU answers within 200 ms.
    this.timers.start("Trying", timerDuration("Trying", ctx.timers, this.reliable), () => this.respond(buildTrying(request)));
  }

  /** The To tag of the last response sent, for RFC 2543 ACK matching. */
  get toTag(): string | undefined {
    return this.sentToTag;
  }

  /**
   * A response from the TU. A 2xx may be repeated in Accepted (the TU retransmits it,
   * RFC 6026 §7.1); anything else after a final response is a bug and throws.
   */
  respond(response: SipResponse): void {
    const { status } = response;
    this.timers.stop("Trying");
    const final = status >= 200;
    if (this.state === "accepted" && status >= 200 && status < 300) {
      this.send(response);
      return;
    }
    if (this.state !== "proceeding") {
      throw new Error(`INVITE server transaction ${this.id}: cannot send ${status} in ${this.state}`);
    }
    this.last = response;
    this.sentToTag = response.headers.to()?.tag;
    if (final) this.transition(status < 300 ? "accepted" : "completed");
    this.send(response);
  }

  /** A request matched to this transaction (§17.2.3): a retransmitted INVITE, or an ACK. */
  receive(request: SipRequest): void {
    const isAck = request.method === "ACK";
    switch (this.state) {
      case "proceeding":
        // RFC 3261 §17.2.1: a retransmitted INVITE gets the latest provisional response again.
        if (!isAck && this.last) this.send(this.last);
        return;
      case "completed":
        if (isAck) this.transition("confirmed");
        else this.send(this.last!);
        return;
      case "accepted":
        // RFC 6026 §7.1: INVITE retransmissions are absorbed; an ACK goes to the TU.
        if (isAck) this.user.onAck(request);
        return;
      case "confirmed":
      case "terminated":
        // RFC 3261 §17.2.1: Confirmed absorbs ACK retransmissions.
        return;
    }
  }

  protected enter(to: InviteServerState): void {
    const { timers } = this.ctx;
    switch (to) {
      case "completed":
        // RFC 3261 §17.2.1: Timer G = T1 on unreliable transports, doubling up to T2.
        if (!this.reliable) this.retransmit("G", timers.t1, () => this.send(this.last!), (ms) => nextInterval("G", ms, timers));
        // RFC 3261 §17.2.1: Timer H = 64*T1 for all transports: no ACK came.
        this.timers.start("H", timerDuration("H", timers, this.reliable), () => {
          this.transition("terminated");
          this.user.onFailure({ reason: "timeout", timer: "H" });
        });
        return;
      case "confirmed":
        this.timers.stop("G");
        this.timers.stop("H");
        // RFC 3261 §17.2.1: Timer I = T4 on unreliable transports, 0 on reliable ones.
        this.timers.start("I", timerDuration("I", timers, this.reliable), () => this.transition("terminated"));
        return;
      case "accepted":
        // RFC 6026 §8.7: Timer L = 64*T1; the TU retransmits the 2xx, not us.
        this.timers.start("L", timerDuration("L", timers, this.reliable), () => this.transition("terminated"));
        return;
      case "proceeding":
      case "terminated":
        return;
    }
  }

  protected onTransportError(error: TransportError): void {
    // RFC 6026 §7.1 (Figure 7): Completed ends; Proceeding and Accepted only inform the TU.
    if (this.state === "completed") this.transition("terminated");
    if (this.state !== "confirmed") this.user.onFailure({ reason: "transport-error", error });
  }
}
