// UC-d and UC-e (protocol.md §4-§6) between two endpoints of ours: a chat that
// becomes a call is tied to the same conversation on both ends; the wire
// shows reach once in the thread and the thread in Call-Info.
import { describe, expect, it } from "vitest";
import type { CusaxClient } from "../../../packages/core/src/index.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { until, useCleanup } from "../index.js";
import { twoFriends } from "./link-kit.js";

const track = useCleanup();

function nextIncoming(c: CusaxClient) {
  return new Promise<{ call: SipCall; conversation?: { id: number; threadId: string } }>((resolve) => {
    const off = c.events.on("incomingCall", (e) => {
      off();
      resolve(e);
    });
  });
}

describe("conversations tied to calls", () => {
  it("UC-d: alice chats with bob, calls from the chat; bob's side ties the call to the same conversation", async () => {
    const { prosody, kamailio, alice, bob } = await twoFriends(track);
    const bobBare = `bob@${prosody.domain}`;

    // Chat: two messages from alice, one reply from bob, all in one thread.
    const conv = alice.conversationWith(bobBare);
    const bobGot: { body: string; conversationId: number; thread: string }[] = [];
    bob.events.on("message", ({ conversation, message }) => {
      if (message.direction === "in") bobGot.push({ body: message.body, conversationId: conversation.id, thread: conversation.threadId });
    });
    await alice.send(conv.id, "hi bob");
    await alice.send(conv.id, "can we talk?");
    await until("both messages at bob", () => bobGot.length === 2);
    expect(bobGot.map((m) => m.thread)).toEqual([conv.threadId, conv.threadId]);
    const bobConvId = bobGot[0]!.conversationId;
    const aliceGot = new Promise<string>((resolve) => alice.events.on("message", ({ conversation, message }) => message.direction === "in" && resolve(conversation.threadId)));
    await bob.send(bobConvId, "sure, call me");
    expect(await aliceGot).toBe(conv.threadId);

    // The wire: reach in alice's first message of the thread only (§4).
    // (Chat messages only: receipts to bob carry the thread too.)
    const aliceMessages = prosody.log().split("\n").filter((l) => l.includes("RECV: <message") && l.includes(`to='bob@`) && l.includes(conv.threadId) && l.includes("<body>"));
    expect(aliceMessages).toHaveLength(2);
    expect(aliceMessages.filter((l) => l.includes("urn:xmpp:reach:0"))).toHaveLength(1);
    expect(aliceMessages.find((l) => l.includes("hi bob"))).toContain("urn:xmpp:reach:0");

    // The call from the chat: bob's side binds it to his conversation of that thread.
    const recorded: string[] = [];
    alice.events.on("call", ({ record }) => recorded.push(`alice ${record.direction} ${record.conversationId}`));
    bob.events.on("call", ({ record }) => recorded.push(`bob ${record.direction} ${record.conversationId}`));
    const incoming = nextIncoming(bob);
    const call = alice.callFromConversation(conv.id);
    const { call: bobCall, conversation } = await incoming;
    expect(conversation?.id).toBe(bobConvId);
    expect(conversation?.threadId).toBe(conv.threadId);
    // Both histories hold the call inside the conversation.
    expect(recorded.sort()).toEqual([`alice out ${conv.id}`, `bob in ${bobConvId}`]);
    await bob.answer(bobCall);
    await until("the call up on both sides", () => call.state === "established" && bobCall.state === "established");

    // The INVITE carried alice's full JID and the thread; the 200 bob's (D3).
    const wire = (await kamailio.wireRecords()).filter((r) => r.tag === "rcv");
    const invite = wire.find((r) => r.text.startsWith("INVITE "))!.text;
    expect(invite).toMatch(new RegExp(`^Call-Info: <xmpp:alice@${prosody.domain}/cusax-[0-9a-f]+\\?message;type=chat;thread=${conv.threadId}>;purpose=impp`, "mi"));
    const ok = wire.find((r) => r.text.startsWith("SIP/2.0 200") && /CSeq: \d+ INVITE/.test(r.text))!.text;
    expect(ok).toMatch(new RegExp(`^Call-Info: <xmpp:bob@${prosody.domain}/cusax-[0-9a-f]+\\?message;type=chat;thread=${conv.threadId}>;purpose=impp`, "mi"));
    call.hangup();
    await until("the call ended on both sides", () => call.state === "ended" && bobCall.state === "ended");
  });
});

describe("a call that becomes a chat", () => {
  it("UC-e: in a call placed from a dialler, each side's message shows inside the call's conversation", async () => {
    const { prosody, kamailio, alice, bob } = await twoFriends(track);

    const calls: { who: string; conversationId?: number }[] = [];
    alice.events.on("call", ({ record }) => calls.push({ who: "alice", conversationId: record.conversationId }));
    const incoming = nextIncoming(bob);
    const call = alice.call(`sip:bob@${kamailio.domain}`); // a dialler: no chat before
    const { call: bobCall, conversation: bobConv } = await incoming;
    expect(bobConv).toBeDefined();
    await bob.answer(bobCall);
    await until("the call up", () => call.state === "established" && bobCall.state === "established");
    const aliceConvId = calls.find((c) => c.who === "alice")!.conversationId!;
    expect(aliceConvId).toBeDefined();

    // Each side writes during the call; each message lands in the call's conversation.
    const atBob = new Promise<number>((resolve) => bob.events.on("message", ({ conversation, message }) => message.direction === "in" && resolve(conversation.id)));
    const atAlice = new Promise<number>((resolve) => alice.events.on("message", ({ conversation, message }) => message.direction === "in" && resolve(conversation.id)));
    await alice.send(aliceConvId, "sending you the slides now");
    await bob.send(bobConv!.id, "got them");
    expect(await atBob).toBe(bobConv!.id);
    expect(await atAlice).toBe(aliceConvId);
    // §6: during the call the messages went to the peer's full JID from Call-Info.
    const toFull = prosody.log().split("\n").filter((l) => l.includes("RECV: <message") && l.includes(bobConv!.threadId));
    expect(toFull.some((l) => new RegExp(`to='bob@${prosody.domain}/cusax-`).test(l))).toBe(true);
    expect(toFull.some((l) => new RegExp(`to='alice@${prosody.domain}/cusax-`).test(l))).toBe(true);
    call.hangup();
    await until("the call ended", () => bobCall.state === "ended");
  });
});
