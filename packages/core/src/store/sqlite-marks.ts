// XEP-0333 §4 (a marker covers the earlier messages) and the unread state on
// SQLite: moves "up to" a message in timeline order (at, then id).
import { messageOf, type MessageRow, type Sql } from "./sqlite-rows.js";
import { DELIVERY_MOVES } from "./store-rules.js";
import type { DeliveryState, Message } from "./types.js";

/** The (at, id) bound of `upTo` when it is a message of this conversation. */
function bound(sql: Sql, conversationId: number, upTo: number): { at: number; id: number } | undefined {
  return sql.get<{ at: number; id: number }>(`SELECT at, id FROM messages WHERE id = ? AND conversation_id = ?`, upTo, conversationId);
}

export function updateDeliveryUpTo(sql: Sql, conversationId: number, upTo: number, state: DeliveryState, at: number): Message[] {
  const b = bound(sql, conversationId, upTo);
  if (!b) return [];
  const from = (Object.keys(DELIVERY_MOVES) as DeliveryState[]).filter((s) => DELIVERY_MOVES[s].includes(state));
  if (from.length === 0) return [];
  const rows = sql.all<MessageRow>(
    `SELECT * FROM messages WHERE conversation_id = ? AND direction = 'out' AND (at, id) <= (?, ?)
      AND state IN (${from.map(() => "?").join(", ")}) ORDER BY at, id`,
    conversationId, b.at, b.id, ...from,
  );
  for (const r of rows) sql.run(`UPDATE messages SET state = ?, state_at = ? WHERE id = ?`, state, at, r.id);
  return rows.map((r) => ({ ...messageOf(r), state, stateAt: at }));
}

export function markRead(sql: Sql, conversationId: number, upTo: number | undefined, at: number): Message[] {
  const b = upTo === undefined ? { at: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER } : bound(sql, conversationId, upTo);
  if (!b) return [];
  const rows = sql.all<MessageRow>(
    `SELECT * FROM messages WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL AND (at, id) <= (?, ?) ORDER BY at, id`,
    conversationId, b.at, b.id,
  );
  for (const r of rows) sql.run(`UPDATE messages SET read_at = ? WHERE id = ?`, at, r.id);
  return rows.map((r) => ({ ...messageOf(r), readAt: at }));
}

export function unreadCount(sql: Sql, conversationId: number): number {
  return sql.get<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'in' AND read_at IS NULL`, conversationId)?.n ?? 0;
}
