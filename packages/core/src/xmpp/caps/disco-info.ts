// XEP-0030 §3 disco#info (identities, features) with XEP-0128 / XEP-0004 forms.
import { xml, type Element } from "../xml.js";

export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DATA = "jabber:x:data";

export type DiscoIdentity = { category: string; type: string; name?: string; lang?: string };
export type FormField = { var: string; type?: string; values: string[] };
/** XEP-0004 form; `formType` is the FORM_TYPE value, when present. */
export type DataForm = { type: string; fields: FormField[] };
export type DiscoInfo = {
  node?: string;
  identities: DiscoIdentity[];
  features: string[];
  forms: DataForm[];
};

export function formTypeOf(form: DataForm): string | undefined {
  return form.fields.find((f) => f.var === "FORM_TYPE")?.values[0];
}

export function serializeDataForm(form: DataForm): Element {
  return xml(
    "x",
    { xmlns: NS_DATA, type: form.type },
    form.fields.map((f) =>
      xml("field", { var: f.var, type: f.type }, f.values.map((v) => xml("value", {}, v))),
    ),
  );
}

export function parseDataForm(x: Element): DataForm {
  return {
    type: x.attrs.type ?? "form",
    fields: x.getChildren("field").map((f) => {
      const field: FormField = { var: f.attrs.var ?? "", values: f.getChildren("value").map((v) => v.text()) };
      if (f.attrs.type) field.type = f.attrs.type;
      return field;
    }),
  };
}

/** XEP-0030 §3.1: the `<query/>` payload of a disco#info result. */
export function serializeDiscoInfo(info: DiscoInfo): Element {
  return xml(
    "query",
    { xmlns: NS_DISCO_INFO, node: info.node },
    info.identities.map((i) =>
      xml("identity", { category: i.category, type: i.type, name: i.name, "xml:lang": i.lang }),
    ),
    info.features.map((f) => xml("feature", { var: f })),
    info.forms.map(serializeDataForm),
  );
}

/** Reads a disco#info `<query/>` (or the `<iq/>` holding it). */
export function parseDiscoInfo(el: Element): DiscoInfo {
  const query = el.is("query", NS_DISCO_INFO) ? el : el.getChild("query", NS_DISCO_INFO);
  if (!query) return { identities: [], features: [], forms: [] };
  const info: DiscoInfo = {
    identities: query.getChildren("identity").map((i) => {
      const id: DiscoIdentity = { category: i.attrs.category ?? "", type: i.attrs.type ?? "" };
      if (i.attrs.name !== undefined) id.name = i.attrs.name;
      if (i.attrs["xml:lang"] !== undefined) id.lang = i.attrs["xml:lang"];
      return id;
    }),
    features: query.getChildren("feature").map((f) => f.attrs.var ?? ""),
    forms: query.getChildren("x", NS_DATA).map(parseDataForm),
  };
  if (query.attrs.node) info.node = query.attrs.node;
  return info;
}

/** XEP-0030 §3.1: a disco#info request. */
export function serializeDiscoInfoQuery(to: string, node?: string): Element {
  return xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_INFO, node }));
}

