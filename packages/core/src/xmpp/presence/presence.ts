// RFC 6121 §4 presence (show §4.7.2.1, status §4.7.2.2, priority §4.7.2.3) with
// XEP-0115 caps, XEP-0152 reach and XEP-0203 delay parsed out of it.
import { xml, type Element } from "../xml.js";
import { parseCaps, serializeCaps, NS_CAPS, type Caps } from "../caps/caps-element.js";
import { parseReach, serializeReach, NS_REACH, type ReachAddr } from "../reach/reach.js";
import { parseStanzaErrorInfo, NS_DELAY, type MessageErrorInfo } from "../chat/message.js";

export type Show = "chat" | "away" | "xa" | "dnd";
export const SHOWS: readonly Show[] = ["chat", "away", "xa", "dnd"];
export type PresenceType =
  | "available"
  | "unavailable"
  | "subscribe"
  | "subscribed"
  | "unsubscribe"
  | "unsubscribed"
  | "probe"
  | "error";

export type OutgoingPresence = {
  to?: string;
  type?: Exclude<PresenceType, "available" | "error">;
  show?: Show;
  status?: string;
  priority?: number;
  caps?: Caps;
  reach?: readonly ReachAddr[];
  extensions?: Element[];
};

export type Presence = {
  from: string;
  to?: string;
  type: PresenceType;
  show?: Show;
  status?: string;
  priority: number;
  caps?: Caps;
  reach?: ReachAddr[];
  delay?: string;
  error?: MessageErrorInfo;
  extensions: Element[];
};

/** RFC 6121 §4.7.2.3: an integer in -128..127. */
export function clampPriority(p: number): number {
  return Math.max(-128, Math.min(127, Math.trunc(p)));
}

export function serializePresence(p: OutgoingPresence): Element {
  return xml(
    "presence",
    { to: p.to, type: p.type },
    p.show ? xml("show", {}, p.show) : null,
    p.status !== undefined ? xml("status", {}, p.status) : null,
    p.priority !== undefined && p.priority !== 0 ? xml("priority", {}, String(clampPriority(p.priority))) : null,
    p.caps ? serializeCaps(p.caps) : null,
    p.reach && p.reach.length ? serializeReach(p.reach) : null,
    ...(p.extensions ?? []),
  );
}

const TYPES = new Set(["unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe", "error"]);
const HANDLED = new Set([`c ${NS_CAPS}`, `reach ${NS_REACH}`, `delay ${NS_DELAY}`]);

/** Reads a `<presence/>`; returns undefined for other stanzas or an unknown type (RFC 6121 §4.7.1). */
export function parsePresence(el: Element): Presence | undefined {
  if (el.name !== "presence") return undefined;
  const t = el.attrs.type;
  if (t !== undefined && !TYPES.has(t)) return undefined;
  const p: Presence = { from: el.attrs.from ?? "", type: (t ?? "available") as PresenceType, priority: 0, extensions: [] };
  if (el.attrs.to) p.to = el.attrs.to;
  const show = el.getChildText("show") ?? undefined;
  // §4.7.2.1: an unknown show value is treated as absent.
  if (show && (SHOWS as readonly string[]).includes(show)) p.show = show as Show;
  const status = el.getChildText("status");
  if (status !== null) p.status = status;
  const prio = el.getChildText("priority");
  if (prio && /^[+-]?\d+$/.test(prio.trim())) p.priority = clampPriority(Number(prio.trim()));
  const caps = parseCaps(el);
  if (caps) p.caps = caps;
  const reach = parseReach(el);
  if (reach) p.reach = reach;
  const delay = el.getChild("delay", NS_DELAY)?.attrs.stamp;
  if (delay) p.delay = delay;
  const error = el.getChild("error");
  if (t === "error" && error) p.error = parseStanzaErrorInfo(error);
  for (const c of el.getChildElements()) {
    const ns = c.attrs.xmlns;
    if (ns && !HANDLED.has(`${c.name} ${ns}`)) p.extensions.push(c);
  }
  return p;
}
