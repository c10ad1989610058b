// RFC 3261 §17.1.1.3 (ACK for a non-2xx), §9.1 (CANCEL), §8.2.6 (100 Trying): messages the transaction layer builds.
import { createSipHeaders } from "../message/index.js";
import type { SipHeaders, SipRequest, SipResponse } from "../message/types.js";

function requestOf(method: string, invite: SipRequest, headers: SipHeaders): SipRequest {
  return { kind: "request", method, uri: invite.uri, version: invite.version, headers, body: new Uint8Array() };
}

/** Header values copied as written, in a fresh list; the one Via is the INVITE's top Via. */
function commonHeaders(invite: SipRequest, to: string | undefined, method: string): SipHeaders {
  const h = invite.headers;
  const cseq = h.cseq();
  const via = h.getAll("Via")[0];
  const [from, callId] = [h.get("From"), h.get("Call-ID")];
  if (!cseq || !via || !from || !to || !callId) {
    throw new Error(`cannot build ${method}: the INVITE lacks Via, From, To, Call-ID or CSeq`);
  }
  const headers = createSipHeaders([
    ["Via", via],
    ["Max-Forwards", "70"],
    ["From", from],
    ["To", to],
    ["Call-ID", callId],
    ["CSeq", `${cseq.seq} ${method}`],
  ]);
  for (const route of h.getAll("Route")) headers.append("Route", route);
  return headers;
}

/**
 * RFC 3261 §17.1.1.3: Request-URI, Call-ID, From, Via (the top one only), Route and the CSeq
 * number of the INVITE; the To of the response (with its tag); method ACK.
 */
export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  return requestOf("ACK", invite, commonHeaders(invite, response.headers.get("To"), "ACK"));
}

/**
 * RFC 3261 §9.1: Request-URI, Call-ID, To, From, CSeq number, the top Via (so the same branch)
 * and Route of the INVITE; method CANCEL. It is sent as its own non-INVITE transaction.
 */
export function buildCancel(invite: SipRequest): SipRequest {
  if (invite.method !== "INVITE") throw new Error(`CANCEL is for INVITE, not ${invite.method}`);
  return requestOf("CANCEL", invite, commonHeaders(invite, invite.headers.get("To"), "CANCEL"));
}

/**
 * RFC 3261 §8.2.6: the 100 (Trying) an INVITE server transaction sends for a slow TU
 * (§17.2.1): Via (all), From, To (no tag added), Call-ID, CSeq and Timestamp copied.
 */
export function buildTrying(request: SipRequest): SipResponse {
  const headers = createSipHeaders();
  for (const name of ["Via", "From", "To", "Call-ID", "CSeq", "Timestamp"]) {
    for (const value of request.headers.getAll(name)) headers.append(name, value);
  }
  return { kind: "response", status: 100, reason: "Trying", version: request.version, headers, body: new Uint8Array() };
}
