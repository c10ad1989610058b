// The cross-protocol scenario run on every server shape (test/world/shapes.ts):
// our Kamailio and Prosody, Debian's stock kamailio.cfg with GRUUs off and on,
// Debian's default prosody.cfg.lua, and ejabberd. Two endpoints of ours:
// chat with typing, receipts and read markers, UC-a (reach), UC-c (callable, on the phone), UC-d (a call from the chat tied
// to the same conversation on both ends), UC-e (a message during the call in
// the call's conversation), UC-b (the caller's JID from Call-Info), hold and
// BYE from either side, and a call the other way round.
import { expect } from "vitest";
import type { CusaxClient } from "../../../packages/core/src/index.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { until } from "../index.js";
import { startWorld, type ServerShape } from "../shapes.js";
import { befriend, endpoint } from "./link-kit.js";

function nextIncoming(c: CusaxClient) {
  return new Promise<{ call: SipCall; conversation?: { id: number; threadId: string } }>((resolve) => {
    const off = c.events.on("incomingCall", (e) => {
      off();
      resolve(e);
    });
  });
}

function nextMessageIn(c: CusaxClient) {
  return new Promise<{ conversationId: number; body: string }>((resolve) => {
    const off = c.events.on("message", ({ conversation, message }) => {
      if (message.direction !== "in") return;
      off();
      resolve({ conversationId: conversation.id, body: message.body });
    });
  });
}

const established = (...calls: SipCall[]) => calls.every((c) => c.state === "established");
const ended = (...calls: SipCall[]) => calls.every((c) => c.state === "ended");

type Track = <T extends { stop(): Promise<void> }>(t: T) => T;

/** The whole scenario on one shape; the shapes-*.test.ts files run it per shape, in parallel files. */
export async function runShapeScenario(track: Track, shape: ServerShape): Promise<void> {
  const { xmpp, sip } = await startWorld(track, shape, ["alice", "bob"]);
  const alice = endpoint(track, xmpp, sip, "alice");
  const bob = endpoint(track, xmpp, sip, "bob");
  expect((await alice.start()).sip.ok).toBe(true);
  expect((await bob.start()).sip.ok).toBe(true);
  const aliceBare = `alice@${xmpp.domain}`;
  const bobBare = `bob@${xmpp.domain}`;
  const bobAor = `sip:bob@${sip.domain}`;
  await befriend(alice, bob, xmpp.domain, ["alice", "bob"]);
  // UC-c: each sees the other callable through XMPP presence.
  await until("each sees the other callable", () => alice.sipStateOf(bobBare) === "callable" && bob.sipStateOf(aliceBare) === "callable");

  // UC-a: bob's SIP contact from his reach: the GRUU where the registrar
  // gave one that routes, else his AoR (protocol.md §2, D23).
  const found = await alice.findSipAddresses(bobBare);
  expect(found[0]?.dial).toBe(bob.sip.gruu ?? bobAor);
  if (shape.sip === "stock") expect(bob.sip.gruu).toBeUndefined();

  // UC-d: a chat, then a call from it, tied to one conversation on both ends.
  const conv = alice.conversationWith(bobBare);
  const states: string[] = [];
  alice.events.on("messageState", (m) => states.push(`${m.messageId} ${m.state}`));
  const typing = new Promise<string>((resolve) => bob.events.on("chatState", (c) => c.state === "composing" && resolve(c.from)));
  expect(await alice.sendChatState(conv.id, "composing")).toBe(true);
  expect(await typing).toMatch(new RegExp(`^${aliceBare}/`));
  const atBob = nextMessageIn(bob);
  const sent = await alice.send(conv.id, "hi bob, can we talk?");
  const bobConvId = (await atBob).conversationId;
  // XEP-0184 then XEP-0333: delivered on bob's receipt, displayed once bob reads.
  await until("alice's message delivered", () => states.includes(`${sent.id} delivered`));
  expect((await bob.read(bobConvId)).displayed).toBe(true);
  await until("alice's message displayed", () => states.includes(`${sent.id} displayed`));
  const incoming = nextIncoming(bob);
  const call = alice.callFromConversation(conv.id);
  const { call: bobCall, conversation } = await incoming;
  expect(conversation?.id).toBe(bobConvId);
  expect(conversation?.threadId).toBe(conv.threadId);
  await bob.answer(bobCall);
  // Answered and ACKed: an unroutable dialog Contact would leave bob answering.
  await until("the call up on both sides", () => established(call, bobCall), { timeoutMs: 30_000 });

  // UC-c: on the phone, seen both ways.
  await until("each sees the other on the phone", () =>
    alice.sipStateOf(bobBare) === "on-the-phone" && bob.sipStateOf(aliceBare) === "on-the-phone");

  // UC-e: bob writes during the call; it lands in alice's call conversation.
  const atAlice = nextMessageIn(alice);
  await bob.send(bobConvId, "sure, talking now");
  expect(await atAlice).toEqual({ conversationId: conv.id, body: "sure, talking now" });

  // UC-b: bob learned alice's JID from the INVITE's Call-Info.
  expect(bob.findJids(`sip:alice@${sip.domain}`).map((j) => j.jid)).toContain(aliceBare);

  // Hold and resume from each side: re-INVITEs inside the dialog, both ways.
  expect(await bobCall.hold()).toBe(true);
  await until("alice sees the hold", () => call.holdState.remote);
  expect(await bobCall.resume()).toBe(true);
  // Straight after the peer's re-INVITE: ours waits for that exchange to end (RFC 3261 §14.1).
  expect(await call.hold()).toBe(true);
  await until("bob sees the hold", () => bobCall.holdState.remote);
  expect(await call.resume()).toBe(true);
  await until("nobody on hold", () => !call.holdState.remote && !bobCall.holdState.remote);

  // BYE from the callee ends it on both sides; both callable again.
  bobCall.hangup();
  await until("the call ended on both sides", () => ended(call, bobCall));
  expect(call.outcome).toEqual({ reason: "hangup", by: "remote" });
  expect(bobCall.outcome).toEqual({ reason: "hangup", by: "local" });
  await until("callable again", () => alice.sipStateOf(bobBare) === "callable");

  // The other way round: bob dials alice's AoR, alice hangs up.
  const incoming2 = nextIncoming(alice);
  const call2 = bob.call(`sip:alice@${sip.domain}`);
  const { call: aliceCall } = await incoming2;
  await alice.answer(aliceCall);
  await until("the second call up", () => established(call2, aliceCall), { timeoutMs: 30_000 });
  aliceCall.hangup();
  await until("the second call ended on both sides", () => ended(call2, aliceCall));
}
