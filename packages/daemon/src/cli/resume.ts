// `cusax resume [--call ID]`: take the held call off hold.
import { callAction } from "./call-action.js";

export const resumeCommand = callAction({
  name: "resume", summary: "take the held call off hold", what: "call we hold", success: "resumed",
  fits: (c) => c.state === "established" && c.hold.local,
});
