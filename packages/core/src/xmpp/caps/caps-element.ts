// XEP-0115 §4: the <c/> element in presence.
import { xml, type Element } from "../xml.js";

export const NS_CAPS = "http://jabber.org/protocol/caps";

export type Caps = { hash: string; node: string; ver: string };

export function serializeCaps(caps: Caps): Element {
  return xml("c", { xmlns: NS_CAPS, hash: caps.hash, node: caps.node, ver: caps.ver });
}

/** Reads `<c/>` from a presence (or the element itself); legacy caps without `hash` are ignored (§8.3). */
export function parseCaps(el: Element): Caps | undefined {
  const c = el.is("c", NS_CAPS) ? el : el.getChild("c", NS_CAPS);
  if (!c) return undefined;
  const { hash, node, ver } = c.attrs;
  if (!hash || !node || !ver) return undefined;
  return { hash, node, ver };
}
