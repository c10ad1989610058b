// protocol.md §5 receiving rules, §6, §8 and §9, including spoofing attempts.
import { describe, expect, it } from "vitest";
import type { Address, Link, LinkOrigin, LinkTrust } from "../store/types.js";
import { bindCall, bindMessage, fallbackTarget, type CallBinding, type CallView, type ChatView, type MessageBinding } from "./binding.js";
import { readImppContacts, serializeImppCallInfo } from "./xmpp-uri.js";

const BOB = "bob@example.net";
const CAROL = "carol@example.org";
const BOB_SIP: Address = { kind: "sip", value: "sip:bob@example.net" };
const MALLORY_SIP: Address = { kind: "sip", value: "sip:mallory@evil.test" };
const T_BOB = "5c1b0f3a9d7e4a2c8f61b3e0d4a7c925";
const T_CAROL = "0f0e0d0c0b0a09080706050403020100";

type L = Pick<Link, "jid" | "other" | "trust" | "evidence">;
const link = (jid: string, other: Address, trust: LinkTrust, ...origins: LinkOrigin[]): L => ({
  jid, other, trust, evidence: Object.fromEntries(origins.map((o) => [o, 1])),
});
const CHATS: ChatView[] = [
  { conversationId: 1, peerBare: BOB, threadId: T_BOB, active: true },
  { conversationId: 2, peerBare: CAROL, threadId: T_CAROL, active: true },
];
const callInfo = (jid: string, thread?: string) =>
  readImppContacts([thread ? serializeImppCallInfo(jid, thread) : `<xmpp:${jid}>;purpose=impp`]);
const CAROL_CLAIMS_BOB_SIP = link(CAROL, BOB_SIP, "claimed", "reach");

type Case = {
  name: string;
  from?: Address;
  impp: ReturnType<typeof readImppContacts>;
  links?: L[];
  roster?: string[];
  chats?: ChatView[];
  want: Partial<CallBinding>;
};

const cases: Case[] = [
  { name: "thread known for that JID, verified link", impp: callInfo(`${BOB}/desk`, T_BOB), links: [link(BOB, BOB_SIP, "verified", "reach", "call-info")], want: { bound: true, conversationId: 1, by: "thread", peerJid: `${BOB}/desk` } },
  { name: "thread known; bob's reach plus this Call-Info verify", impp: callInfo(`${BOB}/desk`, T_BOB), links: [link(BOB, BOB_SIP, "claimed", "reach")], want: { bound: true, by: "thread" } },
  { name: "thread known, no link, roster-backed: the thread is the chat's secret", impp: callInfo(`${BOB}/desk`, T_BOB), roster: [BOB], want: { bound: true, by: "thread" } },
  { name: "thread known, no link, not in roster", impp: callInfo(`${BOB}/desk`, T_BOB), want: { bound: false, reason: "untrusted-link", thread: T_BOB } },
  { name: "plain Jitsi form, verified: the single active chat", impp: callInfo(BOB), links: [link(BOB, BOB_SIP, "claimed", "vcard4")], want: { bound: true, conversationId: 1, by: "single-chat" } },
  { name: "plain form, Call-Info alone, even with roster", impp: callInfo(BOB), roster: [BOB], want: { bound: false, reason: "untrusted-link" } },
  { name: "plain form, never guess among several", impp: callInfo(BOB), links: [link(BOB, BOB_SIP, "user-confirmed", "user")], chats: [...CHATS, { conversationId: 3, peerBare: BOB, threadId: "x", active: true }], want: { bound: false, reason: "ambiguous" } },
  { name: "plain form, no active chat", impp: callInfo(BOB), links: [link(BOB, BOB_SIP, "verified")], chats: [{ ...CHATS[0]!, active: false }], want: { bound: false, reason: "no-chat", peerJid: BOB } },
  { name: "a thread of another peer is not bob's thread", impp: callInfo(BOB, T_CAROL), links: [link(BOB, BOB_SIP, "verified")], want: { bound: true, conversationId: 1, by: "single-chat" } },
  { name: "JID case does not matter", impp: callInfo("Bob@EXAMPLE.net/x", T_BOB), links: [link(BOB, BOB_SIP, "verified")], want: { bound: true, conversationId: 1 } },
  { name: "first impp entry that binds wins", impp: [...callInfo("stranger@x.org"), ...callInfo(BOB, T_BOB)], links: [link(BOB, BOB_SIP, "verified")], want: { bound: true, conversationId: 1 } },
  // §8: a proxy stripped Call-Info
  { name: "no Call-Info: one chat through a verified link", impp: [], links: [link(BOB, BOB_SIP, "verified")], want: { bound: true, conversationId: 1, by: "aor", peerJid: BOB } },
  { name: "no Call-Info: two linked JIDs with active chats", impp: [], links: [link(BOB, BOB_SIP, "verified"), link(CAROL, BOB_SIP, "user-confirmed")], want: { bound: false, reason: "ambiguous" } },
  { name: "no Call-Info, no link", impp: [], want: { bound: false, reason: "untrusted-link" } },
  { name: "a From that is no address binds nothing", from: { kind: "sip", value: "sip:" }, impp: callInfo(BOB, T_BOB), roster: [BOB], want: { bound: false, reason: "untrusted-link" } },
  { name: "the From in another spelling", from: { kind: "sip", value: "sips:bob@EXAMPLE.NET;transport=tls" }, impp: [], links: [link(BOB, BOB_SIP, "verified")], want: { bound: true, by: "aor" } },
  // §9 spoofing: carol's <reach/> names bob's SIP address
  { name: "spoof: bob calls naming himself; carol's claim is irrelevant", impp: callInfo(BOB), links: [CAROL_CLAIMS_BOB_SIP], roster: [BOB, CAROL], want: { bound: false, reason: "untrusted-link", peerJid: BOB } },
  { name: "spoof: bob calls without Call-Info; carol's claim does not capture it", impp: [], links: [CAROL_CLAIMS_BOB_SIP], roster: [BOB, CAROL], want: { bound: false, reason: "untrusted-link" } },
  { name: "spoof: mallory names carol in Call-Info", from: MALLORY_SIP, impp: callInfo(`${CAROL}/phone`), roster: [CAROL], want: { bound: false, reason: "untrusted-link" } },
  { name: "spoof: mallory names carol with a guessed thread", from: MALLORY_SIP, impp: callInfo(CAROL, "deadbeef".repeat(4)), roster: [CAROL], want: { bound: false, reason: "untrusted-link" } },
  { name: "spoof: mallory names carol, carol not in roster, real thread", from: MALLORY_SIP, impp: callInfo(CAROL, T_CAROL), want: { bound: false, reason: "untrusted-link" } },
];

