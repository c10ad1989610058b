// RFC 3261 §19.1 (SIP/SIPS URIs, §19.1.4 comparison), §25.1; RFC 3966 (tel);
// RFC 5118 / RFC 5954 (IPv6 references).
import { isIPv4, isIPv6 } from "node:net";
import type { AnyUri, SipParams, SipUri } from "./types.js";
import {
  escape, fail, HNVCHAR, inSet, PARAMCHAR, PASSWORD, scanSet, TELCHAR, unescape, USER,
} from "./scan.js";

const HOSTNAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9.\-_]/.test(ch)) HOSTNAME[c] = 1;
}

/**
 * Parse a URI. sip:, sips: and tel: are parsed (scheme case-insensitive);
 * any other syntactically valid absoluteURI is returned as the raw string.
 */
export function parseUri(s: string): AnyUri {
  const colon = schemeEnd(s);
  const scheme = s.slice(0, colon).toLowerCase();
  if (scheme === "sip" || scheme === "sips") return parseSip(s, colon + 1, scheme);
  if (scheme === "tel") return parseTel(s, colon + 1);
  for (let i = colon + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 34 || c === 60 || c === 62 || c === 127) fail("bad character in URI", i);
  }
  if (colon + 1 >= s.length) fail("empty URI after scheme", colon + 1);
  return s;
}

/** Parse and require a sip:/sips:/tel: URI. */
export function parseSipUri(s: string): SipUri {
  const u = parseUri(s);
  if (typeof u === "string") return fail("not a sip, sips or tel URI", 0);
  return u;
}

function schemeEnd(s: string): number {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  const first = s.charCodeAt(0);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) fail("URI must start with a scheme", 0);
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) return i;
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
    if (!ok) break;
  }
  return fail("URI has no scheme", 0);
}

/** Scan characters of table `t` or %HH escapes. */
function scanEscaped(s: string, i: number, end: number, t: Uint8Array): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      if (!isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2)) || i + 2 >= end) fail("bad %-escape", i);
      i += 3;
    } else if (inSet(t, c)) i++;
    else break;
  }
  return i;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function parseSip(s: string, i: number, scheme: "sip" | "sips"): SipUri {
  const end = s.length;
  const uri: SipUri = { scheme, host: "", params: new Map(), headers: [] };
  const at = s.indexOf("@", i);
  if (at >= 0) {
    const userEnd = scanEscaped(s, i, at, USER);
    if (userEnd === i) fail("empty user part", i);
    uri.user = unescape(s.slice(i, userEnd), i);
    if (userEnd < at) {
      if (s.charCodeAt(userEnd) !== 58) fail("bad character in user part", userEnd);
      const pwEnd = scanEscaped(s, userEnd + 1, at, PASSWORD);
      if (pwEnd !== at) fail("bad character in password", pwEnd);
      uri.password = unescape(s.slice(userEnd + 1, at), userEnd + 1);
    }
    i = at + 1;
  }
  i = parseHostPort(s, i, end, uri);
  i = parseUriParams(s, i, end, uri.params);
  if (i < end && s.charCodeAt(i) === 63) i = parseUriHeaders(s, i + 1, end, uri.headers);
  if (i !== end) fail("unexpected character in URI", i);
  return uri;
}

function parseHostPort(s: string, i: number, end: number, uri: SipUri): number {
  let j: number;
  if (s.charCodeAt(i) === 91) {
    j = s.indexOf("]", i);
    if (j < 0 || j >= end) fail("unterminated IPv6 reference", i);
    if (!isIPv6(s.slice(i + 1, j))) fail("bad IPv6 address", i);
    j++;
  } else {
    j = scanSet(s, i, end, HOSTNAME);
    if (j === i) fail("missing host", i);
  }
  uri.host = s.slice(i, j);
  if (j < end && s.charCodeAt(j) === 58) {
    const p = j + 1;
    j = p;
    while (j < end && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === p || j - p > 5) fail("bad port", p);
    const port = Number(s.slice(p, j));
    if (port > 65535) fail("port out of range", p);
    uri.port = port;
  }
  return j;
}

function parseUriParams(s: string, i: number, end: number, params: SipParams): number {
  while (i < end && s.charCodeAt(i) === 59) {
    const n = i + 1;
    const ne = scanEscaped(s, n, end, PARAMCHAR);
    if (ne === n) fail("empty URI parameter name", n);
    const name = unescape(s.slice(n, ne), n).toLowerCase();
    let value: string | null = null;
    i = ne;
    if (i < end && s.charCodeAt(i) === 61) {
      const ve = scanEscaped(s, i + 1, end, PARAMCHAR);
      if (ve === i + 1) fail("empty URI parameter value", ve);
      value = unescape(s.slice(i + 1, ve), i + 1);
      i = ve;
    }
    if (!params.has(name)) params.set(name, value);
  }
  return i;
}

function parseUriHeaders(s: string, i: number, end: number, out: Array<[string, string]>): number {
  for (;;) {
    const ne = scanEscaped(s, i, end, HNVCHAR);
    if (ne === i || s.charCodeAt(ne) !== 61) fail("bad URI header", i);
    const ve = scanEscaped(s, ne + 1, end, HNVCHAR);
    out.push([unescape(s.slice(i, ne), i), unescape(s.slice(ne + 1, ve), ne + 1)]);
    i = ve;
    if (i >= end || s.charCodeAt(i) !== 38) return i;
    i++;
  }
}

