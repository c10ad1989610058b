// RFC 3261 §8.2.6 (building a response), §21.4.1 (400), §21.5.6 (505), §21.5.7 (513): the stateless
// error replies the transport sends to requests that never reach the transaction layer.
import { randomBytes } from "node:crypto";
import type { SipRequest } from "../message/types.js";

const COPIED = ["via", "v", "from", "f", "to", "t", "call-id", "i", "cseq"];

/** §8.2.6.2: Via, From, To (with a tag), Call-ID and CSeq copied from the request; no body. */
export function statelessReply(request: SipRequest, status: number, reason: string): string {
  const lines = request.headers.entries().filter((e) => COPIED.includes(e.name.toLowerCase()));
  return build(lines.map((e) => `${e.name}: ${e.value}`), status, reason);
}

/**
 * The same from raw text that did not parse: only when the start line looks like a request and
 * every copied header is there (a reply we cannot address is not sent; the source answers it).
 */
export function rawStatelessReply(data: Uint8Array, status: number, reason: string): string | undefined {
  const text = Buffer.from(data.subarray(0, Math.min(data.length, 65536))).toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const head = (end < 0 ? text : text.slice(0, end)).replace(/^(?:\r\n)+/, "");
  const [start, ...rest] = head.split("\r\n");
  // §7.1: Method SP Request-URI SP SIP-Version; never reply to a response (§8.2.6 is for requests).
  if (!start || !/^[A-Za-z!%*_+`'~.-]+ \S+ SIP\/\S+$/.test(start) || start.startsWith("SIP/")) return undefined;
  if (/^ACK /i.test(start)) return undefined; // §17: ACK is never answered
  const lines = rest.filter((l) => COPIED.includes(l.slice(0, l.indexOf(":")).trim().toLowerCase()));
  const names = new Set(lines.map((l) => canonical(l.slice(0, l.indexOf(":")).trim().toLowerCase())));
  if (!["via", "from", "to", "call-id", "cseq"].every((n) => names.has(n))) return undefined;
  return build(lines, status, reason);
}

function canonical(n: string): string {
  return ({ v: "via", f: "from", t: "to", i: "call-id" } as Record<string, string>)[n] ?? n;
}

function build(lines: string[], status: number, reason: string): string {
  const tag = randomBytes(6).toString("hex");
  const out = lines.map((l) => {
    // §8.2.6.2: a To without a tag gets one.
    const m = /^(to|t)\s*:(.*)$/i.exec(l);
    if (m && !/;\s*tag\s*=/i.test(m[2] ?? "")) return `${l};tag=${tag}`;
    return l;
  });
  const safeReason = reason.replace(/[\r\n]+/g, " ").slice(0, 200);
  return `SIP/2.0 ${status} ${safeReason}\r\n${out.join("\r\n")}\r\nContent-Length: 0\r\n\r\n`;
}
