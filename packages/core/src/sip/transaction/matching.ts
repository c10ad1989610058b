// RFC 3261 §17.1.3 (client matching), §17.2.3 (server matching, RFC 2543 fallback), §9.2 (CANCEL), §20.42 (Via equality).
import { randomBytes } from "node:crypto";
import { hostEquals, uriEquals } from "../message/index.js";
import type { SipRequest, SipResponse, Via } from "../message/types.js";

/** RFC 3261 §8.1.1.7: a branch built by an RFC 3261 element starts with this. */
export const MAGIC_COOKIE = "z9hG4bK";

/** A fresh RFC 3261 branch: the magic cookie and 64 random bits, hex (RFC 3261 §8.1.1.7). */
export function newBranch(random: (size: number) => Uint8Array = (n) => randomBytes(n)): string {
  return MAGIC_COOKIE + Buffer.from(random(8)).toString("hex");
}

export function topVia(message: SipRequest | SipResponse): Via | undefined {
  return message.headers.via()[0];
}

function branchOf(via: Via | undefined): string | undefined {
  return via?.params.get("branch") ?? undefined;
}

/** RFC 3261 §17.1.3: branch of the top Via and the CSeq method. ACK is never a client transaction. */
export function clientKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

/** The client key a response belongs to, or undefined when it lacks a branch or CSeq. */
export function responseKey(response: SipResponse): string | undefined {
  const branch = branchOf(topVia(response));
  const cseq = response.headers.cseq();
  return branch && cseq ? clientKey(branch, cseq.method) : undefined;
}

/**
 * RFC 3261 §17.2.3: branch, sent-by and method, where ACK counts as INVITE (it belongs to
 * the INVITE transaction). `undefined` when the branch lacks the magic cookie: then the
 * RFC 2543 rules apply (`legacyMatch`). `asMethod` overrides the method (§9.2: CANCEL looks for its INVITE).
 */
export function serverKey(request: SipRequest, asMethod?: string): string | undefined {
  const via = topVia(request);
  const branch = branchOf(via);
  if (!via || !branch?.startsWith(MAGIC_COOKIE)) return undefined;
  const method = asMethod ?? (request.method === "ACK" ? "INVITE" : request.method);
  return `${branch}|${via.host.toLowerCase()}:${via.port ?? ""}|${method}`;
}

/** RFC 3261 §20.42: same sent-protocol and sent-by, same parameters with equal values. */
export function viaEquals(a: Via, b: Via): boolean {
  if (a.protocol !== b.protocol || a.transport !== b.transport) return false;
  if (!hostEquals(a.host, b.host) || a.port !== b.port || a.params.size !== b.params.size) return false;
  for (const [name, value] of a.params) {
    if (!b.params.has(name)) return false;
    const other = b.params.get(name) ?? null;
    if (value === null || other === null ? value !== other : value.toLowerCase() !== other.toLowerCase()) return false;
  }
  return true;
}

/**
 * RFC 3261 §17.2.3, requests from RFC 2543 elements (no magic cookie): Request-URI, From tag,
 * Call-ID, CSeq number and top Via as in the request that created the transaction; the CSeq
 * method too, except that ACK matches INVITE; the To tag as in that request, except that an
 * ACK's To tag is the one of the response the transaction sent (`sentToTag`).
 * `ignoreMethod` is §9.2's variant: a CANCEL looking for its INVITE.
 */
export function legacyMatch(
  original: SipRequest,
  sentToTag: string | undefined,
  incoming: SipRequest,
  ignoreMethod = false,
): boolean {
  const [oh, ih] = [original.headers, incoming.headers];
  const [ocseq, icseq] = [oh.cseq(), ih.cseq()];
  const [ovia, ivia] = [topVia(original), topVia(incoming)];
  if (!ocseq || !icseq || !ovia || !ivia || ocseq.seq !== icseq.seq) return false;
  const isAck = incoming.method === "ACK" && original.method === "INVITE";
  if (!ignoreMethod && !isAck && icseq.method !== ocseq.method) return false;
  const toTag = isAck ? sentToTag : oh.to()?.tag;
  return (
    uriEquals(original.uri, incoming.uri) &&
    oh.from()?.tag === ih.from()?.tag &&
    ih.to()?.tag === toTag &&
    oh.callId() === ih.callId() &&
    viaEquals(ovia, ivia)
  );
}
