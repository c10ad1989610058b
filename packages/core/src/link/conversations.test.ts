import { describe, expect, it } from "vitest";
import { Emitter } from "../util/events.js";
import { silentLogger } from "../util/log.js";
import { MemoryStore } from "../store/memory-store.js";
import type { XmppClient, XmppEvents } from "../xmpp/index.js";
import type { SipCall } from "../sip/index.js";
import { Conversations } from "./conversations.js";

/** An XMPP client that records what is sent and lets the test inject events. */
function fakeXmpp() {
  const events = new Emitter<XmppEvents>();
  const sent: { to: string; body?: string; thread?: string; id: string }[] = [];
  let n = 0;
  const xmpp = {
    jid: "alice@example.com/cusax-1" as string,
    on: events.on.bind(events),
    roster: () => [{ jid: "bob@example.com", subscription: "both" }],
    presencesOf: () => [],
    capsOf: () => undefined,
    sendMessage: async (m: { to: string; body?: string; thread?: string }) => {
      const id = `m${++n}`;
      sent.push({ ...m, id });
      return { id, thread: m.thread, queued: false };
    },
  } as unknown as XmppClient;
  return { xmpp, events, sent };
}

describe("conversations", () => {
  it("§6: a message to the peer's full JID that bounces is sent again to the bare JID, same thread", async () => {
    const store = new MemoryStore();
    const { xmpp, events, sent } = fakeXmpp();
    const conv = new Conversations({ store, xmpp, placeCall: () => { throw new Error("no calls here"); }, ourSipContact: () => "sip:alice@example.com", ourAor: "sip:alice@example.com", log: silentLogger });
    const c = conv.open("bob@example.com");
    store.updateConversation(c.id, { peerJid: "bob@example.com/laptop" });
    await conv.send(c.id, "are you there?");
    expect(sent[0]).toMatchObject({ to: "bob@example.com/laptop", thread: c.threadId });
    // A different error condition changes nothing.
    events.emit("messageError", { from: "bob@example.com/laptop", id: sent[0]!.id, error: { condition: "forbidden", type: "auth" } });
    events.emit("messageError", { from: "bob@example.com/laptop", id: sent[0]!.id, error: { condition: "service-unavailable", type: "cancel" } });
    await new Promise((r) => setImmediate(r));
    expect(sent.slice(1)).toEqual([expect.objectContaining({ to: "bob@example.com", body: "are you there?", thread: c.threadId })]);
    expect(store.getConversation(c.id)?.peerJid).toBe("bob@example.com");
  });

  it("keeps one conversation per thread and stores each message once", () => {
    const store = new MemoryStore();
    const { xmpp, events } = fakeXmpp();
    const conv = new Conversations({ store, xmpp, placeCall: () => { throw new Error("no calls here"); }, ourSipContact: () => "sip:alice@example.com", ourAor: "sip:alice@example.com", log: silentLogger });
    const seen: number[] = [];
    conv.events.on("message", ({ conversation }) => seen.push(conversation.id));
    const msg = { from: "bob@example.com/phone", to: "alice@example.com/cusax-1", type: "chat", id: "x1", stanzaIds: [], body: "hi", thread: "t-1", receiptRequested: false, extensions: [], direction: "in" as const, peer: "bob@example.com" };
    events.emit("message", msg);
    events.emit("message", msg); // a duplicate (e.g. from the archive)
    events.emit("message", { ...msg, id: "x2", thread: "t-2" });
    expect(seen).toHaveLength(0); // stored with the turn's batch, announced once committed (issue 13)
    store.flush();
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
  });
});

describe("a JID change during a call (§5)", () => {
  it("re-announces the new full JID in a re-INVITE, once, for calls that are up", async () => {
    const store = new MemoryStore();
    const { xmpp, events } = fakeXmpp();
    const renegotiated: string[][] = [];
    const callEvents = new Emitter<{ ended: unknown; state: { from: string; to: string }; callInfo: unknown }>();
    const call = {
      id: "c1", state: "established", remote: "<sip:bob@example.com>", remoteCallInfo: [], events: callEvents,
      renegotiate: async (o: { callInfo: string[] }) => (renegotiated.push(o.callInfo), true),
    } as unknown as SipCall;
    const conv = new Conversations({ store, xmpp, placeCall: () => call, ourSipContact: () => "sip:alice@example.com", ourAor: "sip:alice@example.com", log: silentLogger });
    const c = conv.open("bob@example.com");
    store.updateConversation(c.id, { peerSipContact: "sip:bob@example.com" });
    conv.call(c.id);
    events.emit("online", { jid: "alice@example.com/cusax-1", resumed: true }); // same JID: nothing to say
    (xmpp as { jid: string }).jid = "alice@example.com/other";
    events.emit("online", { jid: "alice@example.com/other", resumed: false });
    events.emit("online", { jid: "alice@example.com/other", resumed: true });
    expect(renegotiated).toEqual([[`<xmpp:alice@example.com/other?message;type=chat;thread=${c.threadId}>;purpose=impp`]]);
  });
});
