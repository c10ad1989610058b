// docs/api.md "Events" + the web-app contract: each server-sent event applied
// to the window's state (new messages and calls, receipts, typing, SIP state,
// presence, roster changes, subscription requests, the peer's DTMF).
import type { ApiEvent, ContactView } from "../api/types.js";
import { contactKey, normalAddress } from "./address.js";
import { addDtmf, upsertCall } from "./calls.js";
import { addItem, callItem, hasMessage, messageItem, setMessageState } from "./timeline.js";
import { applyChatState, stopTyping } from "./typing.js";
import { keyOfAddress, noteLive, tie, timelineOf, withTimeline, without, type AppState, type Notice } from "./store.js";

export type EventAction = { type: "event"; event: ApiEvent; now: number };

type NoticeBody = Notice extends infer N ? (N extends Notice ? Omit<N, "id"> : never) : never;

function notify(s: AppState, n: NoticeBody): AppState {
  return { ...s, notices: [...s.notices, { ...n, id: s.nextNotice } as Notice], nextNotice: s.nextNotice + 1 };
}

export function onEvent(s: AppState, a: EventAction): AppState {
  const e = a.event;
  switch (e.type) {
    case "message": return onMessage(s, e);
    case "messageState": return onMessageState(s, e.conversationId, e.messageId, e.state);
    case "chatState": return { ...s, typing: applyChatState(s.typing, keyFor(s, e.conversationId, e.from), e.state, a.now) };
    case "incomingCall": return onIncoming(s, e, a.now);
    case "call": return { ...s, calls: upsertCall(s.calls, e.call, a.now, { contactKey: s.calls[e.call.id]?.contactKey ?? keyOfAddress(s, e.call.remote) }) };
    case "callRecord": {
      const key = keyFor(s, e.conversationId ?? e.record.conversationId ?? undefined, e.record.peer);
      return withTimeline({ ...s, ...tie(s, e.conversationId, key) }, key, addItem(timelineOf(s, key), callItem(e.record)));
    }
    case "sipState": return onSipState(s, e.bare, e.contactState);
    case "subscriptionRequest": return onRequest(s, e.from, e.approved, a.now);
    case "registration": return s.status ? { ...s, status: { ...s.status, sip: { ...s.status.sip, registration: e.state } } } : s;
    case "presence": return onPresence(s, e);
    case "contact": return onContact(s, e.jid, e.removed === true, e.contact);
    case "dtmf": return { ...s, calls: addDtmf(s.calls, e.callId, e.digit) };
    default: return s; // an event type this page does not know yet
  }
}

/** The contact an event is about: by its conversation when known, else by address. */
function keyFor(s: AppState, conversationId: number | undefined, address: string): string {
  const byConversation = conversationId !== undefined ? s.conversations[conversationId] : undefined;
  return byConversation ?? keyOfAddress(s, address);
}

function onMessage(s: AppState, e: Extract<ApiEvent, { type: "message" }>): AppState {
  const m = e.message;
  const key = keyFor(s, e.conversationId, m.direction === "in" ? m.from : m.to);
  const fresh = !hasMessage(timelineOf(s, key), m.id);
  let out = withTimeline({ ...s, ...tie(s, e.conversationId, key) }, key, addItem(timelineOf(s, key), messageItem({ ...m, conversationId: e.conversationId })));
  out = ensureContact(out, key, m.direction === "in" ? m.from : m.to);
  if (m.direction !== "in" || !fresh) return out;
  out = { ...out, typing: stopTyping(out.typing, key) };
  const seen = out.selected === key && out.visible;
  if (!seen) out = { ...out, unread: { ...out.unread, [key]: (out.unread[key] ?? 0) + 1 } };
  return seen ? out : notify(out, { kind: "message", contactKey: key, text: m.body });
}

