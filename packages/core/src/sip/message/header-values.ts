// RFC 3261 §20 value grammars: CSeq (§20.16), Call-ID (§20.8), Contact (§20.10),
// Content-Type (§20.15), delta-seconds (§20.19, §20.33), Max-Forwards (§20.22),
// Call-Info (§20.9), auth (§20.7, §20.27, §25.1 challenge/credentials), Date (§20.17).
import type { AuthValue, Contact, CSeq, FromTo, InfoValue, MediaType, NameAddr, SipParams } from "./types.js";
import { parseNameAddr, parseParamsToEnd, serializeParams } from "./name-addr.js";
import { parseUri } from "./uri.js";
import { fail, isToken, quote, readQuoted, scanSet, skipComment, skipWs, TOKEN, WORD } from "./scan.js";

const MAX_SEQ = 2 ** 31; // §8.1.1.5: CSeq MUST be less than 2**31

/** 1*DIGIT within [0, max]; `what` names the field in errors. */
export function parseUint(s: string, max: number, what: string): number {
  const t = s.trim();
  if (t.length === 0 || t.length > 12 || scanDigits(t, 0) !== t.length) fail(`bad ${what}`, 0);
  const n = Number(t);
  if (n > max) fail(`${what} too large`, 0);
  return n;
}

function scanDigits(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i;
}

export function parseCSeq(s: string): CSeq {
  const i = skipWs(s, 0, s.length);
  const d = scanDigits(s, i);
  if (d === i) fail("bad CSeq number", i);
  const seq = d - i > 10 ? Infinity : Number(s.slice(i, d));
  if (seq >= MAX_SEQ) fail("CSeq number too large", i);
  const m = skipWs(s, d, s.length);
  if (m === d) fail("expected space in CSeq", d);
  const me = scanSet(s, m, s.length, TOKEN);
  if (me === m || skipWs(s, me, s.length) !== s.length) fail("bad CSeq method", m);
  return { seq, method: s.slice(m, me) };
}

/** callid = word [ "@" word ] */
export function parseCallId(s: string): string {
  const v = s.trim();
  const a = scanSet(v, 0, v.length, WORD);
  if (a === 0) fail("empty Call-ID", 0);
  if (a === v.length) return v;
  if (v.charCodeAt(a) !== 64) fail("bad character in Call-ID", a);
  const b = scanSet(v, a + 1, v.length, WORD);
  if (b === a + 1 || b !== v.length) fail("bad Call-ID", b);
  return v;
}

/** From / To: one name-addr or addr-spec; `tag` copied out of params. */
export function parseFromTo(s: string): FromTo {
  const na: FromTo = parseNameAddr(s);
  const tag = na.params.get("tag");
  if (tag === null) fail("tag without value", 0);
  if (tag !== undefined) na.tag = tag;
  return na;
}

/** One Contact value: `*` is handled by the caller. */
export function parseContact(s: string): Contact {
  const c: Contact = parseNameAddr(s);
  const expires = c.params.get("expires");
  if (typeof expires === "string" && /^\d{1,12}$/.test(expires)) {
    // §10.2.1.1 / RFC 4475 §3.1.2.4: over-large values are clamped, not refused.
    c.expires = Math.min(Number(expires), 2 ** 32 - 1);
  }
  const q = c.params.get("q");
  if (q !== undefined) {
    if (q === null || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q)) fail("bad q value", 0);
    c.q = Number(q);
  }
  return c;
}

/** Route / Record-Route / Path: name-addr only (§20.30, §20.34). */
export function parseRoute(s: string): NameAddr {
  const na = parseNameAddr(s);
  if (!s.includes("<")) fail("route must be a name-addr in <>", 0);
  return na;
}

/** Content-Type: m-type SLASH m-subtype *(SEMI m-parameter). */
export function parseMediaType(s: string): MediaType {
  const end = s.length;
  let i = skipWs(s, 0, end);
  const te = scanSet(s, i, end, TOKEN);
  if (te === i) fail("bad media type", i);
  const type = s.slice(i, te).toLowerCase();
  i = skipWs(s, te, end);
  if (s.charCodeAt(i) !== 47) fail("expected / in media type", i);
  i = skipWs(s, i + 1, end);
  const se = scanSet(s, i, end, TOKEN);
  if (se === i) fail("bad media subtype", i);
  const mt: MediaType = { type, subtype: s.slice(i, se).toLowerCase(), params: new Map() };
  parseParamsToEnd(s, se, mt.params);
  return mt;
}

export function serializeMediaType(m: MediaType): string {
  return `${m.type}/${m.subtype}${serializeParams(m.params)}`;
}

/** delta-seconds: values beyond 2**32-1 are clamped (§20.19 says treat as 2**32-1). */
export function parseDeltaSeconds(s: string): number {
  const t = s.trim();
  if (t.length === 0 || scanDigits(t, 0) !== t.length) fail("bad delta-seconds", 0);
  return t.length > 10 ? 2 ** 32 - 1 : Math.min(Number(t), 2 ** 32 - 1);
}

/** Call-Info / Alert-Info / Error-Info: "<" absoluteURI ">" *( SEMI param ). */
export function parseInfo(s: string): InfoValue {
  const end = s.length;
  const i = skipWs(s, 0, end);
  if (s.charCodeAt(i) !== 60) fail("expected <", i);
  const close = s.indexOf(">", i);
  if (close < 0) fail("missing >", i);
  const info: InfoValue = { uri: parseUri(s.slice(i + 1, close)), params: new Map() };
  parseParamsToEnd(s, close + 1, info.params);
  return info;
}

