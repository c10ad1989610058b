// Routing of incoming stanzas to typed events: RFC 6121 §4 presence and §5
// messages; XEP-0280 carbons (§11 checks), XEP-0313 results, XEP-0163 events,
// XEP-0184 receipts (§5.4 rules), XEP-0085 chat states, XEP-0333 markers,
// de-duplication.
import type { Element } from "./xml.js";
import type { Logger } from "../util/log.js";
import type { XmppEvents, XmppMessage } from "./client-events.js";
import { parseMessage, ownStanzaId, type ChatMessage } from "./chat/message.js";
import { messageKeys, type MessageDedup } from "./chat/dedup.js";
import type { ThreadBook } from "./chat/thread.js";
import { unwrapCarbon } from "./carbons/carbons.js";
import { parseMamResult } from "./archive/mam.js";
import { parsePepEvent } from "./pep/pep.js";
import { NS_ACTIVITY, parseActivity } from "./activity/activity.js";
import { NS_REACH, parseReach, reachOverflow } from "./reach/reach.js";
import { NODE_VCARD4, parseVcard4 } from "./vcard/vcard4.js";
import { parsePresence, type Presence } from "./presence/presence.js";
import type { PresenceTable } from "./presence/presence-table.js";
import { bareJid, parseJid } from "./jid.js";

export interface InboundContext {
  ourJid(): string;
  emit<K extends keyof XmppEvents>(event: K, payload: XmppEvents[K]): void;
  readonly log: Logger;
  readonly dedup: MessageDedup;
  readonly threads: ThreadBook;
  readonly presences: PresenceTable;
  /** Query ids of archive queries in flight. */
  readonly mamQueries: ReadonlySet<string>;
  isInRoster(bare: string): boolean;
  sendReceipt(to: string, id: string, thread?: string): void;
  /** An archive id seen on a live stanza (`archived` false) or in a MAM result. */
  noteArchiveId(id: string, archived: boolean): void;
  presenceCaps(p: Presence): void;
}

type Origin = { carbon?: "sent" | "received"; archived?: { archiveId: string; stamp?: string } };

export function handleMessageStanza(ctx: InboundContext, el: Element): void {
  const our = ctx.ourJid();
  const mam = parseMamResult(el, our);
  if (mam) {
    if (!ctx.mamQueries.has(mam.queryId)) return ctx.log.warn("archive result for no query of ours", { queryId: mam.queryId });
    const archived = mam.stamp ? { archiveId: mam.archiveId, stamp: mam.stamp } : { archiveId: mam.archiveId };
    return handleChat(ctx, mam.message, { archived });
  }
  const carbon = unwrapCarbon(el, our);
  if (carbon.kind === "rejected") return ctx.log.warn("dropped a carbon", { reason: carbon.reason });
  if (carbon.kind === "carbon") return handleChat(ctx, carbon.message, { carbon: carbon.direction });
  if (handlePep(ctx, el)) return;
  handleChat(ctx, el, {});
}

function handlePep(ctx: InboundContext, el: Element): boolean {
  const ev = parsePepEvent(el);
  if (!ev) return false;
  const from = bareJid(ev.from);
  if (ev.kind === "retract") {
    if (ev.node === NS_ACTIVITY) ctx.emit("activity", { from });
    return true;
  }
  if (ev.node === NS_ACTIVITY) ctx.emit("activity", withActivity(from, ev.payload));
  else if (ev.node === NS_REACH) ctx.emit("reach", { from, addrs: parseReach(ev.payload) ?? [] });
  else if (ev.node === NODE_VCARD4) {
    const vcard = parseVcard4(ev.payload);
    if (vcard) ctx.emit("vcard4", { from, vcard });
  }
  return true;
}

function withActivity(from: string, payload: Element): XmppEvents["activity"] {
  const activity = parseActivity(payload);
  return activity ? { from, activity } : { from };
}

