// SqliteStore on a real file: migrations (PRAGMA user_version), WAL, FTS5, and
// data that survives close and re-open.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS, migrate, schemaVersion, type Migration } from "./migrations.js";
import { SqliteStore } from "./sqlite-store.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-store-"));
  file = join(dir, "cusax.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("migrations", () => {
  it("builds the schema on an empty file and does nothing on re-open", () => {
    const db = new Database(file);
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db)).toEqual([1, 2, 3]);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(expect.arrayContaining(["addresses", "calls", "caps", "contacts", "conversations", "links", "messages", "messages_fts", "settings"]));
    expect(migrate(db)).toEqual([]);
    db.close();
    new SqliteStore(file).close();
    new SqliteStore(file).close();
    const again = new Database(file);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
  });

  it("runs only the pending migrations, each in its own transaction", () => {
    const db = new Database(file);
    migrate(db);
    const next = MIGRATIONS.length + 1;
    const v2: Migration = { version: next, up: (d) => d.exec(`ALTER TABLE contacts ADD COLUMN note TEXT`) };
    const bad: Migration = { version: next + 1, up: (d) => d.exec(`CREATE TABLE t3 (x); SELECT no_such_function();`) };
    expect(() => migrate(db, [...MIGRATIONS, v2, bad])).toThrow();
    // v2 stayed; v3 rolled back whole
    expect(schemaVersion(db)).toBe(next);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 't3'`).pluck().get()).toBe(0);
    expect(migrate(db, [...MIGRATIONS, v2])).toEqual([]);
    db.close();
  });

  it("V2 keeps a V1 history: ids, search, incoming counted as read, 'displayed' allowed", () => {
    const db = new Database(file);
    migrate(db, MIGRATIONS.filter((m) => m.version === 1));
    db.exec(`INSERT INTO contacts (id, created) VALUES (1, 1);
      INSERT INTO conversations (id, thread_id, peer_contact_id, created, last_activity) VALUES (1, 't', 1, 1, 1);
      INSERT INTO messages (id, conversation_id, direction, from_jid, to_jid, body, state, at, state_at)
        VALUES (7, 1, 'in', 'b', 'a', 'old words', 'received', 3, 3), (8, 1, 'out', 'a', 'b', 'mine', 'sent', 4, 4);`);
    db.close();
    const store = new SqliteStore(file);
    expect(store.getMessage(7)).toMatchObject({ body: "old words", readAt: 3 });
    expect(store.getMessage(8)?.readAt).toBeUndefined();
    expect(store.unreadCount(1)).toBe(0);
    expect(store.search("words").map((m) => m.id)).toEqual([7]);
    expect(store.updateDeliveryUpTo(1, 8, "displayed", 9).map((m) => m.id)).toEqual([8]);
    const added = store.appendMessage({ conversationId: 1, direction: "in", from: "b", to: "a", body: "new words", state: "received", at: 10 });
    expect(added.status === "added" && added.message.id).toBe(9);
    expect(store.search("words").map((m) => m.id)).toEqual([9, 7]);
    store.close();
  });

  it("refuses a file written by a newer schema", () => {
    const db = new Database(file);
    db.pragma("user_version = 99");
    expect(() => migrate(db)).toThrow(/newer/);
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer/);
  });
});

describe("SqliteStore file", () => {
  it("uses WAL, foreign keys and FTS5", () => {
    const store = new SqliteStore(file);
    store.close();
    const db = new Database(file);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare(`SELECT sqlite_compileoption_used('ENABLE_FTS5')`).pluck().get()).toBe(1);
    db.close();
  });

  it("keeps everything across close and re-open", () => {
    let store = new SqliteStore(file);
    const id = store.instanceId();
    const bob = store.createContact({ name: "Bob", addresses: [{ kind: "jid", value: "bob@example.net" }], at: 1 });
    store.addLink({ jid: "bob@example.net", other: { kind: "sip", value: "sip:bob@example.net" }, origin: "user", at: 2, trust: "user-confirmed" });
    const conv = store.createConversation({ threadId: "5c1b0f3a9d7e4a2c8f61b3e0d4a7c925", peerContactId: bob.id, created: 3 });
    store.appendMessage({ conversationId: conv.id, direction: "out", from: "a@x/r", to: "bob@example.net", body: "persisted words", state: "pending", at: 4, originId: "o1" });
    store.recordCall({ direction: "out", peer: { kind: "sip", value: "sip:bob@example.net" }, outcome: "answered", startedAt: 5, answeredAt: 6, endedAt: 9, conversationId: conv.id, sipCallId: "c1" });
    store.putCaps({ hash: "sha-1", ver: "v", node: "n", features: ["f"], identities: [] });
    store.close();
    store.close(); // twice is harmless

    store = new SqliteStore(file);
    expect(store.instanceId()).toBe(id);
    expect(store.findContactByAddress({ kind: "sip", value: "sip:bob@example.net" })?.name).toBe("Bob");
    expect(store.timeline(bob.id, { limit: 10 }).map((i) => i.kind)).toEqual(["message", "call"]);
    expect(store.search("WORDS").map((m) => m.originId)).toEqual(["o1"]);
    expect(store.appendMessage({ conversationId: conv.id, direction: "out", from: "a@x/r", to: "b", body: "again", state: "pending", at: 7, originId: "o1" }).status).toBe("duplicate");
    expect(store.findCallBySipCallId("c1")?.durationMs).toBe(3);
    expect(store.getCaps("SHA-1", "v")?.features).toEqual(["f"]);
    store.close();
  });

  it("lets two connections to one file write in turn (WAL)", () => {
    const a = new SqliteStore(file);
    const b = new SqliteStore(file);
    const bob = a.upsertContact({ kind: "jid", value: "bob@example.net" }, { at: 1 });
    const conv = a.createConversation({ threadId: "t", peerContactId: bob.id, created: 1 });
    for (let i = 0; i < 50; i++) {
      const s = i % 2 ? a : b;
      s.transaction(() => {
        s.appendMessage({ conversationId: conv.id, direction: "in", from: "bob@example.net/x", to: "me@x", body: `n${i}`, state: "received", at: i, stanzaId: `s${i}` });
        s.appendMessage({ conversationId: conv.id, direction: "in", from: "bob@example.net/x", to: "me@x", body: "dup", state: "received", at: i, stanzaId: `s${i}` });
      });
    }
    expect(a.timeline(bob.id, { limit: 100 })).toHaveLength(50);
    expect(b.search("n49").map((m) => m.stanzaId)).toEqual(["s49"]);
    a.close();
    b.close();
  });

  it("enforces foreign keys", () => {
    const store = new SqliteStore(file);
    expect(() => store.createConversation({ threadId: "t", peerContactId: 42, created: 1 })).toThrow();
    store.close();
  });
});
