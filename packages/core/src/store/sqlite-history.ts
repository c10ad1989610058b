// protocol.md §4-6 history on SQLite: messages (XEP-0359/0313 ids, XEP-0184
// delivery), calls, the per-contact timeline and FTS5 search.
import { callOf, messageOf, type CallRow, type MessageRow, type Sql } from "./sqlite-rows.js";
import { bodyProblem, callDuration, canMoveDelivery, ftsQuery } from "./store-rules.js";
import {
  normaliseAddress,
  type AppendResult,
  type Call,
  type CallInput,
  type CallUpdate,
  type DeliveryState,
  type Message,
  type MessageInput,
  type MessageKey,
  type TimelineCursor,
  type TimelineItem,
} from "./types.js";

const MESSAGE = "SELECT * FROM messages WHERE ";

export function getMessage(sql: Sql, id: number): Message | undefined {
  const r = sql.get<MessageRow>(`${MESSAGE}id = ?`, id);
  return r && messageOf(r);
}

/** The stored message that carries any of these ids (archive id first, it is unique). */
export function findMessage(sql: Sql, key: MessageKey): Message | undefined {
  let r: MessageRow | undefined;
  if (key.archiveId) r = sql.get<MessageRow>(`${MESSAGE}archive_id = ?`, key.archiveId);
  // Exact columns only, so the (conversation_id, direction, *_id) indexes serve.
  const scope: string[] = [];
  const params: (string | number)[] = [];
  if (key.conversationId !== undefined) {
    scope.push("conversation_id = ?");
    params.push(key.conversationId);
  }
  if (key.direction !== undefined) {
    scope.push("direction = ?");
    params.push(key.direction);
  }
  for (const [column, value] of [["origin_id", key.originId], ["stanza_id", key.stanzaId]] as const) {
    if (r || !value) continue;
    const where = [`${column} = ?`, ...scope].join(" AND ");
    r = sql.get<MessageRow>(`${MESSAGE}${where} ORDER BY id LIMIT 1`, value, ...params);
  }
  return r && messageOf(r);
}

