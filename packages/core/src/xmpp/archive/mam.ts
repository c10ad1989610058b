// XEP-0313 (urn:xmpp:mam:2) archive queries (§4), results (§5) and paging with XEP-0059 RSM.
import { xml, type Element } from "../xml.js";
import { parseForwarded, NS_FORWARD } from "../forward/forward.js";
import { serializeDataForm } from "../caps/disco-info.js";
import { bareJid, parseJid } from "../jid.js";

export const NS_MAM = "urn:xmpp:mam:2";
export const NS_RSM = "http://jabber.org/protocol/rsm";

export type MamQuery = {
  queryId: string;
  /** Only messages after this archive id (RSM `<after/>`, XEP-0059 §2.2). */
  afterId?: string;
  /** Only messages at or after this time (§4.1.1 `start`). */
  start?: Date;
  with?: string;
  max?: number;
};

/** §4: the query iq, to our own archive (no `to`). */
export function serializeMamQuery(q: MamQuery): Element {
  const fields = [{ var: "FORM_TYPE", type: "hidden", values: [NS_MAM] }];
  if (q.start) fields.push({ var: "start", type: "text-single", values: [q.start.toISOString()] });
  if (q.with) fields.push({ var: "with", type: "jid-single", values: [q.with] });
  const rsm = xml(
    "set",
    { xmlns: NS_RSM },
    xml("max", {}, String(q.max ?? 50)),
    q.afterId ? xml("after", {}, q.afterId) : null,
  );
  return xml(
    "iq",
    { type: "set" },
    xml("query", { xmlns: NS_MAM, queryid: q.queryId }, serializeDataForm({ type: "submit", fields }), rsm),
  );
}

export type MamResult = { queryId: string; archiveId: string; stamp?: string; message: Element };

/**
 * §5: a result message. Only accepted from our own bare JID (or without
 * `from`, which is our account too): others could forge history.
 */
export function parseMamResult(message: Element, ourJid: string, queryId?: string): MamResult | undefined {
  const result = message.getChild("result", NS_MAM);
  if (!result) return undefined;
  const from = message.attrs.from;
  if (from !== undefined && (parseJid(from).resource !== "" || bareJid(from) !== bareJid(ourJid))) return undefined;
  const qid = result.attrs.queryid ?? "";
  if (queryId !== undefined && qid !== queryId) return undefined;
  const archiveId = result.attrs.id;
  const fwd = parseForwarded(result.getChild("forwarded", NS_FORWARD));
  if (!archiveId || !fwd) return undefined;
  const out: MamResult = { queryId: qid, archiveId, message: fwd.message };
  if (fwd.stamp) out.stamp = fwd.stamp;
  return out;
}

export type MamFin = { complete: boolean; first?: string; last?: string; count?: number };

/** §4.3: the `<fin/>` in the iq result. */
export function parseMamFin(iq: Element): MamFin | undefined {
  const fin = iq.getChild("fin", NS_MAM);
  if (!fin) return undefined;
  const set = fin.getChild("set", NS_RSM);
  const out: MamFin = { complete: fin.attrs.complete === "true" };
  const first = set?.getChildText("first");
  const last = set?.getChildText("last");
  const count = set?.getChildText("count");
  if (first) out.first = first;
  if (last) out.last = last;
  if (count && /^\d+$/.test(count)) out.count = Number(count);
  return out;
}