function handleChat(ctx: InboundContext, el: Element, origin: Origin): void {
  const our = ctx.ourJid();
  const msg = parseMessage(el, our);
  if (!msg || msg.type === "groupchat" || msg.type === "headline") return;
  const outgoing = origin.carbon === "sent" || bareJid(msg.from) === bareJid(our);
  const peer = bareJid(outgoing ? msg.to : msg.from);
  if (msg.error) return ctx.emit("messageError", withId({ from: msg.from, error: msg.error }, msg.id));
  if (msg.receiptFor && !outgoing) ctx.emit("receipt", withThread({ from: msg.from, id: msg.receiptFor }, msg.thread));
  if (msg.chatState && !outgoing && !origin.archived) ctx.emit("chatState", withThread({ from: msg.from, state: msg.chatState }, msg.thread));
  // XEP-0333: a marker from the peer, or (outgoing) one our other resource sent; archived ones too (they only move forward).
  if (msg.marker && msg.body === undefined) ctx.emit("marker", withThread({ from: msg.from, peer, ...msg.marker, outgoing }, msg.thread));
  const archiveId = origin.archived?.archiveId ?? ownStanzaId(msg, bareJid(our));
  // D26: the checkpoint moves once the message is handed out, never before it.
  try {
    handleBody(ctx, msg, { outgoing, peer, origin, ...(archiveId ? { archiveId } : {}) });
  } finally {
    if (archiveId) ctx.noteArchiveId(archiveId, origin.archived !== undefined);
  }
}

function handleBody(ctx: InboundContext, msg: ChatMessage, o: { outgoing: boolean; peer: string; origin: Origin; archiveId?: string }): void {
  const { outgoing, peer, origin, archiveId } = o;
  const our = ctx.ourJid();
  if (msg.body === undefined) return;
  if (!ctx.dedup.firstTime(messageKeys(msg, bareJid(our), archiveId))) return ctx.log.debug("duplicate message dropped", { id: msg.id });
  if (msg.thread) ctx.threads.received(peer, msg.thread);
  if (shouldAck(ctx, msg, outgoing, origin)) ctx.sendReceipt(msg.from, msg.id!, msg.thread);
  const event: XmppMessage = { ...msg, direction: outgoing ? "out" : "in", peer };
  if (archiveId) event.archiveId = archiveId;
  if (origin.carbon) event.carbon = origin.carbon;
  if (origin.archived) event.archived = origin.archived;
  ctx.emit("message", event);
}

/** XEP-0184 §5.4: ack only requested, id-bearing, live messages; §8: only to roster contacts. */
function shouldAck(ctx: InboundContext, msg: ChatMessage, outgoing: boolean, origin: Origin): boolean {
  if (!msg.receiptRequested || !msg.id || outgoing || origin.archived || origin.carbon) return false;
  return ctx.isInRoster(bareJid(msg.from));
}

export function handlePresenceStanza(ctx: InboundContext, el: Element): void {
  const extra = reachOverflow(el);
  if (extra > 0) ctx.log.debug("reach addresses beyond the D30 bound ignored", { from: el.attrs.from, ignored: extra });
  const p = parsePresence(el);
  if (!p) return ctx.log.debug("ignored presence with unknown type", { type: el.attrs.type });
  const from = bareJid(p.from);
  switch (p.type) {
    case "subscribe":
      return ctx.emit("subscriptionRequest", p.status !== undefined ? { from, status: p.status } : { from });
    case "subscribed":
    case "unsubscribed":
    case "unsubscribe":
      return ctx.emit("subscription", { from, type: p.type });
    case "probe":
      return;
  }
  // Our own other resources appear too (RFC 6121 §4.2.2); skip only this session.
  if (p.from === ctx.ourJid()) return;
  for (const change of ctx.presences.apply(p)) ctx.emit("presence", change);
  if (p.type === "available" && p.caps && parseJid(p.from).resource) ctx.presenceCaps(p);
}

function withId<T extends object>(o: T, id: string | undefined): T & { id?: string } {
  return id !== undefined ? { ...o, id } : o;
}

function withThread<T extends object>(o: T, thread: string | undefined): T & { thread?: string } {
  return thread !== undefined ? { ...o, thread } : o;
}