/** RFC 3966: tel:number;params. The number lands in `user`. */
function parseTel(s: string, i: number): SipUri {
  const end = s.length;
  let j = i;
  while (j < end && s.charCodeAt(j) !== 59) {
    const c = s.charCodeAt(j);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || "+-.()*#".includes(s[j]!);
    if (!ok) fail("bad character in telephone number", j);
    j++;
  }
  if (j === i) fail("empty telephone number", i);
  const uri: SipUri = { scheme: "tel", user: s.slice(i, j), host: "", params: new Map(), headers: [] };
  while (j < end) {
    const n = j + 1; // at ";"
    const ne = scanEscaped(s, n, end, TELNAME);
    if (ne === n) fail("empty tel parameter name", n);
    let value: string | null = null;
    j = ne;
    if (j < end && s.charCodeAt(j) === 61) {
      const ve = scanEscaped(s, j + 1, end, TELCHAR);
      value = unescape(s.slice(j + 1, ve), j + 1);
      j = ve;
    }
    if (j < end && s.charCodeAt(j) !== 59) fail("unexpected character in tel URI", j);
    const name = s.slice(n, ne).toLowerCase();
    if (!uri.params.has(name)) uri.params.set(name, value);
  }
  return uri;
}

const TELNAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (/[A-Za-z0-9-]/.test(String.fromCharCode(c))) TELNAME[c] = 1;

const PARAM_OUT = PARAMCHAR;
const TEL_OUT = (() => {
  const t = TELCHAR.slice();
  t[37] = 0; // "%" must be escaped when written
  t[59] = 0;
  return t;
})();

/** Write a URI; values are %-escaped where the grammar needs it. */
export function serializeUri(u: AnyUri): string {
  if (typeof u === "string") return u;
  if (u.scheme === "tel") {
    let out = `tel:${u.user ?? ""}`;
    for (const [k, v] of u.params) out += v === null ? `;${k}` : `;${k}=${escape(v, TEL_OUT)}`;
    return out;
  }
  let out = `${u.scheme}:`;
  if (u.user !== undefined) {
    out += escape(u.user, USER);
    if (u.password !== undefined) out += `:${escape(u.password, PASSWORD)}`;
    out += "@";
  }
  out += u.host;
  if (u.port !== undefined) out += `:${u.port}`;
  for (const [k, v] of u.params) {
    out += `;${escape(k, PARAM_OUT)}`;
    if (v !== null) out += `=${escape(v, PARAM_OUT)}`;
  }
  u.headers.forEach(([k, v], idx) => {
    out += `${idx === 0 ? "?" : "&"}${escape(k, HNVCHAR)}=${escape(v, HNVCHAR)}`;
  });
  return out;
}

/** Host comparison: case-insensitive; IPv6 references compared by value (RFC 5954 §4). */
export function hostEquals(a: string, b: string): boolean {
  if (a.length > 0 && a.charCodeAt(0) === 91 && b.charCodeAt(0) === 91) {
    return normalizeIPv6(a.slice(1, -1)) === normalizeIPv6(b.slice(1, -1));
  }
  return a.toLowerCase() === b.toLowerCase();
}

function normalizeIPv6(addr: string): string {
  let s = addr.toLowerCase();
  const lastColon = s.lastIndexOf(":");
  const tail = s.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const [a, b, c, d] = tail.split(".").map(Number) as [number, number, number, number];
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = s.split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const r = rest ? rest.split(":") : [];
  const fill = rest === undefined ? [] : new Array<string>(8 - h.length - r.length).fill("0");
  return [...h, ...fill, ...r].map((g) => parseInt(g, 16).toString(16)).join(":");
}

/** Parameters that, present in only one URI, make URIs differ (§19.1.4). */
const MUST_MATCH = ["user", "ttl", "method", "maddr", "transport"];

/** RFC 3261 §19.1.4 URI equality (and RFC 3966 §4 for tel). */
export function uriEquals(a: AnyUri, b: AnyUri): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a.scheme !== b.scheme) return false;
  if (a.scheme === "tel") return telEquals(a, b);
  // userinfo is case-sensitive (after unescaping, which parseUri did).
  if (a.user !== b.user || a.password !== b.password) return false;
  if (!hostEquals(a.host, b.host) || a.port !== b.port) return false;
  for (const name of MUST_MATCH) {
    if (a.params.has(name) !== b.params.has(name)) return false;
  }
  for (const [k, v] of a.params) {
    if (!b.params.has(k)) continue;
    const w = b.params.get(k) ?? null;
    if (v === null || w === null ? v !== w : v.toLowerCase() !== w.toLowerCase()) return false;
  }
  return headersEqual(a.headers, b.headers);
}

function headersEqual(a: Array<[string, string]>, b: Array<[string, string]>): boolean {
  if (a.length !== b.length) return false;
  const key = ([k, v]: [string, string]) => `${k.toLowerCase()}\u0000${v}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((x, i) => x === right[i]);
}

function telEquals(a: SipUri, b: SipUri): boolean {
  const strip = (n: string | undefined) => (n ?? "").replace(/[-.()]/g, "").toLowerCase();
  if (strip(a.user) !== strip(b.user) || a.params.size !== b.params.size) return false;
  for (const [k, v] of a.params) {
    if (!b.params.has(k)) return false;
    const w = b.params.get(k) ?? null;
    if (v === null || w === null ? v !== w : v.toLowerCase() !== w.toLowerCase()) return false;
  }
  return true;
}
