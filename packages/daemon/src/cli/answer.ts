// `cusax answer [--call ID]`: answer the ringing incoming call; says once it is answered.
import { callAction } from "./call-action.js";

export const answerCommand = callAction({
  name: "answer", summary: "answer the incoming call", what: "ringing incoming call", success: "answered",
  fits: (c) => c.direction === "incoming" && (c.state === "incoming" || c.state === "ringing"),
  // The API answers once the call is answered (`answered: true`; false fails above).
  outcome: async (_api, call) => `answered: call ${call.id} with ${call.remote}`,
});
