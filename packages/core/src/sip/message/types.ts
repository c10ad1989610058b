// RFC 3261 §7 (messages), §19.1 (SIP/SIPS URIs), §20 (headers), §25 (grammar);
// RFC 3966 (tel URIs); RFC 5118 (IPv6). Data shapes other layers code against.
//
// Conventions:
// - Names of parameters are lower-cased; values keep their case, with
//   %-escapes decoded (URIs) or quotes removed (header params). A parameter
//   without "=value" maps to null.
// - `host` keeps IPv6 references in brackets ("[2001:db8::1]"), as written in
//   the grammar; compare hosts with `hostEquals` / `uriEquals`.
// - Parsed values returned by SipHeaders accessors are cached: treat them as
//   read-only and change a header with `set` / `append` / `delete`.

/** Parameter map: lower-cased name -> value, or null for a bare flag (`;lr`). */
export type SipParams = Map<string, string | null>;

/** sip:, sips: (RFC 3261 §19.1) or tel: (RFC 3966) URI. */
export interface SipUri {
  scheme: "sip" | "sips" | "tel";
  /** Decoded userinfo user part; for tel: the telephone-subscriber number. */
  user?: string;
  password?: string;
  /** hostname, IPv4 or "[IPv6]"; "" for tel: URIs. */
  host: string;
  port?: number;
  params: SipParams;
  /** `?name=value&...` headers, decoded, in order. */
  headers: Array<[name: string, value: string]>;
}

/** A URI of a scheme we don't interpret (e.g. "xmpp:...", "http://..."): kept raw. */
export type AnyUri = SipUri | string;

/** name-addr or addr-spec with header parameters (§20.10, §20.20, §20.39 ...). */
export interface NameAddr {
  /** Unquoted, unescaped display name; absent when none was given. */
  displayName?: string;
  uri: AnyUri;
  /** Header parameters (after the `>` or, without brackets, after the URI). */
  params: SipParams;
}

/** From / To (§20.20, §20.39). `tag` mirrors params.get("tag"). */
export interface FromTo extends NameAddr {
  tag?: string;
}

/** Contact entry (§20.10; RFC 5626 reg-id, +sip.instance; RFC 5627 pub-gruu/temp-gruu stay in params). */
export interface Contact extends NameAddr {
  /** params "expires", when a valid delta-seconds. */
  expires?: number;
  /** params "q", when a valid qvalue (0..1). */
  q?: number;
}

/** One Via value (§20.42, §18.2.1 received, RFC 3581 rport). */
export interface Via {
  /** "SIP/2.0" normally; kept as written otherwise. */
  protocol: string;
  /** Upper-cased: "UDP", "TCP", "TLS", "SCTP", "WS", "WSS", or an extension. */
  transport: string;
  host: string;
  port?: number;
  /** Includes "branch", "received", "rport" (null when bare), "maddr", "ttl". */
  params: SipParams;
}

/** CSeq (§20.16). */
export interface CSeq {
  seq: number;
  method: string;
}

/** Content-Type (§20.15): type and subtype lower-cased. */
export interface MediaType {
  type: string;
  subtype: string;
  params: SipParams;
}

/** WWW-Authenticate / Proxy-Authenticate / Authorization / Proxy-Authorization (§20.7, §25.1). */
export interface AuthValue {
  /** "Digest" etc., as written. */
  scheme: string;
  /** auth-params, lower-cased names, quotes removed. */
  params: Map<string, string>;
  /** token68-style credentials (non-Digest schemes), when not name=value. */
  token?: string;
}

/** Call-Info / Alert-Info / Error-Info entry (§20.9): `<uri>;params`. */
export interface InfoValue {
  uri: AnyUri;
  params: SipParams;
}

/** One header line as received: original name and (unfolded) value. */
export interface SipHeaderEntry {
  name: string;
  value: string;
}

/**
 * An ordered header list. Names are matched case-insensitively and compact
 * forms are accepted (`v` = Via, `i` = Call-ID ...). Create one with
 * `createSipHeaders()` (headers.ts).
 */
export interface SipHeaders extends Iterable<SipHeaderEntry> {
  /** First value (after splitting comma lists), or undefined. */
  get(name: string): string | undefined;
  /** Every value over every line; comma lists split outside quotes and <>,
   *  except for headers whose grammar contains commas (auth, Date, ...). */
  getAll(name: string): string[];
  has(name: string): boolean;
  /** Replace every line of that header with one line (or several, one per value). */
  set(name: string, value: string | string[]): void;
  /** Add a line at the end (or right at the top with `{ first: true }`, e.g. Via). */
  append(name: string, value: string, opts?: { first?: boolean }): void;
  delete(name: string): void;
  /** Number of header lines. */
  readonly size: number;
  /** Lines in order. */
  entries(): SipHeaderEntry[];
  clone(): SipHeaders;

  // Typed accessors. Absent header -> undefined (or []). Malformed -> SipParseError.
  via(): Via[];
  from(): FromTo | undefined;
  to(): FromTo | undefined;
  callId(): string | undefined;
  cseq(): CSeq | undefined;
  maxForwards(): number | undefined;
  /** "*" for `Contact: *` (REGISTER remove-all). */
  contact(): Contact[] | "*";
  contentLength(): number | undefined;
  contentType(): MediaType | undefined;
  route(): NameAddr[];
  recordRoute(): NameAddr[];
  expires(): number | undefined;
}

export interface SipRequest {
  kind: "request";
  /** Case-sensitive token as received (§7.1); unknown methods are kept. */
  method: string;
  /** Parsed for sip/sips/tel; raw string for other schemes (e.g. "urn:service:sos"). */
  uri: AnyUri;
  /** "SIP/2.0" */
  version: string;
  headers: SipHeaders;
  body: Uint8Array;
}

export interface SipResponse {
  kind: "response";
  status: number;
  reason: string;
  version: string;
  headers: SipHeaders;
  body: Uint8Array;
}

export type SipMessage = SipRequest | SipResponse;
