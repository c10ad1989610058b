// The tables behind MemoryStore (one object, so a transaction can snapshot and
// restore it whole) and the lookups several of its methods share.
import { addressKey, normaliseAddress, type Address, type Call, type CapsEntry, type Contact, type Conversation, type Link, type Message } from "./types.js";

export type ContactEntry = { id: number; name?: string; created: number };

export function emptyTables() {
  return {
    seq: 0,
    contacts: new Map<number, ContactEntry>(),
    /** addressKey -> its one contact */
    owners: new Map<string, { address: Address; contactId: number }>(),
    links: new Map<number, Link>(),
    conversations: new Map<number, Conversation>(),
    messages: new Map<number, Message>(),
    calls: new Map<number, Call>(),
    caps: new Map<string, CapsEntry>(),
    settings: new Map<string, string>(),
  };
}

export type Tables = ReturnType<typeof emptyTables>;

export const clone = <T>(v: T): T => structuredClone(v);

/** A copy without the keys whose value is undefined (records never hold them). */
export function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function contactOf(db: Tables, id: number): Contact | undefined {
  const e = db.contacts.get(id);
  if (!e) return undefined;
  const addresses = [...db.owners.values()]
    .filter((o) => o.contactId === id)
    .map((o) => ({ ...o.address }))
    .sort((a, b) => (a.kind === b.kind ? cmp(a.value, b.value) : cmp(a.kind, b.kind)));
  return definedOnly({ id, name: e.name, addresses, created: e.created });
}

export function ownerOf(db: Tables, address: Address): number | undefined {
  return db.owners.get(addressKey(normaliseAddress(address)))?.contactId;
}

/** The link between a normalised bare JID and a normalised address. */
export function linkIn(db: Tables, jid: string, other: Address): Link | undefined {
  const key = addressKey(other);
  return [...db.links.values()].find((l) => l.jid === jid && addressKey(l.other) === key);
}

export function conversationIn(db: Tables, threadId: string, peerContactId: number): Conversation | undefined {
  return [...db.conversations.values()].find((x) => x.threadId === threadId && x.peerContactId === peerContactId);
}

/** Activity in a conversation (a message or a call) moves its lastActivity on. */
export function touch(db: Tables, conversationId: number | undefined, at: number): void {
  const conv = conversationId === undefined ? undefined : db.conversations.get(conversationId);
  if (conv) conv.lastActivity = Math.max(conv.lastActivity, at);
}
