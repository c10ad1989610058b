// RFC 3261 §8.1.1 (UAC request), §8.2.6 (UAS response), §12.1.1 (Record-Route copied), §16.12 / §8.1.2 (next hop).
import { randomBytes } from "node:crypto";
import { createSipHeaders, parseNameAddr, serializeUri, type AnyUri, type SipRequest, type SipResponse } from "../message/index.js";
import type { SipHeaders } from "../message/types.js";
import { newBranch } from "../transaction/index.js";

/** Where our Via says we sent from (RFC 3261 §18.1.1); the transport knows it. */
export type ViaSpec = { transport: string; host: string; port: number };

export type Body = { contentType: string; body: string | Uint8Array };

export type RequestSpec = {
  method: string;
  uri: AnyUri;
  from: string;
  to: string;
  callId: string;
  cseq: number;
  via: ViaSpec;
  contact?: string;
  /** Route header values, in order (preloaded outbound proxy or the dialog's route set). */
  routes?: readonly string[];
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Body;
};

/** A random token for tags and Call-IDs (RFC 3261 §19.3: at least 32 bits of randomness). */
export function newToken(bytes = 8): string {
  return randomBytes(bytes).toString("hex");
}

export function encodeBody(body: Body | undefined): Uint8Array {
  if (!body) return new Uint8Array();
  return typeof body.body === "string" ? new Uint8Array(Buffer.from(body.body, "utf8")) : body.body;
}

export function bodyText(message: SipRequest | SipResponse): string {
  return Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength).toString("utf8");
}

/** The body when its Content-Type is `type/subtype` (e.g. application/sdp), else undefined. */
export function bodyOf(message: SipRequest | SipResponse, mime: string): string | undefined {
  if (message.body.length === 0) return undefined;
  const ct = message.headers.contentType();
  if (!ct || `${ct.type}/${ct.subtype}` !== mime) return undefined;
  return bodyText(message);
}

export function serializeViaSpec(via: ViaSpec, branch: string): string {
  // RFC 3581: ask for rport, so responses come back through NATs.
  // RFC 3261 §25.1 / RFC 5118 §4.1: an IPv6 sent-by is written as a reference, "[::1]".
  const host = via.host.includes(":") && !via.host.startsWith("[") ? `[${via.host}]` : via.host;
  return `SIP/2.0/${via.transport.toUpperCase()} ${host}:${via.port};branch=${branch};rport`;
}

/** RFC 3261 §8.1.1: a request with the seven mandatory headers, plus Route, Contact, extras and body. */
export function buildRequest(spec: RequestSpec, branch = newBranch()): SipRequest {
  const headers = createSipHeaders([
    ["Via", serializeViaSpec(spec.via, branch)],
    ["Max-Forwards", "70"],
    ["From", spec.from],
    ["To", spec.to],
    ["Call-ID", spec.callId],
    ["CSeq", `${spec.cseq} ${spec.method}`],
  ]);
  for (const r of spec.routes ?? []) headers.append("Route", r);
  if (spec.contact) headers.append("Contact", spec.contact);
  for (const [name, value] of spec.headers ?? []) headers.append(name, value);
  if (spec.body) headers.append("Content-Type", spec.body.contentType);
  return { kind: "request", method: spec.method, uri: spec.uri, version: "SIP/2.0", headers, body: encodeBody(spec.body) };
}

const REASONS: Record<number, string> = {
  100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 183: "Session Progress", 200: "OK", 202: "Accepted",
  302: "Moved Temporarily", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  408: "Request Timeout", 415: "Unsupported Media Type", 420: "Bad Extension", 422: "Session Interval Too Small",
  480: "Temporarily Unavailable", 481: "Call/Transaction Does Not Exist", 486: "Busy Here", 487: "Request Terminated",
  488: "Not Acceptable Here", 491: "Request Pending", 500: "Server Internal Error", 501: "Not Implemented", 503: "Service Unavailable",
  600: "Busy Everywhere", 603: "Decline",
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? "Progress" : status < 300 ? "OK" : "Failure");
}

export type ResponseSpec = {
  reason?: string;
  /** Added to To when it has none (RFC 3261 §8.2.6.2); never for 100. */
  toTag?: string;
  contact?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Body;
};

/** RFC 3261 §8.2.6.2: Via (all), From, To, Call-ID, CSeq copied; §12.1.1: Record-Route copied on dialog-creating responses. */
export function buildResponse(request: SipRequest, status: number, spec: ResponseSpec = {}): SipResponse {
  const h = request.headers;
  const headers: SipHeaders = createSipHeaders();
  for (const v of h.getAll("Via")) headers.append("Via", v);
  headers.append("From", h.get("From") ?? "");
  const to = h.get("To") ?? "";
  const needsTag = status > 100 && spec.toTag !== undefined && h.to()?.tag === undefined;
  headers.append("To", needsTag ? `${to};tag=${spec.toTag}` : to);
  headers.append("Call-ID", h.get("Call-ID") ?? "");
  headers.append("CSeq", h.get("CSeq") ?? "");
  const createsDialog = (request.method === "INVITE" || request.method === "SUBSCRIBE") && status > 100 && status < 300;
  if (createsDialog) for (const rr of h.getAll("Record-Route")) headers.append("Record-Route", rr);
  if (spec.contact) headers.append("Contact", spec.contact);
  for (const [name, value] of spec.headers ?? []) headers.append(name, value);
  if (spec.body) headers.append("Content-Type", spec.body.contentType);
  const reason = spec.reason ?? reasonPhrase(status);
  return { kind: "response", status, reason, version: "SIP/2.0", headers, body: encodeBody(spec.body) };
}

/** RFC 3261 §8.1.2 / §16.12: the URI a request is sent towards: the first Route, else the Request-URI. */
export function nextHop(request: SipRequest): AnyUri {
  const first = request.headers.get("Route");
  return first ? parseNameAddr(first).uri : request.uri;
}

/** `<uri>` for a header value. */
export function angle(uri: AnyUri): string {
  return `<${serializeUri(uri)}>`;
}
