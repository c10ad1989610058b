// `cusax send CONTACT TEXT`: a chat message in the newest conversation with
// the contact (POST /messages); TEXT may be several words.
import { CommandFailure, apiCommand } from "./kit.js";
import { fetchContacts, resolveContact } from "./resolve-contact.js";

export const sendCommand = apiCommand({
  name: "send",
  summary: "send a chat message to a contact",
  usage: ["send CONTACT TEXT... [--json]", "", "CONTACT is a JID, a SIP URI or a contact name; the words of TEXT are joined by spaces."],
  arity: { min: 2, max: Infinity },
  async run({ api, parsed }) {
    const [who, ...words] = parsed.positionals as [string, ...string[]];
    const target = resolveContact(await fetchContacts(api), who);
    if (!target.jid) throw new CommandFailure(`${who} has no JID known to cusax, so there is no chat to send to`);
    const r = (await api.request("POST", "/messages", { to: target.jid, text: words.join(" ") })) as { conversationId: number; message: { id: number; state: string } };
    return { json: r, text: `sent to ${target.jid} (${r.message.state})` };
  },
});
