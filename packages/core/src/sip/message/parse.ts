// RFC 3261 §7 (message format), §7.5 (framing), §18.3 (datagram framing),
// §25.1 (start lines), §21.5.7 (513 too large). One datagram's worth per call.
import type { SipHeaders, SipMessage, SipRequest, SipResponse } from "./types.js";
import { atOffset, SipParseError } from "./errors.js";
import { CORE_HEADERS, SipHeaderList, type HeaderLine } from "./headers.js";
import { headerKey } from "./names.js";
import { parseUint } from "./header-values.js";
import { parseUri } from "./uri.js";
import { TOKEN } from "./scan.js";

/** Largest message we accept (bytes); bigger ones are refused with 513. */
export const MAX_MESSAGE_SIZE = 65536;

const EMPTY = new Uint8Array(0);

/**
 * Parse one SIP message. Throws only SipParseError (status 400, 505 or 513).
 * Leading CRLFs are skipped (§7.5). Bytes after Content-Length are dropped
 * (§18.3); without Content-Length the body runs to the end of the data.
 * Headers are decoded as UTF-8 (a string input is encoded first, so
 * Content-Length always counts bytes); the body stays bytes. Error offsets
 * count characters of the decoded head (bytes, for ASCII headers).
 */
export function parseSipMessage(data: Uint8Array | string): SipMessage {
  try {
    if (typeof data === "string") {
      if (data.length > MAX_MESSAGE_SIZE) tooLarge(data.length);
      return parseBytes(Buffer.from(data, "utf8"));
    }
    return parseBytes(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    if (e instanceof SipParseError) throw e;
    // A bug in a value parser must never escape as anything else (tests flag "internal").
    throw new SipParseError(`internal parser error: ${e instanceof Error ? e.message : String(e)}`, 0, 400, { cause: e });
  }
}

function tooLarge(size: number): never {
  throw new SipParseError(`message of ${size} bytes exceeds ${MAX_MESSAGE_SIZE}`, MAX_MESSAGE_SIZE, 513);
}

function parseBytes(buf: Buffer): SipMessage {
  const len = buf.length;
  if (len > MAX_MESSAGE_SIZE) tooLarge(len);
  let start = 0;
  while (start < len && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === len) throw new SipParseError("empty message", start);
  const firstLf = buf.indexOf(10, start);
  if (firstLf < 0) throw new SipParseError("no line end after start line", len);
  // DEVIATION(RFC 3261 §7): bare LF line ends are accepted when the start line uses one.
  const crlf = buf[firstLf - 1] === 13;
  const k = crlf ? buf.indexOf("\r\n\r\n", firstLf - 1, "latin1") : buf.indexOf("\n\n", firstLf, "latin1");
  let headEnd = crlf ? k + 2 : k + 1;
  let bodyStart = crlf ? k + 4 : k + 2;
  if (k < 0) {
    if (buf[len - 1] !== 10) throw new SipParseError("headers not terminated by an empty line", len);
    headEnd = bodyStart = len; // lenient: complete header lines, no empty line, no body
  }
  const lines: HeaderLine[] = [];
  const msg = parseHead(buf.toString("utf8", start, headEnd), start, lines);
  const n = bodyLength(lines, len - bodyStart, start);
  // Own copy: the transport may reuse the datagram buffer.
  msg.body = n === 0 ? EMPTY : new Uint8Array(buf.subarray(bodyStart, bodyStart + n));
  return msg;
}

/** §18.3: Content-Length decides; all Content-Length lines must agree; missing = to the end. */
function bodyLength(lines: HeaderLine[], avail: number, base: number): number {
  let n = -1;
  for (const l of lines) {
    if (l.key !== "content-length") continue;
    let v: number;
    try {
      v = parseUint(l.value, 2 ** 32 - 1, "Content-Length");
    } catch (e) {
      throw atOffset(e, l.offset, "Content-Length");
    }
    if (n >= 0 && v !== n) throw new SipParseError("conflicting Content-Length values", l.offset);
    n = v;
  }
  if (n < 0) return avail;
  if (n > avail) throw new SipParseError(`Content-Length ${n} larger than the ${avail} bytes received`, base);
  return n;
}

/** Start line and header lines (into `lines`); `text` ends right after the last header's line end. */
function parseHead(text: string, base: number, lines: HeaderLine[]): SipMessage {
  let lineEnd = text.indexOf("\n");
  if (lineEnd < 0) lineEnd = text.length;
  const stop = lineEnd > 0 && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
  const line = text.slice(0, stop);
  const headers = SipHeaderList.fromLines(lines);
  const msg = /^sip\//i.test(line) ? parseStatusLine(line, base, headers) : parseRequestLine(line, base, headers);
  readHeaders(text, lineEnd + 1, base, lines);
  for (const [, read] of CORE_HEADERS) read(headers);
  return msg;
}

function readHeaders(text: string, pos: number, base: number, lines: HeaderLine[]): void {
  const n = text.length;
  let cur: HeaderLine | undefined;
  while (pos < n) {
    let le = text.indexOf("\n", pos);
    if (le < 0) le = n;
    let stop = le > pos && text.charCodeAt(le - 1) === 13 ? le - 1 : le;
    const c0 = text.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      // §7.3.1 folding: a continuation line joins the previous value with one SP.
      if (!cur) throw new SipParseError("continuation line before any header", base + pos);
      while (stop > pos && isWs(text.charCodeAt(stop - 1))) stop--;
      let a = pos;
      while (a < stop && isWs(text.charCodeAt(a))) a++;
      if (a < stop) cur.value = cur.value.length === 0 ? text.slice(a, stop) : `${cur.value} ${text.slice(a, stop)}`;
    } else if (stop > pos) {
      let i = pos;
      while (i < stop) {
        const c = text.charCodeAt(i);
        if (c >= 128 || TOKEN[c] !== 1) break;
        i++;
      }
      const nameEnd = i;
      while (i < stop && isWs(text.charCodeAt(i))) i++;
      if (nameEnd === pos || text.charCodeAt(i) !== 58) {
        throw new SipParseError(`malformed header line "${text.slice(pos, Math.min(stop, pos + 40))}"`, base + pos);
      }
      i++;
      while (i < stop && isWs(text.charCodeAt(i))) i++;
      while (stop > i && isWs(text.charCodeAt(stop - 1))) stop--;
      const name = text.slice(pos, nameEnd);
      cur = { name, value: text.slice(i, stop), key: headerKey(name), offset: base + i };
      lines.push(cur);
    } else {
      throw new SipParseError("empty line inside headers", base + pos);
    }
    pos = le + 1;
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** §7.1: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; anything else but 2.0 is 505. */
function checkVersion(v: string, offset: number): string {
  if (v.length === 7 && (v === "SIP/2.0" || v.toUpperCase() === "SIP/2.0")) return "SIP/2.0";
  if (/^SIP\/\d{1,5}\.\d{1,5}$/i.test(v)) throw new SipParseError(`unsupported version ${v}`, offset, 505);
  throw new SipParseError(`bad SIP version "${v.slice(0, 20)}"`, offset);
}

/** Request-Line = Method SP Request-URI SP SIP-Version (exactly one SP each). */
function parseRequestLine(line: string, base: number, headers: SipHeaders): SipRequest {
  const sp1 = line.indexOf(" ");
  const sp2 = sp1 < 0 ? -1 : line.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp2 < 0) throw new SipParseError("malformed request line", base);
  for (let i = 0; i < sp1; i++) {
    const c = line.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) throw new SipParseError("bad character in method", base + i);
  }
  if (sp2 === sp1 + 1) throw new SipParseError("empty Request-URI (extra SP?)", base + sp2);
  const uriText = line.slice(sp1 + 1, sp2);
  for (let i = 0; i < uriText.length; i++) {
    if (uriText.charCodeAt(i) === 9) throw new SipParseError("whitespace in Request-URI", base + sp1 + 1 + i);
  }
  const rest = line.slice(sp2 + 1);
  if (rest.indexOf(" ") >= 0 || rest.indexOf("\t") >= 0) {
    throw new SipParseError("extra whitespace in request line", base + sp2 + 1 + Math.max(0, rest.search(/[ \t]/)));
  }
  const version = checkVersion(rest, base + sp2 + 1);
  let uri;
  try {
    uri = parseUri(uriText);
  } catch (e) {
    throw atOffset(e, base + sp1 + 1, "Request-URI");
  }
  // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 escruri).
  if (typeof uri !== "string" && uri.headers.length > 0) {
    throw new SipParseError("Request-URI must not contain headers", base + sp1 + 1 + uriText.indexOf("?"));
  }
  return { kind: "request", method: line.slice(0, sp1), uri, version, headers, body: EMPTY };
}

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase. */
function parseStatusLine(line: string, base: number, headers: SipHeaders): SipResponse {
  const sp1 = line.indexOf(" ");
  if (sp1 < 0) throw new SipParseError("malformed status line", base);
  const version = checkVersion(line.slice(0, sp1), base);
  let i = sp1 + 1;
  const d = i;
  while (i < line.length && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
  if (i - d !== 3) throw new SipParseError("status code must be 3 digits", base + d);
  const status = Number(line.slice(d, i));
  if (status < 100 || status > 699) throw new SipParseError(`status code ${status} out of range`, base + d);
  // RFC 4475 noreason: "SIP/2.0 100 " is valid; we also take a missing SP.
  if (i < line.length && line.charCodeAt(i) !== 32) throw new SipParseError("expected SP after status code", base + i);
  return { kind: "response", status, reason: line.slice(i + 1), version, headers, body: EMPTY };
}
