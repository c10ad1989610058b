// The window's state as a pure reducer over API answers, SSE events and user
// actions (docs/api.md + the web-app contract). Views render it; side effects
// (fetches, notifications, dialling) live in the app and read `notices`.
import type { CallStats, CallView, ContactView, Conversation, HistoryPage, Message, OwnPresence, PeerPresence, SipState, Status, SubscriptionRequest } from "../api/types.js";
import { contactKey, findContact, normalAddress } from "./address.js";
import { setStats, upsertAnswered, replaceCalls, type Calls } from "./calls.js";
import { initialConnection, move, type Connection, type ConnState } from "./connection.js";
import { addLocal, applyPage, emptyTimeline, failLocal, lastActivity, resolveLocal, type LocalMessage, type Timeline } from "./timeline.js";
import type { Typing } from "./typing.js";
import { onEvent, type EventAction } from "./on-event.js";

/** Something the app acts on once: a browser notification, "free now", a dial. */
export type Notice =
  | { id: number; kind: "message"; contactKey: string; text: string }
  | { id: number; kind: "call"; contactKey?: string; callId: string; text: string }
  | { id: number; kind: "free"; contactKey: string; dial: boolean; text: string };

export type AppState = {
  connection: Connection;
  status: Status | null;
  presence: OwnPresence;
  contacts: ContactView[];
  requests: SubscriptionRequest[];
  timelines: Readonly<Record<string, Timeline>>;
  /** conversation id -> contact key */
  conversations: Readonly<Record<number, string>>;
  activity: Readonly<Record<string, number>>;
  unread: Readonly<Record<string, number>>;
  calls: Calls;
  typing: Typing;
  selected: string | null;
  visible: boolean;
  /** "Tell me when free": contact key -> dial when they are. */
  watches: Readonly<Record<string, { dial: boolean }>>;
  notices: Notice[];
  nextNotice: number;
  /** Events applied so far; a GET /contacts started before event N must not undo it. */
  eventSeq: number;
  /** Per contact: SIP state and presence as the latest event said, and that event's number. */
  live: Readonly<Record<string, { sipState?: SipState; presence?: PeerPresence; seq: number }>>;
};

export const initialState = (): AppState => ({
  connection: initialConnection, status: null, presence: { show: "available" }, contacts: [], requests: [],
  timelines: {}, conversations: {}, activity: {}, unread: {}, calls: {}, typing: {}, selected: null, visible: true,
  watches: {}, notices: [], nextNotice: 1, eventSeq: 0, live: {},
});

export type Action =
  | EventAction
  | { type: "connection"; state: ConnState }
  | { type: "status"; status: Status }
  | { type: "contacts"; contacts: ContactView[]; requests?: SubscriptionRequest[]; since?: number }
  | { type: "conversations"; list: Conversation[] }
  | { type: "loading"; key: string }
  | { type: "page"; key: string; page: HistoryPage; older: boolean }
  | { type: "callsList"; calls: CallView[]; now: number }
  | { type: "placed"; call: CallView; conversationId?: number; contactKey?: string; now: number }
  | { type: "stats"; callId: string; stats: CallStats }
  | { type: "localSend"; key: string; message: LocalMessage }
  | { type: "sent"; key: string; localId: string; conversationId: number; message: Message }
  | { type: "sendFailed"; key: string; localId: string; error: string }
  | { type: "discardLocal"; key: string; localId: string }
  | { type: "select"; key: string | null }
  | { type: "visible"; visible: boolean }
  | { type: "watch"; key: string; dial: boolean }
  | { type: "unwatch"; key: string }
  | { type: "noticeDone"; id: number }
  | { type: "ownPresence"; presence: OwnPresence };

export function reduce(s: AppState, a: Action): AppState {
  const next = reduceOne(s, a);
  return next.calls === s.calls && next.timelines === s.timelines ? next : tieCalls(next);
}

/**
 * protocol.md §5: a call's conversation. Events say it when the call comes in;
 * a page reloaded during a call (GET /calls has no conversation) finds it
 * through the stored call record with the same SIP Call-ID.
 */
function tieCalls(s: AppState): AppState {
  const loose = Object.values(s.calls).filter((c) => c.conversationId === undefined);
  if (loose.length === 0) return s;
  const calls = { ...s.calls };
  for (const c of loose) {
    for (const [key, t] of Object.entries(s.timelines)) {
      const r = t.items.find((i) => i.kind === "call" && i.sipCallId === c.call.id && i.conversationId != null);
      if (r?.conversationId != null) calls[c.call.id] = { ...c, conversationId: r.conversationId, contactKey: c.contactKey ?? key };
    }
  }
  return { ...s, calls };
}

