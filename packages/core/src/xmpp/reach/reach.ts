// XEP-0152 §3 reachability addresses: in presence (§4.1) and on PEP node urn:xmpp:reach:0 (§4.2).
import { xml, type Element } from "../xml.js";

export const NS_REACH = "urn:xmpp:reach:0";

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

/** Reads `<reach/>` from a stanza or PEP item payload; addresses without `uri` are skipped. */
export function parseReach(el: Element): ReachAddr[] | undefined {
  const reach = el.is("reach", NS_REACH) ? el : el.getChild("reach", NS_REACH);
  if (!reach) return undefined;
  const out: ReachAddr[] = [];
  for (const a of reach.getChildren("addr")) {
    const uri = a.attrs.uri?.trim();
    if (!uri) continue;
    const desc = a.getChildren("desc").map((d) => {
      const lang = d.attrs["xml:lang"];
      return lang !== undefined ? { lang, text: d.text() } : { text: d.text() };
    });
    out.push(desc.length ? { uri, desc } : { uri });
  }
  return out;
}
