import { describe, expect, it } from "vitest";
import { parseXml } from "./xml.js";
import { silentLogger } from "../util/log.js";
import { handleMessageStanza, handlePresenceStanza, type InboundContext } from "./inbound.js";
import { MessageDedup } from "./chat/dedup.js";
import { ThreadBook } from "./chat/thread.js";
import { PresenceTable } from "./presence/presence-table.js";
import type { XmppEvents } from "./client-events.js";
import { OwnCaps, BASE_FEATURES } from "./own-caps.js";
import { bareJid, parseJid, sameBareJid } from "./jid.js";

const ME = "alice@example.com/desk";

function context(roster: string[] = ["bob@example.net"]) {
  const events: { event: keyof XmppEvents; payload: unknown }[] = [];
  const receipts: string[] = [];
  const queries = new Set<string>();
  const ctx: InboundContext & { archive?: string } = {
    ourJid: () => ME,
    emit: (event, payload) => events.push({ event, payload }),
    log: silentLogger,
    dedup: new MessageDedup(),
    threads: new ThreadBook(() => "fresh"),
    presences: new PresenceTable(),
    mamQueries: queries,
    isInRoster: (bare) => roster.includes(bare),
    sendReceipt: (to, id) => receipts.push(`${to} ${id}`),
    noteArchiveId: (id) => void (ctx.archive = id),
    presenceCaps: () => undefined,
  };
  const of = <K extends keyof XmppEvents>(k: K) => events.filter((e) => e.event === k).map((e) => e.payload as XmppEvents[K]);
  return { ctx, of, receipts, queries };
}

const chat = (extra = "", from = "bob@example.net/slix", id = "m1") =>
  parseXml(`<message xmlns='jabber:client' from='${from}' to='${ME}' type='chat' id='${id}'><body>hi</body><thread>t1</thread>${extra}</message>`);

