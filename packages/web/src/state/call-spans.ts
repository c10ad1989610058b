// UC-e and protocol.md §6: a message written during a call belongs to the
// call's conversation. The timeline shows such messages inside the call: a
// span per call (stored or still up) over its conversation and time.
import type { Entry } from "./timeline.js";

export type CallSpan = { conversationId: number; from: number; to: number; live: boolean };

export type LiveCall = { conversationId?: number; since: number };

export function callSpans(entries: readonly Entry[], live: readonly LiveCall[], now: number): CallSpan[] {
  const spans: CallSpan[] = [];
  for (const e of entries) {
    if (e.kind !== "call" || e.conversationId == null) continue;
    const to = e.endedAt ?? (e.outcome === "ongoing" ? now : e.at);
    if (to > e.at || e.outcome === "ongoing") spans.push({ conversationId: e.conversationId, from: e.at, to, live: e.outcome === "ongoing" });
  }
  for (const c of live) {
    if (c.conversationId === undefined) continue;
    if (spans.some((s) => s.conversationId === c.conversationId && s.live)) continue;
    spans.push({ conversationId: c.conversationId, from: c.since, to: now, live: true });
  }
  return spans;
}

/** The call span a message sits in, if it was written during that call in its conversation. */
export function spanOf(e: Entry, spans: readonly CallSpan[]): CallSpan | undefined {
  if (e.kind === "call" || e.conversationId == null) return undefined;
  return spans.find((s) => s.conversationId === e.conversationId && e.at >= s.from && (s.live || e.at <= s.to));
}
