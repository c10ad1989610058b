// `cusax hold [--call ID]`: put the established call on hold (RFC 3264 §8.4).
import { callAction } from "./call-action.js";

export const holdCommand = callAction({
  name: "hold", summary: "put the current call on hold", what: "established call not on hold", success: "held",
  fits: (c) => c.state === "established" && !c.hold.local,
});
