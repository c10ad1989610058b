// RFC 3261 §7.3.3 and §20: canonical header names, compact forms, and which
// headers are comma lists (§7.3.1).

const CANONICAL = [
  "Accept", "Accept-Contact", "Accept-Encoding", "Accept-Language", "Accept-Resource-Priority",
  "Alert-Info", "Allow", "Allow-Events", "Authentication-Info", "Authorization", "Call-ID",
  "Call-Info", "Contact", "Content-Disposition", "Content-Encoding", "Content-Language",
  "Content-Length", "Content-Type", "CSeq", "Date", "Error-Info", "Event", "Expires", "Flow-Timer",
  "From", "History-Info", "Identity", "Identity-Info", "In-Reply-To", "Join", "Max-Forwards",
  "MIME-Version", "Min-Expires", "Min-SE", "Organization", "P-Asserted-Identity",
  "P-Preferred-Identity", "Path", "Priority", "Privacy", "Proxy-Authenticate",
  "Proxy-Authorization", "Proxy-Require", "RAck", "Reason", "Record-Route", "Refer-Sub",
  "Refer-To", "Referred-By", "Reject-Contact", "Replaces", "Reply-To", "Request-Disposition",
  "Require", "Resource-Priority", "Retry-After", "Route", "RSeq", "Security-Client",
  "Security-Server", "Security-Verify", "Server", "Service-Route", "Session-Expires",
  "SIP-ETag", "SIP-If-Match", "Subject", "Subscription-State", "Supported", "Target-Dialog",
  "Timestamp", "To", "Unsupported", "User-Agent", "Via", "Warning", "WWW-Authenticate",
];

const CANONICAL_BY_KEY = new Map(CANONICAL.map((n) => [n.toLowerCase(), n]));

/** Compact forms: RFC 3261 §7.3.3 plus RFC 3265/6665 (o, u), 3515 (r), 3892 (b),
 *  4028 (x), 8224 (y), 3841 (a, j, d), 4474 (n). */
const COMPACT: Record<string, string> = {
  i: "call-id", m: "contact", e: "content-encoding", l: "content-length", c: "content-type",
  f: "from", s: "subject", k: "supported", t: "to", v: "via", o: "event", u: "allow-events",
  r: "refer-to", b: "referred-by", x: "session-expires", y: "identity", a: "accept-contact",
  j: "reject-contact", d: "request-disposition", n: "identity-info",
};

/** Exact spellings seen on the wire -> key (canonical, lower-case and compact forms). */
const KNOWN = new Map<string, string>();
for (const n of CANONICAL) {
  KNOWN.set(n, n.toLowerCase());
  KNOWN.set(n.toLowerCase(), n.toLowerCase());
}
for (const [c, long] of Object.entries(COMPACT)) {
  KNOWN.set(c, long);
  KNOWN.set(c.toUpperCase(), long);
}

/** Lower-cased long name for any spelling of a header name. */
export function headerKey(name: string): string {
  const known = KNOWN.get(name);
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT[lower] ?? lower;
  return lower;
}

/** Canonical long name for the wire ("Call-ID", "WWW-Authenticate"); unknown names are kept. */
export function canonicalName(name: string): string {
  const key = headerKey(name);
  // Every compact form expands to a listed name; extensions are kept as written.
  return CANONICAL_BY_KEY.get(key) ?? name;
}

/**
 * Headers that are never split on commas: their grammar holds commas
 * (auth params, dates, free text) or they take one value only.
 */
const NO_SPLIT = new Set([
  "www-authenticate", "proxy-authenticate", "authorization", "proxy-authorization",
  "authentication-info", "date", "call-id", "cseq", "from", "to", "subject", "organization",
  "server", "user-agent", "timestamp", "max-forwards", "content-length", "content-type",
  "expires", "min-expires", "retry-after", "reply-to", "refer-to", "referred-by", "event",
  "subscription-state", "priority", "mime-version", "content-disposition", "identity",
  "identity-info", "replaces", "join", "session-expires", "min-se", "rack", "rseq",
  "target-dialog", "sip-etag", "sip-if-match", "flow-timer", "refer-sub",
]);

export function isListHeader(key: string): boolean {
  return !NO_SPLIT.has(key);
}

/** Split a comma list outside quoted strings and <...>; empty items are dropped. */
export function splitList(value: string): string[] {
  if (value.indexOf(",") < 0) {
    const t = value.trim();
    return t.length === 0 ? [] : [t];
  }
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 92) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      pushTrimmed(out, value, start, i);
      start = i + 1;
    }
  }
  pushTrimmed(out, value, start, value.length);
  return out;
}

function pushTrimmed(out: string[], s: string, a: number, b: number): void {
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  if (b > a) out.push(a === 0 && b === s.length ? s : s.slice(a, b));
}
