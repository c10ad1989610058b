// Chat with XEP-0201 threads, XEP-0184 receipts and XEP-0085 chat states both
// ways with slixmpp; XEP-0280 carbons between two of our resources; XEP-0313
// catch-up of what arrived while we were offline, exactly once.
import { describe, expect, it, beforeAll } from "vitest";
import { startProsody, startSlixPeer, useCleanup, type Prosody, type SlixPeer } from "../index.js";
import { makeClient, next } from "./helpers.js";
import type { XmppClient, XmppMessage } from "../../../packages/core/src/xmpp/index.js";

const track = useCleanup();
let prosody: Prosody;
let alice: XmppClient;
let bob: SlixPeer;
let bobBare: string;

async function befriend(client: XmppClient, peer: SlixPeer, bare: string): Promise<void> {
  const both = next(client, "rosterChange", (c) => c.kind === "set" && c.item.jid === bare && c.item.subscription === "both");
  const asked = next(client, "subscriptionRequest", (r) => r.from === bare);
  await client.subscribe(bare);
  await asked;
  await client.approve(bare);
  await both;
  void peer;
}

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  bobBare = `bob@${prosody.domain}`;
  bob = track(await startSlixPeer(prosody, "bob", { resource: "slix" }));
  alice = track(makeClient(prosody, "alice", { resource: "desk" }));
  await alice.start();
  await befriend(alice, bob, bobBare);
});

describe("XMPP chat with slixmpp", () => {
  it("we send with a fresh thread and get a receipt", async () => {
    const receipt = next(alice, "receipt");
    const reach = [{ uri: `sip:alice@${prosody.domain};gr=urn:uuid:1` }, { uri: `sip:alice@${prosody.domain}` }];
    const sent = await alice.sendMessage({ to: bob.jid, body: "hello bob", requestReceipt: true, reach });
    expect(sent.thread).toMatch(/^[0-9a-f]{32}$/);
    const got = await bob.waitEvent((e) => e.type === "message" && e.body === "hello bob", "our message");
    expect(got).toMatchObject({ thread: sent.thread, receipt_request: true, id: sent.id, origin_id: sent.id, reach: reach.map((r) => r.uri) });
    expect(await receipt).toMatchObject({ id: sent.id, from: bob.jid });
  });

  it("slixmpp's message arrives with its thread and chat state; we ack it and reply in its thread", async () => {
    const msg = next(alice, "message", (m) => m.body === "hi alice");
    const state = next(alice, "chatState", (s) => s.state === "active");
    await bob.command({ cmd: "send", to: alice.jid, body: "hi alice", thread: "bob-thread-1", id: "b-1", receipt: true, chatstate: "active" });
    const m = await msg;
    expect(m).toMatchObject({ from: bob.jid, thread: "bob-thread-1", direction: "in", peer: bobBare, receiptRequested: true });
    expect((await state).thread).toBe("bob-thread-1");
    expect(await bob.waitEvent((e) => e.type === "receipt" && e.id === "b-1", "our receipt")).toMatchObject({ thread: "bob-thread-1" });
    const reply = await alice.sendMessage({ to: bob.jid, body: "hi bob, again" });
    expect(reply.thread).toBe("bob-thread-1");
    await bob.waitEvent((e) => e.type === "message" && e.body === "hi bob, again" && e.thread === "bob-thread-1", "our reply");
  });

  it("carbons reach our other resource, sent and received", async () => {
    const phone = track(makeClient(prosody, "alice", { resource: "phone" }));
    await phone.start();
    const received = next(phone, "message", (m) => m.body === "to desk" && m.carbon === "received");
    await bob.command({ cmd: "send", to: alice.jid, body: "to desk" });
    expect(await received).toMatchObject({ direction: "in", peer: bobBare });
    const sent = next(phone, "message", (m) => m.body === "from desk" && m.carbon === "sent");
    await alice.sendMessage({ to: bob.jid, body: "from desk" });
    expect(await sent).toMatchObject({ direction: "out", peer: bobBare });
    await phone.stop();
  });

  it("messages sent while we were offline arrive exactly once (offline storage and archive)", async () => {
    await alice.stop();
    const bodies = ["while away 1", "while away 2", "while away 3"];
    for (const body of bodies) await bob.command({ cmd: "send", to: bobBare.replace("bob", "alice"), body });
    const back = track(makeClient(prosody, "alice", { resource: "desk2" }));
    const got: XmppMessage[] = [];
    back.on("message", (m) => got.push(m));
    const since = new Date(Date.now() - 60_000);
    await back.start();
    await back.catchUpArchive({ start: since });
    for (const body of bodies) expect(got.filter((m) => m.body === body)).toHaveLength(1);
    // Asking the archive again brings nothing new.
    const before = got.length;
    await back.catchUpArchive({ start: since });
    expect(got.length).toBe(before);
    await back.stop();
  });
});
