// XEP-0333 chat markers (urn:xmpp:chat-markers:0): §3 a message asks for
// markers with <markable/>; §4 <received/>, <displayed/>, <acknowledged/>
// name that message's id and cover every earlier one.
import { xml, type Element } from "../xml.js";

export const NS_MARKERS = "urn:xmpp:chat-markers:0";
export const MARKER_KINDS = ["received", "displayed", "acknowledged"] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];
export type Marker = { kind: MarkerKind; id: string };

export function markableElement(): Element {
  return xml("markable", { xmlns: NS_MARKERS });
}

/** A marker child, or undefined (a marker without an id names no message: ignored). */
export function readMarker(c: Element): Marker | "markable" | undefined {
  if (c.attrs.xmlns !== NS_MARKERS) return undefined;
  if (c.name === "markable") return "markable";
  if (!(MARKER_KINDS as readonly string[]).includes(c.name) || !c.attrs.id) return undefined;
  return { kind: c.name as MarkerKind, id: c.attrs.id };
}

/**
 * §4: the marker for message `id`, in its thread. A marker has no body; the
 * store hint (XEP-0334) keeps it in the archive so an offline sender learns it.
 */
export function serializeMarker(to: string, marker: Marker, stanzaId: string, thread?: string): Element {
  return xml(
    "message",
    { to, id: stanzaId, type: "chat" },
    xml(marker.kind, { xmlns: NS_MARKERS, id: marker.id }),
    thread ? xml("thread", {}, thread) : null,
    xml("store", { xmlns: "urn:xmpp:hints" }),
  );
}
