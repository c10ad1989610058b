// `cusax calls`: the current calls with their ids, states and recordings.
import { apiCommand } from "./kit.js";
import { currentCalls } from "./pick-call.js";

export const callsCommand = apiCommand({
  name: "calls",
  summary: "list the current calls (id, direction, state, hold, recording file)",
  usage: ["calls [--json]"],
  arity: { min: 0, max: 0 },
  async run({ api }) {
    const calls = await currentCalls(api);
    const text = calls.map((c) => `${c.id}  ${c.direction} ${c.remote}  ${c.state}${c.hold.local || c.hold.remote ? " (on hold)" : ""}`).join("\n");
    return { json: { calls }, text: text || "(no calls)" };
  },
});
