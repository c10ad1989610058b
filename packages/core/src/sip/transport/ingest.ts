// RFC 3261 §18.1.2 (responses: sent-by check), §18.2.1 (requests: received), §18.3 (datagrams),
// §8.2 / §21.4.1 / §21.5.6 / §21.5.7 (400, 505, 513 to bad requests); RFC 3581 §4 (rport).
import type { Logger } from "../../util/log.js";
import { parseSipMessage, SipParseError, validateRequest, validateResponse, type SipMessage } from "../message/index.js";
import { rawStatelessReply, statelessReply } from "./reply.js";
import type { SipTarget } from "./types.js";
import { isOurVia, markReceived } from "./via.js";

/** Sends a reply (text) back to where the data came from. */
export type Reply = (text: string) => void;

export type IngestOutcome =
  | { kind: "message"; message: SipMessage }
  /** Parsed but refused (answered with `status` for requests, dropped for responses). */
  | { kind: "refused"; status?: number; reason: string }
  /** Did not parse: a stream carrying it is no longer framed reliably and is closed. */
  | { kind: "garbage"; status: number; reason: string };

export type IngestOptions = {
  ours: readonly string[];
  log: Logger;
  /** Decides whether a warning about `source` is logged (a flood from one source is logged once per window). */
  shouldLog?: (source: SipTarget) => boolean;
};

function warn(o: IngestOptions, source: SipTarget, msg: string, fields: Record<string, unknown>): void {
  if (o.shouldLog && !o.shouldLog(source)) return;
  o.log.warn(msg, { source: `${source.transport} ${source.host}:${source.port}`, ...fields });
}

/** One framed message (a datagram or a stream frame): parsed, checked, answered or passed on. Never throws. */
export function ingest(data: Uint8Array, source: SipTarget, reply: Reply, o: IngestOptions): IngestOutcome {
  let message: SipMessage;
  try {
    message = parseSipMessage(data);
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    // §21.5.7 / §21.5.6 / §21.4.1: answer a request we can address; anything else is dropped, logged once.
    const text = rawStatelessReply(data, err.status, reasonFor(err));
    if (text) reply(text);
    warn(o, source, "dropped unparsable SIP data", { status: err.status, error: err.message, answered: text !== undefined });
    return { kind: "garbage", status: err.status, reason: err.message };
  }
  return message.kind === "request" ? checkRequest(message, source, reply, o) : checkResponse(message, source, o);
}

function reasonFor(err: SipParseError): string {
  if (err.status === 513) return "Message Too Large";
  if (err.status === 505) return "Version Not Supported";
  return `Bad Request (${err.message.replace(/[\r\n]+/g, " ").slice(0, 100)})`;
}

function checkRequest(message: SipMessage & { kind: "request" }, source: SipTarget, reply: Reply, o: IngestOptions): IngestOutcome {
  const problem = validateRequest(message).find((p) => p.fatal);
  if (problem) {
    // §17: an ACK is never answered; anything else gets the problem's status and reason (§21.4.1).
    if (message.method !== "ACK") reply(statelessReply(message, problem.status, problem.reason));
    warn(o, source, "refused a malformed request", { status: problem.status, reason: problem.reason });
    return { kind: "refused", status: problem.status, reason: problem.reason };
  }
  markReceived(message, source);
  return { kind: "message", message };
}

function checkResponse(message: SipMessage & { kind: "response" }, source: SipTarget, o: IngestOptions): IngestOutcome {
  const problem = validateResponse(message).find((p) => p.fatal);
  const reason = problem?.reason ?? (isOurVia(message, o.ours) ? undefined : "top Via is not ours (RFC 3261 §18.1.2)");
  if (reason !== undefined) {
    warn(o, source, "dropped a response", { reason });
    return { kind: "refused", reason };
  }
  return { kind: "message", message };
}
