// XEP-0054 vcard-temp: fetch (§3.1), publish (§3.2); TEL (with type flags), EMAIL, JABBERID.
import { xml, type Element } from "../xml.js";
import { emptyVcard, type Vcard } from "./vcard.js";

export const NS_VCARD_TEMP = "vcard-temp";
const TEL_FLAGS = ["HOME", "WORK", "VOICE", "FAX", "PAGER", "MSG", "CELL", "VIDEO", "BBS", "MODEM", "ISDN", "PCS", "PREF"];

/** §3.1: `to` is a bare JID; omit it to fetch our own. */
export function serializeVcardTempQuery(to?: string): Element {
  return xml("iq", { type: "get", to }, xml("vCard", { xmlns: NS_VCARD_TEMP }));
}

export function serializeVcardTemp(v: Vcard): Element {
  return xml(
    "vCard",
    { xmlns: NS_VCARD_TEMP },
    v.fn !== undefined ? xml("FN", {}, v.fn) : null,
    v.nickname !== undefined ? xml("NICKNAME", {}, v.nickname) : null,
    v.tels.map((t) =>
      xml(
        "TEL",
        {},
        t.types.map((ty) => ty.toUpperCase()).filter((ty) => TEL_FLAGS.includes(ty)).map((ty) => xml(ty, {})),
        xml("NUMBER", {}, t.number),
      ),
    ),
    v.emails.map((e) => xml("EMAIL", {}, xml("INTERNET", {}), xml("USERID", {}, e))),
    v.jabberId !== undefined ? xml("JABBERID", {}, v.jabberId) : null,
  );
}

/** §3.2: the publish iq. */
export function serializeVcardTempPublish(v: Vcard): Element {
  return xml("iq", { type: "set" }, serializeVcardTemp(v));
}

/** Reads `<vCard/>` (or an iq holding it); tolerant of missing parts. */
export function parseVcardTemp(el: Element): Vcard | undefined {
  const card = el.is("vCard", NS_VCARD_TEMP) ? el : el.getChild("vCard", NS_VCARD_TEMP);
  if (!card) return undefined;
  const v = emptyVcard();
  const fn = card.getChildText("FN");
  if (fn) v.fn = fn;
  const nick = card.getChildText("NICKNAME");
  if (nick) v.nickname = nick;
  for (const tel of card.getChildren("TEL")) {
    const number = tel.getChildText("NUMBER")?.trim();
    if (!number) continue;
    const types = tel.getChildElements().map((c) => c.name.toLowerCase()).filter((n) => n !== "number");
    v.tels.push({ number, types });
  }
  for (const email of card.getChildren("EMAIL")) {
    const id = email.getChildText("USERID")?.trim();
    if (id) v.emails.push(id);
  }
  const jid = card.getChildText("JABBERID")?.trim();
  if (jid) {
    v.jabberId = jid;
    v.impps.push(`xmpp:${jid}`);
  }
  return v;
}
