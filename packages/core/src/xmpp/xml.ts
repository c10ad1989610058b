// RFC 6120 §4.1, §8: stanzas as ltx elements (the ones @xmpp/client builds and parses).
import { xml as ltxXml } from "@xmpp/client";
import type { Element } from "@xmpp/client";
import { ParseError } from "../util/errors.js";

export type { Element } from "@xmpp/client";

/** Builds an element: `xml("message", { to }, xml("body", {}, text))`. */
export const xml = ltxXml;

export const NS_CLIENT = "jabber:client";

/**
 * Parses one XML element from text (fixtures, PEP payloads in tests). Drops
 * whitespace-only text between elements. Throws ParseError on bad input.
 */
export function parseXml(text: string): Element {
  if (/<!(?!\[CDATA\[)/.test(text) || /<\?(?!xml[\s?])/.test(text)) {
    // RFC 6120 §11.1: no DTD, entity declarations, comments or processing instructions.
    throw new ParseError("restricted XML (DTD, comment or PI)", text.search(/<[!?]/));
  }
  const parser = new ltxXml.Parser();
  let root: Element | undefined;
  let error: Error | undefined;
  parser.on("start", (el) => (root = el));
  parser.on("element", (el) => root?.append(el));
  parser.on("error", (err) => (error = err));
  try {
    parser.write(text);
    parser.end();
  } catch (err) {
    throw new ParseError(`bad XML: ${(err as Error).message}`, 0, { cause: err });
  }
  if (error) throw new ParseError(`bad XML: ${error.message}`, 0, { cause: error });
  if (!root) throw new ParseError("no XML element", 0);
  return stripWhitespace(root);
}

function stripWhitespace(el: Element): Element {
  const hasElements = el.children.some((c) => typeof c !== "string");
  if (hasElements) el.children = el.children.filter((c) => typeof c !== "string" || c.trim() !== "");
  for (const c of el.children) if (typeof c !== "string") stripWhitespace(c);
  return el;
}

/** Text of the first child `name` in `ns`, or undefined when absent or empty. */
export function childText(el: Element, name: string, ns?: string): string | undefined {
  const c = el.getChild(name, ns);
  if (!c) return undefined;
  const t = c.text();
  return t === "" ? undefined : t;
}

/** Child elements of `el` in namespace `ns` (any name). */
export function childrenInNs(el: Element, ns: string): Element[] {
  return el.getChildElements().filter((c) => c.getNS() === ns || c.attrs.xmlns === ns);
}
