// `cusax link JID SIP`: the user says they are the same person (protocol.md §7);
// `cusax link --remove JID SIP`: the user says they are not (D31: it stays removed).
import { apiCommand } from "./kit.js";

export const linkCommand = apiCommand({
  name: "link",
  summary: "record that a JID and a SIP/tel address are the same person (--remove: that they are not)",
  usage: ["link JID SIP-URI [--json]", "link --remove JID SIP-URI [--json]   (reach and discovery will not bring it back)"],
  arity: { min: 2, max: 2 },
  options: { remove: { type: "boolean" } },
  async run({ api, parsed }) {
    const [jid, sip] = parsed.positionals as [string, string];
    if (parsed.flags.remove) {
      const q = new URLSearchParams({ jid, sip });
      const r = (await api.request("DELETE", `/links?${q}`)) as { removed: { other: string } };
      return { json: r, text: `${jid} is no longer linked to ${r.removed.other}` };
    }
    const r = (await api.request("POST", "/links", { jid, sip })) as { links: { other: string; trust: string }[] };
    return { json: r, text: `${jid} is linked to ${r.links.map((l) => `${l.other} (${l.trust})`).join(", ")}` };
  },
});
