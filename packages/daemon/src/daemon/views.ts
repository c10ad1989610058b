// The API's JSON shapes (docs/api.md): what a call, contact, message and
// history item look like on the wire. Pure functions of the library's records.
import { join } from "node:path";
import { callFileName, type CallRecord, type Contact, type Link, type Message, type SipCall, type SqliteStore, type TimelineItem } from "@cusax/core";
import { callKindOf, type CallKind } from "./call-media-book.js";

export type CallView = {
  id: string;
  direction: "outgoing" | "incoming";
  state: string;
  remote: string;
  hold: { local: boolean; remote: boolean };
  /** "video" once the call's answer accepted a video stream (call-media-book.ts). */
  kind: CallKind;
  outcome?: unknown;
  /** Why it failed, when known (e.g. "srtp-required: the offer has no a=crypto"); from the call's record. */
  reason?: string;
  recording: string;
};

/** Where callSinks({ kind: "wav" }) records a call. */
export function recordingPath(dir: string, callId: string): string {
  return join(dir, `${callFileName(callId)}.wav`);
}

export function callView(call: SipCall, recordings: string, reason?: string): CallView {
  return {
    id: call.id,
    direction: call.direction,
    state: call.state,
    remote: call.remote,
    hold: { ...call.holdState },
    kind: callKindOf(call.id),
    ...(call.outcome ? { outcome: call.outcome } : {}),
    ...(reason ? { reason } : {}),
    recording: recordingPath(recordings, call.id),
  };
}

export function messageView(m: Message): Record<string, unknown> {
  return { id: m.id, conversationId: m.conversationId, direction: m.direction, from: m.from, to: m.to, body: m.body, state: m.state, at: m.at };
}

export function callRecordView(c: CallRecord): Record<string, unknown> {
  const peer = c.peer.value;
  return {
    id: c.id, conversationId: c.conversationId, direction: c.direction, peer, outcome: c.outcome, startedAt: c.startedAt,
    ...(c.answeredAt !== undefined ? { answeredAt: c.answeredAt } : {}),
    ...(c.endedAt !== undefined ? { endedAt: c.endedAt } : {}),
    ...(c.durationMs !== undefined ? { durationMs: c.durationMs } : {}),
    ...(c.sipCallId ? { sipCallId: c.sipCallId } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

export function timelineView(item: TimelineItem): Record<string, unknown> {
  return item.kind === "message"
    ? { kind: "message", at: item.at, ...messageView(item.message) }
    : { kind: "call", at: item.at, ...callRecordView(item.call) };
}

export function linkView(l: Link): Record<string, unknown> {
  return { jid: l.jid, other: l.other.value, origin: l.origin, trust: l.trust };
}

/** Incoming messages of a contact not yet read, over all its conversations. */
export function unreadOf(store: Pick<SqliteStore, "conversationsWith" | "unreadCount">, contactId: number): number {
  return store.conversationsWith(contactId).reduce((n, c) => n + store.unreadCount(c.id), 0);
}

export type ContactView = {
  id?: number;
  name?: string;
  jids: string[];
  sip: string[];
  tel: string[];
  subscription?: string;
  /** protocol.md §3: the person's SIP state, from their first JID. */
  sipState?: string;
  links: Record<string, unknown>[];
  /** Incoming messages not yet read (POST /conversations/:id/read). */
  unread?: number;
};

export function contactView(c: Contact | undefined, extra: { jid?: string; links: Link[]; subscription?: string; name?: string; sipStateOf: (jid: string) => string }): ContactView {
  const of = (kind: string) => (c?.addresses ?? []).filter((a) => a.kind === kind).map((a) => a.value);
  const jids = of("jid");
  if (extra.jid && !jids.includes(extra.jid)) jids.push(extra.jid);
  const sip = of("sip");
  const tel = of("tel");
  // Claimed links (§7) are shown as addresses too: they are how we call the person.
  for (const l of extra.links) {
    const list = l.other.kind === "sip" ? sip : tel;
    if (!list.includes(l.other.value)) list.push(l.other.value);
  }
  const name = c?.name ?? extra.name;
  return {
    ...(c ? { id: c.id } : {}),
    ...(name ? { name } : {}),
    jids, sip, tel,
    ...(extra.subscription ? { subscription: extra.subscription } : {}),
    ...(jids[0] ? { sipState: extra.sipStateOf(jids[0]) } : {}),
    links: extra.links.map(linkView),
  };
}
