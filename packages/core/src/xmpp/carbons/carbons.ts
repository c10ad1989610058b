// XEP-0280 message carbons: enable (§4), receive copies (§6), private (§7), security (§11).
import { xml, type Element } from "../xml.js";
import { parseForwarded, NS_FORWARD } from "../forward/forward.js";
import { bareJid, parseJid } from "../jid.js";

export const NS_CARBONS = "urn:xmpp:carbons:2";

/** §4: `<iq type='set'><enable/></iq>`. */
export function serializeCarbonsEnable(): Element {
  return xml("iq", { type: "set" }, xml("enable", { xmlns: NS_CARBONS }));
}

/** §7: keeps one message out of carbons (with the XEP-0334 hint, as §7 advises). */
export function markPrivate(message: Element): Element {
  message.append(xml("private", { xmlns: NS_CARBONS }), xml("no-copy", { xmlns: "urn:xmpp:hints" }));
  return message;
}

export type CarbonResult =
  | { kind: "none" }
  | { kind: "carbon"; direction: "sent" | "received"; message: Element; stamp?: string }
  | { kind: "rejected"; reason: string };

/**
 * §6: unwraps a carbon copy. §11: a copy is only accepted from our own bare
 * JID (the outer `from` must have no resource and be our account).
 */
export function unwrapCarbon(message: Element, ourJid: string): CarbonResult {
  const wrapper = message.getChildElements().find((c) => (c.name === "sent" || c.name === "received") && c.attrs.xmlns === NS_CARBONS);
  if (!wrapper) return { kind: "none" };
  const from = message.attrs.from ?? bareJid(ourJid);
  if (parseJid(from).resource !== "" || bareJid(from) !== bareJid(ourJid))
    return { kind: "rejected", reason: `carbon from ${from}, not our bare JID` };
  const fwd = parseForwarded(wrapper.getChild("forwarded", NS_FORWARD));
  if (!fwd) return { kind: "rejected", reason: "carbon without a forwarded message" };
  const direction = wrapper.name === "sent" ? "sent" : "received";
  return fwd.stamp ? { kind: "carbon", direction, message: fwd.message, stamp: fwd.stamp } : { kind: "carbon", direction, message: fwd.message };
}
