// SQLite schema of the store, versioned through PRAGMA user_version; each
// migration runs in its own transaction, so a crash leaves the last good version.
import type Database from "better-sqlite3";
import { ConfigError } from "../util/errors.js";

export type Migration = { version: number; up: (db: Database.Database) => void };

const V1 = `
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  name TEXT,
  created INTEGER NOT NULL
);
CREATE TABLE addresses (
  kind TEXT NOT NULL CHECK (kind IN ('jid', 'sip', 'tel')),
  value TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX addresses_contact ON addresses(contact_id);

CREATE TABLE links (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  jid TEXT NOT NULL,
  other_kind TEXT NOT NULL CHECK (other_kind IN ('sip', 'tel')),
  other_value TEXT NOT NULL,
  origin TEXT NOT NULL,
  trust TEXT NOT NULL CHECK (trust IN ('claimed', 'verified', 'user-confirmed')),
  evidence TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  UNIQUE (jid, other_kind, other_value)
);
CREATE INDEX links_other ON links(other_kind, other_value);
CREATE INDEX links_contact ON links(contact_id);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  thread_id TEXT NOT NULL,
  peer_contact_id INTEGER NOT NULL REFERENCES contacts(id),
  peer_jid TEXT,
  peer_sip_contact TEXT,
  created INTEGER NOT NULL,
  last_activity INTEGER NOT NULL,
  UNIQUE (thread_id, peer_contact_id)
);
CREATE INDEX conversations_peer ON conversations(peer_contact_id, last_activity);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  from_jid TEXT NOT NULL,
  to_jid TEXT NOT NULL,
  body TEXT NOT NULL,
  stanza_id TEXT,
  origin_id TEXT,
  archive_id TEXT UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'failed', 'received')),
  at INTEGER NOT NULL,
  state_at INTEGER NOT NULL,
  UNIQUE (conversation_id, direction, stanza_id),
  UNIQUE (conversation_id, direction, origin_id)
);
CREATE INDEX messages_conversation_at ON messages(conversation_id, at);

CREATE VIRTUAL TABLE messages_fts USING fts5(
  body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;

CREATE TABLE calls (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER REFERENCES conversations(id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  peer_kind TEXT NOT NULL,
  peer_value TEXT NOT NULL,
  outcome TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  answered_at INTEGER,
  ended_at INTEGER,
  duration_ms INTEGER,
  stats TEXT,
  sip_call_id TEXT UNIQUE
);
CREATE INDEX calls_peer ON calls(peer_kind, peer_value, started_at);
CREATE INDEX calls_conversation ON calls(conversation_id);

CREATE TABLE caps (
  hash TEXT NOT NULL,
  ver TEXT NOT NULL,
  node TEXT NOT NULL,
  features TEXT NOT NULL,
  identities TEXT NOT NULL,
  forms TEXT,
  PRIMARY KEY (hash, ver)
) WITHOUT ROWID;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;

// V2 (XEP-0333 chat markers, unread state, why a call failed): the state
// CHECK gains 'displayed' (SQLite cannot alter a CHECK: the table is rebuilt,
// ids kept, so the FTS index stays valid), plus markable, read_at and
// calls.reason. History from before V2
// counts as read: nobody could read it "again".
const V2 = `
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
CREATE TABLE messages_v2 (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  from_jid TEXT NOT NULL,
  to_jid TEXT NOT NULL,
  body TEXT NOT NULL,
  stanza_id TEXT,
  origin_id TEXT,
  archive_id TEXT UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'displayed', 'failed', 'received')),
  at INTEGER NOT NULL,
  state_at INTEGER NOT NULL,
  markable INTEGER NOT NULL DEFAULT 0,
  read_at INTEGER,
  UNIQUE (conversation_id, direction, stanza_id),
  UNIQUE (conversation_id, direction, origin_id)
);
INSERT INTO messages_v2 (id, conversation_id, direction, from_jid, to_jid, body, stanza_id, origin_id, archive_id, state, at, state_at, markable, read_at)
  SELECT id, conversation_id, direction, from_jid, to_jid, body, stanza_id, origin_id, archive_id, state, at, state_at, 0,
         CASE direction WHEN 'in' THEN at END FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v2 RENAME TO messages;
CREATE INDEX messages_conversation_at ON messages(conversation_id, at);
ALTER TABLE calls ADD COLUMN reason TEXT;
CREATE INDEX messages_unread ON messages(conversation_id) WHERE direction = 'in' AND read_at IS NULL;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
`;

// V3 (DECISION(protocol.md D31)): a link the user removed is kept as
// rejected (rejected_at set), so reach or discovery cannot bring it back.
const V3 = `ALTER TABLE links ADD COLUMN rejected_at INTEGER;`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, up: (db) => db.exec(V1) },
  { version: 2, up: (db) => db.exec(V2) },
  { version: 3, up: (db) => db.exec(V3) },
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Brings the file up to the last migration; a no-op on a migrated file.
 * Returns the versions that ran. A file from a newer cusax is refused.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = schemaVersion(db);
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new ConfigError(`store schema ${current} is newer than this cusax knows (${latest})`);
  }
  const ran: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    })();
    ran.push(m.version);
  }
  return ran;
}
