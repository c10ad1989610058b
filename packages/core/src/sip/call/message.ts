// RFC 3428: SIP MESSAGE (page mode) sent with digest retries, and received (200, handed up as data).
import { angle, bodyText, buildRequest, newToken } from "../dialog/index.js";
import { parseUri, type FromTo, type SipRequest, type SipResponse } from "../message/index.js";
import type { CallContext } from "./context.js";

export type ReceivedMessage = {
  from: FromTo | undefined;
  to: FromTo | undefined;
  contentType: string;
  body: string;
  callId: string;
};

export type MessageResult =
  | { ok: true; status: number }
  | { ok: false; reason: "rejected"; status: number }
  | { ok: false; reason: "timeout" | "unreachable" | "auth-failed" };

/** RFC 3428 §7: what we accept in a MESSAGE; anything else is 415. */
export function acceptsMessageType(contentType: string): boolean {
  return /^text\//.test(contentType) || contentType === "message/cpim" || contentType === "application/im-iscomposing+xml";
}

/** RFC 3428 §7: the MESSAGE as data (the caller answers 200 or 415). */
export function readMessage(request: SipRequest): ReceivedMessage {
  const ct = request.headers.contentType();
  return {
    from: request.headers.from(),
    to: request.headers.to(),
    contentType: ct ? `${ct.type}/${ct.subtype}` : "text/plain",
    body: bodyText(request),
    callId: request.headers.callId() ?? "",
  };
}

/** RFC 3428 §4: a MESSAGE outside any dialog; 401/407 answered once per realm (RFC 3261 §22.2). */
export function sendMessage(ctx: CallContext, to: string, text: string, contentType = "text/plain;charset=utf-8"): Promise<MessageResult> {
  const digest = ctx.newDigest();
  const callId = newToken(12);
  const fromTag = newToken();
  const uri = parseUri(to);
  let cseq = 0;
  return new Promise((resolve) => {
    const attempt = () => {
      const request = buildRequest({
        method: "MESSAGE", uri, from: `${ctx.identity};tag=${fromTag}`, to: angle(uri), callId, cseq: ++cseq,
        via: ctx.via(), routes: ctx.outboundRoutes, body: { contentType, body: text },
      });
      digest.authorize(request);
      ctx.request(request, {
        onResponse: (r: SipResponse) => {
          if (r.status < 200) return;
          if (r.status < 300) return resolve({ ok: true, status: r.status });
          if (r.status === 401 || r.status === 407) {
            const outcome = digest.onResponse(r);
            if (outcome.ok && outcome.retry) return attempt();
            return resolve({ ok: false, reason: "auth-failed" });
          }
          resolve({ ok: false, reason: "rejected", status: r.status });
        },
        onFailure: (f) => resolve({ ok: false, reason: f.reason === "timeout" ? "timeout" : "unreachable" }),
      });
    };
    attempt();
  });
}
