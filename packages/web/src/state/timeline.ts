// docs/api.md GET /history (+ `before`/`next` paging) and the `message`,
// `messageState` and `callRecord` events: one contact's timeline, messages and
// calls interleaved oldest first, deduplicated by id when a page and an event
// overlap, with the messages we are still sending (or failed to) kept beside.
import type { CallRecord, HistoryPage, Message, MessageState, TimelineItem } from "../api/types.js";

export type LocalMessage = {
  kind: "local";
  localId: string;
  body: string;
  at: number;
  state: "pending" | "failed";
  /** The conversation it goes to (the call's during a call, UC-e). */
  conversationId?: number;
  error?: string;
};

export type Timeline = {
  items: TimelineItem[];
  local: LocalMessage[];
  /** Cursor for the page before the oldest item; null: nothing older; undefined: not loaded yet. */
  next: string | null | undefined;
  loading: boolean;
};

export type Entry = TimelineItem | LocalMessage;

export const emptyTimeline = (): Timeline => ({ items: [], local: [], next: undefined, loading: false });

export const itemKey = (i: Entry): string => (i.kind === "local" ? `local:${i.localId}` : `${i.kind}:${i.id}`);

const RANK: Record<MessageState, number> = { pending: 0, sent: 1, failed: 1, delivered: 2, displayed: 3 };

/** A receipt never goes backwards: delivered then a late "sent" stays delivered. */
export function laterState(current: MessageState, incoming: MessageState): MessageState {
  return RANK[incoming] >= RANK[current] ? incoming : current;
}

function mergeOne(old: TimelineItem, incoming: TimelineItem): TimelineItem {
  if (old.kind === "message" && incoming.kind === "message") return { ...incoming, state: laterState(old.state, incoming.state) };
  return incoming;
}

const byTime = (a: Entry, b: Entry) => a.at - b.at || (itemKey(a) < itemKey(b) ? -1 : itemKey(a) > itemKey(b) ? 1 : 0);

/** Items of both lists, each id once (the newer copy, receipts kept), oldest first. */
export function mergeItems(existing: readonly TimelineItem[], incoming: readonly TimelineItem[]): TimelineItem[] {
  const map = new Map(existing.map((i) => [itemKey(i), i] as const));
  for (const i of incoming) {
    const old = map.get(itemKey(i));
    map.set(itemKey(i), old ? mergeOne(old, i) : i);
  }
  return [...map.values()].sort(byTime);
}

/** A page of history: the first one (no `before`) or an older one; `next` moves back only with older pages. */
export function applyPage(t: Timeline, page: HistoryPage, older: boolean): Timeline {
  const next = page.next === undefined ? null : page.next;
  return { ...t, items: mergeItems(t.items, page.items), next: older || t.next === undefined ? next : t.next, loading: false };
}

export const messageItem = (m: Message): TimelineItem => ({ kind: "message", ...m });
export const callItem = (r: CallRecord): TimelineItem => ({ kind: "call", at: r.startedAt, ...r });

export function addItem(t: Timeline, item: TimelineItem): Timeline {
  return { ...t, items: mergeItems(t.items, [item]) };
}

export function setMessageState(t: Timeline, messageId: number, state: MessageState): Timeline {
  let changed = false;
  const items = t.items.map((i) => {
    if (i.kind !== "message" || i.id !== messageId) return i;
    changed = true;
    return { ...i, state: laterState(i.state, state) };
  });
  return changed ? { ...t, items } : t;
}

export const hasMessage = (t: Timeline, messageId: number): boolean => t.items.some((i) => i.kind === "message" && i.id === messageId);

export function addLocal(t: Timeline, m: LocalMessage): Timeline {
  return { ...t, local: [...t.local.filter((l) => l.localId !== m.localId), m] };
}

/** The daemon stored what we sent: the local copy gives way to the stored one. */
export function resolveLocal(t: Timeline, localId: string, message: Message): Timeline {
  return { ...addItem(t, messageItem(message)), local: t.local.filter((l) => l.localId !== localId) };
}

export function failLocal(t: Timeline, localId: string, error: string): Timeline {
  return { ...t, local: t.local.map((l) => (l.localId === localId ? { ...l, state: "failed" as const, error } : l)) };
}

/** What the window shows, oldest first: stored items, then what is still being sent. */
export function entries(t: Timeline): Entry[] {
  return [...t.items, ...[...t.local].sort(byTime)];
}

export function lastActivity(t: Timeline): number {
  const last = t.items[t.items.length - 1];
  return last ? (last.kind === "call" ? (last.endedAt ?? last.at) : last.at) : 0;
}

/** A call the user missed: an incoming one nobody answered. */
export const isMissed = (i: Entry): boolean => i.kind === "call" && i.direction === "in" && (i.outcome === "missed" || i.outcome === "cancelled");
