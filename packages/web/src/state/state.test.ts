// Unit tests of the window's state: contacts, timeline paging and dedupe,
// receipts, typing expiry, calls and their conversation (UC-e), presence,
// "tell me when free", connection back-off and drafts.
import { describe, expect, it } from "vitest";
import type { ApiEvent, CallRecord, CallView, ContactView, Message } from "../api/types.js";
import { dialTarget, displayName, findContact, normalAddress } from "./address.js";
import { callSpans, spanOf } from "./call-spans.js";
import { addDtmf, callPhase, callTimer, formatDuration, replaceCalls, ringingCalls, upsertCall } from "./calls.js";
import { backoffMs, move, initialConnection } from "./connection.js";
import { callability, initial, mediaOf, presenceDot, presenceText, sortContacts, statusLine } from "./contacts.js";
import { Drafts, memoryStorage } from "./drafts.js";
import { initialState, reduce, timelineOf, type Action, type AppState } from "./store.js";
import { addLocal, applyPage, emptyTimeline, entries, failLocal, isMissed, laterState, mergeItems, resolveLocal, setMessageState } from "./timeline.js";
import { applyChatState, isTyping, nextExpiry, COMPOSING_SHOWN_MS } from "./typing.js";

const bob: ContactView = { id: 3, name: "Bob", jids: ["bob@example.test"], sip: ["sip:bob@example.test"], tel: [], subscription: "both", sipState: "callable", links: [] };
const carol: ContactView = { id: 4, jids: ["carol@example.test"], sip: [], tel: [], subscription: "both", sipState: "unknown", links: [] };
const msg = (id: number, at: number, extra: Partial<Message> = {}): Message => ({
  id, conversationId: 7, direction: "in", from: "bob@example.test/phone", to: "alice@example.test", body: `m${id}`, state: "sent", at, ...extra,
});
const rec = (id: number, at: number, extra: Partial<CallRecord> = {}): CallRecord => ({ id, conversationId: 7, direction: "in", peer: "sip:bob@example.test", outcome: "answered", startedAt: at, endedAt: at + 60_000, ...extra });
const callView = (extra: Partial<CallView> = {}): CallView => ({ id: "c1", direction: "incoming", state: "incoming", remote: "sip:bob@example.test;gr=x", hold: { local: false, remote: false }, ...extra });
const ev = (event: ApiEvent, now = 1000): Action => ({ type: "event", event, now });
const run = (s: AppState, ...actions: Action[]) => actions.reduce(reduce, s);
const withBob = () => run(initialState(), { type: "contacts", contacts: [bob, carol] });

describe("addresses", () => {
  it("normalises JIDs, SIP URIs and numbers (D11) and finds their contact", () => {
    expect(normalAddress("Bob@Example.test/phone")).toBe("bob@example.test");
    expect(normalAddress("sips:bob@EXAMPLE.test;gr=urn:uuid:1")).toBe("sip:bob@example.test");
    expect(normalAddress("sip:+1 555-1234@pbx.test;user=phone")).toBe("tel:+15551234");
    expect(normalAddress('"Alice" <sip:alice@Example.test;gr=x>')).toBe("sip:alice@example.test");
    expect(findContact([carol, bob], "sip:bob@example.test;gr=abc")?.name).toBe("Bob");
    expect(findContact([carol, bob], "dave@example.test")).toBeUndefined();
    expect(displayName(carol)).toBe("carol");
  });

  it("turns what is typed in the dial field into a target", () => {
    expect(dialTarget("  +49 (30) 1234-5 ")).toBe("tel:+493012345");
    expect(dialTarget("dave@example.test")).toBe("sip:dave@example.test");
    expect(dialTarget("sip:dave@example.test;transport=tcp")).toBe("sip:dave@example.test;transport=tcp");
    expect(dialTarget("not a number")).toBeUndefined();
    expect(dialTarget("")).toBeUndefined();
  });
});

