// `cusax dtmf DIGITS [--call ID]`: send digits in the established call (RFC 4733).
import { callAction } from "./call-action.js";

export const dtmfCommand = callAction({
  name: "dtmf", summary: "send DTMF digits (0-9 * # A-D) in the current call", what: "established call",
  synopsis: "dtmf DIGITS [--call ID] [--json]", arity: { min: 1, max: 1 },
  fits: (c) => c.state === "established",
  body: ([digits]) => ({ digits }),
});
