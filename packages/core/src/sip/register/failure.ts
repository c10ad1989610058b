// RFC 3261 §10.2.2 (the registrar's answers), §21.5.4 + §20.33 (503 and
// Retry-After), §17.1.2.2 (Timer F), RFC 5626 §4.5 (back-off): what a failed
// REGISTER tells the user, and whether trying again can help.
// DECISION(protocol.md D34): a certificate we do not trust is retried on a slow
// schedule, credentials refused are never retried.
import { parseRetryAfter, type SipResponse } from "../message/index.js";
import type { ClientFailure } from "../transaction/index.js";
import type { SipTarget } from "../transport/index.js";
import type { RegistrationFailure } from "./types.js";

/** How the next attempt is timed: not at all, by the §4.5 back-off, by the server's Retry-After, or the slow certificate schedule. */
export type RetryMode = { kind: "none" } | { kind: "backoff" } | { kind: "after"; ms: number } | { kind: "slow" };

/** D34: the wait before trying a certificate we did not trust again (the server's admin may fix it). */
export const CERTIFICATE_RETRY_MS = 600_000;

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH)/;

const where = (t: SipTarget): string => `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port} over ${t.transport.toLowerCase()}`;

/** The innermost error code (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...) of a transport error. */
function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
}

/** A transaction that ended without a response (Timer F, a refused connection, a TLS failure). */
export function transportFailure(f: ClientFailure, target: SipTarget): { failure: RegistrationFailure; retry: RetryMode } {
  if (f.reason === "timeout") return { failure: { reason: "timeout", detail: `no answer from ${where(target)}` }, retry: { kind: "backoff" } };
  const code = codeOf(f.error);
  const certificate = code !== undefined && TLS_CODE.test(code);
  const failure: RegistrationFailure = { reason: "transport-error", detail: `${where(target)}: ${f.error.message}`, ...(code ? { code } : {}) };
  if (certificate) failure.certificate = true;
  return { failure, retry: certificate ? { kind: "slow" } : { kind: "backoff" } };
}

/** §21.5.4: a 503 with Retry-After says when to come back (capped by the back-off's maximum). */
export function retryAfterMs(res: SipResponse, maxMs: number): number | undefined {
  const value = res.headers.get("retry-after");
  if (value === undefined) return undefined;
  try {
    return Math.min(maxMs, parseRetryAfter(value).seconds * 1000);
  } catch {
    return undefined;
  }
}

/** A final response that is a failure: server trouble (5xx) is retried; refusals (4xx, 6xx) are final. */
export function responseFailure(res: SipResponse, reason: RegistrationFailure["reason"], maxMs: number): { failure: RegistrationFailure; retry: RetryMode } {
  const failure: RegistrationFailure = { reason, status: res.status, detail: `${res.status} ${res.reason}` };
  if (res.status < 500 || res.status >= 600) return { failure, retry: { kind: "none" } };
  const after = retryAfterMs(res, maxMs);
  return { failure, retry: after === undefined ? { kind: "backoff" } : { kind: "after", ms: after } };
}