describe("contact list", () => {
  it("sorts by last activity, then name", () => {
    const dave: ContactView = { ...carol, id: 5, name: "Dave", jids: ["dave@example.test"] };
    const sorted = sortContacts([dave, carol, bob], { "carol@example.test": 50, "bob@example.test": 100 });
    expect(sorted.map(displayName)).toEqual(["Bob", "carol", "Dave"]);
  });

  it("renders presence and SIP state, deriving the dot when the daemon sends no peer presence", () => {
    expect(presenceDot(bob)).toBe("available");
    expect(presenceDot({ ...bob, sipState: "on-the-phone" })).toBe("dnd");
    expect(presenceDot(carol)).toBe("offline");
    expect(presenceDot({ ...bob, presence: { show: "away", status: "lunch" } })).toBe("away");
    expect(presenceText({ ...bob, presence: { show: "away", status: "lunch" } })).toBe("Away: lunch");
    expect(presenceText({ ...bob, presence: { show: "dnd" } })).toBe("Do not disturb");
    expect(presenceDot({ ...bob, presence: { show: "offline" } })).toBe("offline");
    expect(statusLine({ ...bob, sipState: "on-the-phone", presence: { show: "dnd", status: "On the phone" } })).toBe("On the phone");
    expect(statusLine({ ...bob, presence: { show: "away", status: "lunch" } })).toBe("Away: lunch · Callable");
  });

  it("says when and why a contact can be called, and their media", () => {
    expect(callability(bob)).toEqual({ ok: true, busy: false });
    expect(callability({ ...bob, sipState: "on-the-phone" })).toEqual({ ok: true, busy: true });
    expect(callability({ ...bob, sipState: "unreachable" })).toMatchObject({ ok: false, reason: "Bob is not reachable by phone right now" });
    expect(callability(carol)).toMatchObject({ ok: false, reason: "No SIP address known for carol" });
    expect(mediaOf(bob)).toEqual({ audio: true, video: false });
    expect(mediaOf({ ...bob, media: { audio: true, video: true } })).toEqual({ audio: true, video: true });
    expect(initial(carol)).toBe("C");
  });
});

describe("timeline", () => {
  it("pages back with next and dedupes an event that overlaps a page", () => {
    let t = applyPage(emptyTimeline(), { items: [{ kind: "message", ...msg(3, 30) }, { kind: "message", ...msg(4, 40) }], next: "c2" }, false);
    expect(t.next).toBe("c2");
    t = applyPage(t, { items: [{ kind: "message", ...msg(1, 10) }, { kind: "call", at: 20, ...rec(1, 20) }], next: null }, true);
    expect(t.next).toBeNull();
    // A newer first page (refetch on reconnect) keeps the cursor of the older pages.
    t = applyPage(t, { items: [{ kind: "message", ...msg(4, 40) }, { kind: "message", ...msg(5, 50) }], next: "c9" }, false);
    expect(t.next).toBeNull();
    expect(entries(t).map((e) => `${e.kind}${"id" in e ? e.id : ""}`)).toEqual(["message1", "call1", "message3", "message4", "message5"]);
  });

  it("never moves a receipt backwards, and marks missed calls", () => {
    expect(laterState("delivered", "sent")).toBe("delivered");
    expect(laterState("sent", "displayed")).toBe("displayed");
    const items = mergeItems([{ kind: "message", ...msg(1, 10, { state: "delivered" }) }], [{ kind: "message", ...msg(1, 10, { state: "sent" }) }]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ state: "delivered" });
    const t = setMessageState({ ...emptyTimeline(), items }, 1, "displayed");
    expect(t.items[0]).toMatchObject({ state: "displayed" });
    expect(isMissed({ kind: "call", at: 1, ...rec(2, 1, { outcome: "missed" }) })).toBe(true);
    expect(isMissed({ kind: "call", at: 1, ...rec(2, 1, { outcome: "missed", direction: "out" }) })).toBe(false);
  });

  it("keeps a message being sent beside the stored ones, then replaces it or marks it failed", () => {
    let t = addLocal(emptyTimeline(), { kind: "local", localId: "l1", body: "hi", at: 100, state: "pending" });
    t = addLocal(t, { kind: "local", localId: "l2", body: "there", at: 101, state: "pending" });
    t = failLocal(t, "l2", "offline");
    expect(t.local.map((l) => l.state)).toEqual(["pending", "failed"]);
    t = resolveLocal(t, "l1", msg(9, 100, { direction: "out", body: "hi" }));
    expect(entries(t).map((e) => e.kind)).toEqual(["message", "local"]);
  });
});

