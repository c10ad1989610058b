// `cusax remove JID`: takes a contact off the roster, which ends the presence
// subscriptions both ways (RFC 6121 §2.5); the history stays (DELETE /contacts/:jid).
import { jidArg } from "./jid-arg.js";
import { apiCommand } from "./kit.js";

export const removeCommand = apiCommand({
  name: "remove",
  summary: "remove a contact from the roster (ends presence both ways; history stays)",
  usage: ["remove JID [--json]"],
  arity: { min: 1, max: 1 },
  async run({ api, parsed }) {
    const jid = jidArg(parsed.positionals[0]);
    const r = await api.request("DELETE", `/contacts/${encodeURIComponent(jid)}`);
    return { json: r, text: `removed ${jid}` };
  },
});
