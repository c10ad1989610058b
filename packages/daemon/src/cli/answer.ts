// `cusax answer [--call ID]`: answer the ringing incoming call.
import { callAction } from "./call-action.js";

export const answerCommand = callAction({
  name: "answer", summary: "answer the incoming call", what: "ringing incoming call", success: "answered",
  fits: (c) => c.direction === "incoming" && (c.state === "incoming" || c.state === "ringing"),
});
