// RFC 3261 §8.1, §12, §17: what a call needs from its user agent core (injected; every member required).
import type { Clock } from "../../util/clock.js";
import type { Logger } from "../../util/log.js";
import type { DigestSession } from "../auth/index.js";
import type { Dialog, ViaSpec } from "../dialog/index.js";
import type { SipRequest } from "../message/index.js";
import type { ClientTransactionUser, ServerTransaction, TimerConfig } from "../transaction/index.js";
import type { Call } from "./call.js";
import type { CallConfig, MediaHooks } from "./types.js";

/** Whoever owns a dialog gets the requests and ACKs sent in it. */
export interface DialogUser {
  onRequest(request: SipRequest, transaction: ServerTransaction): void;
  onAck(ack: SipRequest): void;
}

export interface CallContext {
  readonly clock: Clock;
  readonly log: Logger;
  readonly timers: TimerConfig;
  readonly config: CallConfig;
  readonly media: MediaHooks;
  /** A fresh digest session (one per call or MESSAGE: challenges are per request chain, RFC 3261 §22.2). */
  newDigest(): DigestSession;
  /** No 2xx retransmissions needed (RFC 3261 §13.3.1.4 only asks them on unreliable transports). */
  readonly reliableTransport: boolean;
  /** Our From (name-addr, no tag) for requests outside dialogs. */
  readonly identity: string;
  /** Route values preloaded on requests outside dialogs (outbound proxy, RFC 3261 §8.1.2). */
  readonly outboundRoutes: readonly string[];
  via(): ViaSpec;
  /** Our Contact value (`<sip:...>`; the GRUU when registration got one). */
  contact(): string;
  /** The Contact for calls that hide our identity (RFC 3323): the temp-gruu when we have one (RFC 5627 §3.1). */
  anonymousContact(): string;
  /** Sends through a client transaction towards the request's next hop; failures come back to `user`. */
  request(request: SipRequest, user: ClientTransactionUser): void;
  /** Sends an ACK for a 2xx straight to the transport (RFC 3261 §13.2.2.4: no transaction). */
  sendAck(ack: SipRequest): void;
  bindDialog(dialog: Dialog, user: DialogUser): void;
  unbindDialog(dialog: Dialog): void;
  /** RFC 3515 §2.4.2: a call placed for a REFER we accepted. */
  placeCall(target: string, referredBy: Call): Call;
  /** RFC 3428 §5: a MESSAGE inside a dialog, passed up like one outside. */
  deliverMessage(request: SipRequest): void;
  /** [0, 1) for the §14.1 glare interval. */
  random(): number;
}

/** A client transaction user that ignores what comes back (BYE of a late fork, NOTIFY...). */
export const IGNORE_RESPONSES: ClientTransactionUser = { onResponse: () => undefined, onFailure: () => undefined };
