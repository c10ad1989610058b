// Prosody stopped and restarted mid-conversation: we reconnect by ourselves
// (back-off, XEP-0198 resumption refused, new session) and no message is lost
// or duplicated in either direction. A network drop is resumed (XEP-0198 §5).
import { describe, expect, it } from "vitest";
import { startProsody, startSlixPeer, useCleanup, until } from "../index.js";
import { makeClient, next } from "./helpers.js";
import type { XmppMessage } from "../../../packages/core/src/xmpp/index.js";

const track = useCleanup();

describe("server restart", () => {
  it("comes back by itself with no message lost or duplicated", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const bobBare = `bob@${prosody.domain}`;
    let bob = track(await startSlixPeer(prosody, "bob", { resource: "slix" }));
    const alice = track(makeClient(prosody, "alice", { resource: "desk" }));
    const got: XmppMessage[] = [];
    alice.on("message", (m) => got.push(m));
    await alice.start();
    const both = next(alice, "rosterChange", (c) => c.kind === "set" && c.item.jid === bobBare && c.item.subscription === "both");
    const asked = next(alice, "subscriptionRequest");
    await alice.subscribe(bobBare);
    await asked;
    await alice.approve(bobBare);
    await both;

    for (const n of [1, 2, 3]) {
      const receipt = next(alice, "receipt");
      const sent = await alice.sendMessage({ to: bob.jid, body: `a${n}`, requestReceipt: true });
      expect((await receipt).id).toBe(sent.id);
      await bob.command({ cmd: "send", to: alice.jid, body: `b${n}`, id: `b${n}` });
    }
    await until("bob's messages", () => got.filter((m) => m.body?.startsWith("b")).length === 3);
    await until("the server acked all we sent", () => alice.unackedCount === 0);

    const offline = next(alice, "offline");
    const backOnline = next(alice, "online", () => true, 60_000);
    // bob's first slixmpp session ends with the server; his second one
    // starts after we are back. Exactly-once is counted over both sessions.
    const firstBob = bob;
    await prosody.restart();
    await offline;
    // While the server was down: this one waits in our queue.
    await alice.sendMessage({ to: bobBare, body: "a4" });
    const { resumed } = await backOnline;
    expect(resumed).toBe(false);
    expect(alice.state).toBe("online");

    bob = track(await startSlixPeer(prosody, "bob", { resource: "slix2" }));
    const atBob = () => [...firstBob.events, ...bob.events].filter((e) => e.type === "message" && e.body).map((e) => e.body);
    await until("the queued message at bob", () => atBob().includes("a4"), { timeoutMs: 30_000 });
    await bob.command({ cmd: "send", to: alice.jid, body: "b4", id: "b4" });
    await until("b4", () => got.some((m) => m.body === "b4"));

    expect(atBob().sort()).toEqual(["a1", "a2", "a3", "a4"]);
    expect(got.map((m) => m.body).sort()).toEqual(["b1", "b2", "b3", "b4"]);
  });

  it("resumes the stream after a network drop, with nothing lost or doubled (XEP-0198)", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const bob = track(await startSlixPeer(prosody, "bob", { resource: "slix" }));
    const alice = track(makeClient(prosody, "alice", { resource: "desk" }));
    const got: XmppMessage[] = [];
    alice.on("message", (m) => got.push(m));
    await alice.start();
    await until("stream management enabled and idle", () => alice.unackedCount === 0);
    // Directed presence (RFC 6121 §4.6): known before the drop, still known after resumption.
    const seen = next(alice, "presence", (p) => p.jid === bob.jid && p.available);
    await bob.command({ cmd: "presence", to: alice.jid, status: "here" });
    await seen;

    const offline = next(alice, "offline");
    const resumed = next(alice, "online", (o) => o.resumed, 30_000);
    alice.simulateLinkLoss();
    await offline;
    await alice.sendMessage({ to: bob.jid, body: "sent while cut off" });
    for (const n of [1, 2]) await bob.command({ cmd: "send", to: alice.jid, body: `during gap ${n}` });
    await resumed;
    await bob.waitEvent((e) => e.type === "message" && e.body === "sent while cut off", "our queued message");
    await until("both gap messages", () => got.filter((m) => m.body?.startsWith("during gap")).length === 2);
    await bob.command({ cmd: "send", to: alice.jid, body: "after" });
    await until("the message after", () => got.some((m) => m.body === "after"));
    expect(got.map((m) => m.body)).toEqual(["during gap 1", "during gap 2", "after"]);
    expect(alice.presencesOf(`bob@${prosody.domain}`).map((p) => p.status)).toEqual(["here"]);
    expect(bob.events.filter((e) => e.type === "message" && e.body === "sent while cut off")).toHaveLength(1);
  });
});
