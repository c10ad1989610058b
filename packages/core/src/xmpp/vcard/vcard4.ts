// XEP-0292 vCard4 over PEP (node urn:xmpp:vcard4, §3-4), in RFC 6351 xCard form: fn, nickname, tel, impp, email.
import { xml, type Element } from "../xml.js";
import { serializePepItemsQuery, serializePepPublish, parsePepItemsResult } from "../pep/pep.js";
import { emptyVcard, telNumber, type Vcard } from "./vcard.js";

export const NS_VCARD4 = "urn:ietf:params:xml:ns:vcard-4.0";
export const NODE_VCARD4 = "urn:xmpp:vcard4";

const text = (name: string, value: string) => xml(name, {}, xml("text", {}, value));

export function serializeVcard4(v: Vcard): Element {
  return xml(
    "vcard",
    { xmlns: NS_VCARD4 },
    v.fn !== undefined ? text("fn", v.fn) : null,
    v.nickname !== undefined ? text("nickname", v.nickname) : null,
    v.tels.map((t) =>
      xml(
        "tel",
        {},
        t.types.length ? xml("parameters", {}, xml("type", {}, t.types.map((ty) => xml("text", {}, ty.toLowerCase())))) : null,
        xml("uri", {}, `tel:${telNumber(t.number)}`),
      ),
    ),
    v.impps.map((u) => xml("impp", {}, xml("uri", {}, u))),
    v.emails.map((e) => text("email", e)),
  );
}

/** §4: publish on our PEP node (XEP-0292 §3 recommends item id "current"). */
export function serializeVcard4Publish(v: Vcard): Element {
  return serializePepPublish(NODE_VCARD4, serializeVcard4(v));
}

/** §4: retrieve a contact's vCard4 from its PEP node. */
export function serializeVcard4Query(to: string): Element {
  return serializePepItemsQuery(to, NODE_VCARD4);
}

function valueOf(prop: Element): string | undefined {
  const v = prop.getChildText("uri") ?? prop.getChildText("text");
  return v?.trim() || undefined;
}

/** Reads `<vcard/>`, or a pubsub items result / event payload holding it. */
export function parseVcard4(el: Element): Vcard | undefined {
  const card = el.is("vcard", NS_VCARD4) ? el : (el.getChild("vcard", NS_VCARD4) ?? parsePepItemsResult(el));
  if (!card || !card.is("vcard", NS_VCARD4)) return undefined;
  const v = emptyVcard();
  const fn = card.getChild("fn");
  if (fn && valueOf(fn)) v.fn = valueOf(fn);
  const nick = card.getChild("nickname");
  if (nick && valueOf(nick)) v.nickname = valueOf(nick);
  for (const tel of card.getChildren("tel")) {
    const value = valueOf(tel);
    if (!value) continue;
    const types = tel.getChild("parameters")?.getChild("type")?.getChildren("text").map((t) => t.text()) ?? [];
    v.tels.push({ number: telNumber(value), types });
  }
  for (const impp of card.getChildren("impp")) {
    const uri = valueOf(impp);
    if (uri) v.impps.push(uri);
  }
  for (const email of card.getChildren("email")) {
    const e = valueOf(email);
    if (e) v.emails.push(e);
  }
  return v;
}
