// XEP-0201 §3 thread ids as protocol.md §4 and §9 want them: 128 random bits in
// hex, never derived from SIP identifiers (Call-ID, tags, branches).
// One generator for the whole project: the XMPP client's (xmpp/chat/thread.ts).
export { newThreadId } from "../xmpp/index.js";

export const THREAD_ID_PATTERN = /^[0-9a-f]{32}$/;

/** True for a thread id of our own shape (peers may use any opaque string). */
export function isOurThreadId(value: string): boolean {
  return THREAD_ID_PATTERN.test(value);
}
