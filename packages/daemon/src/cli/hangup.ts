// `cusax hangup [--call ID]`: end (or cancel, or decline) the current call; says how it ended once
// it has (the daemon's GET /calls no longer lists it).
import { callAction, type CallApi } from "./call-action.js";
import { CommandFailure } from "./kit.js";
import { currentCalls, isLive, type CallEntry } from "./pick-call.js";

/** How a hang-up ends a call in this state (RFC 3261 §15: BYE; §9: CANCEL; an unanswered incoming one is declined). */
function endedAs(call: CallEntry): string {
  if (call.state === "established" || call.state === "answering") return "ended (hung up)";
  return call.direction === "incoming" ? "declined" : "cancelled";
}

async function waitGone(api: CallApi, id: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await currentCalls(api)).some((c) => c.id === id)) {
    if (Date.now() > deadline) throw new CommandFailure(`call ${id} is still ending after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const hangupCommand = callAction({
  name: "hangup", summary: "end the current call", what: "current call", fits: isLive,
  async outcome(api, call, answer) {
    const ended = (answer.call as { outcome?: { reason: string } } | undefined)?.outcome;
    if (!ended) await waitGone(api, call.id);
    return `${endedAs(call)}: call ${call.id} with ${call.remote}${ended ? ` (${ended.reason})` : ""}`;
  },
});
