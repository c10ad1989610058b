import { describe, expect, it } from "vitest";
import type { CallEnd } from "../sip/index.js";
import { callOutcomeOf } from "./call-outcome.js";

/** What the SIP core makes of a final status (RFC 3261 §21; sip/call/types.ts endForStatus). */
const endForStatus = (status: number): CallEnd =>
  status === 486 || status === 600 ? { reason: "busy", status } : status === 603 ? { reason: "declined", status } : { reason: "rejected", status };

describe("a call's outcome in the call log", () => {
  it("records a callee's 404 (or 480, 488, 503) as failed, not as rejected", () => {
    for (const status of [404, 480, 484, 488, 503]) expect(callOutcomeOf("out", false, endForStatus(status)), String(status)).toBe("failed");
  });
  it("keeps rejected for a decline, busy for 486/600, and missed or cancelled for an unanswered call", () => {
    expect(callOutcomeOf("out", false, endForStatus(603))).toBe("rejected");
    expect(callOutcomeOf("out", false, endForStatus(486))).toBe("busy");
    expect(callOutcomeOf("out", false, endForStatus(600))).toBe("busy");
    expect(callOutcomeOf("in", false, { reason: "cancelled" })).toBe("missed");
    expect(callOutcomeOf("out", false, { reason: "cancelled" })).toBe("cancelled");
    expect(callOutcomeOf("in", false, { reason: "no-answer" })).toBe("missed");
    expect(callOutcomeOf("in", true, { reason: "bye" } as never)).toBe("answered");
  });
});
