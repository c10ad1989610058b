// protocol.md §5 "Receiving", §6, §8 and §9: which chat an incoming call joins,
// which call an incoming message joins. Pure; never guesses among several.
import { ParseError } from "../util/errors.js";
import { addressKey, normaliseAddress, type Address, type Link } from "../store/types.js";
import { isTrusted, nextTrust } from "./trust.js";
import type { ImppContact } from "./xmpp-uri.js";

type LinkFacts = Pick<Link, "jid" | "other" | "trust" | "evidence">;

/** A chat conversation as the binder needs to see it. */
export type ChatView = {
  conversationId: number;
  /** The peer's bare JID, normalised. */
  peerBare: string;
  threadId: string;
  /** The caller's notion of "active" (open window, recent activity). */
  active: boolean;
};

export type CallBindingInput = {
  /** The caller's AoR (From, or P-Asserted-Identity when trusted); normalised here. */
  from: Address;
  /** RFC 6993 Call-Info entries read with readImppContacts, in header order. */
  impp: readonly ImppContact[];
  chats: readonly ChatView[];
  /** Links we hold that involve `from`. */
  links: readonly LinkFacts[];
  rosterSubscribed: (bareJid: string) => boolean;
};

export type CallBinding =
  | { bound: true; conversationId: number; by: "thread" | "single-chat" | "aor"; peerJid: string; thread?: string }
  | {
      bound: false;
      reason: "untrusted-link" | "ambiguous" | "no-chat";
      /** The JID and thread the caller offered, for a new conversation if the link allows. */
      peerJid?: string;
      thread?: string;
    };

function linkFor(links: readonly LinkFacts[], jid: string, from: Address): LinkFacts | undefined {
  const key = addressKey(from);
  return links.find((l) => l.jid === jid && addressKey(normaliseAddress(l.other)) === key);
}

/** The link as it stands once this call's Call-Info is counted (a SIP-side claim). */
function withCallInfo(link: LinkFacts | undefined, jid: string, from: Address): LinkFacts {
  const evidence = { ...(link?.evidence ?? {}), "call-info": 0 };
  return { jid, other: from, evidence, trust: nextTrust(link, "call-info") };
}

function bindOne(input: CallBindingInput, contact: ImppContact): CallBinding {
  const c = { ...contact, bare: normaliseAddress({ kind: "jid", value: contact.bare }).value };
  const link = withCallInfo(linkFor(input.links, c.bare, input.from), c.bare, input.from);
  const roster = input.rosterSubscribed(c.bare);
  const offered = c.thread === undefined ? { peerJid: c.jid } : { peerJid: c.jid, thread: c.thread };
  // §5: a thread known for that bare JID binds the call to that chat. The
  // thread is a 128-bit secret of the chat, so knowing it plus a roster
  // subscription suffices even before the link is verified.
  const byThread = c.thread && input.chats.find((x) => x.peerBare === c.bare && x.threadId === c.thread);
  if (byThread) {
    return isTrusted(link) || roster
      ? { bound: true, conversationId: byThread.conversationId, by: "thread", ...offered }
      : { bound: false, reason: "untrusted-link", ...offered };
  }
  // §5 otherwise the single active chat with that bare JID; §7: only on a
  // verified or confirmed link, since the Call-Info alone is the caller's claim.
  if (!isTrusted(link)) return { bound: false, reason: "untrusted-link", ...offered };
  const active = input.chats.filter((x) => x.peerBare === c.bare && x.active);
  if (active.length === 1) return { bound: true, conversationId: active[0]!.conversationId, by: "single-chat", ...offered };
  return { bound: false, reason: active.length > 1 ? "ambiguous" : "no-chat", ...offered };
}

/** §8: Call-Info stripped on the way; correlate by the AoR through trusted links, one chat only. */
function bindByAor(input: CallBindingInput): CallBinding {
  const key = addressKey(input.from);
  const jids = new Set(
    input.links.filter((l) => isTrusted(l) && addressKey(normaliseAddress(l.other)) === key).map((l) => l.jid),
  );
  const active = input.chats.filter((x) => jids.has(x.peerBare) && x.active);
  if (active.length === 1) return { bound: true, conversationId: active[0]!.conversationId, by: "aor", peerJid: active[0]!.peerBare };
  if (jids.size === 0) return { bound: false, reason: "untrusted-link" };
  return { bound: false, reason: active.length > 1 ? "ambiguous" : "no-chat" };
}

/**
 * An incoming call: with Call-Info, each impp JID in order and the first that
 * binds wins (else the first entry's outcome); without it, the AoR rule.
 */
export function bindCall(input: CallBindingInput): CallBinding {
  let from: Address;
  try {
    from = normaliseAddress(input.from);
  } catch (e) {
    if (e instanceof ParseError) return { bound: false, reason: "untrusted-link" };
    throw e;
  }
  const normalised = { ...input, from };
  if (input.impp.length === 0) return bindByAor(normalised);
  const results = input.impp.map((c) => bindOne(normalised, c));
  return results.find((r) => r.bound) ?? results[0]!;
}

/** A call as the message binder needs to see it. */
export type CallView = {
  callId: number;
  /** The peer's bare JID bound to the call (from Call-Info or a link). */
  peerBare?: string;
  threadId?: string;
  up: boolean;
  /** The peer JID came through a trusted link or a known thread. */
  peerTrusted: boolean;
};

export type MessageBindingInput = {
  /** The sender's full JID. */
  from: string;
  thread?: string;
  calls: readonly CallView[];
  /** True when `thread` is a chat conversation's thread with this peer. */
  isChatThread?: (peerBare: string, thread: string) => boolean;
};

export type MessageBinding =
  | { bound: true; callId: number; by: "thread" | "single-call"; replyThread?: string }
  | { bound: false; reason: "foreign-thread" | "chat-thread" | "ambiguous" | "no-call" };

function bareOf(jid: string): string | undefined {
  try {
    return normaliseAddress({ kind: "jid", value: jid }).value;
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
}

/**
 * §6: a message joins the call whose thread it carries; one without a known
 * thread joins the single call up with that peer, and is answered in the
 * call's thread. §9: a call's thread from any other JID is ignored.
 */
export function bindMessage(input: MessageBindingInput): MessageBinding {
  const bare = bareOf(input.from);
  if (bare === undefined) return { bound: false, reason: "no-call" };
  const { thread } = input;
  if (thread) {
    const calls = input.calls.filter((c) => c.threadId === thread);
    const mine = calls.find((c) => c.peerBare === bare);
    if (mine) return { bound: true, callId: mine.callId, by: "thread", replyThread: thread };
    if (calls.length > 0) return { bound: false, reason: "foreign-thread" };
    if (input.isChatThread?.(bare, thread)) return { bound: false, reason: "chat-thread" };
  }
  const up = input.calls.filter((c) => c.up && c.peerTrusted && c.peerBare === bare);
  if (up.length === 1) {
    const c = up[0]!;
    return c.threadId === undefined ? { bound: true, callId: c.callId, by: "single-call" } : { bound: true, callId: c.callId, by: "single-call", replyThread: c.threadId };
  }
  return { bound: false, reason: up.length > 1 ? "ambiguous" : "no-call" };
}

/** §6: after `service-unavailable` or `recipient-unavailable` from the full JID, use the bare JID. */
export function fallbackTarget(fullJid: string, errorCondition: string): string | undefined {
  if (errorCondition !== "service-unavailable" && errorCondition !== "recipient-unavailable") return undefined;
  const slash = fullJid.indexOf("/");
  return slash >= 0 ? fullJid.slice(0, slash) : undefined;
}
