// XEP-0163 §4 publish and §7 notifications over XEP-0060 (publish §7.1, retract §7.2, items §6.5).
import { xml, type Element } from "../xml.js";

export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event";

/** XEP-0060 §7.1.1: publish `payload` as item `id` (default "current", XEP-0163 §4) on our own PEP `node`. */
export function serializePepPublish(node: string, payload: Element, id = "current"): Element {
  return xml("iq", { type: "set" }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("publish", { node }, xml("item", { id }, payload))));
}

/** XEP-0060 §7.2.1: retract item `id` (with notify, so subscribers learn it). */
export function serializePepRetract(node: string, id = "current"): Element {
  return xml("iq", { type: "set" }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("retract", { node, notify: "true" }, xml("item", { id }))));
}

/** XEP-0060 §6.5.7: ask `to` for the most recent item of `node`. */
export function serializePepItemsQuery(to: string, node: string): Element {
  return xml("iq", { type: "get", to }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node, max_items: "1" })));
}

/** The first item's payload in an items result (iq or pubsub element). */
export function parsePepItemsResult(el: Element): Element | undefined {
  const pubsub = el.is("pubsub", NS_PUBSUB) ? el : el.getChild("pubsub", NS_PUBSUB);
  const item = pubsub?.getChild("items")?.getChild("item");
  return item?.getChildElements()[0];
}

export type PepEvent =
  | { kind: "item"; from: string; node: string; id?: string; payload: Element }
  | { kind: "retract"; from: string; node: string; id?: string };

/** XEP-0163 §7 / XEP-0060 §7.1.2.1: a notification message, or undefined when it is none. */
export function parsePepEvent(message: Element): PepEvent | undefined {
  const items = message.getChild("event", NS_PUBSUB_EVENT)?.getChild("items");
  const node = items?.attrs.node;
  if (!items || !node) return undefined;
  const from = message.attrs.from ?? "";
  const item = items.getChild("item");
  const payload = item?.getChildElements()[0];
  if (item && payload) return withId({ kind: "item", from, node, payload }, item.attrs.id);
  const retract = items.getChild("retract");
  if (retract) return withId({ kind: "retract", from, node }, retract.attrs.id);
  // An empty item (XEP-0108 §3: empty <activity/> means "stopped").
  return undefined;
}

function withId<T extends PepEvent>(event: T, id: string | undefined): T {
  if (id !== undefined) event.id = id;
  return event;
}

/** XEP-0163 §5: the `+notify` feature that subscribes us through caps. */
export function notifyFeature(node: string): string {
  return `${node}+notify`;
}
