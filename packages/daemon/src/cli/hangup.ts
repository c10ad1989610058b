// `cusax hangup [--call ID]`: end (or cancel, or decline) the current call.
import { callAction } from "./call-action.js";
import { isLive } from "./pick-call.js";

export const hangupCommand = callAction({ name: "hangup", summary: "end the current call", what: "current call", fits: isLive });
