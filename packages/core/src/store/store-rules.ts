// protocol.md §6-7, XEP-0184: pure rules both stores share (delivery moves,
// link merging, body limits, timeline order, search tokens).
import {
  MAX_BODY_CHARS,
  TRUST_RANK,
  type Call,
  type DeliveryState,
  type Link,
  type LinkInput,
  type LinkTrust,
  type Message,
  type TimelineCursor,
  type TimelineItem,
} from "./types.js";

/**
 * Delivery state machine of a message we store.
 *
 *   pending --> sent --> delivered --> displayed     received (incoming; final)
 *      |          |         ^              ^
 *      +----------+--> failed (retry: pending/sent; a late receipt or marker)
 *
 * A receipt (XEP-0184) may arrive before the server's ack, so pending may jump
 * to delivered; a XEP-0333 displayed marker may come without any receipt, so
 * every state of ours may jump to displayed. Nothing moves back.
 */
export const DELIVERY_MOVES: Readonly<Record<DeliveryState, readonly DeliveryState[]>> = {
  pending: ["sent", "delivered", "displayed", "failed"],
  sent: ["delivered", "displayed", "failed"],
  failed: ["pending", "sent", "delivered", "displayed"],
  delivered: ["displayed"],
  displayed: [],
  received: [],
};

export function canMoveDelivery(from: DeliveryState, to: DeliveryState): boolean {
  return DELIVERY_MOVES[from].includes(to);
}

/** Why a body cannot be stored, or undefined when it can. */
export function bodyProblem(body: string): "empty-body" | "too-large" | undefined {
  if (body.trim() === "") return "empty-body";
  if (body.length > MAX_BODY_CHARS) return "too-large";
  return undefined;
}

export function strongerTrust(a: LinkTrust, b: LinkTrust): LinkTrust {
  return TRUST_RANK[a] >= TRUST_RANK[b] ? a : b;
}

/** The fields of a link after merging new evidence into what we had. */
export function mergeLink(
  prev: Pick<Link, "origin" | "trust" | "evidence" | "created"> | undefined,
  input: LinkInput,
): Pick<Link, "origin" | "trust" | "evidence" | "created" | "updated"> {
  const evidence = { ...(prev?.evidence ?? {}) };
  const seen = evidence[input.origin];
  evidence[input.origin] = seen === undefined ? input.at : Math.max(seen, input.at);
  return {
    origin: prev?.origin ?? input.origin,
    trust: prev ? strongerTrust(prev.trust, input.trust) : input.trust,
    evidence,
    created: prev?.created ?? input.at,
    updated: input.at,
  };
}

/** Timeline order of two messages (time, then id), as the marks "up to" a message use it. */
export function atOrBefore(m: Pick<Message, "at" | "id">, upTo: Pick<Message, "at" | "id">): boolean {
  return m.at < upTo.at || (m.at === upTo.at && m.id <= upTo.id);
}

export function callDuration(call: Pick<Call, "answeredAt" | "endedAt">): number | undefined {
  if (call.answeredAt === undefined || call.endedAt === undefined) return undefined;
  return Math.max(0, call.endedAt - call.answeredAt);
}

// Timeline order: time, then calls before messages at the same millisecond, then id.
const KIND_ORDER = { call: 0, message: 1 } as const;

function itemId(item: TimelineItem): number {
  return item.kind === "call" ? item.call.id : item.message.id;
}

export function compareTimeline(a: TimelineItem, b: TimelineItem): number {
  return a.at - b.at || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || itemId(a) - itemId(b);
}

export function isBefore(item: TimelineItem, cursor: TimelineCursor | undefined): boolean {
  if (cursor === undefined) return true;
  if (typeof cursor === "number") return item.at < cursor;
  if (item.at !== cursor.at) return item.at < cursor.at;
  const k = KIND_ORDER[item.kind] - KIND_ORDER[cursor.kind];
  return k !== 0 ? k < 0 : itemId(item) < cursor.id;
}

/**
 * Words of a text as FTS5's unicode61 tokenizer with remove_diacritics 2 sees
 * them (near enough): letters and digits, case and accents folded.
 */
export function searchTokens(text: string): string[] {
  const folded = text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** An FTS5 MATCH expression: every word must occur; user syntax is quoted away. */
export function ftsQuery(text: string): string | undefined {
  const words = searchTokens(text);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replace(/"/g, '""')}"`).join(" AND ");
}

/** What adding a link does to contacts (protocol.md §7, §9: a claim is never proof). */
export type LinkPlan =
  | { do: "create"; addresses: "both" | "jid" | "other" }
  | { do: "add"; contactId: number; address: "jid" | "other" }
  | { do: "merge"; keep: number; drop: number }
  | { do: "none"; contactId: number };

/**
 * A verified or confirmed link puts both addresses in one contact (merging
 * two, the JID's kept). A claimed one joins nothing: it belongs to the
 * claimant's contact (the SIP side for Call-Info, else the JID side), so a
 * JID that names someone else's SIP address does not capture its calls.
 */
export function planLink(
  jidOwner: number | undefined,
  otherOwner: number | undefined,
  trust: LinkTrust,
  origin: LinkInput["origin"],
): LinkPlan {
  if (trust !== "claimed") {
    if (jidOwner === undefined && otherOwner === undefined) return { do: "create", addresses: "both" };
    if (otherOwner === undefined) return { do: "add", contactId: jidOwner!, address: "other" };
    if (jidOwner === undefined) return { do: "add", contactId: otherOwner, address: "jid" };
    if (jidOwner === otherOwner) return { do: "none", contactId: jidOwner };
    return { do: "merge", keep: jidOwner, drop: otherOwner };
  }
  const claimant = origin === "call-info" ? "other" : "jid";
  const owner = claimant === "other" ? otherOwner : jidOwner;
  return owner === undefined ? { do: "create", addresses: claimant } : { do: "none", contactId: owner };
}
