// `cusax call CONTACT [--play FILE]`: a call from the chat when the contact
// has a JID (tied to the conversation, protocol.md §5), else to the SIP URI.
import { resolve } from "node:path";
import { CommandFailure, apiCommand } from "./kit.js";
import { fetchContacts, resolveContact } from "./resolve-contact.js";

export const callCommand = apiCommand({
  name: "call",
  summary: "call a contact (from the conversation when they have a JID)",
  usage: ["call CONTACT [--play FILE.wav] [--json]", "", "--play: a 16-bit mono WAV file the call plays (looped); the other side's audio is recorded in <dataDir>/calls/."],
  options: { play: { type: "string" } },
  arity: { min: 1, max: 1 },
  async run({ api, parsed }) {
    const who = parsed.positionals[0]!;
    const target = resolveContact(await fetchContacts(api), who);
    const to = /^(sips?|tel):/i.test(who) ? who : (target.jid ?? target.sip);
    if (!to) throw new CommandFailure(`no JID or SIP address known for ${who}`);
    const play = parsed.flags.play as string | undefined;
    const r = (await api.request("POST", "/calls", { to, ...(play ? { play: resolve(play) } : {}) })) as { call: { id: string; state: string } };
    return { json: r, text: `calling ${to}: ${r.call.state} (call ${r.call.id})` };
  },
});
