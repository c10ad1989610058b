// RFC 3261 §10.2.4 (the 200 lists the bindings, with expires), RFC 5626 §4.2 (our binding by instance),
// RFC 5627 §4.2 (pub-gruu, temp-gruu), §21.4.17 / §20.23 (423 and Min-Expires).
import { ParseError } from "../../util/errors.js";
import { parseDeltaSeconds, uriEquals, type Contact, type SipResponse, type SipUri } from "../message/index.js";

export type Binding = { expires: number; gruu?: string; tempGruu?: string };

/** Our binding in a 2xx: the Contact with our +sip.instance, else the one equal to our contact URI. */
export function readBinding(response: SipResponse, instance: string, ours: SipUri, requested: number): Binding | undefined {
  let contacts: Contact[] | "*";
  try {
    contacts = response.headers.contact();
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
  if (contacts === "*") return undefined;
  const want = `<${instance}>`.toLowerCase();
  const mine =
    contacts.find((c) => (c.params.get("+sip.instance") ?? "").toLowerCase() === want) ??
    contacts.find((c) => typeof c.uri !== "string" && uriEquals(c.uri, ours));
  if (!mine) return undefined;
  const headerExpires = safeExpires(response);
  const out: Binding = { expires: mine.expires ?? headerExpires ?? requested };
  const pub = mine.params.get("pub-gruu");
  const temp = mine.params.get("temp-gruu");
  if (pub) out.gruu = pub;
  if (temp) out.tempGruu = temp;
  return out;
}

function safeExpires(response: SipResponse): number | undefined {
  try {
    return response.headers.expires();
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

/** §20.23: Min-Expires of a 423, or undefined when absent or malformed. */
export function minExpires(response: SipResponse): number | undefined {
  const v = response.headers.get("min-expires");
  if (v === undefined) return undefined;
  try {
    return parseDeltaSeconds(v);
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

/**
 * When to refresh a binding granted for `expires` seconds: expires minus max(10 s, 10 %), but never
 * before half of it (short bindings, RFC 3261 §10.2.1 leaves the margin to the UA). Milliseconds.
 */
export function refreshDelay(expires: number): number {
  const margin = Math.max(10, expires * 0.1);
  return Math.max(expires - margin, expires / 2) * 1000;
}
