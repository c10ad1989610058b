// A call's end as the call log's outcome (store CallOutcome). RFC 3261 §21:
// only a refusal by the person (603 Decline, RFC 3261 §21.6.2) is "rejected";
// 486/600 are "busy"; a status that says the call could not be completed
// (404 Not Found, 480, 484, 488, 5xx, ...) is "failed", with the status in the
// record's reason.
import type { CallOutcome } from "../store/types.js";
import type { CallEnd } from "../sip/index.js";

export function callOutcomeOf(direction: "in" | "out", answered: boolean, end: CallEnd): CallOutcome {
  if (answered) return "answered";
  switch (end.reason) {
    case "busy":
      return "busy";
    case "cancelled":
    case "no-answer":
      return direction === "in" ? "missed" : "cancelled";
    case "declined":
      return "rejected";
    default:
      return "failed";
  }
}
