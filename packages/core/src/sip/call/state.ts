// RFC 3261 §13 (INVITE) call states for each side, as checked transition tables.
//
// Outgoing:                                   Incoming:
//   calling --1xx--> ringing                     incoming --180--> ringing
//      |  \            |  \ cancel()                |  \             | answer(): 2xx sent
//      |   \ cancel()  |   V                        |   \ reject()   V
//      |    +------> cancelling --487/timeout--+    |    \         answering --ACK--> established
//      | 2xx           | 2xx (ACK, BYE)        |    |     \          | no ACK (64*T1)     |
//      V               V                       V    V      V         V                    | BYE
//   established --hangup()--> ending --200--> ended <-----------------+-------- ending <--+
import { Emitter } from "../../util/events.js";
import type { StateChange, TransitionTable } from "../transaction/index.js";

export type OutgoingCallState = "calling" | "ringing" | "cancelling" | "established" | "ending" | "ended";
export type IncomingCallState = "incoming" | "ringing" | "answering" | "established" | "ending" | "ended";
export type CallState = OutgoingCallState | IncomingCallState;

export const OUTGOING_TRANSITIONS: TransitionTable<OutgoingCallState> = {
  calling: ["ringing", "cancelling", "established", "ended"],
  ringing: ["cancelling", "established", "ended"],
  cancelling: ["ended"],
  established: ["ending", "ended"],
  ending: ["ended"],
  ended: [],
};

export const INCOMING_TRANSITIONS: TransitionTable<IncomingCallState> = {
  incoming: ["ringing", "answering", "ended"],
  ringing: ["answering", "ended"],
  answering: ["established", "ending", "ended"],
  established: ["ending", "ended"],
  ending: ["ended"],
  ended: [],
};

/** One checked move method; emits `{ from, to }` after the move. An invalid move is a bug and throws. */
export class StateMachine<S extends string> {
  readonly events = new Emitter<{ state: StateChange<S> }>();

  constructor(
    private readonly name: string,
    private readonly table: TransitionTable<S>,
    private current: S,
  ) {}

  get state(): S {
    return this.current;
  }

  can(to: S): boolean {
    return this.table[this.current].includes(to);
  }

  transition(to: S): void {
    const from = this.current;
    if (!this.can(to)) throw new Error(`${this.name}: no transition ${from} -> ${to}`);
    this.current = to;
    this.events.emit("state", { from, to });
  }
}
