// RFC 3261 §13-§15, RFC 3264: what a call exposes as data: outcomes, hold state, and the SDP hooks it is given.
import type { InfoValue } from "../message/index.js";

/** The SDP direction attribute (RFC 3264 §5.1, §8.4); hold is sendonly or inactive. */
export type MediaDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/**
 * One call's media, supplied by the application (e.g. sdp/ + media/ RtpSession). The call
 * never reads SDP itself: it carries offers and answers (RFC 3264) between these hooks and the wire.
 */
export interface CallMedia {
  /** An offer for the INVITE, a re-INVITE or an UPDATE; `direction` is what we want (hold: sendonly). */
  offer(direction: MediaDirection): string | Promise<string>;
  /** The answer to a received offer; `direction` is what we want on our side. */
  answer(offer: string, direction: MediaDirection): string | Promise<string>;
  /** The peer's answer to our last offer (also early media from a 183). */
  applyAnswer(answer: string): void | Promise<void>;
  /** RFC 4733 telephone-events (or whatever the media layer does with them). */
  sendDtmf?(digits: string): void | Promise<void>;
  /** The call ended: stop sending, release ports. */
  close(): void | Promise<void>;
  /** The application's per-call media choice (OutgoingCallOptions/AnswerOptions `mediaSpec`), opaque to sip/. */
  choose?(spec: unknown): void;
}

export type MediaHooks = {
  create(call: { callId: string; direction: "outgoing" | "incoming" }): CallMedia;
};

/** How a call ended: expected outcomes are data, never exceptions. */
export type CallEnd =
  | { reason: "hangup"; by: "local" | "remote" }
  | { reason: "busy"; status: number }
  | { reason: "declined"; status: number }
  | { reason: "rejected"; status: number }
  | { reason: "cancelled" }
  | { reason: "timeout" }
  | { reason: "unreachable" }
  | { reason: "auth-failed" }
  /** Incoming: answered 302 by our call-forwarding settings. */
  | { reason: "forwarded"; target: string }
  /** RFC 4028 §10: no session refresh came in time. */
  | { reason: "session-expired" }
  /** Ended after a successful transfer (REFER either way). */
  | { reason: "transferred" }
  /** Incoming: we answered 2xx and no ACK came within 64*T1 (RFC 3261 §13.3.1.4); we sent BYE. */
  | { reason: "no-ack" }
  /** Incoming: nobody answered within `ringTimeoutMs`; we answered 480. */
  | { reason: "no-answer" }
  /** A request of ours inside the dialog failed in a way that ends it (RFC 5057 §5.1; no response: RFC 3261 §12.2.1.2). */
  | { reason: "dialog-failed"; method: string; status?: number };

/** RFC 3261 §21: a final failure status as an outcome. */
export function endForStatus(status: number): CallEnd {
  if (status === 486 || status === 600) return { reason: "busy", status };
  if (status === 603) return { reason: "declined", status };
  if (status === 408) return { reason: "timeout" };
  return { reason: "rejected", status };
}

export type HoldState = { local: boolean; remote: boolean };

/** RFC 3515 §2.4.5: the status line of a NOTIFY's message/sipfrag body. */
export type TransferProgress = { status: number; reason: string; final: boolean };

/** Call-Info values received on INVITE, 18x or 200 (RFC 3261 §20.9, RFC 6993). */
export type CallInfoEvent = { values: InfoValue[]; raw: string[] };

/** RFC 3261 §13.3.1.4, §15; RFC 4028; call forwarding settings. */
export type CallConfig = {
  /** Calls at once before a new INVITE is answered 486 (call waiting below it). Default 4. */
  maxCalls: number;
  forward?: ForwardConfig;
  /** RFC 4028 §5: the smallest session interval we accept (Min-SE). Default 90. */
  minSessionExpires: number;
  /** Methods we answer (Allow). */
  allow: readonly string[];
  userAgent?: string;
  /**
   * How long an incoming call rings before we answer it `480 Temporarily Unavailable` and it ends as
   * `no-answer` (stored as missed). Default 60 000 ms: a minute is what people expect a phone to ring,
   * and it stays below the INVITE time-outs proxies use (Kamailio's fr_inv_timer is 120 s in Debian's
   * stock script), so our 480 reaches the caller instead of the proxy's 408. 0 or less: ring until cancelled.
   */
  ringTimeoutMs: number;
};

export type ForwardConfig =
  | { when: "always"; target: string }
  | { when: "busy"; target: string }
  | { when: "no-answer"; target: string; afterSeconds: number };

export const ALLOW = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "UPDATE", "REFER", "NOTIFY", "MESSAGE", "INFO"] as const;

export const DEFAULT_CALL_CONFIG: CallConfig = { maxCalls: 4, minSessionExpires: 90, allow: ALLOW, ringTimeoutMs: 60_000 };
