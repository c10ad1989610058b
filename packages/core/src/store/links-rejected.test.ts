// DECISION(protocol.md D31): a link the user removed stays rejected (both
// stores), migration V3 keeps a V2 file's links; D30: claims per claimant.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { learnLink, MAX_CLAIMS } from "../link/learn-links.js";
import { MemoryStore } from "./memory-store.js";
import { MIGRATIONS, migrate, schemaVersion } from "./migrations.js";
import { SqliteStore } from "./sqlite-store.js";
import type { Store } from "./types.js";

const BOB = "bob@example.com";
const SIP = { kind: "sip" as const, value: "sip:bob@pbx.example.com" };

describe.each([
  ["memory", () => new MemoryStore() as Store],
  ["sqlite", () => new SqliteStore(":memory:") as Store],
])("a removed link (%s store)", (_name, make) => {
  it("is hidden, never re-learned from reach, Call-Info or discovery, and comes back only when the user links it", () => {
    const store = make();
    expect(learnLink(store, BOB, SIP.value, "reach", 1)).toBeDefined();
    const removed = store.rejectLink(BOB, SIP, 2);
    expect(removed?.rejectedAt).toBe(2);
    expect(store.getLink(BOB, SIP)).toBeUndefined();
    expect(store.findLinks({ kind: "jid", value: BOB })).toEqual([]);
    expect(store.findLinks(SIP)).toEqual([]);
    expect(store.isLinkRejected(BOB, SIP)).toBe(true);
    for (const origin of ["reach", "pep", "vcard4", "call-info", "same-name"] as const) {
      expect(learnLink(store, BOB, "sip:bob@pbx.example.com;gr=x", origin, 3)).toBeUndefined();
    }
    expect(store.getLink(BOB, SIP)).toBeUndefined();
    expect(store.rejectLink(BOB, SIP, 4)).toBeUndefined(); // nothing left to remove
    const again = learnLink(store, BOB, SIP.value, "user", 5);
    expect(again).toMatchObject({ trust: "user-confirmed", jid: BOB });
    expect(again?.rejectedAt).toBeUndefined();
    expect(store.isLinkRejected(BOB, SIP)).toBe(false);
    expect(store.findLinks(SIP)).toHaveLength(1);
  });

  it("a confirmed link's SIP address leaves the contact when the link is removed", () => {
    const store = make();
    learnLink(store, BOB, SIP.value, "user", 1);
    const contact = store.findContactByAddress({ kind: "jid", value: BOB })!;
    expect(contact.addresses).toContainEqual(SIP);
    store.rejectLink(BOB, SIP, 2);
    expect(store.getContact(contact.id)!.addresses).toEqual([{ kind: "jid", value: BOB }]);
    expect(store.findContactByAddress(SIP)).toBeUndefined();
  });

  it(`D30: one JID's claims stop at ${MAX_CLAIMS} links; known links still refresh and the user may add more`, () => {
    const store = make();
    for (let i = 0; i < MAX_CLAIMS + 50; i++) learnLink(store, BOB, `sip:b${i}@example.com`, "reach", i);
    const contact = store.findContactByAddress({ kind: "jid", value: BOB })!;
    expect(store.linksOf(contact.id)).toHaveLength(MAX_CLAIMS);
    expect(learnLink(store, BOB, "sip:b0@example.com", "pep", 100)?.evidence.pep).toBe(100);
    expect(learnLink(store, BOB, "sip:mine@example.com", "user", 101)).toBeDefined();
    expect(store.linksOf(contact.id)).toHaveLength(MAX_CLAIMS + 1);
  });
});

describe("migration V3 on a V2 file", () => {
  it("adds the rejected state and keeps every link", () => {
    const dir = mkdtempSync(join(tmpdir(), "cusax-v3-"));
    try {
      const path = join(dir, "cusax.db");
      const db = new Database(path);
      migrate(db, MIGRATIONS.filter((m) => m.version <= 2));
      expect(schemaVersion(db)).toBe(2);
      db.prepare(`INSERT INTO contacts (id, name, created) VALUES (1, 'Bob', 1)`).run();
      db.prepare(`INSERT INTO addresses (kind, value, contact_id) VALUES ('jid', ?, 1)`).run(BOB);
      db.prepare(`INSERT INTO links (contact_id, jid, other_kind, other_value, origin, trust, evidence, created, updated) VALUES (1, ?, 'sip', ?, 'reach', 'claimed', '{"reach":1}', 1, 1)`).run(BOB, SIP.value);
      db.close();
      const store = new SqliteStore(path);
      expect(store.getLink(BOB, SIP)).toMatchObject({ jid: BOB, other: SIP, origin: "reach", trust: "claimed", evidence: { reach: 1 } });
      expect(store.getLink(BOB, SIP)?.rejectedAt).toBeUndefined();
      expect(store.rejectLink(BOB, SIP, 9)?.rejectedAt).toBe(9);
      store.close();
      const reopened = new SqliteStore(path);
      expect(reopened.isLinkRejected(BOB, SIP)).toBe(true);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
