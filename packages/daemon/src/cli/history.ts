// `cusax history CONTACT [--search WORDS] [--limit N]`: messages and calls
// with a contact, oldest first; --search also lists the matching messages.
import { apiCommand, CommandFailure } from "./kit.js";
import { fetchContacts, resolveContact } from "./resolve-contact.js";

type Item = { kind: "message" | "call"; at: number; direction: string; body?: string; outcome?: string; durationMs?: number; conversationId?: number };

function line(i: Item): string {
  const when = new Date(i.at).toISOString().replace("T", " ").slice(0, 19);
  const arrow = i.direction === "in" ? "<-" : "->";
  return i.kind === "message" ? `${when} ${arrow} ${i.body}` : `${when} ${arrow} call ${i.outcome}${i.durationMs !== undefined ? ` ${Math.round(i.durationMs / 1000)}s` : ""}`;
}

export const historyCommand = apiCommand({
  name: "history",
  summary: "show the messages and calls with a contact (optionally searching)",
  usage: ["history CONTACT [--search WORDS] [--limit N] [--json]"],
  options: { search: { type: "string" }, limit: { type: "string" } },
  arity: { min: 1, max: 1 },
  async run({ api, parsed }) {
    const who = parsed.positionals[0]!;
    const target = resolveContact(await fetchContacts(api), who);
    const address = target.jid ?? target.sip;
    if (!address) throw new CommandFailure(`no address known for ${who}`);
    const q = new URLSearchParams({ contact: address });
    if (parsed.flags.search !== undefined) q.set("search", parsed.flags.search as string);
    if (parsed.flags.limit !== undefined) q.set("limit", parsed.flags.limit as string);
    const r = (await api.request("GET", `/history?${q}`)) as { items: Item[]; matches?: Item[] };
    const text = r.matches
      ? [`${r.matches.length} message(s) match:`, ...r.matches.map((m) => line({ ...m, kind: "message" }))].join("\n")
      : r.items.map(line).join("\n") || "(no history)";
    return { json: r, text };
  },
});
