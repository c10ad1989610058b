// RFC 3261 §11.2: the 200 to OPTIONS, in and out of dialogs (Allow, Accept, Supported).
import { buildResponse } from "../dialog/index.js";
import type { SipRequest, SipResponse } from "../message/index.js";
import type { CallConfig } from "./types.js";

/** RFC 4028 timer, RFC 3515 refer via Allow; RFC 3428 MESSAGE bodies we accept. */
export const SUPPORTED = "timer";
export const ACCEPT = "application/sdp, text/plain, message/sipfrag";

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
