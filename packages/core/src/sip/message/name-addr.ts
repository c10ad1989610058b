// RFC 3261 §20.10 / §25.1: name-addr / addr-spec and generic-param lists.
// §20: without angle brackets, ";params" after the URI are header parameters.
import type { AnyUri, NameAddr, SipParams } from "./types.js";
import { parseUri, serializeUri } from "./uri.js";
import { atOffset } from "./errors.js";
import {
  fail, GENVALUE, isToken, quote, readQuoted, scanSet, skipWs, TOKEN,
} from "./scan.js";

/**
 * Parse `*( SEMI generic-param )` from s[i..end). Returns the index where the
 * list stopped (end, or the first character that is not part of it).
 * generic-param = token [ EQUAL gen-value ]; gen-value = token / host / quoted-string.
 */
export function parseParams(s: string, i: number, end: number, out: SipParams): number {
  for (;;) {
    const j = skipWs(s, i, end);
    if (j >= end || s.charCodeAt(j) !== 59) return j;
    const n = skipWs(s, j + 1, end);
    const ne = scanSet(s, n, end, TOKEN);
    if (ne === n) fail("empty parameter name", n);
    const name = s.slice(n, ne).toLowerCase();
    let value: string | null = null;
    i = skipWs(s, ne, end);
    if (i < end && s.charCodeAt(i) === 61) {
      const v = skipWs(s, i + 1, end);
      if (v < end && s.charCodeAt(v) === 34) {
        const q = readQuoted(s, v, end);
        value = q.value;
        i = q.end;
      } else {
        i = scanSet(s, v, end, GENVALUE);
        if (i === v) fail(`empty value for parameter "${name}"`, v);
        value = s.slice(v, i);
      }
    } else {
      i = ne;
    }
    if (!out.has(name)) out.set(name, value);
  }
}

/** Parse a whole header value made only of params (e.g. after a token). */
export function parseParamsToEnd(s: string, i: number, out: SipParams): void {
  const j = parseParams(s, i, s.length, out);
  if (j !== s.length) fail("unexpected character after parameters", j);
}

/** Write `;name=value` pairs; values that are not tokens/hosts, and feature tags (RFC 3840 "+..."), are quoted. */
export function serializeParams(params: SipParams): string {
  let out = "";
  for (const [k, v] of params) {
    if (v === null) out += `;${k}`;
    else if (k.charCodeAt(0) !== 43 && v.length > 0 && scanSet(v, 0, v.length, GENVALUE) === v.length) out += `;${k}=${v}`;
    else out += `;${k}=${quote(v)}`;
  }
  return out;
}

/**
 * Parse name-addr / addr-spec followed by header params, ending at `end`.
 * Returns the index after the params (callers check for the end).
 */
export function parseNameAddrAt(s: string, i: number, end: number, out: NameAddr): number {
  i = skipWs(s, i, end);
  let display: string | undefined;
  if (s.charCodeAt(i) === 34) {
    const q = readQuoted(s, i, end);
    display = q.value;
    i = skipWs(s, q.end, end);
    if (s.charCodeAt(i) !== 60) fail("expected < after display name", i);
  } else {
    // *(token LWS) "<" or an addr-spec: look past tokens and spaces for "<".
    let j = i;
    while (j < end) {
      const c = s.charCodeAt(j);
      if (c === 32 || c === 9 || (c < 128 && TOKEN[c] === 1)) j++;
      else break;
    }
    if (j < end && s.charCodeAt(j) === 60) {
      const name = s.slice(i, j).trim();
      if (name.length > 0) display = name.replace(/[ \t]+/g, " ");
      i = j;
    }
  }
  if (display !== undefined) out.displayName = display;
  if (s.charCodeAt(i) === 60) {
    const close = s.indexOf(">", i + 1);
    if (close < 0 || close >= end) fail("missing >", i);
    out.uri = parseUriAt(s, i + 1, close);
    i = close + 1;
  } else {
    // addr-spec: the URI ends at ";" (header params follow) or whitespace.
    let j = i;
    while (j < end) {
      const c = s.charCodeAt(j);
      if (c === 59 || c === 32 || c === 9) break;
      if (c === 63 || c === 44) fail("URI with ? or , must be in <>", j);
      j++;
    }
    if (j === i) fail("expected a URI", i);
    out.uri = parseUriAt(s, i, j);
    i = j;
  }
  return parseParams(s, i, end, out.params);
}

function parseUriAt(s: string, a: number, b: number): AnyUri {
  try {
    return parseUri(s.slice(a, b));
  } catch (e) {
    throw atOffset(e, a);
  }
}

/** Parse one name-addr/addr-spec with params; the whole string must be consumed. */
export function parseNameAddr(value: string): NameAddr {
  const out = { uri: "", params: new Map() } as NameAddr;
  const i = parseNameAddrAt(value, 0, value.length, out);
  if (skipWs(value, i, value.length) !== value.length) fail("unexpected character after address", i);
  return out;
}

/** Write name-addr form, always with <>, quoting the display name unless it is tokens. */
export function serializeNameAddr(na: NameAddr): string {
  let out = "";
  if (na.displayName !== undefined) {
    const d = na.displayName;
    out = d.split(" ").every(isToken) ? `${d} ` : `${quote(d)} `;
  }
  return `${out}<${serializeUri(na.uri)}>${serializeParams(na.params)}`;
}
