// `cusax approve JID`: lets someone who asked see our presence (RFC 6121
// §3.1.3; POST /subscriptions/:jid/approve). Waiting requests: GET /subscriptions.
import { jidArg } from "./jid-arg.js";
import { apiCommand } from "./kit.js";

export const approveCommand = apiCommand({
  name: "approve",
  summary: "approve a waiting presence subscription request",
  usage: ["approve JID [--json]", "", "`cusax contacts` lists the waiting requests."],
  arity: { min: 1, max: 1 },
  async run({ api, parsed }) {
    const jid = jidArg(parsed.positionals[0]);
    const r = await api.request("POST", `/subscriptions/${encodeURIComponent(jid)}/approve`);
    return { json: r, text: `${jid} may now see your presence` };
  },
});
