// `cusax add JID [--name NAME]`: roster add and presence subscription
// (RFC 6121 §2, §3); approves the contact's own request if one is waiting.
import { jidArg } from "./jid-arg.js";
import { apiCommand } from "./kit.js";

export const addCommand = apiCommand({
  name: "add",
  summary: "add a contact by JID and ask for their presence (approving theirs if they asked)",
  usage: ["add JID [--name NAME] [--json]"],
  options: { name: { type: "string" } },
  arity: { min: 1, max: 1 },
  async run({ api, parsed }) {
    const name = parsed.flags.name as string | undefined;
    const r = (await api.request("POST", "/contacts", { jid: jidArg(parsed.positionals[0]), ...(name ? { name } : {}) })) as { jid: string; approved: boolean };
    return { json: r, text: `asked ${r.jid} for their presence${r.approved ? " and approved theirs" : ""}` };
  },
});
