// `cusax rename JID NAME...`: a contact's name in the roster (RFC 6121 §2.4)
// and the store (PATCH /contacts/:jid).
import { apiCommand } from "./kit.js";

export const renameCommand = apiCommand({
  name: "rename",
  summary: "rename a contact (roster and history)",
  usage: ["rename JID NAME... [--json]"],
  arity: { min: 2, max: Infinity },
  async run({ api, parsed }) {
    const [jid, ...words] = parsed.positionals;
    const r = (await api.request("PATCH", `/contacts/${encodeURIComponent(jid!)}`, { name: words.join(" ") })) as { contact: { name?: string } };
    return { json: r, text: `${jid} is now "${r.contact.name ?? words.join(" ")}"` };
  },
});
