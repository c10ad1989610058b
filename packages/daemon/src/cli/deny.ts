// `cusax deny JID`: refuses a waiting presence subscription request (RFC 6121
// §3.2; POST /subscriptions/:jid/deny).
import { jidArg } from "./jid-arg.js";
import { apiCommand } from "./kit.js";

export const denyCommand = apiCommand({
  name: "deny",
  summary: "deny a waiting presence subscription request",
  usage: ["deny JID [--json]", "", "`cusax contacts` lists the waiting requests."],
  arity: { min: 1, max: 1 },
  async run({ api, parsed }) {
    const jid = jidArg(parsed.positionals[0]);
    const r = await api.request("POST", `/subscriptions/${encodeURIComponent(jid)}/deny`);
    return { json: r, text: `denied ${jid}` };
  },
});