describe("inbound routing", () => {
  it("emits a message once, acks requested receipts to roster contacts, learns the thread", () => {
    const { ctx, of, receipts } = context();
    const el = chat("<request xmlns='urn:xmpp:receipts'/><stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.com' id='A1'/>");
    handleMessageStanza(ctx, el);
    handleMessageStanza(ctx, el);
    expect(of("message")).toHaveLength(1);
    expect(of("message")[0]).toMatchObject({ direction: "in", peer: "bob@example.net", thread: "t1" });
    expect(receipts).toEqual(["bob@example.net/slix m1"]);
    expect(ctx.threads.forPeer("bob@example.net")).toBe("t1");
    expect(ctx.archive).toBe("A1");
  });

  it("does not ack strangers (XEP-0184 §8) and emits receipts and chat states", () => {
    const { ctx, of, receipts } = context([]);
    handleMessageStanza(ctx, chat("<request xmlns='urn:xmpp:receipts'/><composing xmlns='http://jabber.org/protocol/chatstates'/>"));
    expect(receipts).toEqual([]);
    expect(of("chatState")).toEqual([{ from: "bob@example.net/slix", state: "composing", thread: "t1" }]);
    handleMessageStanza(ctx, parseXml(`<message from='bob@example.net/slix' id='r'><received xmlns='urn:xmpp:receipts' id='x9'/></message>`));
    expect(of("receipt")).toEqual([{ from: "bob@example.net/slix", id: "x9" }]);
  });

  it("reads XEP-0333 markers: markable messages, markers from the peer and from our other resource", () => {
    const { ctx, of } = context();
    handleMessageStanza(ctx, chat("<markable xmlns='urn:xmpp:chat-markers:0'/>"));
    expect(of("message")[0]).toMatchObject({ markable: true });
    expect(of("message")[0]!.extensions).toEqual([]);
    handleMessageStanza(ctx, parseXml(`<message from='bob@example.net/slix' to='${ME}' type='chat' id='d1'><displayed xmlns='urn:xmpp:chat-markers:0' id='x7'/><thread>t1</thread></message>`));
    handleMessageStanza(ctx, parseXml(`<message from='bob@example.net/slix' to='${ME}' id='d2'><displayed xmlns='urn:xmpp:chat-markers:0'/></message>`));
    const sent = parseXml(`<message xmlns='jabber:client' from='alice@example.com' to='${ME}'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>` +
      `<message xmlns='jabber:client' from='alice@example.com/phone' to='bob@example.net' type='chat' id='d3'><displayed xmlns='urn:xmpp:chat-markers:0' id='m5'/></message></forwarded></sent></message>`);
    handleMessageStanza(ctx, sent);
    expect(of("marker")).toEqual([
      { from: "bob@example.net/slix", peer: "bob@example.net", kind: "displayed", id: "x7", thread: "t1", outgoing: false },
      { from: "alice@example.com/phone", peer: "bob@example.net", kind: "displayed", id: "m5", outgoing: true },
    ]);
    expect(of("message")).toHaveLength(1);
  });

  it("gives a live message the archive id our server stamped on it", () => {
    const { ctx, of } = context();
    handleMessageStanza(ctx, chat("<stanza-id xmlns='urn:xmpp:sid:0' by='mallory@evil.example' id='F1'/>", "bob@example.net/slix", "q1"));
    handleMessageStanza(ctx, chat("<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.com' id='A9'/>", "bob@example.net/slix", "q2"));
    expect(of("message").map((m) => m.archiveId)).toEqual([undefined, "A9"]);
  });

  it("unwraps carbons from our account and drops forged ones", () => {
    const { ctx, of } = context();
    const wrap = (from: string) =>
      parseXml(`<message xmlns='jabber:client' from='${from}' to='${ME}'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>` +
        `<message xmlns='jabber:client' from='alice@example.com/phone' to='bob@example.net/slix' type='chat' id='c1'><body>from phone</body></message></forwarded></sent></message>`);
    handleMessageStanza(ctx, wrap("mallory@evil.example"));
    expect(of("message")).toHaveLength(0);
    handleMessageStanza(ctx, wrap("alice@example.com"));
    expect(of("message")[0]).toMatchObject({ carbon: "sent", direction: "out", peer: "bob@example.net", body: "from phone" });
  });

  it("accepts archive results only for our own queries, and dedups against live copies", () => {
    const { ctx, of, queries } = context();
    const result = (qid: string) =>
      parseXml(`<message xmlns='jabber:client' to='${ME}'><result xmlns='urn:xmpp:mam:2' queryid='${qid}' id='A1'><forwarded xmlns='urn:xmpp:forward:0'>` +
        `<delay xmlns='urn:xmpp:delay' stamp='2026-11-25T10:00:00Z'/><message xmlns='jabber:client' from='bob@example.net/slix' to='${ME}' type='chat' id='m1'><body>hi</body></message></forwarded></result></message>`);
    handleMessageStanza(ctx, result("q1"));
    expect(of("message")).toHaveLength(0);
    queries.add("q1");
    handleMessageStanza(ctx, result("q1"));
    expect(of("message")[0]).toMatchObject({ archived: { archiveId: "A1", stamp: "2026-11-25T10:00:00Z" } });
    handleMessageStanza(ctx, chat("<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.com' id='A1'/>"));
    expect(of("message")).toHaveLength(1);
  });

  it("routes PEP activity and reach, and message errors", () => {
    const { ctx, of } = context();
    handleMessageStanza(ctx, parseXml(`<message from='bob@example.net'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='http://jabber.org/protocol/activity'><item id='current'><activity xmlns='http://jabber.org/protocol/activity'><talking><on_the_phone/></talking></activity></item></items></event></message>`));
    handleMessageStanza(ctx, parseXml(`<message from='bob@example.net'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:reach:0'><item id='current'><reach xmlns='urn:xmpp:reach:0'><addr uri='sip:bob@example.net'/></reach></item></items></event></message>`));
    handleMessageStanza(ctx, parseXml(`<message from='bob@example.net' type='error' id='m7'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`));
    expect(of("activity")).toEqual([{ from: "bob@example.net", activity: { general: "talking", specific: "on_the_phone" } }]);
    expect(of("reach")).toEqual([{ from: "bob@example.net", addrs: [{ uri: "sip:bob@example.net" }] }]);
    expect(of("messageError")).toEqual([{ from: "bob@example.net", id: "m7", error: { condition: "item-not-found", type: "cancel" } }]);
  });

  it("routes presence: subscriptions, per-resource availability, not our own session", () => {
    const { ctx, of } = context();
    handlePresenceStanza(ctx, parseXml(`<presence from='carol@example.org' type='subscribe'><status>hi</status></presence>`));
    handlePresenceStanza(ctx, parseXml(`<presence from='bob@example.net' type='subscribed'/>`));
    handlePresenceStanza(ctx, parseXml(`<presence from='bob@example.net/slix'><show>away</show></presence>`));
    handlePresenceStanza(ctx, parseXml(`<presence from='${ME}'/>`));
    handlePresenceStanza(ctx, parseXml(`<presence from='x@y' type='bogus'/>`));
    expect(of("subscriptionRequest")).toEqual([{ from: "carol@example.org", status: "hi" }]);
    expect(of("subscription")).toEqual([{ from: "bob@example.net", type: "subscribed" }]);
    expect(of("presence").map((p) => `${p.jid} ${p.available} ${p.presence.show}`)).toEqual(["bob@example.net/slix true away"]);
  });
});

describe("own caps", () => {
  it("changes ver when features change, answers only its node#ver", () => {
    const caps = new OwnCaps();
    const v1 = caps.ver();
    expect(caps.info().features).toEqual([...BASE_FEATURES]);
    expect(caps.setFeatures(["urn:xmpp:cusax:0:audio"])).toBe(true);
    expect(caps.ver()).not.toBe(v1);
    expect(caps.setFeatures(["urn:xmpp:cusax:0:audio"])).toBe(false);
    expect(caps.answers(undefined)).toBe(true);
    expect(caps.answers(`urn:cusax:caps#${caps.ver()}`)).toBe(true);
    expect(caps.answers(`urn:cusax:caps#${v1}`)).toBe(false);
  });
});

describe("jid", () => {
  it("splits and compares", () => {
    expect(parseJid("a@B.example/r/x")).toEqual({ local: "a", domain: "b.example", resource: "r/x" });
    expect(bareJid("example.com/r")).toBe("example.com");
    expect(sameBareJid("a@X.com/1", "a@x.com")).toBe(true);
  });
});

describe("XmppClient events", () => {
  it("a throwing listener is logged, not propagated", async () => {
    const { XmppClient } = await import("./xmpp-client.js");
    const records: string[] = [];
    const { createLogger } = await import("../util/log.js");
    const client = new XmppClient({
      service: "xmpp://127.0.0.1:1",
      domain: "example.test",
      username: "a",
      password: "b",
      logger: createLogger({ sink: (r) => records.push(r.msg) }),
    });
    client.on("error", () => {
      throw new Error("listener bug");
    });
    const { TransportError } = await import("../util/errors.js");
    expect(() => client.emit("error", new TransportError("x"))).not.toThrow();
    expect(records).toEqual(["a error listener threw"]);
  });
});
