// De-duplication of messages seen twice (SM redelivery, offline + MAM, carbons):
// XEP-0359 §3 origin-id / §4 stanza-id, else the stanza id per sender.
import type { ChatMessage } from "./message.js";
import { bareJid } from "../jid.js";

/** Every key a message can be recognised by. */
export function messageKeys(msg: ChatMessage, ourBareJid: string, archiveId?: string): string[] {
  const from = bareJid(msg.from);
  const keys: string[] = [];
  for (const s of msg.stanzaIds) if (bareJid(s.by) === ourBareJid) keys.push(`sid ${s.id}`);
  if (archiveId) keys.push(`sid ${archiveId}`);
  if (msg.originId) keys.push(`oid ${from} ${msg.originId}`);
  if (msg.id) keys.push(`id ${from} ${msg.id}`);
  return keys;
}

/** A bounded memory of keys; `check` records and says whether any was seen before. */
export class MessageDedup {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 20_000) {}

  /** True when the message is new; records all its keys either way. */
  firstTime(keys: readonly string[]): boolean {
    if (keys.length === 0) return true;
    const dup = keys.some((k) => this.seen.has(k));
    for (const k of keys) this.remember(k);
    return !dup;
  }

  private remember(key: string): void {
    this.seen.delete(key);
    this.seen.add(key);
    if (this.seen.size > this.max) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}
