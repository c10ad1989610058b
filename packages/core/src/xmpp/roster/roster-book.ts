// RFC 6121 §2.6: the roster we hold, kept current by pushes, with its version.
import type { RosterItem, RosterPush, RosterResult } from "./roster.js";

export type RosterChange = { kind: "set"; item: RosterItem; previous?: RosterItem } | { kind: "remove"; jid: string; previous?: RosterItem };

export class RosterBook {
  private readonly items = new Map<string, RosterItem>();
  ver: string | undefined;

  /** A get result: "unchanged" keeps what we have (§2.6.3). Returns the changes. */
  load(result: RosterResult): RosterChange[] {
    if (result.kind === "unchanged") return [];
    const changes: RosterChange[] = [];
    const incoming = new Map(result.items.map((i) => [i.jid, i]));
    for (const [jid, previous] of this.items) if (!incoming.has(jid)) changes.push({ kind: "remove", jid, previous });
    for (const item of result.items) {
      const previous = this.items.get(item.jid);
      if (!previous || JSON.stringify(previous) !== JSON.stringify(item)) changes.push(withPrevious({ kind: "set", item }, previous));
    }
    this.items.clear();
    for (const i of result.items) this.items.set(i.jid, i);
    this.ver = result.ver;
    return changes;
  }

  apply(push: RosterPush): RosterChange | undefined {
    if (push.kind === "rejected") return undefined;
    if (push.ver !== undefined) this.ver = push.ver;
    if (push.kind === "remove") {
      const previous = this.items.get(push.jid);
      this.items.delete(push.jid);
      return withPrevious({ kind: "remove", jid: push.jid }, previous);
    }
    const previous = this.items.get(push.item.jid);
    this.items.set(push.item.jid, push.item);
    return withPrevious({ kind: "set", item: push.item }, previous);
  }

  get(jid: string): RosterItem | undefined {
    return this.items.get(jid);
  }

  all(): RosterItem[] {
    return [...this.items.values()];
  }
}

function withPrevious<T extends RosterChange>(c: T, previous: RosterItem | undefined): T {
  if (previous) c.previous = previous;
  return c;
}