describe("calls in the timeline (UC-e)", () => {
  it("puts messages written during a call inside the call's conversation", () => {
    const items = [
      { kind: "call" as const, at: 100, ...rec(1, 100, { endedAt: 200 }) },
      { kind: "message" as const, ...msg(1, 150) },
      { kind: "message" as const, ...msg(2, 150, { conversationId: 8 }) },
      { kind: "message" as const, ...msg(3, 250) },
    ];
    const spans = callSpans(items, [], 1000);
    expect(items.map((i) => spanOf(i, spans) !== undefined)).toEqual([false, true, false, false]);
    const live = callSpans([], [{ conversationId: 8, since: 500 }], 1000);
    expect(spanOf({ kind: "message", ...msg(4, 900, { conversationId: 8 }) }, live)?.live).toBe(true);
    expect(spanOf({ kind: "local", localId: "x", body: "b", at: 950, state: "pending", conversationId: 8 }, live)).toBeDefined();
  });

  it("tracks a call's phase, timer, hold and the peer's DTMF; an ended call leaves", () => {
    let calls = upsertCall({}, callView(), 1000, { contactKey: "bob@example.test", conversationId: 7 });
    expect(ringingCalls(calls)).toHaveLength(1);
    calls = upsertCall(calls, callView({ state: "established" }), 5000);
    expect(calls.c1).toMatchObject({ establishedAt: 5000, conversationId: 7, contactKey: "bob@example.test" });
    expect(callTimer(calls.c1!, 5000 + 65_000)).toBe("01:05");
    calls = upsertCall(calls, callView({ state: "established", hold: { local: true, remote: false } }), 9000);
    expect(calls.c1!.establishedAt).toBe(5000);
    expect(callPhase(calls.c1!)).toBe("On hold");
    calls = addDtmf(addDtmf(calls, "c1", "1"), "c1", "#");
    expect(calls.c1!.dtmfIn).toBe("1#");
    expect(upsertCall(calls, callView({ state: "ended" }), 10_000)).toEqual({});
    expect(formatDuration(3_726_000)).toBe("1:02:06");
    expect(Object.keys(replaceCalls(calls, [], 0))).toEqual([]);
    expect(replaceCalls(calls, [callView({ state: "established" })], 0).c1!.establishedAt).toBe(5000);
  });
});

describe("typing", () => {
  it("shows composing until paused, a message, or the expiry", () => {
    let t = applyChatState({}, "bob", "composing", 0);
    expect(isTyping(t, "bob", 1000)).toBe(true);
    expect(isTyping(t, "bob", COMPOSING_SHOWN_MS)).toBe(false);
    expect(nextExpiry(t, 0)).toBe(COMPOSING_SHOWN_MS);
    t = applyChatState(t, "bob", "paused", 10);
    expect(isTyping(t, "bob", 11)).toBe(false);
  });
});

describe("connection", () => {
  it("moves as the diagram says and backs off doubling to 30 s", () => {
    let c = move(initialConnection, "online").next;
    c = move(c, "reconnecting").next;
    c = move(c, "reconnecting").next;
    expect(c).toEqual({ state: "reconnecting", attempt: 2 });
    expect(move(c, "online").next).toEqual({ state: "online", attempt: 0 });
    const out = move(move(c, "signed-out").next, "online");
    expect(out).toEqual({ next: { state: "signed-out", attempt: 0 }, ok: false });
    expect([1, 2, 3, 6, 10].map((n) => backoffMs(n, () => 0))).toEqual([1000, 2000, 4000, 30_000, 30_000]);
    expect(backoffMs(1, () => 1)).toBe(1200);
  });
});

describe("drafts", () => {
  it("keeps drafts and failed sends across a reload, and survives corrupt or missing storage", () => {
    const storage = memoryStorage();
    new Drafts(storage).set("bob", "half a thought");
    new Drafts(storage).keep({ localId: "l1", contactKey: "bob", to: "bob@example.test", body: "hi", at: 1 });
    const again = new Drafts(storage);
    expect(again.get("bob")).toBe("half a thought");
    expect(again.outbox().map((o) => o.body)).toEqual(["hi"]);
    again.set("bob", "");
    again.drop("l1");
    expect(storage.size()).toBe(0);
    storage.setItem("cusax.outbox", "{not json");
    expect(again.outbox()).toEqual([]);
    const broken = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); }, removeItem: () => undefined };
    expect(new Drafts(broken).get("bob")).toBe("");
    expect(() => new Drafts(broken).set("bob", "x")).not.toThrow();
  });
});

