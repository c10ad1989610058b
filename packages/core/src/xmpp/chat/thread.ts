// XEP-0201 §3: thread ids; protocol.md §4: 128 random bits in hex per conversation.
import { randomBytes } from "node:crypto";

export function newThreadId(): string {
  return randomBytes(16).toString("hex");
}

/** A message id that is unique enough to use as XEP-0359 origin-id. */
export function newMessageId(): string {
  return randomBytes(12).toString("base64url");
}

/**
 * XEP-0201 §4: a reply reuses the thread of the message it answers; a new
 * conversation gets a fresh one. Remembers the thread per bare JID.
 */
export class ThreadBook {
  private readonly byPeer = new Map<string, string>();
  constructor(private readonly fresh: () => string = newThreadId) {}

  /** The thread to use for our next message to `peer`. */
  forPeer(peerBare: string): string {
    let t = this.byPeer.get(peerBare);
    if (!t) {
      t = this.fresh();
      this.byPeer.set(peerBare, t);
    }
    return t;
  }

  /** A message from `peer` in `thread`: our replies continue it. */
  received(peerBare: string, thread: string): void {
    this.byPeer.set(peerBare, thread);
  }
}
