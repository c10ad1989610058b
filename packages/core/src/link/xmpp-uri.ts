// RFC 5122 §2 xmpp: URIs (percent-encoding §2.7-2.8) with XEP-0147 queries, and
// RFC 6993 Call-Info `<xmpp:...>;purpose=impp` values (protocol.md §5).
import { ParseError } from "../util/errors.js";

export type XmppUri = {
  /** Decoded node (local part); "" when absent. */
  local: string;
  domain: string;
  /** Decoded resource; "" when absent. */
  resource: string;
  /** XEP-0147 query type (`message`, `subscribe`, ...), when there is a query. */
  action?: string;
  /** XEP-0147 key=value pairs, decoded; the first of a repeated key wins. */
  params: Record<string, string>;
};

// RFC 3986 §2.3 unreserved, and RFC 5122 §2.2 nodeallow / resallow.
const UNRESERVED = /[A-Za-z0-9\-._~]/;
const NODE_ALLOW = new Set("!$()*+,;=");
const RES_ALLOW = new Set("!$&'()*+,:;=");
const HOST_ALLOW = new Set("!$&'()*+,;=[]:");

function encode(text: string, allow: ReadonlySet<string>): string {
  let out = "";
  for (const ch of text) {
    if (ch.length === 1 && (UNRESERVED.test(ch) || allow.has(ch))) {
      out += ch;
    } else {
      for (const b of Buffer.from(ch, "utf8")) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/** RFC 5122 §2.8 step 2: percent-decoding to UTF-8; a bad escape is a ParseError. */
function decode(text: string, offset: number): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "%") {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new ParseError("bad percent-encoding in xmpp: URI", offset + i);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, "utf8"));
    }
  }
  const decoded = new TextDecoder("utf-8", { fatal: true });
  try {
    return decoded.decode(Uint8Array.from(bytes));
  } catch (e) {
    throw new ParseError("xmpp: URI is not UTF-8 once decoded", offset, { cause: e });
  }
}

