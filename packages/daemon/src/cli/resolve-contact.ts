// CONTACT on the command line: a JID, a SIP/tel URI, or a name. Resolved
// against GET /contacts; an unknown name or one that fits several contacts
// is refused with the candidates, never guessed.
import { CommandFailure } from "./kit.js";

export type ContactEntry = { id?: number; name?: string; jids: string[]; sip: string[]; tel: string[]; sipState?: string; subscription?: string };

export type Resolved = { jid?: string; sip?: string; contact?: ContactEntry };

const isUri = (s: string) => /^(sips?|tel):/i.test(s);
const isJid = (s: string) => /^[^@/\s:]+@[^@/\s]+$/.test(s);
const label = (c: ContactEntry) => [c.name, ...c.jids, ...c.sip, ...c.tel].filter(Boolean).join(" / ");

function byName(contacts: ContactEntry[], query: string): ContactEntry[] {
  const q = query.toLowerCase();
  const names = (c: ContactEntry) => [c.name ?? "", ...c.jids.map((j) => j.split("@")[0]!), ...c.sip.map((s) => s.replace(/^sips?:/, "").split("@")[0]!)].map((n) => n.toLowerCase());
  const exact = contacts.filter((c) => names(c).includes(q));
  if (exact.length > 0) return exact;
  return contacts.filter((c) => names(c).some((n) => n.startsWith(q)));
}

export function resolveContact(contacts: ContactEntry[], query: string): Resolved {
  const q = query.trim();
  if (isUri(q)) {
    const lower = q.toLowerCase();
    const contact = contacts.find((c) => [...c.sip, ...c.tel].some((a) => a.toLowerCase() === lower));
    return { sip: q, ...(contact ? { contact, ...(contact.jids[0] ? { jid: contact.jids[0] } : {}) } : {}) };
  }
  if (isJid(q)) {
    const jid = q.toLowerCase();
    const contact = contacts.find((c) => c.jids.includes(jid));
    return { jid, ...(contact ? { contact, ...(contact.sip[0] ? { sip: contact.sip[0] } : {}) } : {}) };
  }
  const found = byName(contacts, q);
  if (found.length === 0) throw new CommandFailure(`no contact matches "${q}" (give a JID, a sip: URI, or see \`cusax contacts\`)`);
  if (found.length > 1) throw new CommandFailure(`"${q}" matches ${found.length} contacts; say which:\n${found.map((c) => `  ${label(c)}`).join("\n")}`);
  const contact = found[0]!;
  return { contact, ...(contact.jids[0] ? { jid: contact.jids[0] } : {}), ...(contact.sip[0] ? { sip: contact.sip[0] } : {}) };
}

export async function fetchContacts(api: { request(m: "GET", p: string): Promise<unknown> }): Promise<ContactEntry[]> {
  const body = (await api.request("GET", "/contacts")) as { contacts: ContactEntry[] };
  return body.contacts;
}
