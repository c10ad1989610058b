// XEP-0085 as the daemon reports it (`chatState` events): whether the peer is
// typing now. "composing" shows "typing…" until the peer pauses, sends, or 30 s
// pass without a fresh notice (a lost "paused" must not leave it up forever).
import type { ChatState } from "../api/types.js";

export const COMPOSING_SHOWN_MS = 30_000;

export type Typing = Readonly<Record<string, { state: ChatState; until: number }>>;

export function applyChatState(t: Typing, key: string, state: ChatState, now: number): Typing {
  if (state !== "composing") {
    if (!(key in t)) return t;
    const { [key]: _gone, ...rest } = t;
    return rest;
  }
  return { ...t, [key]: { state, until: now + COMPOSING_SHOWN_MS } };
}

export function isTyping(t: Typing, key: string, now: number): boolean {
  const s = t[key];
  return s !== undefined && s.state === "composing" && now < s.until;
}

/** A message from the peer ends their typing. */
export const stopTyping = (t: Typing, key: string): Typing => applyChatState(t, key, "active", 0);

/** When the next expiry falls (for one timer in the view), or undefined. */
export function nextExpiry(t: Typing, now: number): number | undefined {
  const times = Object.values(t).map((s) => s.until).filter((u) => u > now);
  return times.length ? Math.min(...times) : undefined;
}
