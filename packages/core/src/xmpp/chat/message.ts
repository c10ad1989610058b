// RFC 6121 §5 chat messages with XEP-0201 threads, XEP-0184 receipts, XEP-0085
// chat states, XEP-0359 origin-id/stanza-id, XEP-0203 delay and XEP-0152 reach.
import { xml, type Element } from "../xml.js";
import { parseReach, serializeReach, NS_REACH, type ReachAddr } from "../reach/reach.js";
import { bareJid } from "../jid.js";
import { markableElement, readMarker, NS_MARKERS, type Marker } from "../markers/markers.js";

export const NS_RECEIPTS = "urn:xmpp:receipts";
export const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";
export const NS_SID = "urn:xmpp:sid:0";
export const NS_DELAY = "urn:xmpp:delay";
export const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

export const CHAT_STATES = ["active", "composing", "paused", "inactive", "gone"] as const;
export type ChatState = (typeof CHAT_STATES)[number];

export type OutgoingMessage = {
  to: string;
  /** Stanza `id`; also sent as XEP-0359 origin-id. */
  id: string;
  type?: "chat" | "normal";
  body?: string;
  thread?: string;
  /** XEP-0184 §5.1: ask for a receipt (only with a body). */
  requestReceipt?: boolean;
  chatState?: ChatState;
  /** XEP-0333 §3: ask for chat markers (only with a body). */
  markable?: boolean;
  reach?: readonly ReachAddr[];
  extensions?: Element[];
};

export type StanzaId = { by: string; id: string };
export type MessageErrorInfo = { condition: string; type: string; text?: string };

export type ChatMessage = {
  from: string;
  to: string;
  type: string;
  id?: string;
  originId?: string;
  stanzaIds: StanzaId[];
  body?: string;
  thread?: string;
  parentThread?: string;
  receiptRequested: boolean;
  /** XEP-0184 §5.2: id of the message this one acknowledges. */
  receiptFor?: string;
  chatState?: ChatState;
  /** XEP-0333 §3: the sender wants chat markers for this message. */
  markable?: boolean;
  /** XEP-0333 §4: this message is a marker for an earlier one. */
  marker?: Marker;
  delay?: { stamp: string; from?: string };
  reach?: ReachAddr[];
  error?: MessageErrorInfo;
  /** Children we did not interpret, for callers that look for their own extensions. */
  extensions: Element[];
};

export function serializeMessage(m: OutgoingMessage): Element {
  const children: Element[] = [];
  if (m.body !== undefined) children.push(xml("body", {}, m.body));
  if (m.thread) children.push(xml("thread", {}, m.thread));
  if (m.requestReceipt && m.body !== undefined) children.push(xml("request", { xmlns: NS_RECEIPTS }));
  if (m.chatState) children.push(xml(m.chatState, { xmlns: NS_CHATSTATES }));
  if (m.markable && m.body !== undefined) children.push(markableElement());
  children.push(xml("origin-id", { xmlns: NS_SID, id: m.id }));
  if (m.reach && m.reach.length) children.push(serializeReach(m.reach));
  children.push(...(m.extensions ?? []));
  // XEP-0085 §5.5 / XEP-0334: a bare chat state is not worth storing.
  if (m.body === undefined && m.chatState) children.push(xml("no-store", { xmlns: "urn:xmpp:hints" }));
  return xml("message", { to: m.to, type: m.type ?? "chat", id: m.id }, ...children);
}

/** XEP-0184 §5.2: the receipt for message `id`; carries the thread so it lands in the conversation. */
export function serializeReceipt(to: string, id: string, receiptId: string, thread?: string): Element {
  return xml(
    "message",
    { to, id: receiptId, type: "chat" },
    xml("received", { xmlns: NS_RECEIPTS, id }),
    thread ? xml("thread", {}, thread) : null,
    xml("store", { xmlns: "urn:xmpp:hints" }),
  );
}

const KNOWN = new Set([
  `body ${""}`,
  "thread ",
  `request ${NS_RECEIPTS}`,
  `received ${NS_RECEIPTS}`,
  `origin-id ${NS_SID}`,
  `stanza-id ${NS_SID}`,
  `delay ${NS_DELAY}`,
  `reach ${NS_REACH}`,
  "error ",
]);

function isKnown(c: Element): boolean {
  const ns = c.attrs.xmlns ?? "";
  if (ns === NS_CHATSTATES || ns === NS_MARKERS) return true;
  return KNOWN.has(`${c.name} ${ns === "jabber:client" ? "" : ns}`);
}

/** Reads a `<message/>`; returns undefined for anything else. Never throws. */
export function parseMessage(el: Element, ourJid?: string): ChatMessage | undefined {
  if (el.name !== "message") return undefined;
  const to = el.attrs.to ?? ourJid ?? "";
  const msg: ChatMessage = {
    from: el.attrs.from ?? bareJid(to),
    to,
    type: el.attrs.type ?? "normal",
    stanzaIds: [],
    receiptRequested: false,
    extensions: [],
  };
  if (el.attrs.id) msg.id = el.attrs.id;
  for (const c of el.getChildElements()) readChild(msg, c);
  return msg;
}

function readChild(msg: ChatMessage, c: Element): void {
  const ns = c.attrs.xmlns;
  if (!isKnown(c)) {
    msg.extensions.push(c);
    return;
  }
  if (ns === NS_CHATSTATES) {
    if ((CHAT_STATES as readonly string[]).includes(c.name)) msg.chatState = c.name as ChatState;
    return;
  }
  if (ns === NS_MARKERS) {
    const m = readMarker(c);
    if (m === "markable") msg.markable = true;
    else if (m) msg.marker ??= m;
    return;
  }
  switch (c.name) {
    case "body":
      msg.body ??= c.text();
      break;
    case "thread":
      msg.thread ??= c.text() || undefined;
      if (c.attrs.parent) msg.parentThread = c.attrs.parent;
      break;
    case "request":
      msg.receiptRequested = true;
      break;
    case "received":
      if (c.attrs.id) msg.receiptFor = c.attrs.id;
      break;
    case "origin-id":
      if (c.attrs.id) msg.originId = c.attrs.id;
      break;
    case "stanza-id":
      if (c.attrs.id && c.attrs.by) msg.stanzaIds.push({ by: c.attrs.by, id: c.attrs.id });
      break;
    case "delay":
      if (c.attrs.stamp) msg.delay = c.attrs.from ? { stamp: c.attrs.stamp, from: c.attrs.from } : { stamp: c.attrs.stamp };
      break;
    case "reach":
      msg.reach = parseReach(c) ?? [];
      break;
    case "error":
      msg.error = parseStanzaErrorInfo(c);
      break;
  }
}

/** RFC 6120 §8.3.2: condition, type and text of an `<error/>`. */
export function parseStanzaErrorInfo(error: Element): MessageErrorInfo {
  const cond = error.getChildElements().find((c) => c.attrs.xmlns === NS_STANZAS && c.name !== "text");
  const text = error.getChildText("text", NS_STANZAS);
  const out: MessageErrorInfo = { condition: cond?.name ?? "undefined-condition", type: error.attrs.type ?? "cancel" };
  if (text) out.text = text;
  return out;
}

/** The archive id our server gave the message (XEP-0359 §4: only trust `by` = our bare JID). */
export function ownStanzaId(msg: ChatMessage, ourBareJid: string): string | undefined {
  return msg.stanzaIds.find((s) => bareJid(s.by) === bareJid(ourBareJid))?.id;
}
