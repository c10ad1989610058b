// RFC 3261 §8.1.1 (mandatory headers), §8.2.2.1 (416), §20 (single-valued headers),
// §17.2.3 / RFC 4475 §3.2.1 (branch), §20.17 (Date), §20.33 (Retry-After), §20.43 (Warning).
import type { SipRequest, SipResponse } from "./types.js";
import { SipParseError } from "./errors.js";
import { CORE_HEADERS, type SipHeaderList } from "./headers.js";
import { canonicalName, headerKey } from "./names.js";
import { isSipDate, parseRetryAfter, parseWarning } from "./header-values.js";

export interface SipProblem {
  /** The status to answer with (400, or 416 for an unknown Request-URI scheme). */
  status: number;
  reason: string;
  header?: string;
  /**
   * false for problems a lenient element lets through: a missing Max-Forwards
   * (RFC 4475 §3.4.1: RFC 2543 requests have none and must still work).
   */
  fatal: boolean;
}

const REQUIRED = ["to", "from", "call-id", "cseq", "via"];
const SINGLE = ["to", "from", "call-id", "cseq", "max-forwards", "content-length", "content-type"];

function common(msg: SipRequest | SipResponse, out: SipProblem[]): void {
  const h = msg.headers;
  const lines = "keyedLines" in h ? (h as SipHeaderList).keyedLines() : [...h].map((e) => ({ ...e, key: headerKey(e.name) }));
  const count = new Map<string, number>();
  for (const l of lines) count.set(l.key, (count.get(l.key) ?? 0) + 1);
  for (const key of REQUIRED) {
    if (!count.has(key)) out.push({ status: 400, reason: `Missing ${canonicalName(key)}`, header: canonicalName(key), fatal: true });
  }
  for (const key of SINGLE) {
    // Content-Length is also checked against the body below; several equal ones are harmless.
    const n = key === "content-length" ? 0 : (count.get(key) ?? 0);
    if (n > 1) out.push({ status: 400, reason: `More than one ${canonicalName(key)}`, header: canonicalName(key), fatal: true });
  }
  for (const [name, read] of CORE_HEADERS) {
    try {
      read(h);
    } catch (e) {
      const reason = e instanceof SipParseError ? e.message : `Bad ${name}`;
      out.push({ status: 400, reason, header: name, fatal: true });
    }
  }
  try {
    const cl = h.contentLength();
    if (cl !== undefined && cl !== msg.body.length) {
      out.push({ status: 400, reason: "Content-Length does not match the body", header: "Content-Length", fatal: true });
    }
  } catch {
    out.push({ status: 400, reason: "Bad Content-Length", header: "Content-Length", fatal: true });
  }
  const date = h.get("date");
  if (date !== undefined && !isSipDate(date)) out.push({ status: 400, reason: "Bad Date (RFC 1123, GMT)", header: "Date", fatal: true });
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined; // already reported by common()
  }
}

/**
 * Problems that make a request unanswerable except with an error. An empty
 * list means the request may go on to the transaction layer. Syntax errors
 * from parseSipMessage never get here (they throw SipParseError).
 */
export function validateRequest(req: SipRequest): SipProblem[] {
  const out: SipProblem[] = [];
  common(req, out);
  const h = req.headers;
  if (!h.has("max-forwards")) {
    out.push({ status: 400, reason: "Missing Max-Forwards", header: "Max-Forwards", fatal: false });
  }
  const cseq = safe(() => h.cseq());
  if (cseq && cseq.method !== req.method) {
    out.push({ status: 400, reason: "CSeq method does not match the request method", header: "CSeq", fatal: true });
  }
  // §8.2.2.1: a scheme we don't understand is answered 416 (RFC 4475 §3.3.2 unkscm).
  if (typeof req.uri === "string") {
    out.push({ status: 416, reason: "Unsupported URI Scheme", fatal: true });
  }
  // RFC 4475 §3.2.1 badbranch: the magic cookie alone is no transaction id.
  const top = safe(() => h.via())?.[0];
  if (top?.params.get("branch") === "z9hG4bK") {
    out.push({ status: 400, reason: "Via branch has the magic cookie but no identifier", header: "Via", fatal: true });
  }
  return out;
}

/** Problems with a response; a UAC or proxy discards a response that has any (§18.1.2). */
export function validateResponse(res: SipResponse): SipProblem[] {
  const out: SipProblem[] = [];
  common(res, out);
  const retry = res.headers.get("retry-after");
  if (retry !== undefined) check(out, "Retry-After", () => parseRetryAfter(retry));
  for (const w of res.headers.getAll("warning")) check(out, "Warning", () => parseWarning(w));
  return out;
}

function check(out: SipProblem[], header: string, parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    out.push({ status: 400, reason: `${header}: ${e instanceof Error ? e.message : String(e)}`, header, fatal: true });
  }
}
