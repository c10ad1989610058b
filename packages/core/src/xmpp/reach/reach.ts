// XEP-0152 §3 reachability addresses: in presence (§4.1) and on PEP node urn:xmpp:reach:0 (§4.2).
import { xml, type Element } from "../xml.js";

export const NS_REACH = "urn:xmpp:reach:0";

/** DECISION(protocol.md D30): what one <reach/> may make us keep; the rest is ignored. */
export const REACH_LIMITS = { addrs: 8, uriChars: 512, descs: 4, descChars: 256 } as const;

export type ReachDesc = { lang?: string; text: string };
/** One address, in order of preference (XEP-0152 §3: first is preferred). */
export type ReachAddr = { uri: string; desc?: ReachDesc[] };

export function serializeReach(addrs: readonly ReachAddr[]): Element {
  return xml(
    "reach",
    { xmlns: NS_REACH },
    addrs.map((a) =>
      xml("addr", { uri: a.uri }, (a.desc ?? []).map((d) => xml("desc", { "xml:lang": d.lang }, d.text))),
    ),
  );
}

/** How many <addr/> a `<reach/>` in this stanza or payload holds beyond what D30 keeps. */
export function reachOverflow(el: Element): number {
  const reach = el.is("reach", NS_REACH) ? el : el.getChild("reach", NS_REACH);
  return reach ? Math.max(0, reach.getChildren("addr").length - REACH_LIMITS.addrs) : 0;
}

/**
 * Reads `<reach/>` from a stanza or PEP item payload; addresses without `uri`
 * (or with one over the D30 length) are skipped; the first REACH_LIMITS.addrs
 * are kept (XEP-0152 §3: the first is the preferred one).
 */
export function parseReach(el: Element): ReachAddr[] | undefined {
  const reach = el.is("reach", NS_REACH) ? el : el.getChild("reach", NS_REACH);
  if (!reach) return undefined;
  const out: ReachAddr[] = [];
  for (const a of reach.getChildren("addr")) {
    if (out.length >= REACH_LIMITS.addrs) break;
    const uri = a.attrs.uri?.trim();
    if (!uri || uri.length > REACH_LIMITS.uriChars) continue;
    const desc = a.getChildren("desc").slice(0, REACH_LIMITS.descs).map((d) => {
      const lang = d.attrs["xml:lang"];
      const text = d.text().slice(0, REACH_LIMITS.descChars);
      return lang !== undefined ? { lang, text } : { text };
    });
    out.push(desc.length ? { uri, desc } : { uri });
  }
  return out;
}
