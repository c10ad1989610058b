// `cusax contacts`: everyone we know, with addresses, links and SIP state.
import { apiCommand } from "./kit.js";
import type { ContactEntry } from "./resolve-contact.js";

export const contactsCommand = apiCommand({
  name: "contacts",
  summary: "list contacts with their JIDs, SIP addresses, subscription and SIP state",
  usage: ["contacts [--json]"],
  arity: { min: 0, max: 0 },
  async run({ api }) {
    const { contacts, subscriptionRequests = [] } = (await api.request("GET", "/contacts")) as { contacts: ContactEntry[]; subscriptionRequests?: string[] };
    const asking = subscriptionRequests.map((jid) => `${jid} asks to see your presence: \`cusax add ${jid}\` approves`);
    const text = contacts
      .map((c) => `${c.name ?? c.jids[0] ?? c.sip[0] ?? "?"}  ${[...c.jids, ...c.sip, ...c.tel].join(" ")}  [${c.subscription ?? "-"}, ${c.sipState ?? "unknown"}]`)
      .concat(asking)
      .join("\n");
    return { json: { contacts, subscriptionRequests }, text: text || "(no contacts)" };
  },
});
