// RFC 5057 §5.1 (which failure responses end a dialog or its invite usage), RFC 3261 §12.2.1.2 (481, 408 or no
// response: the dialog is gone): what a failed request of ours inside a call's dialog means for the call.
import type { Logger } from "../../util/log.js";
import { serializeUri, type SipRequest, type SipResponse } from "../message/index.js";

/** RFC 5057 §5.1 "usage terminated": the invite usage (our call) is over, for requests belonging to it. */
const USAGE_ENDING = new Set([404, 410, 416, 480, 482, 483, 484, 485, 489, 604]);
const USAGE_METHODS = new Set(["BYE", "INVITE", "UPDATE", "REFER"]);

/** ok: 2xx; transaction-only: the request failed, the call goes on; dialog-gone: the call must end. */
export type InDialogVerdict = "ok" | "transaction-only" | "dialog-gone";

export function judgeInDialog(method: string, response: SipResponse | undefined): InDialogVerdict {
  if (!response) return "dialog-gone";
  const s = response.status;
  if (s < 300) return "ok";
  if (s === 481 || s === 408) return "dialog-gone";
  if (USAGE_METHODS.has(method) && USAGE_ENDING.has(s)) return "dialog-gone";
  return "transaction-only";
}

/** Why a request failed, for logs and for callers of hold/resume ("478 Unresolvable destination"). */
export type InDialogFailure = { method: string; status?: number; reason: string };

/**
 * Judges and, unless 2xx, logs at warn with the status, the reason phrase and the Request-URI (a 478 or 404 from
 * a proxy usually means it cannot route to the Contact the peer gave). `failure` names a transaction failure.
 */
export function reviewInDialog(log: Logger, request: SipRequest, response: SipResponse | undefined, failure?: string): { verdict: InDialogVerdict; failure?: InDialogFailure } {
  const verdict = judgeInDialog(request.method, response);
  if (verdict === "ok") return { verdict };
  const reason = response ? `${response.status} ${response.reason}` : `no response (${failure ?? "timeout"})`;
  const requestUri = serializeUri(request.uri);
  log.warn(`in-dialog ${request.method} failed: ${reason}${verdict === "dialog-gone" ? "; the call ends" : ""}`, {
    method: request.method, status: response?.status, phrase: response?.reason, requestUri, ends: verdict === "dialog-gone",
  });
  const out: InDialogFailure = { method: request.method, reason };
  if (response) out.status = response.status;
  return { verdict, failure: out };
}
