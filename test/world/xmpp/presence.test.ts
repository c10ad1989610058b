// RFC 6121 subscriptions and presence with XEP-0115 caps, XEP-0152 reach and
// XEP-0108 activity, between our client and a slixmpp peer.
import { describe, expect, it, beforeAll } from "vitest";
import { startProsody, startSlixPeer, useCleanup, until, type Prosody, type SlixPeer } from "../index.js";
import { makeClient, next } from "./helpers.js";
import type { XmppClient } from "../../../packages/core/src/xmpp/index.js";

const track = useCleanup();
let prosody: Prosody;
let alice: XmppClient;
let bob: SlixPeer;

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice", "bob", "carol"] }));
  bob = track(await startSlixPeer(prosody, "bob", { resource: "slix" }));
  alice = track(makeClient(prosody, "alice"));
  await alice.start();
});

describe("XMPP presence with slixmpp", () => {
  it("subscribes both ways", async () => {
    const bobBare = `bob@${prosody.domain}`;
    const theyAsk = next(alice, "subscriptionRequest", (r) => r.from === bobBare);
    const toBoth = next(alice, "rosterChange", (c) => c.kind === "set" && c.item.jid === bobBare && c.item.subscription === "both");
    await alice.rosterAdd({ jid: bobBare, name: "Bob" });
    await alice.subscribe(bobBare);
    await bob.waitEvent((e) => e.type === "presence" && e.ptype === "subscribe", "alice's subscription request");
    // slixmpp approves and asks back by default; we approve its request.
    await theyAsk;
    await alice.approve(bobBare);
    await toBoth;
    expect(alice.roster().find((i) => i.jid === bobBare)).toMatchObject({ subscription: "both", name: "Bob" });
  });

  it("slixmpp sees our presence with caps and reach; we see its reach", async () => {
    const reach = [{ uri: `sip:alice@${prosody.domain};gr=urn:uuid:1` }, { uri: `sip:alice@${prosody.domain}` }];
    await alice.setPresence({ show: "dnd", status: "On the phone", reach });
    const seen = await bob.waitEvent(
      (e) => e.type === "presence" && String(e.from).startsWith("alice@") && e.status === "On the phone",
      "alice's presence",
    );
    expect(seen).toMatchObject({ show: "dnd", caps_ver: alice.capsVer, reach: reach.map((r) => r.uri) });

    const theirs = next(alice, "presence", (p) => p.available && p.presence.reach !== undefined);
    await bob.command({ cmd: "presence", status: "at my desk", reach: [`sip:bob@${prosody.domain}`] });
    const p = await theirs;
    expect(p.jid).toBe(bob.jid);
    expect(p.presence.reach).toEqual([{ uri: `sip:bob@${prosody.domain}` }]);
    expect(alice.presencesOf(`bob@${prosody.domain}`).map((r) => r.resource)).toContain("slix");
  });

  it("answers disco#info for our caps node; a feature change changes ver", async () => {
    const node = `urn:cusax:caps#${alice.capsVer}`;
    await bob.command({ cmd: "disco", to: alice.jid, node });
    const info = await bob.waitEvent((e) => e.type === "disco", "disco#info answer");
    expect(info.features).toEqual(expect.arrayContaining(["urn:xmpp:reach:0", "http://jabber.org/protocol/activity+notify"]));
    const before = alice.capsVer;
    await alice.setFeatures(["urn:xmpp:cusax:0", "urn:xmpp:cusax:0:audio"]);
    expect(alice.capsVer).not.toBe(before);
    await bob.waitEvent((e) => e.type === "presence" && e.caps_ver === alice.capsVer, "presence with the new ver");
  });

  it("learns slixmpp's caps through disco", async () => {
    const caps = next(alice, "caps", (c) => c.jid === bob.jid);
    await bob.command({ cmd: "presence", status: "caps please" });
    const { info } = await caps;
    expect(info.features).toContain("http://jabber.org/protocol/disco#info");
    expect(alice.capsOf(bob.jid)?.features).toContain("urn:xmpp:reach:0");
  });

  it("activity and reach over PEP, both ways", async () => {
    await alice.publishActivity();
    const act = await bob.waitEvent((e) => e.type === "activity" && String(e.from).startsWith("alice@") && e.general === "talking", "alice's activity");
    expect(act.specific).toBe("on_the_phone");
    await alice.retractActivity();
    await bob.waitEvent((e) => e.type === "activity" && String(e.from).startsWith("alice@") && e.general === null, "alice's activity ended");

    const theirs = next(alice, "activity", (a) => a.activity?.specific === "on_video_phone");
    await bob.command({ cmd: "publish_activity", general: "talking", specific: "on_video_phone" });
    expect((await theirs).from).toBe(`bob@${prosody.domain}`);

    const reach = next(alice, "reach", (r) => r.addrs.length > 0);
    await bob.command({ cmd: "publish_reach", uris: [`sip:bob@${prosody.domain}`] });
    expect((await reach).addrs).toEqual([{ uri: `sip:bob@${prosody.domain}` }]);

    await alice.publishReach([{ uri: `sip:alice@${prosody.domain}` }]);
    await bob.waitEvent((e) => e.type === "reach" && String(e.from).startsWith("alice@"), "alice's PEP reach");
    expect(await alice.fetchReach(`alice@${prosody.domain}`)).toEqual([{ uri: `sip:alice@${prosody.domain}` }]);
  });

  it("unavailable presence ends the resource", async () => {
    const gone = next(alice, "presence", (p) => p.jid === bob.jid && !p.available);
    await bob.command({ cmd: "presence", type: "unavailable" });
    await gone;
    await until("bob gone from the table", () => alice.presencesOf(`bob@${prosody.domain}`).length === 0);
  });

  it("answers XMPP pings (XEP-0199) and sends directed presence with reach to a non-contact", async () => {
    await bob.command({ cmd: "ping", to: alice.jid });
    await bob.waitEvent((e) => e.type === "pong", "our pong");
    const carol = track(await startSlixPeer(prosody, "carol", { resource: "slix" }));
    await alice.sendDirectedPresence(carol.jid, { status: "just for you", reach: [{ uri: `sip:alice@${prosody.domain}` }] });
    const p = await carol.waitEvent((e) => e.type === "presence" && e.status === "just for you", "directed presence");
    expect(p).toMatchObject({ reach: [`sip:alice@${prosody.domain}`], caps_ver: alice.capsVer });
  });
});
