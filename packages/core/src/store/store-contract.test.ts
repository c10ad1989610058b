// protocol.md §4-7: one suite, run against MemoryStore and SqliteStore.
import { afterEach, describe, expect, it } from "vitest";
import { ParseError } from "../util/errors.js";
import { MemoryStore } from "./memory-store.js";
import { SqliteStore } from "./sqlite-store.js";
import { MAX_BODY_CHARS, type Address, type MessageInput, type Store } from "./types.js";

const makers: [string, () => Store][] = [
  ["memory", () => new MemoryStore()],
  ["sqlite", () => new SqliteStore(":memory:")],
];

const BOB = { kind: "jid", value: "bob@example.net" } as const;
const BOB_SIP = { kind: "sip", value: "sip:bob@example.net" } as const;
const CAROL = { kind: "jid", value: "carol@example.org" } as const;

describe.each(makers)("Store contract: %s", (_name, make) => {
  let store: Store;
  const open = () => (store = make());
  afterEach(() => store?.close());

  function chat(peer: Address = BOB, thread = "t1") {
    const contact = store.upsertContact(peer, { at: 1 });
    return store.createConversation({ threadId: thread, peerContactId: contact.id, created: 1 });
  }
  const msg = (conversationId: number, over: Partial<MessageInput> = {}): MessageInput => ({
    conversationId, direction: "in", from: "bob@example.net/desk", to: "alice@example.com", body: "hi", state: "received", at: 10, ...over,
  });

  describe("contacts", () => {
    it("finds a contact by any normalised form of its address", () => {
      open();
      const c = store.createContact({ name: "Bob", addresses: [BOB, { kind: "tel", value: "+1 (555) 123-4567" }], at: 1 });
      expect(store.findContactByAddress({ kind: "jid", value: "Bob@EXAMPLE.net/phone" })?.id).toBe(c.id);
      expect(store.findContactByAddress({ kind: "tel", value: "tel:+15551234567" })?.id).toBe(c.id);
      expect(store.findContactByAddress({ kind: "sip", value: "sip:+15551234567@example.com;user=phone" })?.id).toBe(c.id);
      for (const bad of ["", "a@b@c", "@x", "bob@", "bob@exa mple.net"]) {
        expect(() => store.findContactByAddress({ kind: "jid", value: bad }), bad).toThrow(ParseError);
      }
      expect(() => store.findContactByAddress({ kind: "sip", value: "sip:" })).toThrow(ParseError);
      expect(() => store.findContactByAddress({ kind: "tel", value: "tel:call-me" })).toThrow(ParseError);
      const local = store.upsertContact({ kind: "tel", value: "tel:7042;phone-context=Example.com;ext=1" }, { at: 1 });
      expect(local.addresses).toEqual([{ kind: "tel", value: "tel:7042;phone-context=example.com" }]);
      expect(store.findContactByAddress({ kind: "tel", value: "tel:7042;phone-context=other.org" })).toBeUndefined();
      expect(store.upsertContact(BOB, { at: 2 }).id).toBe(c.id);
      expect(store.getContact(c.id)).toEqual({ id: c.id, name: "Bob", created: 1, addresses: [BOB, { kind: "tel", value: "tel:+15551234567" }] });
    });

    it("refuses an address that another contact holds", () => {
      open();
      const a = store.upsertContact(BOB, { at: 1 });
      const b = store.upsertContact(CAROL, { at: 1 });
      expect(store.addAddress(b.id, { kind: "jid", value: "bob@example.net/x" })).toEqual({ ok: false, reason: "taken", by: a.id });
      expect(() => store.createContact({ addresses: [BOB], at: 2 })).toThrow();
      expect(store.listContacts()).toHaveLength(2);
    });

    it("merges contacts with their conversations, folding a shared thread", () => {
      open();
      const c1 = chat(BOB, "same");
      const c2 = chat(BOB_SIP, "same");
      store.appendMessage(msg(c1.id, { stanzaId: "a" }));
      store.appendMessage(msg(c2.id, { stanzaId: "a" }));
      store.appendMessage(msg(c2.id, { stanzaId: "b", at: 11 }));
      const kept = store.mergeContacts(c1.peerContactId, c2.peerContactId)!;
      expect(kept.addresses).toEqual([BOB, BOB_SIP]);
      expect(store.getContact(c2.peerContactId)).toBeUndefined();
      expect(store.conversationsWith(kept.id).map((c) => c.id)).toEqual([c1.id]);
      expect(store.timeline(kept.id, { limit: 10 }).map((i) => i.kind === "message" && i.message.stanzaId)).toEqual(["a", "b"]);
    });
  });

  describe("links and trust", () => {
    it("a claim joins no contact; the claimant owns the link", () => {
      open();
      const carol = store.upsertContact(CAROL, { at: 1 });
      // carol's <reach/> names bob's SIP address (§9: a claim, never proof)
      const l = store.addLink({ jid: CAROL.value, other: BOB_SIP, origin: "reach", at: 5, trust: "claimed" });
      expect(l).toMatchObject({ contactId: carol.id, trust: "claimed", origin: "reach", evidence: { reach: 5 } });
      expect(store.findContactByAddress(BOB_SIP)).toBeUndefined();
      // bob calls; his Call-Info names his own JID: that claim is the SIP side's
      const b = store.addLink({ jid: BOB.value, other: BOB_SIP, origin: "call-info", at: 6, trust: "claimed" });
      const sipOwner = store.findContactByAddress(BOB_SIP)!;
      expect(b.contactId).toBe(sipOwner.id);
      expect(sipOwner.addresses).toEqual([BOB_SIP]);
      expect(store.findLinks(BOB_SIP).map((x) => x.jid)).toEqual([CAROL.value, BOB.value]);
    });

    it("verification puts both addresses in one contact, merging two", () => {
      open();
      const bob = store.upsertContact(BOB, { at: 1 });
      const sipOnly = store.upsertContact(BOB_SIP, { at: 1 });
      store.addLink({ jid: BOB.value, other: BOB_SIP, origin: "reach", at: 2, trust: "claimed" });
      const v = store.addLink({ jid: BOB.value, other: BOB_SIP, origin: "call-info", at: 3, trust: "verified" });
      expect(v).toMatchObject({ contactId: bob.id, trust: "verified", origin: "reach", evidence: { reach: 2, "call-info": 3 } });
      expect(store.findContactByAddress(BOB_SIP)?.id).toBe(bob.id);
      expect(store.getContact(sipOnly.id)).toBeUndefined();
      expect(store.linksOf(bob.id)).toHaveLength(1);
    });

    it("never lowers trust on its own; the user may", () => {
      open();
      const trusts = ["user-confirmed", "claimed", "verified"] as const;
      let l = store.addLink({ jid: BOB.value, other: BOB_SIP, origin: "user", at: 1, trust: trusts[0] });
      for (const [i, t] of trusts.slice(1).entries()) {
        l = store.addLink({ jid: BOB.value, other: BOB_SIP, origin: "reach", at: 10 - i, trust: t });
        expect(l.trust).toBe("user-confirmed");
      }
      expect(l.evidence).toEqual({ user: 1, reach: 10 });
      expect(store.setLinkTrust(l.id, "claimed", 20)).toMatchObject({ trust: "claimed", updated: 20 });
      expect(store.getLink("BOB@example.net/any", { kind: "sip", value: "sips:bob@EXAMPLE.net;gr=urn:uuid:1" })?.trust).toBe("claimed");
    });

    it("refuses a link between two JIDs", () => {
      open();
      expect(() => store.addLink({ jid: BOB.value, other: CAROL, origin: "user", at: 1, trust: "claimed" })).toThrow();
    });
  });

  describe("conversations", () => {
    it("knows a thread per peer, most recent first", () => {
      open();
      const a = chat(BOB, "t1");
      const b = chat(BOB, "t2");
      const c = chat(CAROL, "t1");
      expect(store.findConversationByThread("t1", a.peerContactId)?.id).toBe(a.id);
      expect(store.findConversationByThread("t1", c.peerContactId)?.id).toBe(c.id);
      expect(store.findConversationByThread("t3", a.peerContactId)).toBeUndefined();
      store.appendMessage(msg(a.id, { at: 50 }));
      expect(store.conversationsWith(a.peerContactId).map((x) => x.id)).toEqual([a.id, b.id]);
      const u = store.updateConversation(b.id, { peerJid: "bob@example.net/desk", peerSipContact: "sip:bob@example.net;gr=x" });
      expect(u).toMatchObject({ peerJid: "bob@example.net/desk", peerSipContact: "sip:bob@example.net;gr=x", lastActivity: 1 });
      expect(store.updateConversation(b.id, { peerJid: undefined })?.peerJid).toBe("bob@example.net/desk");
      expect(store.updateConversation(999, {})).toBeUndefined();
      expect(() => chat(BOB, "t1")).toThrow();
      // a call tied to a conversation is activity in it
      const call = store.recordCall({ direction: "in", peer: BOB_SIP, outcome: "ongoing", startedAt: 60, conversationId: b.id });
      store.updateCall(call.id, { endedAt: 90, outcome: "missed" });
      expect(store.conversationsWith(a.peerContactId).map((x) => [x.id, x.lastActivity])).toEqual([[b.id, 90], [a.id, 50]]);
    });
  });

  describe("messages", () => {
    it("refuses duplicates by stanza id, origin id and archive id", () => {
      open();
      const c = chat();
      const first = store.appendMessage(msg(c.id, { stanzaId: "s1", originId: "o1" }));
      expect(first.status).toBe("added");
      const cases: Partial<MessageInput>[] = [{ stanzaId: "s1" }, { originId: "o1", stanzaId: "other" }, { stanzaId: "s1", archiveId: "A1" }];
      for (const over of cases) expect(store.appendMessage(msg(c.id, over)).status).toBe("duplicate");
      // the archive copy gave the live message its archive id
      expect(store.findMessage({ archiveId: "A1" })?.id).toBe(first.status === "added" ? first.message.id : -1);
      expect(store.appendMessage(msg(c.id, { archiveId: "A1", body: "x" })).status).toBe("duplicate");
      // same stanza id in another conversation or direction is another message
      expect(store.appendMessage(msg(chat(CAROL).id, { stanzaId: "s1" })).status).toBe("added");
      expect(store.appendMessage(msg(c.id, { stanzaId: "s1", direction: "out", state: "pending" })).status).toBe("added");
      expect(store.appendMessage(msg(c.id)).status).toBe("added"); // no ids: no dedup possible
    });

    it("handles bad input as data", () => {
      open();
      const c = chat();
      expect(store.appendMessage(msg(c.id, { body: "" }))).toEqual({ status: "rejected", reason: "empty-body" });
      expect(store.appendMessage(msg(c.id, { body: " \n\t" }))).toEqual({ status: "rejected", reason: "empty-body" });
      expect(store.appendMessage(msg(c.id, { body: "x".repeat(MAX_BODY_CHARS + 1) }))).toEqual({ status: "rejected", reason: "too-large" });
      expect(store.appendMessage(msg(999, {}))).toEqual({ status: "rejected", reason: "unknown-conversation" });
      const body = "é\u0000'\"; DROP TABLE messages;--".padEnd(MAX_BODY_CHARS, "y");
      const big = store.appendMessage(msg(c.id, { body }));
      expect(big.status === "added" && store.getMessage(big.message.id)?.body === body).toBe(true);
    });

    it("moves delivery state only forward", () => {
      open();
      const r = store.appendMessage(msg(chat().id, { direction: "out", state: "pending", stanzaId: "m1" }));
      const id = r.status === "added" ? r.message.id : -1;
      const steps: [string, boolean][] = [["sent", true], ["pending", false], ["failed", true], ["sent", true], ["delivered", true], ["sent", false], ["failed", false]];
      for (const [state, changed] of steps) {
        expect(store.updateDelivery(id, state as "sent", 20).changed, state).toBe(changed);
      }
      expect(store.getMessage(id)).toMatchObject({ state: "delivered", stateAt: 20 });
      expect(store.updateDelivery(12345, "sent", 1)).toEqual({ changed: false });
      expect(store.findMessage({ stanzaId: "m1" })?.id).toBe(id);
      expect(store.setArchiveId(id, "Z")).toBe(true);
      expect(store.setArchiveId(id, "Z2")).toBe(false);
    });
  });

  describe("markers and unread", () => {
    const added = (r: ReturnType<Store["appendMessage"]>) => (r.status === "added" ? r.message : undefined)!;

    it("a displayed marker moves every earlier message of ours, never back", () => {
      open();
      const c = chat();
      const other = chat(CAROL);
      const out = (at: number, state: MessageInput["state"]) => added(store.appendMessage(msg(c.id, { direction: "out", state, at, body: `m${at}` })));
      const [m1, m2, m3, m4] = [out(10, "delivered"), out(20, "sent"), out(30, "failed"), out(40, "sent")];
      const carols = added(store.appendMessage(msg(other.id, { direction: "out", state: "sent", at: 5 })));
      const theirs = added(store.appendMessage(msg(c.id, { at: 25 })));
      const moved = store.updateDeliveryUpTo(c.id, m3!.id, "displayed", 50);
      expect(moved.map((m) => [m.id, m.state, m.stateAt])).toEqual([[m1!.id, "displayed", 50], [m2!.id, "displayed", 50], [m3!.id, "displayed", 50]]);
      expect(store.getMessage(m4!.id)?.state).toBe("sent");
      expect(store.getMessage(carols.id)?.state).toBe("sent");
      expect(store.getMessage(theirs.id)?.state).toBe("received");
      // a receipt after the marker changes nothing; a marker for another conversation's message does nothing
      expect(store.updateDelivery(m2!.id, "delivered", 60).changed).toBe(false);
      expect(store.updateDeliveryUpTo(c.id, carols.id, "displayed", 60)).toEqual([]);
      expect(store.updateDeliveryUpTo(c.id, 9999, "displayed", 60)).toEqual([]);
      expect(store.updateDeliveryUpTo(c.id, m4!.id, "delivered", 70).map((m) => m.id)).toEqual([m4!.id]);
    });

    it("keeps why a call failed", () => {
      open();
      const call = store.recordCall({ direction: "in", peer: BOB_SIP, outcome: "ongoing", startedAt: 1, sipCallId: "r1" });
      expect(store.getCall(call.id)?.reason).toBeUndefined();
      store.updateCall(call.id, { outcome: "rejected", endedAt: 2, reason: "srtp-required: the offer has no a=crypto" });
      expect(store.getCall(call.id)).toMatchObject({ outcome: "rejected", reason: "srtp-required: the offer has no a=crypto" });
      store.updateCall(call.id, { stats: { x: 1 } });
      expect(store.getCall(call.id)?.reason).toBe("srtp-required: the offer has no a=crypto");
    });

    it("counts unread incoming messages and marks them read up to one", () => {
      open();
      const c = chat();
      const other = chat(CAROL);
      const inc = (at: number, over: Partial<MessageInput> = {}) => added(store.appendMessage(msg(c.id, { at, body: `m${at}`, ...over })));
      const [a, b] = [inc(10, { markable: true }), inc(20)];
      inc(30);
      store.appendMessage(msg(c.id, { direction: "out", state: "sent", at: 15, body: "mine" }));
      store.appendMessage(msg(other.id, { at: 5 }));
      expect(store.unreadCount(c.id)).toBe(3);
      expect(store.getMessage(a!.id)).toMatchObject({ markable: true });
      expect(store.getMessage(b!.id)?.markable).toBeUndefined();
      expect(store.markRead(c.id, b!.id, 40).map((m) => [m.id, m.readAt])).toEqual([[a!.id, 40], [b!.id, 40]]);
      expect(store.unreadCount(c.id)).toBe(1);
      expect(store.markRead(c.id, b!.id, 50)).toEqual([]);
      expect(store.markRead(c.id, 9999, 50)).toEqual([]);
      expect(store.markRead(c.id, undefined, 60)).toHaveLength(1);
      expect(store.unreadCount(c.id)).toBe(0);
      expect(store.getMessage(a!.id)?.readAt).toBe(40);
      expect(store.unreadCount(other.id)).toBe(1);
    });
  });

  describe("calls and timeline", () => {
    it("records a call once per Call-ID with outcome and duration", () => {
      open();
      const c = store.recordCall({ direction: "in", peer: { kind: "sip", value: "sip:Bob@Example.NET:5060;transport=tcp" }, outcome: "ongoing", startedAt: 100, sipCallId: "abc@h" });
      expect(c.peer).toEqual({ kind: "sip", value: "sip:Bob@example.net:5060" });
      expect(store.recordCall({ direction: "in", peer: BOB_SIP, outcome: "ongoing", startedAt: 101, sipCallId: "abc@h" }).id).toBe(c.id);
      store.updateCall(c.id, { answeredAt: 110, outcome: "answered" });
      const ended = store.updateCall(c.id, { endedAt: 170, stats: { jitterMs: 3, lost: 1, codec: "PCMU" } });
      expect(ended).toMatchObject({ outcome: "answered", durationMs: 60, stats: { jitterMs: 3, lost: 1, codec: "PCMU" } });
      expect(store.findCallBySipCallId("abc@h")).toEqual(ended);
      expect(store.updateCall(9999, { outcome: "failed" })).toBeUndefined();
    });

    it("interleaves calls and messages of one contact in time order, page by page", () => {
      open();
      const conv = chat();
      const other = chat(CAROL);
      const bob = conv.peerContactId;
      store.addAddress(bob, BOB_SIP);
      const call = (at: number, extra = {}) => store.recordCall({ direction: "out", peer: BOB_SIP, outcome: "missed", startedAt: at, ...extra });
      for (const at of [30, 10, 20]) store.appendMessage(msg(conv.id, { at, body: `m${at}` }));
      call(20);
      call(5, { peer: { kind: "sip", value: "sip:nobody@x" }, conversationId: conv.id });
      call(15, { peer: { kind: "sip", value: "sip:carol@x" } });
      store.appendMessage(msg(other.id, { at: 25 }));
      const label = (i: ReturnType<Store["timeline"]>[number]) => (i.kind === "call" ? `c${i.at}` : i.message.body);
      const all = store.timeline(bob, { limit: 50 });
      expect(all.map(label)).toEqual(["c5", "m10", "c20", "m20", "m30"]);
      expect(store.timeline(bob, { limit: 2 }).map(label)).toEqual(["m20", "m30"]);
      expect(store.timeline(bob, { limit: 2, before: 20 }).map(label)).toEqual(["c5", "m10"]);
      const cursor = all[3]!; // m20: the c20 at the same millisecond is older
      const before = { at: cursor.at, kind: cursor.kind, id: cursor.kind === "message" ? cursor.message.id : -1 };
      expect(store.timeline(bob, { limit: 2, before }).map(label)).toEqual(["m10", "c20"]);
      expect(store.timeline(bob, { limit: 0 })).toEqual([]);
    });
  });

  describe("search", () => {
    it("finds messages by all their words, folding case and accents", () => {
      open();
      const c = chat();
      const d = chat(CAROL);
      store.appendMessage(msg(c.id, { body: "Le café est prêt", at: 1 }));
      store.appendMessage(msg(c.id, { body: "cafe closed today", at: 2 }));
      store.appendMessage(msg(d.id, { body: "CAFÉ? yes", at: 3 }));
      const bodies = (t: string, o = {}) => store.search(t, o).map((m) => m.body);
      expect(bodies("cafe")).toEqual(["CAFÉ? yes", "cafe closed today", "Le café est prêt"]);
      expect(bodies("PRET café")).toEqual(["Le café est prêt"]);
      expect(bodies("cafe", { conversationId: c.id, limit: 1 })).toEqual(["cafe closed today"]);
      expect(bodies("tea")).toEqual([]);
      for (const hostile of ['"', "AND", "caf*", "NEAR(a b)", "body:x", "", "  ", "-", "^"]) {
        expect(() => store.search(hostile)).not.toThrow();
      }
    });
  });

  describe("caps, settings, transactions", () => {
    it("keeps caps by hash and ver, settings and one instance id", () => {
      open();
      const e = { hash: "SHA-1", ver: "q07IKJEyjvHSyhy//CH0CxmKi8w=", node: "https://cusax", features: ["urn:xmpp:reach:0"], identities: [{ category: "client", type: "pc", name: "cusax" }] };
      store.putCaps(e);
      expect(store.getCaps("sha-1", e.ver)).toEqual({ ...e, hash: "sha-1" });
      expect(store.getCaps("sha-1", "other")).toBeUndefined();
      store.putSetting("reach", "directed");
      store.putSetting("reach", "off");
      expect(store.getSetting("reach")).toBe("off");
      const id = store.instanceId();
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(store.instanceId()).toBe(id);
    });

    it("applies many writes at once, or none when one fails", () => {
      open();
      const c = chat();
      store.transaction(() => {
        for (let i = 0; i < 200; i++) store.appendMessage(msg(c.id, { stanzaId: `s${i % 100}`, at: i }));
      });
      expect(store.search("hi", { limit: 1000 })).toHaveLength(100);
      expect(() =>
        store.transaction(() => {
          store.appendMessage(msg(c.id, { stanzaId: "new" }));
          store.putSetting("k", "v");
          store.transaction(() => store.createContact({ addresses: [BOB], at: 1 })); // taken: throws
        }),
      ).toThrow();
      expect(store.findMessage({ stanzaId: "new" })).toBeUndefined();
      expect(store.getSetting("k")).toBeUndefined();
    });
  });
});
