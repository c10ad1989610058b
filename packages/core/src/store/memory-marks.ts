// XEP-0333 §4 (a marker covers the earlier messages) and the unread state of
// MemoryStore; sqlite-marks.ts in JavaScript.
import { clone, type Tables } from "./memory-tables.js";
import { atOrBefore, canMoveDelivery } from "./store-rules.js";
import type { DeliveryState, Message } from "./types.js";

function inConversation(db: Tables, conversationId: number, direction: "in" | "out"): Message[] {
  return [...db.messages.values()]
    .filter((m) => m.conversationId === conversationId && m.direction === direction)
    .sort((a, b) => a.at - b.at || a.id - b.id);
}

export function updateDeliveryUpToIn(db: Tables, conversationId: number, upTo: number, state: DeliveryState, at: number): Message[] {
  const b = db.messages.get(upTo);
  if (!b || b.conversationId !== conversationId) return [];
  const moved = inConversation(db, conversationId, "out").filter((m) => atOrBefore(m, b) && canMoveDelivery(m.state, state));
  for (const m of moved) {
    m.state = state;
    m.stateAt = at;
  }
  return clone(moved);
}

export function markReadIn(db: Tables, conversationId: number, upTo: number | undefined, at: number): Message[] {
  const b = upTo === undefined ? undefined : db.messages.get(upTo);
  if (upTo !== undefined && (!b || b.conversationId !== conversationId)) return [];
  const read = inConversation(db, conversationId, "in").filter((m) => m.readAt === undefined && (!b || atOrBefore(m, b)));
  for (const m of read) m.readAt = at;
  return clone(read);
}

export function unreadCountIn(db: Tables, conversationId: number): number {
  return inConversation(db, conversationId, "in").filter((m) => m.readAt === undefined).length;
}
