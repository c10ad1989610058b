// XEP-0297 §3 stanza forwarding, with the XEP-0203 delay it carries.
import type { Element } from "../xml.js";
import { NS_CLIENT } from "../xml.js";

export const NS_FORWARD = "urn:xmpp:forward:0";
export const NS_DELAY = "urn:xmpp:delay";

export type Forwarded = { message: Element; stamp?: string };

/** Reads `<forwarded/>` holding one `<message/>`; undefined if malformed. */
export function parseForwarded(forwarded: Element | undefined): Forwarded | undefined {
  if (!forwarded || !forwarded.is("forwarded", NS_FORWARD)) return undefined;
  const message = forwarded.getChildElements().find((c) => c.name === "message");
  if (!message) return undefined;
  // The inner stanza is in jabber:client even when the wrapper declares nothing else.
  message.attrs.xmlns ??= NS_CLIENT;
  const stamp = forwarded.getChild("delay", NS_DELAY)?.attrs.stamp;
  return stamp ? { message, stamp } : { message };
}
