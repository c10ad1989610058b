// protocol.md §2, §4-7: the Store on SQLite (better-sqlite3, WAL, foreign keys,
// versioned migrations, FTS5 search). Synchronous, like better-sqlite3.
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { migrate } from "./migrations.js";
import * as history from "./sqlite-history.js";
import * as marks from "./sqlite-marks.js";
import { conversationOf, linkOf, Sql, type ConversationRow, type LinkRow } from "./sqlite-rows.js";
import { mergeLink, planLink } from "./store-rules.js";
import { WriteBatch } from "./write-batch.js";
import {
  INSTANCE_KEY,
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

type ContactRow = { id: number; name: string | null; created: number };

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly sql: Sql;
  private readonly batch = new WriteBatch({ transaction: (fn) => this.transaction(fn) });

  /** Opens (creating when absent) and migrates the file; ":memory:" works too. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    try {
      migrate(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.sql = new Sql(this.db);
  }

  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  defer(job: () => void | (() => void)): void {
    this.batch.defer(job);
  }

  flush(): void {
    if (this.db.open) this.batch.flush();
  }

  close(): void {
    this.flush();
    if (this.db.open) this.db.close();
  }

  // ------------------------------------------------------------ contacts

  createContact(input: { name?: string; addresses?: Address[]; at: number }): Contact {
    return this.transaction(() => {
      const r = this.sql.run(`INSERT INTO contacts (name, created) VALUES (?, ?)`, input.name, input.at);
      const id = Number(r.lastInsertRowid);
      for (const a of input.addresses ?? []) {
        const res = this.addAddress(id, a);
        if (!res.ok) throw new Error(`address ${a.value} already belongs to contact ${res.by}`);
      }
      return this.getContact(id)!;
    });
  }

  getContact(id: number): Contact | undefined {
    const r = this.sql.get<ContactRow>(`SELECT * FROM contacts WHERE id = ?`, id);
    if (!r) return undefined;
    const addresses = this.sql.all<Address>(`SELECT kind, value FROM addresses WHERE contact_id = ? ORDER BY kind, value`, id);
    const c: Contact = { id: r.id, addresses: addresses.map((a) => ({ kind: a.kind, value: a.value })), created: r.created };
    if (r.name !== null) c.name = r.name;
    return c;
  }

  listContacts(): Contact[] {
    return this.sql.all<{ id: number }>(`SELECT id FROM contacts ORDER BY id`).map((r) => this.getContact(r.id)!);
  }

  private ownerOf(address: Address): number | undefined {
    const a = normaliseAddress(address);
    return this.sql.get<{ contact_id: number }>(`SELECT contact_id FROM addresses WHERE kind = ? AND value = ?`, a.kind, a.value)?.contact_id;
  }

  findContactByAddress(address: Address): Contact | undefined {
    const id = this.ownerOf(address);
    return id === undefined ? undefined : this.getContact(id);
  }

  upsertContact(address: Address, init: { name?: string; at: number }): Contact {
    return this.transaction(() => this.findContactByAddress(address) ?? this.createContact({ ...init, addresses: [address] }));
  }

  renameContact(id: number, name: string | undefined): void {
    this.sql.run(`UPDATE contacts SET name = ? WHERE id = ?`, name, id);
  }

  addAddress(contactId: number, address: Address): AddAddressResult {
    const a = normaliseAddress(address);
    return this.transaction(() => {
      const owner = this.ownerOf(a);
      if (owner !== undefined && owner !== contactId) return { ok: false, reason: "taken", by: owner };
      if (owner === undefined) this.sql.run(`INSERT INTO addresses (kind, value, contact_id) VALUES (?, ?, ?)`, a.kind, a.value, contactId);
      return { ok: true, contact: this.getContact(contactId)! };
    });
  }

  mergeContacts(keepId: number, dropId: number): Contact | undefined {
    if (keepId === dropId) return this.getContact(keepId);
    return this.transaction(() => {
      if (!this.getContact(keepId) || !this.getContact(dropId)) return undefined;
      const s = this.sql;
      s.run(`UPDATE addresses SET contact_id = ? WHERE contact_id = ?`, keepId, dropId);
      s.run(`UPDATE links SET contact_id = ? WHERE contact_id = ?`, keepId, dropId);
      s.run(`UPDATE OR IGNORE conversations SET peer_contact_id = ? WHERE peer_contact_id = ?`, keepId, dropId);
      // Same thread id with both: the dropped conversation folds into the kept one.
      for (const c of s.all<ConversationRow>(`SELECT * FROM conversations WHERE peer_contact_id = ?`, dropId)) {
        const into = this.findConversationByThread(c.thread_id, keepId)!;
        s.run(`UPDATE OR IGNORE messages SET conversation_id = ? WHERE conversation_id = ?`, into.id, c.id);
        s.run(`DELETE FROM messages WHERE conversation_id = ?`, c.id);
        s.run(`UPDATE calls SET conversation_id = ? WHERE conversation_id = ?`, into.id, c.id);
        s.run(`DELETE FROM conversations WHERE id = ?`, c.id);
      }
      s.run(`UPDATE contacts SET name = COALESCE(name, (SELECT name FROM contacts WHERE id = ?)) WHERE id = ?`, dropId, keepId);
      s.run(`DELETE FROM contacts WHERE id = ?`, dropId);
      return this.getContact(keepId);
    });
  }

  // ------------------------------------------------------------ links

  addLink(input: LinkInput): Link {
    const jid = normaliseAddress({ kind: "jid", value: input.jid });
    const other = normaliseAddress(input.other);
    if (other.kind === "jid") throw new Error("a link joins a JID to a SIP or tel address");
    return this.transaction(() => {
      const prev = this.anyLink(jid.value, other);
      // D31: a removed link comes back only when the user links it again.
      if (prev?.rejectedAt !== undefined) {
        if (input.origin !== "user") return prev;
        this.sql.run(`UPDATE links SET rejected_at = NULL WHERE id = ?`, prev.id);
      }
      const merged = mergeLink(prev, { ...input, jid: jid.value, other });
      const contactId = this.applyPlan(jid, other, merged.trust, input);
      const ev = JSON.stringify(merged.evidence);
      if (prev) {
        this.sql.run(`UPDATE links SET contact_id = ?, trust = ?, evidence = ?, updated = ? WHERE id = ?`, contactId, merged.trust, ev, merged.updated, prev.id);
      } else {
        this.sql.run(
          `INSERT INTO links (contact_id, jid, other_kind, other_value, origin, trust, evidence, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          contactId, jid.value, other.kind, other.value, merged.origin, merged.trust, ev, merged.created, merged.updated,
        );
      }
      return this.anyLink(jid.value, other)!;
    });
  }

  private applyPlan(jid: Address, other: Address, trust: LinkTrust, input: LinkInput): number {
    const plan = planLink(this.ownerOf(jid), this.ownerOf(other), trust, input.origin);
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

  /** The link row, rejected or not. */
  private anyLink(jid: string, other: Address): Link | undefined {
    const j = normaliseAddress({ kind: "jid", value: jid });
    const o = normaliseAddress(other);
    const r = this.sql.get<LinkRow>(`SELECT * FROM links WHERE jid = ? AND other_kind = ? AND other_value = ?`, j.value, o.kind, o.value);
    return r && linkOf(r);
  }

  getLink(jid: string, other: Address): Link | undefined {
    const l = this.anyLink(jid, other);
    return l?.rejectedAt === undefined ? l : undefined;
  }

  isLinkRejected(jid: string, other: Address): boolean {
    return this.anyLink(jid, other)?.rejectedAt !== undefined;
  }

  rejectLink(jid: string, other: Address, at: number): Link | undefined {
    return this.transaction(() => {
      const l = this.getLink(jid, other);
      if (!l) return undefined;
      this.sql.run(`UPDATE links SET rejected_at = ?, updated = ? WHERE id = ?`, at, at, l.id);
      const o = l.other;
      const held = this.sql.get(`SELECT 1 FROM links WHERE contact_id = ? AND other_kind = ? AND other_value = ? AND rejected_at IS NULL`, l.contactId, o.kind, o.value);
      const identities = this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM addresses WHERE contact_id = ?`, l.contactId)!.n;
      if (!held && identities > 1) this.sql.run(`DELETE FROM addresses WHERE kind = ? AND value = ? AND contact_id = ?`, o.kind, o.value, l.contactId);
      return this.anyLink(l.jid, o);
    });
  }

  findLinks(address: Address): Link[] {
    const a = normaliseAddress(address);
    const rows =
      a.kind === "jid"
        ? this.sql.all<LinkRow>(`SELECT * FROM links WHERE jid = ? AND rejected_at IS NULL ORDER BY id`, a.value)
        : this.sql.all<LinkRow>(`SELECT * FROM links WHERE other_kind = ? AND other_value = ? AND rejected_at IS NULL ORDER BY id`, a.kind, a.value);
    return rows.map(linkOf);
  }

  linksOf(contactId: number): Link[] {
    return this.sql.all<LinkRow>(`SELECT * FROM links WHERE contact_id = ? AND rejected_at IS NULL ORDER BY id`, contactId).map(linkOf);
  }

  setLinkTrust(id: number, trust: LinkTrust, at: number): Link | undefined {
    this.sql.run(`UPDATE links SET trust = ?, updated = ? WHERE id = ?`, trust, at, id);
    const r = this.sql.get<LinkRow>(`SELECT * FROM links WHERE id = ?`, id);
    return r && linkOf(r);
  }

  // ------------------------------------------------------------ conversations

  createConversation(input: Omit<Conversation, "id" | "lastActivity"> & { lastActivity?: number }): Conversation {
    const r = this.sql.run(
      `INSERT INTO conversations (thread_id, peer_contact_id, peer_jid, peer_sip_contact, created, last_activity) VALUES (?, ?, ?, ?, ?, ?)`,
      input.threadId, input.peerContactId, input.peerJid, input.peerSipContact, input.created, input.lastActivity ?? input.created,
    );
    return this.getConversation(Number(r.lastInsertRowid))!;
  }

  getConversation(id: number): Conversation | undefined {
    const r = this.sql.get<ConversationRow>(`SELECT * FROM conversations WHERE id = ?`, id);
    return r && conversationOf(r);
  }

  findConversationByThread(threadId: string, peerContactId: number): Conversation | undefined {
    const r = this.sql.get<ConversationRow>(`SELECT * FROM conversations WHERE thread_id = ? AND peer_contact_id = ?`, threadId, peerContactId);
    return r && conversationOf(r);
  }

  conversationsWith(peerContactId: number): Conversation[] {
    return this.sql
      .all<ConversationRow>(`SELECT * FROM conversations WHERE peer_contact_id = ? ORDER BY last_activity DESC, id DESC`, peerContactId)
      .map(conversationOf);
  }

  updateConversation(id: number, patch: Partial<Pick<Conversation, "peerJid" | "peerSipContact" | "lastActivity">>): Conversation | undefined {
    const c = this.getConversation(id);
    if (!c) return undefined;
    const n = { ...c, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    this.sql.run(`UPDATE conversations SET peer_jid = ?, peer_sip_contact = ?, last_activity = ? WHERE id = ?`, n.peerJid, n.peerSipContact, n.lastActivity, id);
    return this.getConversation(id);
  }

  // ------------------------------------------------------------ messages, calls, reading

  appendMessage(input: MessageInput) {
    return this.transaction(() => history.appendMessage(this.sql, input));
  }
  getMessage(id: number) {
    return history.getMessage(this.sql, id);
  }
  findMessage(key: MessageKey) {
    return history.findMessage(this.sql, key);
  }
  updateDelivery(id: number, state: DeliveryState, at: number) {
    return this.transaction(() => history.updateDelivery(this.sql, id, state, at));
  }
  setArchiveId(id: number, archiveId: string) {
    return this.transaction(() => history.setArchiveId(this.sql, id, archiveId));
  }
  updateDeliveryUpTo(conversationId: number, upTo: number, state: DeliveryState, at: number) {
    return this.transaction(() => marks.updateDeliveryUpTo(this.sql, conversationId, upTo, state, at));
  }
  markRead(conversationId: number, upTo: number | undefined, at: number) {
    return this.transaction(() => marks.markRead(this.sql, conversationId, upTo, at));
  }
  unreadCount(conversationId: number) {
    return marks.unreadCount(this.sql, conversationId);
  }
  recordCall(input: CallInput) {
    return this.transaction(() => history.recordCall(this.sql, input));
  }
  updateCall(id: number, patch: CallUpdate) {
    return this.transaction(() => history.updateCall(this.sql, id, patch));
  }
  getCall(id: number) {
    return history.getCall(this.sql, id);
  }
  findCallBySipCallId(sipCallId: string) {
    return history.findCallBySipCallId(this.sql, sipCallId);
  }
  timeline(contactId: number, options: { before?: TimelineCursor; limit: number }) {
    return history.timeline(this.sql, contactId, options.before, options.limit);
  }
  search(text: string, options: { limit?: number; conversationId?: number } = {}) {
    return history.search(this.sql, text, options.limit ?? 50, options.conversationId);
  }

  // ------------------------------------------------------------ caps, settings

  getCaps(hash: string, ver: string): CapsEntry | undefined {
    type Row = { hash: string; ver: string; node: string; features: string; identities: string; forms: string | null };
    const r = this.sql.get<Row>(`SELECT * FROM caps WHERE hash = ? AND ver = ?`, hash.toLowerCase(), ver);
    if (!r) return undefined;
    const e: CapsEntry = { hash: r.hash, ver: r.ver, node: r.node, features: JSON.parse(r.features), identities: JSON.parse(r.identities) };
    if (r.forms !== null) e.forms = JSON.parse(r.forms);
    return e;
  }

  putCaps(e: CapsEntry): void {
    this.sql.run(
      `INSERT OR REPLACE INTO caps (hash, ver, node, features, identities, forms) VALUES (?, ?, ?, ?, ?, ?)`,
      e.hash.toLowerCase(), e.ver, e.node, JSON.stringify(e.features), JSON.stringify(e.identities), e.forms && JSON.stringify(e.forms),
    );
  }

  getSetting(key: string): string | undefined {
    return this.sql.get<{ value: string }>(`SELECT value FROM settings WHERE key = ?`, key)?.value;
  }

  putSetting(key: string, value: string): void {
    this.sql.run(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
  }

  instanceId(): string {
    return this.transaction(() => {
      const known = this.getSetting(INSTANCE_KEY);
      if (known) return known;
      const id = randomUUID();
      this.putSetting(INSTANCE_KEY, id);
      return id;
    });
  }
}
