// protocol.md D11 (as the UI needs it): addresses compared normalised, and the
// key that names one contact in the window (its first JID, else SIP, else tel).
import type { ContactView } from "../api/types.js";

/** Bare, lower-case JID; `sips:` as `sip:` without parameters; tel: without separators. */
export function normalAddress(address: string): string {
  // A name-addr (`"Alice" <sip:alice@x>`, as SIP headers carry it) is its URI.
  const a = (address.match(/<([^>]*)>/)?.[1] ?? address).trim();
  if (/^sips?:/i.test(a)) {
    const rest = a.replace(/^sips?:/i, "").split(";")[0]!.split("?")[0]!;
    const [user, host] = rest.includes("@") ? rest.split("@") : ["", rest];
    const phone = /;user=phone/i.test(a) && /^\+?[\d\-.() ]+$/.test(user ?? "");
    if (phone) return `tel:${user!.replace(/[-.() ]/g, "")}`;
    return `sip:${user ? `${user}@` : ""}${(host ?? "").toLowerCase()}`;
  }
  if (/^tel:/i.test(a)) return `tel:${a.slice(4).split(";")[0]!.replace(/[-.() ]/g, "")}`;
  return a.split("/")[0]!.toLowerCase();
}

export function contactKey(c: Pick<ContactView, "jids" | "sip" | "tel">): string {
  const first = c.jids[0] ?? c.sip[0] ?? c.tel[0] ?? "";
  return normalAddress(first);
}

export function contactAddresses(c: ContactView): string[] {
  return [...c.jids, ...c.sip, ...c.tel, ...c.links.map((l) => l.other)].map(normalAddress);
}

/** The key of the contact holding an address, if any. */
export function findContact(contacts: readonly ContactView[], address: string): ContactView | undefined {
  const a = normalAddress(address);
  return contacts.find((c) => contactAddresses(c).includes(a));
}

/** A readable name: the contact's name, else the user part of its first address. */
export function displayName(c: Pick<ContactView, "name" | "jids" | "sip" | "tel">): string {
  if (c.name) return c.name;
  const first = c.jids[0] ?? c.sip[0] ?? c.tel[0] ?? "?";
  return first.replace(/^(sips?|tel):/i, "").split(/[@;]/)[0] || first;
}

/** What to dial for an address typed into the dial field: a JID, a SIP URI, or a number (tel:). */
export function dialTarget(input: string): string | undefined {
  const t = input.trim();
  if (!t) return undefined;
  if (/^(sips?|tel):\S+$/i.test(t)) return t;
  if (/^\+?[\d\-.() *#]+$/.test(t) && /\d/.test(t)) return `tel:${t.replace(/[-.() ]/g, "")}`;
  if (/^[^\s@/:]+@[^\s@/:]+$/.test(t)) return `sip:${t}`;
  return undefined;
}
