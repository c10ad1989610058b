// protocol.md §4-6 history of MemoryStore: messages (XEP-0359/0313 ids, XEP-0184
// delivery), calls, timeline and search; sqlite-history.ts in JavaScript.
import { clone, definedOnly, touch, type Tables } from "./memory-tables.js";
import { bodyProblem, callDuration, canMoveDelivery, compareTimeline, isBefore, searchTokens } from "./store-rules.js";
import {
  normaliseAddress,
  type Address,
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

/** Same order of precedence as SQLite: archive id (global), origin id, stanza id. */
export function findMessageIn(messages: Iterable<Message>, key: MessageKey): Message | undefined {
  const all = [...messages].sort((a, b) => a.id - b.id);
  const scoped = (x: Message) =>
    (key.conversationId === undefined || x.conversationId === key.conversationId) &&
    (key.direction === undefined || x.direction === key.direction);
  return (
    (key.archiveId ? all.find((x) => x.archiveId === key.archiveId) : undefined) ??
    (key.originId ? all.find((x) => scoped(x) && x.originId === key.originId) : undefined) ??
    (key.stanzaId ? all.find((x) => scoped(x) && x.stanzaId === key.stanzaId) : undefined)
  );
}

export function searchIn(messages: Iterable<Message>, text: string, limit: number, conversationId?: number): Message[] {
  const words = searchTokens(text);
  if (words.length === 0) return [];
  return [...messages]
    .filter((m) => conversationId === undefined || m.conversationId === conversationId)
    .filter((m) => {
      const have = new Set(searchTokens(m.body));
      return words.every((w) => have.has(w));
    })
    .sort((a, b) => b.at - a.at || b.id - a.id)
    .slice(0, Math.max(0, Math.trunc(limit)));
}

export type TimelineScope = {
  /** Conversations whose peer is the contact. */
  conversations: ReadonlySet<number>;
  /** True for an address of the contact. */
  owns: (address: Address) => boolean;
};

/** The last `limit` items before the cursor, oldest first. */
export function timelineIn(
  calls: Iterable<Call>,
  messages: Iterable<Message>,
  scope: TimelineScope,
  before: TimelineCursor | undefined,
  limit: number,
): TimelineItem[] {
  const items: TimelineItem[] = [
    ...[...calls]
      .filter((c) => scope.owns(c.peer) || (c.conversationId !== undefined && scope.conversations.has(c.conversationId)))
      .map((c): TimelineItem => ({ kind: "call", at: c.startedAt, call: c })),
    ...[...messages]
      .filter((m) => scope.conversations.has(m.conversationId))
      .map((m): TimelineItem => ({ kind: "message", at: m.at, message: m })),
  ];
  const page = items.filter((i) => isBefore(i, before)).sort(compareTimeline);
  const n = Math.max(0, Math.trunc(limit));
  return n === 0 ? [] : page.slice(-n);
}

// ------------------------------------------------------------ writes (MemoryStore's tables)

/** Merging contacts that share a thread: messages (minus duplicates) and calls move over. */
export function foldConversation(db: Tables, fromId: number, intoId: number): void {
  for (const m of [...db.messages.values()].filter((x) => x.conversationId === fromId)) {
    db.messages.delete(m.id);
    const moved = { ...m, conversationId: intoId };
    if (!findMessageIn(db.messages.values(), moved)) db.messages.set(m.id, moved);
  }
  for (const c of db.calls.values()) if (c.conversationId === fromId) c.conversationId = intoId;
  db.conversations.delete(fromId);
}

export function appendIn(db: Tables, input: MessageInput): AppendResult {
  const problem = bodyProblem(input.body);
  if (problem) return { status: "rejected", reason: problem };
  if (!db.conversations.has(input.conversationId)) return { status: "rejected", reason: "unknown-conversation" };
  const dup = findMessageIn(db.messages.values(), input);
  if (dup) {
    if (input.archiveId && !dup.archiveId) setArchiveIdIn(db, dup.id, input.archiveId);
    return { status: "duplicate", message: clone(dup) };
  }
  const m: Message = definedOnly({ ...input, id: ++db.seq, stateAt: input.stateAt ?? input.at });
  db.messages.set(m.id, m);
  touch(db, m.conversationId, m.at);
  return { status: "added", message: clone(m) };
}

export function setArchiveIdIn(db: Tables, id: number, archiveId: string): boolean {
  const m = db.messages.get(id);
  if (!m || m.archiveId !== undefined) return false;
  if ([...db.messages.values()].some((x) => x.archiveId === archiveId)) return false;
  m.archiveId = archiveId;
  return true;
}

export function updateDeliveryIn(db: Tables, id: number, state: DeliveryState, at: number): { changed: boolean; message?: Message } {
  const m = db.messages.get(id);
  if (!m) return { changed: false };
  if (!canMoveDelivery(m.state, state)) return { changed: false, message: clone(m) };
  m.state = state;
  m.stateAt = at;
  return { changed: true, message: clone(m) };
}

/** Idempotent on the SIP Call-ID, like the SQLite store. */
export function recordCallIn(db: Tables, input: CallInput): Call {
  const known = input.sipCallId ? [...db.calls.values()].find((x) => x.sipCallId === input.sipCallId) : undefined;
  if (known) return clone(known);
  const c: Call = definedOnly({ ...clone(input), id: ++db.seq, peer: normaliseAddress(input.peer), durationMs: callDuration(input) });
  db.calls.set(c.id, c);
  touch(db, c.conversationId, c.startedAt);
  return clone(c);
}

export function updateCallIn(db: Tables, id: number, patch: CallUpdate): Call | undefined {
  const old = db.calls.get(id);
  if (!old) return undefined;
  const merged = { ...old, ...definedOnly(clone(patch)) };
  const c: Call = definedOnly({ ...merged, durationMs: callDuration(merged) });
  db.calls.set(id, c);
  touch(db, c.conversationId, c.endedAt ?? c.answeredAt ?? c.startedAt);
  return clone(c);
}
