// Our XmppClient against unmodified servers: ejabberd 23.01 and Prosody 0.12
// on Debian's default config (RFC 6120 STARTTLS login, RFC 6121 subscriptions
// and presence, XEP-0184 receipts, XEP-0280 carbons, XEP-0313 MAM, XEP-0163
// PEP with XEP-0108 activity and XEP-0152 reach, XEP-0198 resumption).
// Our own Prosody (prosody.ts) is covered by the other files in this folder.
import { beforeAll, describe, expect, it } from "vitest";
import { startEjabberd, startStockProsody, until, useCleanup, type XmppServer } from "../index.js";
import { XmppClient, type XmppClientOptions, type XmppMessage } from "../../../packages/core/src/xmpp/index.js";
import { next } from "./helpers.js";

// Debian's stock Prosody config has no direct TLS port; our ejabberd has one.
const SHAPES = [
  { shape: "ejabberd", start: (users: string[]) => startEjabberd({ users }), directTls: true },
  { shape: "prosody-stock", start: (users: string[]) => startStockProsody({ users }), directTls: false },
] as const;

function clientOf(server: XmppServer, user: string, resource: string, extra: Partial<XmppClientOptions> = {}): XmppClient {
  const u = server.users[user];
  if (!u) throw new Error(`no user ${user}`);
  return new XmppClient({
    service: `xmpp://${server.host}:${server.ports.c2s}`,
    domain: server.domain,
    username: u.name,
    password: u.password,
    resource,
    ca: server.caPem,
    backoff: { baseMs: 200, maxMs: 2000 },
    ...extra,
  });
}

/** Every message a client emits, for exactly-once checks. */
function collect(client: XmppClient): XmppMessage[] {
  const got: XmppMessage[] = [];
  client.on("message", (m) => got.push(m));
  return got;
}

