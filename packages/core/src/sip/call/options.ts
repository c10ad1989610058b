// RFC 3261 §11.2 (the 200 to OPTIONS, in and out of dialogs: Allow, Accept, Supported, one header each with a
// comma-separated list, §7.3.1 / §20.1), §8.2.1 (a method we do not implement: 501; one we know but refuse: 405).
import { buildResponse } from "../dialog/index.js";
import type { SipRequest, SipResponse } from "../message/index.js";
import type { CallConfig } from "./types.js";

/** RFC 4028 timer, RFC 3515 refer via Allow; RFC 3428 MESSAGE bodies we accept. */
export const SUPPORTED = "timer";
export const ACCEPT = "application/sdp, text/plain, message/sipfrag";

/**
 * Methods we recognise (RFC 3261 and the extensions registered with IANA that a UA meets): one of these
 * that is not in our Allow gets 405 with Allow; anything else gets 501 (RFC 3261 §8.2.1, §21.5.2).
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO",
  "REFER", "MESSAGE", "UPDATE",
]);

export function optionsResponse(request: SipRequest, config: CallConfig, toTag?: string): SipResponse {
  return buildResponse(request, 200, {
    toTag,
    headers: [
      ["Allow", config.allow.join(", ")],
      ["Accept", ACCEPT],
      ["Supported", SUPPORTED],
      ...(config.userAgent ? ([["User-Agent", config.userAgent]] as [string, string][]) : []),
    ],
  });
}

/** RFC 3261 §8.2.1: the 501 or 405 for a method we do not take, in or out of a dialog; undefined when allowed. */
export function refuseMethod(request: SipRequest, config: CallConfig, toTag?: string): SipResponse | undefined {
  const method = request.method;
  if (config.allow.includes(method)) return undefined;
  if (!KNOWN_METHODS.has(method)) return buildResponse(request, 501, { toTag });
  return buildResponse(request, 405, { toTag, headers: [["Allow", config.allow.join(", ")]] });
}