function reduceOne(s: AppState, a: Action): AppState {
  switch (a.type) {
    case "connection": return { ...s, connection: move(s.connection, a.state).next };
    case "status": return { ...s, status: a.status, presence: a.status.presence ?? s.presence };
    case "contacts": return withContacts(s, a.contacts, a.requests, a.since);
    case "conversations": return withConversations(s, a.list);
    case "loading": return { ...s, timelines: { ...s.timelines, [a.key]: { ...timelineOf(s, a.key), loading: true } } };
    case "page": return withPage(s, a.key, a.page, a.older);
    case "callsList": return { ...s, calls: keyCalls(s, replaceCalls(s.calls, a.calls, a.now)) };
    case "placed": return { ...s, calls: upsertAnswered(s.calls, a.call, a.now, { conversationId: a.conversationId, contactKey: a.contactKey ?? s.calls[a.call.id]?.contactKey ?? keyOfAddress(s, a.call.remote) }), ...tie(s, a.conversationId, a.contactKey) };
    case "stats": return { ...s, calls: setStats(s.calls, a.callId, a.stats) };
    case "localSend": return { ...s, timelines: { ...s.timelines, [a.key]: addLocal(timelineOf(s, a.key), a.message) } };
    case "sent": return withTimeline({ ...s, ...tie(s, a.conversationId, a.key) }, a.key, resolveLocal(timelineOf(s, a.key), a.localId, a.message));
    case "sendFailed": return { ...s, timelines: { ...s.timelines, [a.key]: failLocal(timelineOf(s, a.key), a.localId, a.error) } };
    case "discardLocal": {
      const t = timelineOf(s, a.key);
      return { ...s, timelines: { ...s.timelines, [a.key]: { ...t, local: t.local.filter((l) => l.localId !== a.localId) } } };
    }
    case "select": return { ...s, selected: a.key, unread: a.key ? { ...s.unread, [a.key]: 0 } : s.unread };
    case "visible": return { ...s, visible: a.visible, unread: a.visible && s.selected ? { ...s.unread, [s.selected]: 0 } : s.unread };
    case "watch": return { ...s, watches: { ...s.watches, [a.key]: { dial: a.dial } } };
    case "unwatch": return { ...s, watches: without(s.watches, a.key) };
    case "noticeDone": return { ...s, notices: s.notices.filter((n) => n.id !== a.id) };
    case "ownPresence": return { ...s, presence: a.presence };
    default: return onEvent({ ...s, eventSeq: s.eventSeq + 1 }, a);
  }
}

export const timelineOf = (s: AppState, key: string): Timeline => s.timelines[key] ?? emptyTimeline();

export function without<T>(r: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = r;
  return rest;
}

/** The contact key for an address: a known contact's, else the address itself (a stranger). */
export function keyOfAddress(s: AppState, address: string): string {
  const c = findContact(s.contacts, address);
  return c ? contactKey(c) : normalAddress(address);
}

export function tie(s: AppState, conversationId: number | undefined, key: string | undefined): Pick<AppState, "conversations"> {
  if (conversationId === undefined || !key || s.conversations[conversationId] === key) return { conversations: s.conversations };
  return { conversations: { ...s.conversations, [conversationId]: key } };
}

/** Remembers what an event said about a contact (see `live`). */
export function noteLive(s: AppState, key: string, what: { sipState?: SipState; presence?: PeerPresence }): AppState {
  return { ...s, live: { ...s.live, [key]: { ...s.live[key], ...what, seq: s.eventSeq } } };
}

export function withTimeline(s: AppState, key: string, t: Timeline): AppState {
  const at = lastActivity(t);
  const activity = at > (s.activity[key] ?? 0) ? { ...s.activity, [key]: at } : s.activity;
  return { ...s, timelines: { ...s.timelines, [key]: t }, activity };
}

/** Calls the page learnt from GET /calls get their contact from the remote address. */
function keyCalls(s: AppState, calls: Calls): Calls {
  return Object.fromEntries(Object.entries(calls).map(([id, c]) => [id, c.contactKey ? c : { ...c, contactKey: keyOfAddress(s, c.call.remote) }]));
}

function withContacts(s: AppState, fetched: ContactView[], requests?: SubscriptionRequest[], since?: number): AppState {
  const unread = { ...s.unread };
  for (const c of fetched) if (c.unread !== undefined && contactKey(c) !== s.selected) unread[contactKey(c)] = c.unread;
  // An answer fetched before a newer event keeps what that event said.
  const contacts = fetched.map((c) => {
    const l = s.live[contactKey(c)];
    if (!l || since === undefined || l.seq <= since) return c;
    return { ...c, ...(l.sipState ? { sipState: l.sipState } : {}), ...(l.presence ? { presence: l.presence } : {}) };
  });
  return { ...s, contacts, unread, requests: requests ?? s.requests };
}

function withConversations(s: AppState, list: Conversation[]): AppState {
  let out = s;
  for (const c of list) {
    const byId = s.contacts.find((x) => x.id !== undefined && x.id === c.peerContactId);
    const key = byId ? contactKey(byId) : c.peerJid ? keyOfAddress(s, c.peerJid) : undefined;
    if (!key) continue;
    out = { ...out, ...tie(out, c.id, key) };
    if (c.lastActivity > (out.activity[key] ?? 0)) out = { ...out, activity: { ...out.activity, [key]: c.lastActivity } };
  }
  return out;
}

function withPage(s: AppState, key: string, page: HistoryPage, older: boolean): AppState {
  let out = s;
  for (const i of page.items) if (i.conversationId != null) out = { ...out, ...tie(out, i.conversationId, key) };
  return withTimeline(out, key, applyPage(timelineOf(s, key), page, older));
}