describe("bindCall", () => {
  it.each(cases)("$name", (c) => {
    const roster = new Set(c.roster ?? []);
    const got = bindCall({ from: c.from ?? BOB_SIP, impp: c.impp, chats: c.chats ?? CHATS, links: c.links ?? [], rosterSubscribed: (j) => roster.has(j) });
    expect(got).toMatchObject(c.want);
    // whatever else happens, carol's chat never receives a call from bob's or mallory's line
    if (got.bound) expect(got.conversationId).not.toBe(2);
  });
});

describe("bindMessage", () => {
  const call = (over: Partial<CallView> = {}): CallView => ({ callId: 7, peerBare: BOB, threadId: T_BOB, up: true, peerTrusted: true, ...over });
  const table: [string, { from: string; thread?: string }, CallView[], MessageBinding][] = [
    ["the call's thread from the call's peer", { from: `${BOB}/desk`, thread: T_BOB }, [call()], { bound: true, callId: 7, by: "thread", replyThread: T_BOB }],
    ["the call's thread from another JID is ignored", { from: `${CAROL}/x`, thread: T_BOB }, [call()], { bound: false, reason: "foreign-thread" }],
    ["no thread, one call up with that peer", { from: `${BOB}/phone` }, [call()], { bound: true, callId: 7, by: "single-call", replyThread: T_BOB }],
    ["unknown thread, one call up", { from: BOB, thread: "zzz" }, [call()], { bound: true, callId: 7, by: "single-call", replyThread: T_BOB }],
    ["a chat's own thread stays in the chat", { from: BOB, thread: "chat-thread" }, [call()], { bound: false, reason: "chat-thread" }],
    ["no thread, two calls up", { from: BOB }, [call(), call({ callId: 8, threadId: "other" })], { bound: false, reason: "ambiguous" }],
    ["no thread, the call's JID is only claimed", { from: BOB }, [call({ peerTrusted: false })], { bound: false, reason: "no-call" }],
    ["no thread, the call has ended", { from: BOB }, [call({ up: false })], { bound: false, reason: "no-call" }],
    ["no thread, a call with someone else", { from: CAROL }, [call()], { bound: false, reason: "no-call" }],
    ["the call's thread after it ended still joins it", { from: BOB, thread: T_BOB }, [call({ up: false })], { bound: true, callId: 7, by: "thread", replyThread: T_BOB }],
  ];
  it.each(table)("%s", (_name, msg, calls, want) => {
    expect(bindMessage({ ...msg, calls, isChatThread: (peer, t) => peer === BOB && t === "chat-thread" })).toEqual(want);
  });
});

describe("fallbackTarget", () => {
  it.each([
    ["bob@example.net/desk", "service-unavailable", "bob@example.net"],
    ["bob@example.net/desk", "recipient-unavailable", "bob@example.net"],
    ["bob@example.net/desk", "forbidden", undefined],
    ["bob@example.net", "service-unavailable", undefined],
  ])("%s after %s", (jid, condition, want) => {
    expect(fallbackTarget(jid, condition)).toBe(want);
  });
});