describe("the window's reducer", () => {
  it("counts unread messages of contacts not open, notifies, and clears on select", () => {
    let s = withBob();
    s = run(s, ev({ type: "message", conversationId: 7, message: msg(1, 10) }));
    expect(s.unread["bob@example.test"]).toBe(1);
    expect(s.notices).toMatchObject([{ kind: "message", contactKey: "bob@example.test", text: "m1" }]);
    // The same message again (page and event overlap) is not counted twice.
    s = run(s, ev({ type: "message", conversationId: 7, message: msg(1, 10) }));
    expect(s.unread["bob@example.test"]).toBe(1);
    s = run(s, { type: "select", key: "bob@example.test" }, ev({ type: "message", conversationId: 7, message: msg(2, 20) }));
    expect(s.unread["bob@example.test"]).toBe(0);
    expect(s.activity["bob@example.test"]).toBe(20);
    expect(timelineOf(s, "bob@example.test").items).toHaveLength(2);
  });

  it("applies receipts by conversation and typing by sender", () => {
    let s = run(withBob(), ev({ type: "message", conversationId: 7, message: msg(5, 10, { direction: "out", from: "alice@example.test", to: "bob@example.test" }) }));
    s = run(s, ev({ type: "messageState", conversationId: 7, messageId: 5, state: "delivered" }));
    expect(timelineOf(s, "bob@example.test").items[0]).toMatchObject({ state: "delivered" });
    s = run(s, ev({ type: "chatState", conversationId: 7, from: "bob@example.test/phone", state: "composing" }, 100));
    expect(isTyping(s.typing, "bob@example.test", 200)).toBe(true);
    s = run(s, ev({ type: "message", conversationId: 7, message: msg(6, 300) }));
    expect(isTyping(s.typing, "bob@example.test", 301)).toBe(false);
  });

  it("ties an incoming call to its contact and conversation and says so", () => {
    const s = run(withBob(), ev({ type: "incomingCall", conversationId: 7, call: callView() }, 1000));
    expect(s.calls.c1).toMatchObject({ contactKey: "bob@example.test", conversationId: 7, since: 1000 });
    expect(s.conversations[7]).toBe("bob@example.test");
    expect(s.notices.at(-1)).toMatchObject({ kind: "call", callId: "c1" });
    // Answering (the POST answer) keeps the call's contact and conversation.
    const answered = run(s, { type: "placed", call: callView({ state: "answering", remote: "<sip:bob@example.test>" }), now: 1500 });
    expect(answered.calls.c1).toMatchObject({ contactKey: "bob@example.test", conversationId: 7 });
    // The answer's "answering" view, overtaken by the "established" event, does not move the call back.
    const up = run(s, ev({ type: "call", call: callView({ state: "established" }) }, 1600), { type: "placed", call: callView({ state: "answering" }), now: 1700 });
    expect(up.calls.c1!.call.state).toBe("established");
    // A hang-up's answer after the "ended" event does not bring the call back.
    const gone = run(up, ev({ type: "call", call: callView({ state: "ended" }) }, 1800), { type: "placed", call: callView({ state: "ending" }), now: 1900 });
    expect(gone.calls).toEqual({});
    const t = run(s, ev({ type: "callRecord", conversationId: 7, record: rec(1, 900, { outcome: "missed", endedAt: 1100 }) }));
    expect(entries(timelineOf(t, "bob@example.test")).map(isMissed)).toEqual([true]);
  });

  it("finds the conversation of a call learnt from GET /calls through its stored record", () => {
    let s = run(withBob(), { type: "callsList", calls: [callView({ state: "established" })], now: 10 });
    expect(s.calls.c1).toMatchObject({ contactKey: "bob@example.test" });
    expect(s.calls.c1!.conversationId).toBeUndefined();
    s = run(s, { type: "page", key: "bob@example.test", older: false, page: { items: [{ kind: "call", at: 5, ...rec(1, 5, { outcome: "ongoing", endedAt: undefined, sipCallId: "c1" }) }], next: null } });
    expect(s.calls.c1!.conversationId).toBe(7);
  });

  it("tells when a watched contact is free (and whether to dial), once", () => {
    let s = run(withBob(), ev({ type: "sipState", jid: "bob@example.test/x", bare: "bob@example.test", resource: "x", state: "on-the-phone", contactState: "on-the-phone" }));
    s = run(s, { type: "watch", key: "bob@example.test", dial: true });
    s = run(s, ev({ type: "sipState", jid: "bob@example.test/x", bare: "bob@example.test", resource: "x", state: "callable", contactState: "callable" }));
    expect(s.contacts[0]!.sipState).toBe("callable");
    expect(s.notices).toMatchObject([{ kind: "free", contactKey: "bob@example.test", dial: true }]);
    expect(s.watches).toEqual({});
    s = run(s, { type: "noticeDone", id: s.notices[0]!.id });
    expect(s.notices).toEqual([]);
  });

  it("keeps own and peers' presence apart, and follows roster changes and requests", () => {
    let s = run(withBob(), { type: "status", status: { sip: { registration: "registered" }, xmpp: { state: "online", jid: "alice@example.test/r" }, calls: 0, self: { jid: "alice@example.test", aor: "sip:alice@example.test" }, presence: { show: "available" } } });
    s = run(s, ev({ type: "presence", show: "dnd", status: "focus" }));
    expect(s.presence).toEqual({ show: "dnd", status: "focus" });
    s = run(s, ev({ type: "presence", jid: "bob@example.test", show: "away", status: "lunch" }));
    expect(s.contacts[0]!.presence).toEqual({ show: "away", status: "lunch" });
    expect(s.presence.show).toBe("dnd");
    s = run(s, ev({ type: "contact", jid: "bob@example.test", contact: { ...bob, name: "Robert" } }));
    expect(s.contacts.map(displayName)).toEqual(["Robert", "carol"]);
    s = run(s, { type: "select", key: "bob@example.test" }, ev({ type: "contact", jid: "bob@example.test", removed: true }));
    expect(s.contacts.map(displayName)).toEqual(["carol"]);
    expect(s.selected).toBeNull();
    s = run(s, ev({ type: "subscriptionRequest", from: "Dave@example.test", approved: false }, 5));
    expect(s.requests).toEqual([{ jid: "dave@example.test", at: 5 }]);
    s = run(s, ev({ type: "subscriptionRequest", from: "dave@example.test", approved: true }));
    expect(s.requests).toEqual([]);
  });

  it("keeps what an event said when a GET /contacts started before it answers late", () => {
    let s = withBob();
    const since = s.eventSeq;
    s = run(s, ev({ type: "sipState", jid: "bob@example.test/x", bare: "bob@example.test", resource: "x", state: "callable", contactState: "callable" }));
    s = run(s, ev({ type: "presence", jid: "bob@example.test", show: "away" }));
    s = run(s, { type: "contacts", contacts: [{ ...bob, sipState: "unreachable", presence: { show: "available" } }, carol], since });
    expect(s.contacts[0]).toMatchObject({ sipState: "callable", presence: { show: "away" } });
    // A fetch started after the events is the truth.
    s = run(s, { type: "contacts", contacts: [{ ...bob, sipState: "unreachable" }, carol], since: s.eventSeq });
    expect(s.contacts[0]!.sipState).toBe("unreachable");
  });

  it("shows a stranger who writes as a contact of their own", () => {
    const s = run(withBob(), ev({ type: "message", conversationId: 9, message: msg(1, 10, { from: "sip:+15551234@pbx.test;user=phone" }) }));
    expect(s.contacts.map((c) => c.tel[0] ?? c.jids[0])).toContain("tel:+15551234");
    expect(s.conversations[9]).toBe("tel:+15551234");
  });

  it("replaces a sent message's local copy with the stored one", () => {
    let s = run(withBob(), { type: "localSend", key: "bob@example.test", message: { kind: "local", localId: "l1", body: "yo", at: 50, state: "pending" } });
    // The SSE event can come before the POST answer: one message in the end.
    s = run(s, ev({ type: "message", conversationId: 7, message: msg(11, 51, { direction: "out", body: "yo", to: "bob@example.test" }) }));
    s = run(s, { type: "sent", key: "bob@example.test", localId: "l1", conversationId: 7, message: msg(11, 51, { direction: "out", body: "yo" }) });
    expect(entries(timelineOf(s, "bob@example.test")).map((e) => e.kind)).toEqual(["message"]);
    expect(s.connection.state).toBe("connecting");
    expect(run(s, { type: "connection", state: "online" }).connection.state).toBe("online");
  });
});