export function appendMessage(sql: Sql, input: MessageInput): AppendResult {
  const problem = bodyProblem(input.body);
  if (problem) return { status: "rejected", reason: problem };
  if (!sql.get(`SELECT 1 FROM conversations WHERE id = ?`, input.conversationId)) {
    return { status: "rejected", reason: "unknown-conversation" };
  }
  const dup = findMessage(sql, input);
  if (dup) {
    // A live message seen again through the archive: keep its archive id.
    if (input.archiveId && !dup.archiveId) setArchiveId(sql, dup.id, input.archiveId);
    return { status: "duplicate", message: getMessage(sql, dup.id)! };
  }
  const r = sql.run(
    `INSERT INTO messages (conversation_id, direction, from_jid, to_jid, body, stanza_id, origin_id, archive_id, state, at, state_at, markable, read_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    input.conversationId, input.direction, input.from, input.to, input.body,
    input.stanzaId, input.originId, input.archiveId, input.state, input.at, input.stateAt ?? input.at,
    input.markable ? 1 : 0, input.readAt,
  );
  sql.run(`UPDATE conversations SET last_activity = MAX(last_activity, ?) WHERE id = ?`, input.at, input.conversationId);
  return { status: "added", message: getMessage(sql, Number(r.lastInsertRowid))! };
}

export function updateDelivery(sql: Sql, id: number, state: DeliveryState, at: number): { changed: boolean; message?: Message } {
  const m = getMessage(sql, id);
  if (!m) return { changed: false };
  if (!canMoveDelivery(m.state, state)) return { changed: false, message: m };
  sql.run(`UPDATE messages SET state = ?, state_at = ? WHERE id = ?`, state, at, id);
  return { changed: true, message: getMessage(sql, id)! };
}

export function setArchiveId(sql: Sql, id: number, archiveId: string): boolean {
  if (sql.get(`SELECT 1 FROM messages WHERE archive_id = ?`, archiveId)) return false;
  return sql.run(`UPDATE messages SET archive_id = ? WHERE id = ? AND archive_id IS NULL`, archiveId, id).changes === 1;
}

const CALL = "SELECT * FROM calls WHERE ";

export function getCall(sql: Sql, id: number): Call | undefined {
  const r = sql.get<CallRow>(`${CALL}id = ?`, id);
  return r && callOf(r);
}

export function findCallBySipCallId(sql: Sql, sipCallId: string): Call | undefined {
  const r = sql.get<CallRow>(`${CALL}sip_call_id = ?`, sipCallId);
  return r && callOf(r);
}

/** Idempotent on the SIP Call-ID: a second record of one call returns the first. */
export function recordCall(sql: Sql, input: CallInput): Call {
  const known = input.sipCallId ? findCallBySipCallId(sql, input.sipCallId) : undefined;
  if (known) return known;
  const peer = normaliseAddress(input.peer);
  const r = sql.run(
    `INSERT INTO calls (conversation_id, direction, peer_kind, peer_value, outcome, started_at, answered_at, ended_at, duration_ms, stats, sip_call_id, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    input.conversationId, input.direction, peer.kind, peer.value, input.outcome, input.startedAt,
    input.answeredAt, input.endedAt, callDuration(input), input.stats && JSON.stringify(input.stats), input.sipCallId, input.reason,
  );
  touch(sql, input.conversationId, input.startedAt);
  return getCall(sql, Number(r.lastInsertRowid))!;
}

/** A call in a conversation counts as activity in it. */
function touch(sql: Sql, conversationId: number | undefined, at: number): void {
  if (conversationId !== undefined) sql.run(`UPDATE conversations SET last_activity = MAX(last_activity, ?) WHERE id = ?`, at, conversationId);
}

export function updateCall(sql: Sql, id: number, patch: CallUpdate): Call | undefined {
  const c = getCall(sql, id);
  if (!c) return undefined;
  const next = { ...c, ...definedOnly(patch) };
  sql.run(
    `UPDATE calls SET conversation_id = ?, outcome = ?, answered_at = ?, ended_at = ?, duration_ms = ?, stats = ?, reason = ? WHERE id = ?`,
    next.conversationId, next.outcome, next.answeredAt, next.endedAt, callDuration(next),
    next.stats && JSON.stringify(next.stats), next.reason, id,
  );
  touch(sql, next.conversationId, next.endedAt ?? next.answeredAt ?? next.startedAt);
  return getCall(sql, id);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type KeyRow = { kind: "call" | "message"; id: number; at: number };

const TIMELINE = `
SELECT kind, id, at FROM (
  SELECT 'call' AS kind, 0 AS k, id, started_at AS at FROM calls
   WHERE (peer_kind, peer_value) IN (SELECT kind, value FROM addresses WHERE contact_id = :contact)
      OR conversation_id IN (SELECT id FROM conversations WHERE peer_contact_id = :contact)
  UNION ALL
  SELECT 'message', 1, m.id, m.at FROM messages m JOIN conversations c ON c.id = m.conversation_id
   WHERE c.peer_contact_id = :contact
)`;

export function timeline(sql: Sql, contactId: number, before: TimelineCursor | undefined, limit: number): TimelineItem[] {
  const n = Math.max(0, Math.trunc(limit));
  const order = `ORDER BY at DESC, k DESC, id DESC LIMIT :limit`;
  const p = { contact: contactId, limit: n };
  let rows: KeyRow[];
  if (before === undefined) {
    rows = sql.allNamed<KeyRow>(`${TIMELINE} ${order}`, p);
  } else if (typeof before === "number") {
    rows = sql.allNamed<KeyRow>(`${TIMELINE} WHERE at < :at ${order}`, { ...p, at: before });
  } else {
    const cursor = { at: before.at, k: before.kind === "call" ? 0 : 1, id: before.id };
    rows = sql.allNamed<KeyRow>(`${TIMELINE} WHERE (at, k, id) < (:at, :k, :id) ${order}`, { ...p, ...cursor });
  }
  return rows.reverse().map((r): TimelineItem =>
    r.kind === "call" ? { kind: "call", at: r.at, call: getCall(sql, r.id)! } : { kind: "message", at: r.at, message: getMessage(sql, r.id)! },
  );
}

export function search(sql: Sql, text: string, limit: number, conversationId?: number): Message[] {
  const q = ftsQuery(text);
  if (!q) return [];
  const rows = sql.all<MessageRow>(
    `SELECT m.* FROM messages_fts f JOIN messages m ON m.id = f.rowid
      WHERE messages_fts MATCH ? AND m.conversation_id = COALESCE(?, m.conversation_id)
      ORDER BY m.at DESC, m.id DESC LIMIT ?`,
    q, conversationId, Math.max(0, Math.trunc(limit)),
  );
  return rows.map(messageOf);
}
