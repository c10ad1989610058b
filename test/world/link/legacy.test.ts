// protocol.md §8: peers without our conventions. bob is two plain apps, a
// baresip phone and a slixmpp client; alice (ours) chats and calls with him,
// nothing is tied wrongly and nothing breaks.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startProsody, startSlixPeer, until, useCleanup } from "../index.js";
import { endpoint } from "./link-kit.js";

const track = useCleanup();

describe("legacy peers", () => {
  it("chat with slixmpp and calls with baresip work; a call is tied only where the user's link says so", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
    const dir = makeWorldDir("legacy-tones");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const alice = endpoint(track, prosody, kamailio, "alice");
    await alice.start();
    const bobXmpp = track(await startSlixPeer(prosody, "bob"));
    const bobSip = track(await startBaresip(kamailio, "bob", { source: await makeTone(join(dir, "b.wav"), 1000, { seconds: 10 }), answer: "auto" }));
    await bobSip.registered();
    const bobBare = `bob@${prosody.domain}`;
    const bobAor = `sip:bob@${kamailio.domain}`;

    // Subscription both ways (slixmpp approves and asks back by itself).
    alice.xmpp.on("subscriptionRequest", (r) => void alice.xmpp.approve(r.from).catch(() => undefined));
    await alice.xmpp.rosterAdd({ jid: bobBare });
    await alice.xmpp.subscribe(bobBare);
    await until("mutual subscription", () => alice.xmpp.roster().some((i) => i.jid === bobBare && i.subscription === "both"));

    // Chat both ways with a plain XMPP client: threads are kept, nothing else needed.
    const conv = alice.conversationWith(bobBare);
    await alice.send(conv.id, "hello plain client");
    const got = await bobXmpp.waitEvent((e) => e.type === "message" && e.body === "hello plain client", "alice's message");
    expect(got.thread).toBe(conv.threadId);
    const reply = new Promise<number>((resolve) => alice.events.on("message", ({ conversation, message }) => message.direction === "in" && resolve(conversation.id)));
    await bobXmpp.command({ cmd: "send", to: `alice@${prosody.domain}`, body: "hi from slixmpp", thread: got.thread });
    expect(await reply).toBe(conv.id);

    // bob's phone calls alice before alice linked anything: an ordinary call, tied to nothing.
    const calls: { call: SipCall; conversationId?: number }[] = [];
    alice.events.on("incomingCall", ({ call, conversation }) => calls.push({ call, ...(conversation ? { conversationId: conversation.id } : {}) }));
    await bobSip.command("dial", `sip:alice@${kamailio.domain}`);
    await until("the first call", () => calls.length === 1);
    expect(calls[0]!.conversationId).toBeUndefined();
    await alice.answer(calls[0]!.call);
    await bobSip.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call up");
    calls[0]!.call.hangup();
    await until("the first call ended", () => calls[0]!.call.state === "ended");

    // alice says the phone is bob's: now a call from it joins her one chat with bob (§8, by the AoR).
    alice.link(bobBare, bobAor);
    await bobSip.command("dial", `sip:alice@${kamailio.domain}`);
    await until("the second call", () => calls.length === 2);
    expect(calls[1]!.conversationId).toBe(conv.id);
    calls[1]!.call.reject(486);

    // alice calls bob's phone; baresip ignores our Call-Info and answers; chat goes on.
    const out = alice.call(bobAor);
    await until("alice's call up", () => out.state === "established");
    out.hangup();
    await until("alice's call ended", () => out.state === "ended");
    await alice.send(conv.id, "still here");
    await bobXmpp.waitEvent((e) => e.type === "message" && e.body === "still here", "the chat after the calls");
  });
});