function onMessageState(s: AppState, conversationId: number, messageId: number, state: Parameters<typeof setMessageState>[2]): AppState {
  const known = s.conversations[conversationId];
  const keys = known ? [known] : Object.keys(s.timelines);
  for (const key of keys) {
    const t = timelineOf(s, key);
    if (hasMessage(t, messageId)) return { ...s, timelines: { ...s.timelines, [key]: setMessageState(t, messageId, state) } };
  }
  return s;
}

function onIncoming(s: AppState, e: Extract<ApiEvent, { type: "incomingCall" }>, now: number): AppState {
  const key = keyFor(s, e.conversationId, e.call.remote);
  const out = { ...s, ...tie(s, e.conversationId, key), calls: upsertCall(s.calls, e.call, now, { conversationId: e.conversationId, contactKey: key }) };
  return notify(out, { kind: "call", contactKey: key, callId: e.call.id, text: `Incoming ${e.call.kind === "video" ? "video " : ""}call` });
}

function onSipState(s: AppState, bare: string, state: ContactView["sipState"]): AppState {
  const jid = normalAddress(bare);
  const contacts = s.contacts.map((c) => (c.jids.some((j) => normalAddress(j) === jid) ? { ...c, sipState: state } : c));
  const key = keyOfAddress({ ...s, contacts }, jid);
  const watch = s.watches[key];
  const out = noteLive({ ...s, contacts }, key, state ? { sipState: state } : {});
  if (!watch || state !== "callable") return out;
  return notify({ ...out, watches: without(s.watches, key) }, { kind: "free", contactKey: key, dial: watch.dial, text: "is free now" });
}

function onRequest(s: AppState, from: string, approved: boolean, now: number): AppState {
  const jid = normalAddress(from);
  const rest = s.requests.filter((r) => normalAddress(r.jid) !== jid);
  return { ...s, requests: approved ? rest : [...rest, { jid, at: now }] };
}

function onPresence(s: AppState, e: Extract<ApiEvent, { type: "presence" }>): AppState {
  const self = s.status?.self?.jid;
  if (!e.jid || (self && normalAddress(e.jid) === normalAddress(self))) {
    const show = e.show === "chat" || e.show === "offline" ? "available" : e.show;
    return { ...s, presence: { show, ...(e.status !== undefined ? { status: e.status } : {}) } };
  }
  const jid = normalAddress(e.jid);
  const presence = { show: e.show, ...(e.status !== undefined ? { status: e.status } : {}) };
  const out = { ...s, contacts: s.contacts.map((c) => (c.jids.some((j) => normalAddress(j) === jid) ? { ...c, presence } : c)) };
  return noteLive(out, keyOfAddress(out, jid), { presence });
}

function onContact(s: AppState, jid: string, removed: boolean, contact: ContactView | undefined): AppState {
  const bare = normalAddress(jid);
  const rest = s.contacts.filter((c) => !c.jids.some((j) => normalAddress(j) === bare));
  if (removed) return { ...s, contacts: rest, selected: s.selected === bare ? null : s.selected };
  if (!contact) return s; // the app refetches GET /contacts
  const at = s.contacts.findIndex((c) => c.jids.some((j) => normalAddress(j) === bare));
  const contacts = at < 0 ? [...rest, contact] : s.contacts.map((c, i) => (i === at ? contact : c));
  return noteLive({ ...s, contacts }, bare, { ...(contact.sipState ? { sipState: contact.sipState } : {}), ...(contact.presence ? { presence: contact.presence } : {}) });
}

/** Someone not in the list wrote: shown as a contact of their own until the roster says more. */
function ensureContact(s: AppState, key: string, address: string): AppState {
  if (s.contacts.some((c) => contactKey(c) === key)) return s;
  const a = normalAddress(address);
  const c: ContactView = a.startsWith("sip:") ? { jids: [], sip: [a], tel: [], links: [] } : a.startsWith("tel:") ? { jids: [], sip: [], tel: [a], links: [] } : { jids: [a], sip: [], tel: [], links: [] };
  return { ...s, contacts: [...s.contacts, c] };
}
