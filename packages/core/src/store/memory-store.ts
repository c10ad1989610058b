// protocol.md §2, §4-7: the Store in memory, for unit tests; same contract as
// SqliteStore (store-contract.test.ts runs one suite against both).
import { randomUUID } from "node:crypto";
import * as history from "./memory-history.js";
import * as marks from "./memory-marks.js";
import { clone, contactOf, conversationIn, definedOnly, emptyTables, linkIn, ownerOf } from "./memory-tables.js";
import { mergeLink, planLink } from "./store-rules.js";
import { WriteBatch } from "./write-batch.js";
import {
  INSTANCE_KEY,
  addressKey,
  normaliseAddress,
  type AddAddressResult,
  type Address,
  type CallInput,
  type CallUpdate,
  type CapsEntry,
  type Contact,
  type Conversation,
  type DeliveryState,
  type Link,
  type LinkInput,
  type LinkTrust,
  type MessageInput,
  type MessageKey,
  type Store,
  type TimelineCursor,
} from "./types.js";

export class MemoryStore implements Store {
  private db = emptyTables();
  private depth = 0;
  private readonly batch = new WriteBatch({ transaction: (fn) => this.transaction(fn) });

  /** All or nothing, like a SQLite transaction: the tables roll back when `fn` throws. */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    const saved = structuredClone(this.db);
    this.depth++;
    try {
      return fn();
    } catch (e) {
      this.db = saved;
      throw e;
    } finally {
      this.depth--;
    }
  }

  defer(job: () => void | (() => void)): void {
    this.batch.defer(job);
  }

  flush(): void {
    this.batch.flush();
  }

  close(): void {
    this.flush();
  }

  // ------------------------------------------------------------ contacts

  createContact(input: { name?: string; addresses?: Address[]; at: number }): Contact {
    return this.transaction(() => {
      const id = ++this.db.seq;
      this.db.contacts.set(id, definedOnly({ id, name: input.name, created: input.at }));
      for (const a of input.addresses ?? []) {
        const res = this.addAddress(id, a);
        if (!res.ok) throw new Error(`address ${a.value} already belongs to contact ${res.by}`);
      }
      return contactOf(this.db, id)!;
    });
  }

  getContact(id: number): Contact | undefined {
    return contactOf(this.db, id);
  }

  listContacts(): Contact[] {
    return [...this.db.contacts.keys()].sort((a, b) => a - b).map((id) => contactOf(this.db, id)!);
  }

  findContactByAddress(address: Address): Contact | undefined {
    const id = ownerOf(this.db, address);
    return id === undefined ? undefined : contactOf(this.db, id);
  }

  upsertContact(address: Address, init: { name?: string; at: number }): Contact {
    return this.findContactByAddress(address) ?? this.createContact({ ...init, addresses: [address] });
  }

  renameContact(id: number, name: string | undefined): void {
    const e = this.db.contacts.get(id);
    if (e) this.db.contacts.set(id, definedOnly({ ...e, name }));
  }

  addAddress(contactId: number, address: Address): AddAddressResult {
    const a = normaliseAddress(address);
    if (!this.db.contacts.has(contactId)) throw new Error(`no contact ${contactId}`);
    const owner = ownerOf(this.db, a);
    if (owner !== undefined && owner !== contactId) return { ok: false, reason: "taken", by: owner };
    this.db.owners.set(addressKey(a), { address: a, contactId });
    return { ok: true, contact: contactOf(this.db, contactId)! };
  }

  mergeContacts(keepId: number, dropId: number): Contact | undefined {
    if (keepId === dropId) return contactOf(this.db, keepId);
    return this.transaction(() => {
      const db = this.db;
      const keep = db.contacts.get(keepId);
      const drop = db.contacts.get(dropId);
      if (!keep || !drop) return undefined;
      for (const o of db.owners.values()) if (o.contactId === dropId) o.contactId = keepId;
      for (const l of db.links.values()) if (l.contactId === dropId) l.contactId = keepId;
      for (const c of [...db.conversations.values()].filter((x) => x.peerContactId === dropId)) {
        const into = conversationIn(db, c.threadId, keepId);
        if (into) history.foldConversation(db, c.id, into.id);
        else c.peerContactId = keepId;
      }
      if (keep.name === undefined && drop.name !== undefined) keep.name = drop.name;
      db.contacts.delete(dropId);
      return contactOf(db, keepId);
    });
  }

  // ------------------------------------------------------------ links

  addLink(input: LinkInput): Link {
    const jid = normaliseAddress({ kind: "jid", value: input.jid });
    const other = normaliseAddress(input.other);
    if (other.kind === "jid") throw new Error("a link joins a JID to a SIP or tel address");
    return this.transaction(() => {
      const prev = linkIn(this.db, jid.value, other);
      // D31: a removed link comes back only when the user links it again.
      if (prev?.rejectedAt !== undefined && input.origin !== "user") return clone(prev);
      const merged = mergeLink(prev, input);
      const contactId = this.applyPlan(jid, other, merged.trust, input);
      const link: Link = prev ? { ...prev, ...merged, contactId } : { id: ++this.db.seq, contactId, jid: jid.value, other, ...merged };
      delete link.rejectedAt;
      this.db.links.set(link.id, link);
      return clone(link);
    });
  }

  private applyPlan(jid: Address, other: Address, trust: LinkTrust, input: LinkInput): number {
    const plan = planLink(ownerOf(this.db, jid), ownerOf(this.db, other), trust, input.origin);
    switch (plan.do) {
      case "none":
        return plan.contactId;
      case "add":
        this.addAddress(plan.contactId, plan.address === "jid" ? jid : other);
        return plan.contactId;
      case "merge":
        this.mergeContacts(plan.keep, plan.drop);
        return plan.keep;
      case "create": {
        const addresses = plan.addresses === "both" ? [jid, other] : [plan.addresses === "jid" ? jid : other];
        return this.createContact({ addresses, at: input.at }).id;
      }
    }
  }

  private anyLink(jid: string, other: Address): Link | undefined {
    return linkIn(this.db, normaliseAddress({ kind: "jid", value: jid }).value, normaliseAddress(other));
  }

  getLink(jid: string, other: Address): Link | undefined {
    const l = this.anyLink(jid, other);
    return l && l.rejectedAt === undefined ? clone(l) : undefined;
  }

  isLinkRejected(jid: string, other: Address): boolean {
    return this.anyLink(jid, other)?.rejectedAt !== undefined;
  }

  rejectLink(jid: string, other: Address, at: number): Link | undefined {
    const l = this.anyLink(jid, other);
    if (!l || l.rejectedAt !== undefined) return undefined;
    l.rejectedAt = at;
    l.updated = at;
    const held = [...this.db.links.values()].some((x) => x.contactId === l.contactId && x.rejectedAt === undefined && addressKey(x.other) === addressKey(l.other));
    const identities = [...this.db.owners.values()].filter((o) => o.contactId === l.contactId).length;
    const owner = this.db.owners.get(addressKey(l.other));
    if (!held && identities > 1 && owner?.contactId === l.contactId) this.db.owners.delete(addressKey(l.other));
    return clone(l);
  }

  findLinks(address: Address): Link[] {
    const a = normaliseAddress(address);
    const hit = (l: Link) => l.rejectedAt === undefined && (a.kind === "jid" ? l.jid === a.value : addressKey(l.other) === addressKey(a));
    return [...this.db.links.values()].filter(hit).sort((x, y) => x.id - y.id).map(clone);
  }

  linksOf(contactId: number): Link[] {
    return [...this.db.links.values()].filter((l) => l.contactId === contactId && l.rejectedAt === undefined).sort((x, y) => x.id - y.id).map(clone);
  }

  setLinkTrust(id: number, trust: LinkTrust, at: number): Link | undefined {
    const l = this.db.links.get(id);
    if (!l) return undefined;
    l.trust = trust;
    l.updated = at;
    return clone(l);
  }

  // ------------------------------------------------------------ conversations

  createConversation(input: Omit<Conversation, "id" | "lastActivity"> & { lastActivity?: number }): Conversation {
    if (!this.db.contacts.has(input.peerContactId)) throw new Error(`no contact ${input.peerContactId}`);
    if (conversationIn(this.db, input.threadId, input.peerContactId)) throw new Error("conversation exists");
    const c: Conversation = definedOnly({ ...input, id: ++this.db.seq, lastActivity: input.lastActivity ?? input.created });
    this.db.conversations.set(c.id, c);
    return clone(c);
  }

  getConversation(id: number): Conversation | undefined {
    const c = this.db.conversations.get(id);
    return c && clone(c);
  }

  findConversationByThread(threadId: string, peerContactId: number): Conversation | undefined {
    const c = conversationIn(this.db, threadId, peerContactId);
    return c && clone(c);
  }

  conversationsWith(peerContactId: number): Conversation[] {
    return [...this.db.conversations.values()]
      .filter((c) => c.peerContactId === peerContactId)
      .sort((a, b) => b.lastActivity - a.lastActivity || b.id - a.id)
      .map(clone);
  }

  updateConversation(id: number, patch: Partial<Pick<Conversation, "peerJid" | "peerSipContact" | "lastActivity">>): Conversation | undefined {
    const c = this.db.conversations.get(id);
    if (!c) return undefined;
    Object.assign(c, definedOnly(patch));
    return clone(c);
  }

  // ------------------------------------------------------------ messages, calls, reading

  appendMessage(input: MessageInput) {
    return history.appendIn(this.db, input);
  }
  getMessage(id: number) {
    const m = this.db.messages.get(id);
    return m && clone(m);
  }
  findMessage(key: MessageKey) {
    const m = history.findMessageIn(this.db.messages.values(), key);
    return m && clone(m);
  }
  updateDelivery(id: number, state: DeliveryState, at: number) {
    return history.updateDeliveryIn(this.db, id, state, at);
  }
  setArchiveId(id: number, archiveId: string) {
    return history.setArchiveIdIn(this.db, id, archiveId);
  }
  updateDeliveryUpTo(conversationId: number, upTo: number, state: DeliveryState, at: number) {
    return marks.updateDeliveryUpToIn(this.db, conversationId, upTo, state, at);
  }
  markRead(conversationId: number, upTo: number | undefined, at: number) {
    return marks.markReadIn(this.db, conversationId, upTo, at);
  }
  unreadCount(conversationId: number) {
    return marks.unreadCountIn(this.db, conversationId);
  }
  recordCall(input: CallInput) {
    return history.recordCallIn(this.db, input);
  }
  updateCall(id: number, patch: CallUpdate) {
    return history.updateCallIn(this.db, id, patch);
  }
  getCall(id: number) {
    const c = this.db.calls.get(id);
    return c && clone(c);
  }
  findCallBySipCallId(sipCallId: string) {
    const c = [...this.db.calls.values()].find((x) => x.sipCallId === sipCallId);
    return c && clone(c);
  }
  timeline(contactId: number, options: { before?: TimelineCursor; limit: number }) {
    const db = this.db;
    const conversations = new Set([...db.conversations.values()].filter((c) => c.peerContactId === contactId).map((c) => c.id));
    const owns = (a: Address) => db.owners.get(addressKey(a))?.contactId === contactId;
    return clone(history.timelineIn(db.calls.values(), db.messages.values(), { conversations, owns }, options.before, options.limit));
  }
  search(text: string, options: { limit?: number; conversationId?: number } = {}) {
    return clone(history.searchIn(this.db.messages.values(), text, options.limit ?? 50, options.conversationId));
  }

  // ------------------------------------------------------------ caps, settings

  getCaps(hash: string, ver: string): CapsEntry | undefined {
    const e = this.db.caps.get(`${hash.toLowerCase()} ${ver}`);
    return e && clone(e);
  }

  putCaps(entry: CapsEntry): void {
    const e = { ...clone(entry), hash: entry.hash.toLowerCase() };
    this.db.caps.set(`${e.hash} ${e.ver}`, e);
  }

  getSetting(key: string): string | undefined {
    return this.db.settings.get(key);
  }

  putSetting(key: string, value: string): void {
    this.db.settings.set(key, value);
  }

  instanceId(): string {
    let id = this.db.settings.get(INSTANCE_KEY);
    if (!id) {
      id = randomUUID();
      this.db.settings.set(INSTANCE_KEY, id);
    }
    return id;
  }
}
