// Receipts and markers on the history (XEP-0184, XEP-0333), chat states
// (XEP-0085 §5.1), reading (D25) and SIP MESSAGE threading (D24), with a fake
// XMPP client and SIP user agent around a MemoryStore.
import { describe, expect, it } from "vitest";
import { Emitter } from "../util/events.js";
import { silentLogger } from "../util/log.js";
import { MemoryStore } from "../store/memory-store.js";
import type { Message, MessageInput } from "../store/types.js";
import type { XmppClient, XmppEvents } from "../xmpp/index.js";
import type { SipUserAgent, SipUserAgentEvents } from "../sip/index.js";
import { Messaging, ARCHIVE_CHECKPOINT_KEY } from "./messaging.js";
import type { MessageStateChange } from "./delivery.js";
import type { PeerChatState } from "./chat-states.js";

function world(subscription = "both", caps: string[] = []) {
  const store = new MemoryStore();
  const xev = new Emitter<XmppEvents>();
  const sent: { kind: string; to: string; [k: string]: unknown }[] = [];
  const xmpp = {
    jid: "alice@example.com/cusax", state: "online",
    on: xev.on.bind(xev),
    roster: () => [{ jid: "bob@example.com", subscription }],
    presencesOf: () => [{ resource: "phone" }],
    capsOf: () => ({ features: caps }),
    sendMarker: async (to: string, marker: unknown, thread?: string) => void sent.push({ kind: "marker", to, marker, thread }),
    sendChatState: async (to: string, state: string, thread?: string) => void sent.push({ kind: "chatState", to, state, thread }),
  } as unknown as XmppClient;
  const sev = new Emitter<SipUserAgentEvents>();
  const sipAnswers: ((r: { ok: true; status: number } | { ok: false; reason: "rejected"; status: number }) => void)[] = [];
  const sip = { events: sev, sendMessage: (to: string, text: string) => (sent.push({ kind: "sip", to, text }), new Promise((r) => sipAnswers.push(r))) } as unknown as SipUserAgent;
  const messaging = new Messaging({ store, xmpp, sip, ourAor: "sip:alice@example.com", log: silentLogger });
  const states: MessageStateChange[] = [];
  const chatStates: PeerChatState[] = [];
  const messages: Message[] = [];
  messaging.events.on("messageState", (s) => states.push(s));
  messaging.events.on("chatState", (s) => chatStates.push(s));
  messaging.events.on("message", ({ message }) => messages.push(message));
  const bob = store.upsertContact({ kind: "jid", value: "bob@example.com" }, { at: 1 });
  const conv = store.createConversation({ threadId: "t1", peerContactId: bob.id, created: 1 });
  const add = (over: Partial<MessageInput>) => {
    const r = store.appendMessage({ conversationId: conv.id, direction: "out", from: "alice@example.com/cusax", to: "bob@example.com", body: "x", state: "sent", at: 10, ...over });
    return r.status === "added" ? r.message : undefined!;
  };
  return { store, xev, sev, sent, sipAnswers, messaging, states, chatStates, messages, conv, add };
}

