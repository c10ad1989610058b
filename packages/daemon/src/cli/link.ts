// `cusax link JID SIP`: the user says they are the same person (protocol.md §7).
import { apiCommand } from "./kit.js";

export const linkCommand = apiCommand({
  name: "link",
  summary: "record that a JID and a SIP/tel address are the same person",
  usage: ["link JID SIP-URI [--json]"],
  arity: { min: 2, max: 2 },
  async run({ api, parsed }) {
    const [jid, sip] = parsed.positionals as [string, string];
    const r = (await api.request("POST", "/links", { jid, sip })) as { links: { other: string; trust: string }[] };
    return { json: r, text: `${jid} is linked to ${r.links.map((l) => `${l.other} (${l.trust})`).join(", ")}` };
  },
});
