// RFC 6121 §2 roster: get (§2.1.3) with versioning (§2.6), set/remove (§2.4-2.5),
// pushes (§2.1.6), and §3 subscription stanzas.
import { xml, type Element } from "../xml.js";
import { bareJid, parseJid } from "../jid.js";

export const NS_ROSTER = "jabber:iq:roster";
export const NS_ROSTERVER = "urn:xmpp:features:rosterver";

export type Subscription = "none" | "to" | "from" | "both";
export type RosterItem = { jid: string; name?: string; subscription: Subscription; ask?: "subscribe"; approved?: boolean; groups: string[] };
export type RosterResult = { kind: "full"; ver?: string; items: RosterItem[] } | { kind: "unchanged" };
export type RosterPush =
  | { kind: "set"; item: RosterItem; ver?: string }
  | { kind: "remove"; jid: string; ver?: string }
  | { kind: "rejected"; reason: string };

/** §2.1.3 / §2.6.2: `ver` only when the server advertised roster versioning. */
export function serializeRosterGet(ver?: string): Element {
  return xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER, ver }));
}

/** §2.4 add or update (name, groups); §2.5 remove with subscription='remove'. */
export function serializeRosterSet(item: { jid: string; name?: string; groups?: string[] } | { jid: string; remove: true }): Element {
  if ("remove" in item) return xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: item.jid, subscription: "remove" })));
  return xml(
    "iq",
    { type: "set" },
    xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: item.jid, name: item.name }, (item.groups ?? []).map((g) => xml("group", {}, g)))),
  );
}

const SUBS = new Set(["none", "to", "from", "both"]);

export function parseRosterItem(el: Element): RosterItem | { remove: string } | undefined {
  const jid = el.attrs.jid;
  if (!jid) return undefined;
  if (el.attrs.subscription === "remove") return { remove: bareJid(jid) };
  const sub = el.attrs.subscription ?? "none";
  const item: RosterItem = { jid: bareJid(jid), subscription: (SUBS.has(sub) ? sub : "none") as Subscription, groups: [] };
  if (el.attrs.name) item.name = el.attrs.name;
  if (el.attrs.ask === "subscribe") item.ask = "subscribe";
  if (el.attrs.approved === "true") item.approved = true;
  item.groups = [...new Set(el.getChildren("group").map((g) => g.text()).filter((g) => g !== ""))];
  return item;
}

/** §2.1.4 / §2.6.3: a result with a query is the full roster; an empty result means "unchanged". */
export function parseRosterResult(iq: Element): RosterResult {
  const q = iq.getChild("query", NS_ROSTER);
  if (!q) return { kind: "unchanged" };
  const items: RosterItem[] = [];
  for (const el of q.getChildren("item")) {
    const it = parseRosterItem(el);
    if (it && !("remove" in it)) items.push(it);
  }
  return q.attrs.ver !== undefined ? { kind: "full", ver: q.attrs.ver, items } : { kind: "full", items };
}

/** §2.1.6: a push is only valid with no `from` or `from` = our bare JID, and exactly one item. */
export function parseRosterPush(iq: Element, ourJid: string): RosterPush {
  const from = iq.attrs.from;
  if (from !== undefined && (parseJid(from).resource !== "" || bareJid(from) !== bareJid(ourJid)))
    return { kind: "rejected", reason: `roster push from ${from}` };
  const q = iq.getChild("query", NS_ROSTER);
  const items = q?.getChildren("item") ?? [];
  if (items.length !== 1) return { kind: "rejected", reason: `roster push with ${items.length} items` };
  const it = parseRosterItem(items[0]!);
  if (!it) return { kind: "rejected", reason: "roster push item without jid" };
  const ver = q?.attrs.ver;
  const base = "remove" in it ? ({ kind: "remove", jid: it.remove } as const) : ({ kind: "set", item: it } as const);
  return ver !== undefined ? { ...base, ver } : base;
}

export type SubscriptionType = "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed";

/** §3.1.1 request, §3.1.4 approve, §3.2 deny/cancel, §3.3 unsubscribe: always to the bare JID. */
export function serializeSubscription(to: string, type: SubscriptionType): Element {
  return xml("presence", { to: bareJid(to), type });
}