describe("delivery state from receipts and markers", () => {
  it("a receipt from the peer delivers; a displayed marker covers the earlier messages; others cannot move them", () => {
    const w = world();
    const [m1, m2, m3] = [w.add({ stanzaId: "s1", at: 10 }), w.add({ stanzaId: "s2", at: 20 }), w.add({ stanzaId: "s3", at: 30 })];
    w.xev.emit("receipt", { from: "mallory@evil.example/x", id: "s1" });
    w.xev.emit("receipt", { from: "bob@example.com/phone", id: "s1" });
    expect(w.states).toHaveLength(0); // deferred to the turn's batch (issue 13)
    w.store.flush();
    expect(w.states.map((s) => [s.messageId, s.state])).toEqual([[m1.id, "delivered"]]);
    w.xev.emit("marker", { from: "mallory@evil.example/x", peer: "mallory@evil.example", kind: "displayed", id: "s3", outgoing: false });
    w.xev.emit("marker", { from: "Bob@example.com/phone", peer: "bob@example.com", kind: "displayed", id: "s2", outgoing: false });
    w.store.flush();
    expect(w.states.slice(1).map((s) => [s.conversationId, s.messageId, s.state])).toEqual([[w.conv.id, m1.id, "displayed"], [w.conv.id, m2.id, "displayed"]]);
    expect(w.store.getMessage(m3.id)?.state).toBe("sent");
    // a late receipt does not move a displayed message back
    w.xev.emit("receipt", { from: "bob@example.com/phone", id: "s2" });
    w.store.flush();
    expect(w.states).toHaveLength(3);
  });

  it("a displayed marker our other resource sent marks the peer's messages read here", () => {
    const w = world();
    const theirs = w.add({ direction: "in", from: "bob@example.com/phone", to: "alice@example.com", stanzaId: "b1", state: "received" });
    w.add({ direction: "in", from: "bob@example.com/phone", to: "alice@example.com", stanzaId: "b2", state: "received", at: 40 });
    w.xev.emit("marker", { from: "alice@example.com/phone", peer: "bob@example.com", kind: "displayed", id: "b1", outgoing: true });
    w.store.flush();
    expect(w.store.getMessage(theirs.id)?.readAt).toBeDefined();
    expect(w.messaging.unread(w.conv.id)).toBe(1);
  });
});

describe("reading (D25)", () => {
  it("marks read and sends displayed for the newest markable message read, to the bare JID in the thread", async () => {
    const w = world();
    const a = w.add({ direction: "in", from: "bob@example.com/phone", stanzaId: "b1", state: "received", markable: true, at: 10 });
    w.add({ direction: "in", from: "bob@example.com/phone", stanzaId: "b2", state: "received", at: 20 });
    w.add({ direction: "in", from: "bob@example.com/phone", stanzaId: "b3", state: "received", markable: true, at: 30 });
    expect(await w.messaging.read(w.conv.id, w.store.findMessage({ stanzaId: "b2" })!.id)).toEqual({ unread: 1, displayed: true });
    expect(w.sent).toEqual([{ kind: "marker", to: "bob@example.com", marker: { kind: "displayed", id: "b1" }, thread: "t1" }]);
    expect(await w.messaging.read(w.conv.id)).toEqual({ unread: 0, displayed: true });
    expect(w.sent[1]).toMatchObject({ marker: { id: "b3" } });
    expect(await w.messaging.read(w.conv.id)).toEqual({ unread: 0, displayed: false });
    expect(w.store.getMessage(a.id)?.readAt).toBeDefined();
    await expect(w.messaging.read(w.conv.id, 999)).rejects.toThrow(/not in conversation/);
  });

  it("never tells a contact without our presence subscription", async () => {
    for (const sub of ["to", "none"]) {
      const w = world(sub);
      w.add({ direction: "in", from: "bob@example.com/phone", stanzaId: "b1", state: "received", markable: true });
      expect(await w.messaging.read(w.conv.id)).toEqual({ unread: 0, displayed: false });
      expect(w.sent).toEqual([]);
    }
  });
});

