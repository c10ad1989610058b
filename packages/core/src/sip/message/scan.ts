// RFC 3261 §25.1: character classes and small lexers shared by the header and URI parsers.
// Every loop moves forward only: no backtracking, linear in the input.
import { SipParseError } from "./errors.js";

function table(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 1;
  for (let c = 97; c <= 122; c++) t[c] = 1;
  for (const ch of extra) t[ch.charCodeAt(0)] = 1;
  return t;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~");
/** word (Call-ID) = token chars plus ( ) < > : \ DQUOTE / [ ] ? { } */
export const WORD = table("-.!%*_+`'~()<>:\\\"/[]?{}");
/** user = unreserved / escaped / user-unreserved ("%" handled by the caller). */
export const USER = table("-_.!~*'()&=+$,;?/");
export const PASSWORD = table("-_.!~*'()&=+$,");
/** paramchar = param-unreserved / unreserved / escaped */
export const PARAMCHAR = table("-_.!~*'()[]/:&+$");
/** hname / hvalue characters: hnv-unreserved / unreserved / escaped */
export const HNVCHAR = table("-_.!~*'()[]/?:+$");
/** Unquoted generic-param value: token / host (IPv6 brackets and colons). */
export const GENVALUE = table("-.!%*_+`'~[]:");
/** Characters of a hostname, IPv4 or IPv6 reference. */
export const HOST = table("-.[]:_");
/** Characters of a tel: number and its parameters (RFC 3966), minus ";" handled apart. */
export const TELCHAR = table("-.()+*#/:&=$,!~_'[]%");

export function inSet(t: Uint8Array, c: number): boolean {
  return c < 128 && t[c] === 1;
}

export function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Skip SP / HTAB (values are unfolded before parsing, so no CRLF remains). */
export function skipWs(s: string, i: number, end: number): number {
  while (i < end && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** End of a run of characters of `t` starting at i. */
export function scanSet(s: string, i: number, end: number, t: Uint8Array): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] !== 1) break;
    i++;
  }
  return i;
}

export function fail(message: string, offset: number): never {
  throw new SipParseError(message, offset);
}

/** Read a token at i; throws when there is none. */
export function readToken(s: string, i: number, end: number, what: string): number {
  const j = scanSet(s, i, end, TOKEN);
  if (j === i) fail(`expected ${what}`, i);
  return j;
}

/**
 * quoted-string at s[i] === '"'. Returns the unescaped content and the index
 * after the closing quote. quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F).
 */
export function readQuoted(s: string, i: number, end: number): { value: string; end: number } {
  let out = "";
  let from = i + 1;
  for (let j = from; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 34) return { value: out + s.slice(from, j), end: j + 1 };
    if (c === 92) {
      if (j + 1 >= end) break;
      const n = s.charCodeAt(j + 1);
      if (n === 10 || n === 13) fail("bad quoted-pair", j);
      out += s.slice(from, j) + s[j + 1];
      j++;
      from = j + 1;
    } else if (c < 32 && c !== 9) {
      fail("control character in quoted-string", j);
    }
  }
  return fail("unterminated quoted-string", i);
}

/** Quote a string for the wire: escapes `"` and `\`. */
export function quote(value: string): string {
  let needs = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34 || c === 92) {
      needs = true;
      break;
    }
  }
  return needs ? `"${value.replace(/["\\]/g, "\\$&")}"` : `"${value}"`;
}

export function isToken(value: string): boolean {
  return value.length > 0 && scanSet(value, 0, value.length, TOKEN) === value.length;
}

/** Skip a comment "( ... )" with nesting and quoted-pairs; s[i] === "(". */
export function skipComment(s: string, i: number, end: number): number {
  let depth = 0;
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return j + 1;
  }
  return fail("unterminated comment", i);
}

const HEX = "0123456789ABCDEF";

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Decode %HH escapes (as UTF-8 where the bytes form UTF-8, else byte-wise).
 * Throws on a malformed escape. `base` offsets error positions.
 */
export function unescape(s: string, base = 0): string {
  if (s.indexOf("%") < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h < 0 || l < 0) fail("bad %-escape", base + i);
      bytes.push(h * 16 + l);
      i += 2;
    } else if (c < 128) {
      bytes.push(c);
    } else {
      for (const b of Buffer.from(s[i]!, "utf8")) bytes.push(b);
    }
  }
  const buf = Buffer.from(bytes);
  const text = buf.toString("utf8");
  // Not valid UTF-8 (e.g. %FF): keep each byte as one latin1 code point.
  return text.includes("\uFFFD") && !s.includes("\uFFFD") ? buf.toString("latin1") : text;
}

/** %-escape every character of `s` outside `allowed` (UTF-8 for non-ASCII). */
export function escape(s: string, allowed: Uint8Array): string {
  let clean = true;
  for (let i = 0; i < s.length; i++) {
    if (!inSet(allowed, s.charCodeAt(i))) {
      clean = false;
      break;
    }
  }
  if (clean) return s;
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    out += b < 128 && allowed[b] === 1 ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}