// Characters that no part of a JID may hold (RFC 7622 §3: no controls or spaces
// in a domain; '@', '/', '"', '<', '>' cannot appear in a node).
const BAD_DOMAIN = /[\s@/"<>\\]/;
const BAD_NODE = /[\s"&'/:<>@]/;

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Reads `xmpp:[//authority/]node@domain[/resource][?query][#fragment]`. The
 * authority (RFC 5122 §2.3) and fragment (§2.6) are not used and are dropped.
 */
export function parseXmppUri(text: string): XmppUri {
  if (!/^xmpp:/i.test(text)) throw new ParseError("not an xmpp: URI", 0);
  let pos = 5;
  let rest = text.slice(pos);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    if (slash < 0) throw new ParseError("xmpp: URI has an authority but no JID", pos);
    pos += slash + 1;
    rest = rest.slice(slash + 1);
  }
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  const path = q >= 0 ? rest.slice(0, q) : rest;
  const uri = parsePath(path, pos);
  if (q >= 0) Object.assign(uri, parseQuery(rest.slice(q + 1), pos + q + 1));
  return uri;
}

function parsePath(path: string, offset: number): XmppUri {
  const slash = path.indexOf("/");
  const head = slash >= 0 ? path.slice(0, slash) : path;
  const at = head.indexOf("@");
  const local = at >= 0 ? decode(head.slice(0, at), offset) : "";
  const domain = decode(at >= 0 ? head.slice(at + 1) : head, offset + at + 1).toLowerCase();
  const resource = slash >= 0 ? decode(path.slice(slash + 1), offset + slash + 1) : "";
  if (!domain || BAD_DOMAIN.test(domain) || hasControl(domain)) throw new ParseError("xmpp: URI has no valid domain", offset + at + 1);
  if ((at >= 0 && !local) || BAD_NODE.test(local) || hasControl(local)) throw new ParseError("xmpp: URI has an invalid node", offset);
  if (slash >= 0 && !resource) throw new ParseError("xmpp: URI has an empty resource", offset + slash);
  if (hasControl(resource)) throw new ParseError("xmpp: URI resource has control characters", offset + slash);
  return { local, domain, resource, params: {} };
}

function parseQuery(query: string, offset: number): Pick<XmppUri, "action" | "params"> {
  const parts = query.split(";");
  const params: Record<string, string> = {};
  let at = offset + parts[0]!.length + 1;
  for (const pair of parts.slice(1)) {
    const eq = pair.indexOf("=");
    const key = decode(eq >= 0 ? pair.slice(0, eq) : pair, at);
    const value = eq >= 0 ? decode(pair.slice(eq + 1), at + eq + 1) : "";
    if (key && !Object.hasOwn(params, key)) params[key] = value;
    at += pair.length + 1;
  }
  const action = decode(parts[0]!, offset);
  return action ? { action, params } : { params };
}

/** RFC 5122 §2.7: our URIs, node and resource percent-encoded. */
export function serializeXmppUri(uri: XmppUri): string {
  let out = "xmpp:";
  if (uri.local) out += `${encode(uri.local, NODE_ALLOW)}@`;
  out += encode(uri.domain.toLowerCase(), HOST_ALLOW);
  if (uri.resource) out += `/${encode(uri.resource, RES_ALLOW)}`;
  if (uri.action !== undefined) {
    out += `?${encode(uri.action, new Set())}`;
    for (const [k, v] of Object.entries(uri.params)) out += `;${encode(k, new Set())}=${encode(v, new Set())}`;
  }
  return out;
}

/** The JID string of a URI: `local@domain/resource` with parts omitted when empty. */
export function jidOfUri(uri: Pick<XmppUri, "local" | "domain" | "resource">): string {
  return `${uri.local ? `${uri.local}@` : ""}${uri.domain}${uri.resource ? `/${uri.resource}` : ""}`;
}

/** Splits a JID string into the parts of an XmppUri (no query). */
export function uriOfJid(jid: string): XmppUri {
  const slash = jid.indexOf("/");
  const head = slash >= 0 ? jid.slice(0, slash) : jid;
  const at = head.indexOf("@");
  return {
    local: at >= 0 ? head.slice(0, at) : "",
    domain: (at >= 0 ? head.slice(at + 1) : head).toLowerCase(),
    resource: slash >= 0 ? jid.slice(slash + 1) : "",
    params: {},
  };
}

// ---------------------------------------------------------------- Call-Info

/** One element of a Call-Info header value (RFC 3261 §20.9). */
export type CallInfoEntry = { uri: string; params: Record<string, string> };

/** XEP-0201 thread ids are opaque; refuse what no sane peer sends. */
const THREAD_OK = /^[\x21-\x7e]{1,256}$/;

export type ImppContact = {
  /** The JID as sent: full when the URI has a resource. */
  jid: string;
  bare: string;
  resource?: string;
  /** The conversation thread from the XEP-0147 query, when valid. */
  thread?: string;
};

/** Splits a Call-Info header value into its entries; tolerant, never throws. */
export function parseCallInfo(value: string): CallInfoEntry[] {
  const out: CallInfoEntry[] = [];
  const re = /\s*<([^>]*)>([^,]*)(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < value.length && (m = re.exec(value)) !== null) {
    const params: Record<string, string> = {};
    for (const p of m[2]!.split(";").slice(1)) {
      const eq = p.indexOf("=");
      const k = (eq >= 0 ? p.slice(0, eq) : p).trim().toLowerCase();
      const v = eq >= 0 ? p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1") : "";
      if (k && !Object.hasOwn(params, k)) params[k] = v;
    }
    out.push({ uri: m[1]!.trim(), params });
  }
  return out;
}

/**
 * protocol.md §5 "Receiving": every `purpose=impp` entry with an xmpp: URI, in
 * the plain, full-JID or query form. Entries that do not parse are skipped.
 */
export function readImppContacts(headerValues: readonly string[]): ImppContact[] {
  const out: ImppContact[] = [];
  for (const entry of headerValues.flatMap(parseCallInfo)) {
    if (entry.params.purpose?.toLowerCase() !== "impp" || !/^xmpp:/i.test(entry.uri)) continue;
    let uri: XmppUri;
    try {
      uri = parseXmppUri(entry.uri);
    } catch (e) {
      if (e instanceof ParseError) continue;
      throw e;
    }
    const bare = jidOfUri({ ...uri, resource: "" });
    const contact: ImppContact = { jid: jidOfUri(uri), bare };
    if (uri.resource) contact.resource = uri.resource;
    const thread = uri.params.thread;
    if (thread !== undefined && THREAD_OK.test(thread)) contact.thread = thread;
    out.push(contact);
  }
  return out;
}

/** Our Call-Info value (protocol.md §5): full JID and the conversation's thread. */
export function serializeImppCallInfo(fullJid: string, thread: string): string {
  const uri: XmppUri = { ...uriOfJid(fullJid), action: "message", params: { type: "chat", thread } };
  return `<${serializeXmppUri(uri)}>;purpose=impp`;
}