describe.each(SHAPES)("our client against $shape", ({ shape, start, directTls }) => {
  const track = useCleanup();
  const since = new Date(Date.now() - 60_000);
  let server: XmppServer;
  let alice: XmppClient;
  let bob: XmppClient;
  let aliceBare: string;
  let bobBare: string;

  beforeAll(async () => {
    server = track(await start(["alice", "bob"]));
    expect(server.shape).toBe(shape);
    aliceBare = server.users.alice!.jid;
    bobBare = server.users.bob!.jid;
    alice = track(clientOf(server, "alice", "desk"));
    bob = track(clientOf(server, "bob", "laptop"));
  }, 120_000); // ejabberd's boot alone took 18 s on the loaded test machine

  it("logs in with STARTTLS, trusting only the world's CA", async () => {
    await expect(clientOf(server, "alice", "untrusting", { ca: [] }).start()).rejects.toMatchObject({
      kind: "transport",
      message: expect.stringMatching(/^TLS: .*SELF_SIGNED/),
    });
    expect(await alice.start()).toEqual({ jid: `${aliceBare}/desk` });
    expect(await bob.start()).toEqual({ jid: `${bobBare}/laptop` });
    expect(alice.state).toBe("online");
  });

  it("direct TLS (XEP-0368) where the server offers it", async () => {
    expect(server.ports.directTls !== undefined).toBe(directTls);
    if (server.ports.directTls === undefined) return;
    const tls = clientOf(server, "alice", "tls", { service: `xmpps://${server.host}:${server.ports.directTls}` });
    expect(await tls.start()).toEqual({ jid: `${aliceBare}/tls` });
    await tls.stop();
  });

  it("subscribes both ways and sees each other's presence", async () => {
    const bobAsked = next(bob, "subscriptionRequest", (r) => r.from === aliceBare);
    const aliceBoth = next(alice, "rosterChange", (c) => c.kind === "set" && c.item.jid === bobBare && c.item.subscription === "both");
    const bobBoth = next(bob, "rosterChange", (c) => c.kind === "set" && c.item.jid === aliceBare && c.item.subscription === "both");
    const aliceSeesBob = next(alice, "presence", (p) => p.jid === bob.jid && p.available);
    const bobSeesAlice = next(bob, "presence", (p) => p.jid === alice.jid && p.available);
    await alice.rosterAdd({ jid: bobBare, name: "Bob" });
    await alice.subscribe(bobBare);
    await bobAsked;
    const aliceAsked = next(alice, "subscriptionRequest", (r) => r.from === bobBare);
    await bob.approve(aliceBare);
    await bob.subscribe(aliceBare);
    await aliceAsked;
    await alice.approve(bobBare);
    await Promise.all([aliceBoth, bobBoth, aliceSeesBob, bobSeesAlice]);
    expect(alice.roster().find((i) => i.jid === bobBare)).toMatchObject({ subscription: "both", name: "Bob" });
    expect(bob.roster().find((i) => i.jid === aliceBare)).toMatchObject({ subscription: "both" });

    const status = next(bob, "presence", (p) => p.jid === alice.jid && p.presence.status === "in a meeting");
    await alice.setPresence({ show: "dnd", status: "in a meeting" });
    expect((await status).presence).toMatchObject({ show: "dnd" });
    expect(bob.presencesOf(aliceBare).map((r) => r.resource)).toEqual(["desk"]);
  });

  it("a chat message with a receipt, both ways", async () => {
    const toBob = next(bob, "message", (m) => m.body === "hello bob");
    const bobsReceipt = next(alice, "receipt", (r) => r.from === bob.jid);
    const sent = await alice.sendMessage({ to: bob.jid, body: "hello bob", requestReceipt: true });
    expect(await toBob).toMatchObject({ from: alice.jid, direction: "in", peer: aliceBare, receiptRequested: true, id: sent.id, thread: sent.thread });
    expect((await bobsReceipt).id).toBe(sent.id);

    const toAlice = next(alice, "message", (m) => m.body === "hello alice");
    const alicesReceipt = next(bob, "receipt", (r) => r.from === alice.jid);
    const reply = await bob.sendMessage({ to: alice.jid, body: "hello alice", requestReceipt: true });
    expect(reply.thread).toBe(sent.thread);
    expect(await toAlice).toMatchObject({ from: bob.jid, direction: "in", id: reply.id, thread: sent.thread });
    expect((await alicesReceipt).id).toBe(reply.id);
  });

  it("carbons reach alice's second resource, received and sent", async () => {
    const phone = track(clientOf(server, "alice", "phone"));
    await phone.start();
    const received = next(phone, "message", (m) => m.body === "to the desk" && m.carbon === "received");
    await bob.sendMessage({ to: alice.jid, body: "to the desk" });
    expect(await received).toMatchObject({ direction: "in", peer: bobBare, from: bob.jid });
    const sent = next(phone, "message", (m) => m.body === "from the desk" && m.carbon === "sent");
    await alice.sendMessage({ to: bob.jid, body: "from the desk" });
    expect(await sent).toMatchObject({ direction: "out", peer: bobBare });
    await phone.stop();
  });

  it("a MAM query returns the archived conversation", async () => {
    const tablet = track(clientOf(server, "bob", "tablet"));
    const got = collect(tablet);
    await tablet.start();
    const result = await tablet.catchUpArchive({ start: since, with: aliceBare });
    expect(result.complete).toBe(true);
    const archived = got.filter((m) => m.archived);
    expect(archived.find((m) => m.body === "hello bob")).toMatchObject({ direction: "in", peer: aliceBare, archived: { archiveId: expect.any(String) } });
    expect(archived.find((m) => m.body === "hello alice")).toMatchObject({ direction: "out", peer: aliceBare });
    expect(archived.filter((m) => m.body === "hello bob")).toHaveLength(1);
    expect(result.lastId).toBe(archived.at(-1)?.archived?.archiveId);
    await tablet.stop();
  });

  it("PEP: activity and reach published by alice reach bob", async () => {
    const activity = next(bob, "activity", (a) => a.from === aliceBare && a.activity?.specific === "on_the_phone");
    await alice.publishActivity();
    expect((await activity).activity).toMatchObject({ general: "talking" });
    const ended = next(bob, "activity", (a) => a.from === aliceBare && a.activity === undefined);
    await alice.retractActivity();
    await ended;

    const addrs = [{ uri: `sip:alice@${server.domain}` }];
    const reach = next(bob, "reach", (r) => r.from === aliceBare && r.addrs.length > 0);
    await alice.publishReach(addrs);
    expect((await reach).addrs).toEqual(addrs);
    expect(await bob.fetchReach(aliceBare)).toEqual(addrs);
  });

  it("a dropped link is resumed (XEP-0198) and nothing is lost or doubled", async () => {
    const aliceGot = collect(alice);
    const bobGot = collect(bob);
    await until("alice's stanzas acknowledged", () => alice.unackedCount === 0);
    const offline = next(alice, "offline");
    const resumed = next(alice, "online", (o) => o.resumed, 60_000);
    alice.simulateLinkLoss();
    await offline;
    await alice.sendMessage({ to: bob.jid, body: "sent while cut off" });
    await bob.sendMessage({ to: `${aliceBare}/desk`, body: "during the gap" });
    await resumed;
    await until("alice's queued message at bob", () => bobGot.some((m) => m.body === "sent while cut off"), { timeoutMs: 30_000 });
    await until("bob's message at alice", () => aliceGot.some((m) => m.body === "during the gap"), { timeoutMs: 30_000 });
    await bob.sendMessage({ to: alice.jid, body: "after" });
    await until("the message after", () => aliceGot.some((m) => m.body === "after"), { timeoutMs: 30_000 });
    expect(aliceGot.map((m) => m.body)).toEqual(["during the gap", "after"]);
    expect(bobGot.filter((m) => m.body === "sent while cut off")).toHaveLength(1);
    // Resumption keeps what alice knew of bob's presence (his tablet's unavailable may still be on its way).
    await until("bob's laptop alone in alice's presence table", () => alice.presencesOf(bobBare).map((p) => p.resource).join() === "laptop");
  });
});
