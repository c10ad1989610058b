// SQLite rows of the store (schema in migrations.ts) and their records; a
// cache of prepared statements.
import type Database from "better-sqlite3";
import type {
  AddressKind,
  Call,
  CallOutcome,
  Conversation,
  DeliveryState,
  Direction,
  Link,
  LinkOrigin,
  LinkTrust,
  Message,
} from "./types.js";

type Param = string | number | bigint | null | undefined;

/** Prepared statements, made once per SQL text. */
export class Sql {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(readonly db: Database.Database) {}

  private st(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  get<T>(sql: string, ...params: Param[]): T | undefined {
    return this.st(sql).get(...params.map(nul)) as T | undefined;
  }

  all<T>(sql: string, ...params: Param[]): T[] {
    return this.st(sql).all(...params.map(nul)) as T[];
  }

  /** With named parameters (`:name`). */
  allNamed<T>(sql: string, params: Record<string, Param>): T[] {
    const bound = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, nul(v)]));
    return this.st(sql).all(bound) as T[];
  }

  run(sql: string, ...params: Param[]): Database.RunResult {
    return this.st(sql).run(...params.map(nul));
  }
}

function nul(p: Param): string | number | bigint | null {
  return p === undefined ? null : p;
}

/** undefined for SQL NULL, so records have no `key: null` fields. */
function opt<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

export type LinkRow = {
  id: number;
  contact_id: number;
  jid: string;
  other_kind: AddressKind;
  other_value: string;
  origin: LinkOrigin;
  trust: LinkTrust;
  evidence: string;
  created: number;
  updated: number;
  rejected_at: number | null;
};

export function linkOf(r: LinkRow): Link {
  const l: Link = {
    id: r.id,
    contactId: r.contact_id,
    jid: r.jid,
    other: { kind: r.other_kind, value: r.other_value },
    origin: r.origin,
    trust: r.trust,
    evidence: JSON.parse(r.evidence) as Link["evidence"],
    created: r.created,
    updated: r.updated,
  };
  if (r.rejected_at !== null) l.rejectedAt = r.rejected_at;
  return l;
}

export type ConversationRow = {
  id: number;
  thread_id: string;
  peer_contact_id: number;
  peer_jid: string | null;
  peer_sip_contact: string | null;
  created: number;
  last_activity: number;
};

export function conversationOf(r: ConversationRow): Conversation {
  const c: Conversation = {
    id: r.id,
    threadId: r.thread_id,
    peerContactId: r.peer_contact_id,
    created: r.created,
    lastActivity: r.last_activity,
  };
  if (r.peer_jid !== null) c.peerJid = r.peer_jid;
  if (r.peer_sip_contact !== null) c.peerSipContact = r.peer_sip_contact;
  return c;
}

export type MessageRow = {
  id: number;
  conversation_id: number;
  direction: Direction;
  from_jid: string;
  to_jid: string;
  body: string;
  stanza_id: string | null;
  origin_id: string | null;
  archive_id: string | null;
  state: DeliveryState;
  at: number;
  state_at: number;
  markable: number;
  read_at: number | null;
};

export function messageOf(r: MessageRow): Message {
  const m: Message = {
    id: r.id,
    conversationId: r.conversation_id,
    direction: r.direction,
    from: r.from_jid,
    to: r.to_jid,
    body: r.body,
    state: r.state,
    at: r.at,
    stateAt: r.state_at,
  };
  if (r.stanza_id !== null) m.stanzaId = r.stanza_id;
  if (r.origin_id !== null) m.originId = r.origin_id;
  if (r.archive_id !== null) m.archiveId = r.archive_id;
  if (r.markable) m.markable = true;
  if (r.read_at !== null) m.readAt = r.read_at;
  return m;
}

export type CallRow = {
  id: number;
  conversation_id: number | null;
  direction: Direction;
  peer_kind: AddressKind;
  peer_value: string;
  outcome: CallOutcome;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  stats: string | null;
  sip_call_id: string | null;
  reason: string | null;
};

export function callOf(r: CallRow): Call {
  const c: Call = {
    id: r.id,
    direction: r.direction,
    peer: { kind: r.peer_kind, value: r.peer_value },
    outcome: r.outcome,
    startedAt: r.started_at,
  };
  const optional: Partial<Call> = {
    conversationId: opt(r.conversation_id),
    answeredAt: opt(r.answered_at),
    endedAt: opt(r.ended_at),
    durationMs: opt(r.duration_ms),
    stats: r.stats === null ? undefined : (JSON.parse(r.stats) as Record<string, unknown>),
    sipCallId: opt(r.sip_call_id),
    reason: opt(r.reason),
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (c as Record<string, unknown>)[k] = v;
  }
  return c;
}
