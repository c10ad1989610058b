// protocol.md §7-§9 in the world: GRUU routing of a call from a chat to the
// device that hosts it, a spoofed reach claim that stays a claim, and links,
// trust and conversations that survive a restart.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CusaxClient } from "../../../packages/core/src/index.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { SqliteStore } from "../../../packages/core/src/store/sqlite-store.js";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startProsody, startSlixPeer, until, useCleanup } from "../index.js";
import { befriend, endpoint } from "./link-kit.js";

const track = useCleanup();

function incomingCalls(c: CusaxClient): { call: SipCall; conversationId?: number }[] {
  const got: { call: SipCall; conversationId?: number }[] = [];
  c.events.on("incomingCall", ({ call, conversation }) => got.push({ call, ...(conversation ? { conversationId: conversation.id } : {}) }));
  return got;
}

describe("links and trust in the world", () => {
  it("GRUU: a call from alice's chat with bob's laptop rings the laptop only", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
    const alice = endpoint(track, prosody, kamailio, "alice");
    const laptop = endpoint(track, prosody, kamailio, "bob");
    const phone = endpoint(track, prosody, kamailio, "bob");
    for (const e of [alice, laptop, phone]) await e.start();
    await befriend(alice, laptop, prosody.domain, ["alice", "bob"]);
    expect(laptop.sip.gruu).not.toBe(phone.sip.gruu);
    const bobBare = `bob@${prosody.domain}`;
    await until("both of bob's devices seen by alice", () => alice.xmpp.presencesOf(bobBare).length === 2);

    // The laptop answers alice's chat; alice learns the laptop's GRUU for the thread.
    const conv = alice.conversationWith(bobBare);
    const atLaptop = new Promise<number>((resolve) => laptop.events.on("message", ({ conversation, message }) => message.direction === "in" && resolve(conversation.id)));
    await alice.send(conv.id, "are you at your desk?");
    const laptopConv = await atLaptop;
    const back = new Promise<void>((resolve) => alice.events.on("message", ({ message }) => message.direction === "in" && resolve()));
    await laptop.send(laptopConv, "yes, on the laptop");
    await back;

    const atLaptopCalls = incomingCalls(laptop);
    const atPhoneCalls = incomingCalls(phone);
    const call = alice.callFromConversation(conv.id);
    await until("the laptop rings", () => atLaptopCalls.length === 1);
    await laptop.answer(atLaptopCalls[0]!.call);
    await until("the call up", () => call.state === "established");
    expect(atLaptopCalls[0]!.conversationId).toBe(laptopConv);
    const invite = (await kamailio.wireRecords()).find((r) => r.tag === "rcv" && r.text.startsWith("INVITE "))!.text;
    expect(invite.split("\r\n")[0]).toBe(`INVITE ${laptop.sip.gruu} SIP/2.0`);
    // Kamailio forwarded the INVITE once (to the laptop's binding), and the phone never saw a call.
    expect((await kamailio.wireRecords()).filter((r) => r.tag === "snd" && r.text.startsWith("INVITE "))).toHaveLength(1);
    expect(atPhoneCalls).toHaveLength(0);
    call.hangup();
    await until("the call ended", () => call.state === "ended");
  });

  it("a spoofed reach claim stays claimed and does not tie a call from that address to the claimant's chat", async () => {
    const prosody = track(await startProsody({ users: ["alice", "carol"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
    const alice = endpoint(track, prosody, kamailio, "alice");
    await alice.start();
    const carol = track(await startSlixPeer(prosody, "carol"));
    const carolBare = `carol@${prosody.domain}`;
    const bobAor = `sip:bob@${kamailio.domain}`;
    await alice.xmpp.rosterAdd({ jid: carolBare });
    await alice.xmpp.subscribe(carolBare);
    await carol.waitEvent((e) => e.type === "presence" && e.ptype === "subscribe", "alice's request");
    // carol claims bob's SIP address in her presence and chats with alice.
    await carol.command({ cmd: "presence", status: "hi", reach: [bobAor] });
    await until("carol's claim at alice", () => alice.xmpp.presencesOf(carolBare).some((r) => r.reach?.some((a) => a.uri === bobAor)));
    const chat = new Promise<number>((resolve) => alice.events.on("message", ({ conversation }) => resolve(conversation.id)));
    await carol.command({ cmd: "send", to: `alice@${prosody.domain}`, body: "call me on my SIP phone" });
    await chat;
    expect(alice.links(bobAor).map((l) => [l.jid, l.origin, l.trust])).toEqual([[carolBare, "reach", "claimed"]]);

    // bob's plain phone calls alice from the address carol claimed.
    const dir = makeWorldDir("spoof-tones");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const bob = track(await startBaresip(kamailio, "bob", { source: await makeTone(join(dir, "b.wav"), 1000, { seconds: 5 }), answer: "auto" }));
    await bob.registered();
    const calls = incomingCalls(alice);
    await bob.command("dial", `sip:alice@${kamailio.domain}`);
    await until("the call at alice", () => calls.length === 1);
    expect(calls[0]!.conversationId).toBeUndefined();
    const links = alice.findJids(bobAor);
    expect(links).toEqual([]); // a reach claim alone gives no JID for a caller (UC-b needs Call-Info or the user)
    calls[0]!.call.reject(486);
    expect(alice.links(bobAor).map((l) => l.trust)).toEqual(["claimed"]);
  });

  it("links, trust and conversations survive a restart of either side", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
    const dir = makeWorldDir("restart-db");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const aliceDb = join(dir, "alice.db");
    let store = new SqliteStore(aliceDb);
    let alice = endpoint(track, prosody, kamailio, "alice", { store });
    const bob = endpoint(track, prosody, kamailio, "bob");
    await alice.start();
    await bob.start();
    await befriend(alice, bob, prosody.domain, ["alice", "bob"]);
    const bobBare = `bob@${prosody.domain}`;
    await until("bob callable", () => alice.sipStateOf(bobBare) === "callable");
    const conv = alice.conversationWith(bobBare);
    const reply = new Promise<void>((resolve) => alice.events.on("message", ({ message }) => message.direction === "in" && resolve()));
    const atBob = new Promise<number>((resolve) => bob.events.on("message", ({ conversation }) => resolve(conversation.id)));
    await alice.send(conv.id, "before the restart");
    await bob.send(await atBob, "got it");
    await reply;
    const before = { instance: alice.instanceId, links: store.findLinks({ kind: "jid", value: bobBare }).map((l) => [l.other.value, l.trust]) };
    expect(before.links.length).toBeGreaterThan(0);

    await alice.stop();
    store.close();
    store = new SqliteStore(aliceDb);
    alice = endpoint(track, prosody, kamailio, "alice", { store });
    await alice.start();
    expect(alice.instanceId).toBe(before.instance);
    expect(store.findLinks({ kind: "jid", value: bobBare }).map((l) => [l.other.value, l.trust])).toEqual(before.links);
    const again = alice.conversationWith(bobBare);
    expect(again.threadId).toBe(conv.threadId);
    const later = new Promise<number>((resolve) => alice.events.on("message", ({ conversation, message }) => message.body === "after the restart" && resolve(conversation.id)));
    await bob.send(bob.conversationWith(`alice@${prosody.domain}`).id, "after the restart");
    expect(await later).toBe(conv.id);
    expect(store.timeline(store.findContactByAddress({ kind: "jid", value: bobBare })!.id, { limit: 10 }).map((i) => i.kind === "message" && i.message.body)).toEqual([
      "before the restart", "got it", "after the restart",
    ]);

    // bob restarts too (his own SQLite file): his conversation with alice goes on in the same thread.
    const bobDb = join(dir, "bob.db");
    await bob.stop();
    let bobStore = new SqliteStore(bobDb);
    let bob2 = endpoint(track, prosody, kamailio, "bob", { store: bobStore });
    await bob2.start();
    const atBob2 = new Promise<number>((resolve) => bob2.events.on("message", ({ conversation, message }) => message.body === "bob, still there?" && resolve(conversation.id)));
    await alice.send(again.id, "bob, still there?");
    const bobConv = { id: await atBob2 };
    await bob2.stop();
    bobStore.close();
    bobStore = new SqliteStore(bobDb);
    bob2 = endpoint(track, prosody, kamailio, "bob", { store: bobStore });
    await bob2.start();
    expect(bob2.conversationWith(`alice@${prosody.domain}`)).toMatchObject({ id: bobConv.id, threadId: conv.threadId });
    expect(bobStore.findLinks({ kind: "jid", value: `alice@${prosody.domain}` }).length).toBeGreaterThan(0);
    await Promise.all([alice.stop(), bob2.stop()]);
    store.close();
    bobStore.close();
  });
});