/** challenge / credentials: auth-scheme LWS auth-param *(COMMA auth-param), or a token68. */
export function parseAuth(s: string): AuthValue {
  const end = s.length;
  let i = skipWs(s, 0, end);
  const se = scanSet(s, i, end, TOKEN);
  if (se === i) fail("missing auth scheme", i);
  const out: AuthValue = { scheme: s.slice(i, se), params: new Map() };
  i = skipWs(s, se, end);
  if (i === end) return out;
  if (i === se) fail("expected space after auth scheme", i);
  const rest = s.slice(i);
  if (/^[A-Za-z0-9\-._~+/]+=*$/.test(rest)) {
    out.token = rest;
    return out;
  }
  for (;;) {
    const ne = scanSet(s, i, end, TOKEN);
    if (ne === i) fail("bad auth-param name", i);
    const name = s.slice(i, ne).toLowerCase();
    i = skipWs(s, ne, end);
    if (s.charCodeAt(i) !== 61) fail("expected = in auth-param", i);
    i = skipWs(s, i + 1, end);
    let value: string;
    if (s.charCodeAt(i) === 34) {
      const q = readQuoted(s, i, end);
      value = q.value;
      i = q.end;
    } else {
      const ve = scanSet(s, i, end, TOKEN);
      if (ve === i) fail("bad auth-param value", i);
      value = s.slice(i, ve);
      i = ve;
    }
    if (!out.params.has(name)) out.params.set(name, value);
    i = skipWs(s, i, end);
    if (i === end) return out;
    if (s.charCodeAt(i) !== 44) fail("expected , between auth-params", i);
    i = skipWs(s, i + 1, end);
  }
}

/** Digest params written without quotes (RFC 7616 §3.3-3.4: algorithm, stale, nc, and qop in credentials). */
const UNQUOTED = new Set(["algorithm", "stale", "nc"]);

/** Write a challenge (`credentials: false`) or credentials (`true`): qop is quoted only in challenges. */
export function serializeAuth(a: AuthValue, credentials: boolean): string {
  if (a.token !== undefined) return `${a.scheme} ${a.token}`;
  const parts: string[] = [];
  for (const [k, v] of a.params) {
    const bare = UNQUOTED.has(k) || (k === "qop" && credentials);
    parts.push(bare && isToken(v) ? `${k}=${v}` : `${k}=${quote(v)}`);
  }
  return `${a.scheme} ${parts.join(", ")}`;
}

/** Generic "token *(SEMI param)" values (Event, Subscription-State, Content-Disposition, ...). */
export function parseTokenWithParams(s: string): { value: string; params: SipParams } {
  const i = skipWs(s, 0, s.length);
  const e = scanSet(s, i, s.length, TOKEN);
  if (e === i) fail("expected a token", i);
  const params: SipParams = new Map();
  parseParamsToEnd(s, e, params);
  return { value: s.slice(i, e), params };
}

/** rfc1123-date, GMT only (§20.17): "Sat, 13 Nov 2010 23:29:00 GMT". */
export function isSipDate(s: string): boolean {
  return /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(s.trim());
}

/** Retry-After (§20.33): delta-seconds [ comment ] *( SEMI retry-param ). */
export interface RetryAfter {
  seconds: number;
  comment?: string;
  params: SipParams;
}

export function parseRetryAfter(s: string): RetryAfter {
  const end = s.length;
  let i = skipWs(s, 0, end);
  const d = scanDigits(s, i);
  if (d === i) fail("bad Retry-After", i);
  // RFC 4475 §3.1.2.5 (scalarlg): a value past 32 bits makes the message invalid.
  if (d - i > 10 || Number(s.slice(i, d)) > 2 ** 32 - 1) fail("Retry-After too large", i);
  const out: RetryAfter = { seconds: Number(s.slice(i, d)), params: new Map() };
  i = skipWs(s, d, end);
  if (s.charCodeAt(i) === 40) {
    const e = skipComment(s, i, end);
    out.comment = s.slice(i + 1, e - 1);
    i = e;
  }
  parseParamsToEnd(s, i, out.params);
  return out;
}

/** One Server / User-Agent element (§20.35, §20.41): product [/ version] or a (comment). */
export interface ProductToken {
  product?: string;
  version?: string;
  comment?: string;
}

export function parseServer(s: string): ProductToken[] {
  const end = s.length;
  const out: ProductToken[] = [];
  let i = skipWs(s, 0, end);
  while (i < end) {
    if (s.charCodeAt(i) === 40) {
      const e = skipComment(s, i, end);
      out.push({ comment: s.slice(i + 1, e - 1) });
      i = e;
    } else {
      const e = scanSet(s, i, end, TOKEN);
      if (e === i) fail("bad product token", i);
      const p: ProductToken = { product: s.slice(i, e) };
      i = skipWs(s, e, end);
      if (s.charCodeAt(i) === 47) {
        const v = skipWs(s, i + 1, end);
        const ve = scanSet(s, v, end, TOKEN);
        if (ve === v) fail("bad product version", v);
        p.version = s.slice(v, ve);
        i = ve;
      }
      out.push(p);
    }
    i = skipWs(s, i, end);
  }
  return out;
}

/** Warning (§20.43): warn-code SP warn-agent SP warn-text (quoted). */
export interface Warning {
  code: number;
  agent: string;
  text: string;
}

export function parseWarning(s: string): Warning {
  const m = /^\s*(\d{3}) ([^\s"]+) /.exec(s);
  if (!m) return fail("bad Warning (3-digit code, agent, quoted text)", 0);
  const at = m[0].length;
  if (s.charCodeAt(at) !== 34) fail("warn-text must be quoted", at);
  const q = readQuoted(s, at, s.length);
  if (skipWs(s, q.end, s.length) !== s.length) fail("unexpected text after warn-text", q.end);
  return { code: Number(m[1]), agent: m[2]!, text: q.value };
}