describe("chat states (XEP-0085 §5.1)", () => {
  const msg = (chatState?: string) => ({
    from: "bob@example.com/phone", to: "alice@example.com/cusax", type: "chat", stanzaIds: [], receiptRequested: false, extensions: [],
    body: "hello", thread: "t1", direction: "in" as const, peer: "bob@example.com", ...(chatState ? { chatState: chatState as "active" } : {}),
  });

  it("sends by caps until the peer's messages say otherwise", async () => {
    const w = world("both", ["http://jabber.org/protocol/chatstates"]);
    expect(await w.messaging.sendChatState(w.conv.id, "composing")).toBe(true);
    w.xev.emit("message", msg());
    expect(await w.messaging.sendChatState(w.conv.id, "composing")).toBe(false);
    w.xev.emit("message", msg("active"));
    expect(await w.messaging.sendChatState(w.conv.id, "paused")).toBe(true);
    expect(w.sent.map((s) => [s.kind, s.to, s.state, s.thread])).toEqual([["chatState", "bob@example.com", "composing", "t1"], ["chatState", "bob@example.com", "paused", "t1"]]);
  });

  it("does not send to a peer with no sign of support", async () => {
    const w = world();
    expect(await w.messaging.sendChatState(w.conv.id, "composing")).toBe(false);
    await expect(w.messaging.sendChatState(w.conv.id, "typing" as "active")).rejects.toThrow(/chat state/);
  });

  it("reports the peer's states in the conversation; a message without one means active again", () => {
    const w = world();
    w.xev.emit("chatState", { from: "bob@example.com/phone", state: "composing", thread: "t1" });
    w.xev.emit("message", msg());
    w.xev.emit("chatState", { from: "carol@example.org/x", state: "composing" });
    expect(w.chatStates).toEqual([
      { conversationId: w.conv.id, from: "bob@example.com/phone", state: "composing" },
      { conversationId: w.conv.id, from: "bob@example.com/phone", state: "active" },
      { from: "carol@example.org/x", state: "composing" },
    ]);
  });
});

describe("SIP MESSAGE (D24)", () => {
  const received = (from: string, body = "hi over SIP", contentType = "text/plain") =>
    ({ from: { uri: from, params: new Map() }, to: undefined, contentType, body, callId: "c1" }) as unknown as SipUserAgentEvents["message"];

  it("threads a MESSAGE into the contact holding the address; a SIP-only sender gets a conversation of its own", () => {
    const w = world();
    w.store.addLink({ jid: "bob@example.com", other: { kind: "sip", value: "sip:bob@example.com" }, origin: "user", at: 2, trust: "user-confirmed" });
    w.sev.emit("message", received("sip:bob@example.com"));
    w.sev.emit("message", received("sip:carol@example.org"));
    w.sev.emit("message", received("sip:carol@example.org", "<isComposing/>", "application/im-iscomposing+xml"));
    expect(w.messages.map((m) => [m.conversationId === w.conv.id, m.from, m.body, m.direction])).toEqual([
      [true, "sip:bob@example.com", "hi over SIP", "in"],
      [false, "sip:carol@example.org", "hi over SIP", "in"],
    ]);
    expect(w.messaging.unread(w.messages[1]!.conversationId)).toBe(1);
  });

  it("sends over SIP only to a contact without a JID; the state follows the final response", async () => {
    const w = world();
    expect(w.messaging.sipTargetOf(w.conv.id)).toBeUndefined();
    const one = w.messaging.sendSip("sip:carol@example.org", "hello carol");
    expect(one.message.state).toBe("pending");
    expect(w.messaging.sipTargetOf(one.conversation.id)).toBe("sip:carol@example.org");
    const two = w.messaging.sendSip("sip:carol@example.org", "again");
    expect(two.conversation.id).toBe(one.conversation.id);
    w.sipAnswers[0]!({ ok: true, status: 200 });
    w.sipAnswers[1]!({ ok: false, reason: "rejected", status: 404 });
    expect((await one.settled).state).toBe("delivered");
    expect((await two.settled).state).toBe("failed");
    expect(w.states.map((s) => s.state)).toEqual(["delivered", "failed"]);
    expect(() => w.messaging.sendSip("mailto:x@y", "no")).toThrow(/not a SIP/);
  });
});

describe("archive checkpoint (D26)", () => {
  it("is kept in the store as the client reports it", () => {
    const w = world();
    w.xev.emit("archiveCheckpoint", { id: "A7" });
    w.store.flush();
    expect(w.store.getSetting(ARCHIVE_CHECKPOINT_KEY)).toBe("A7");
  });
});
