// RFC 6121 §4.4-4.5: every resource's current presence, per bare JID.
import { bareJid, parseJid } from "../jid.js";
import type { Presence } from "./presence.js";

export type ResourcePresence = Presence & { resource: string };
export type PresenceChange = { jid: string; bare: string; resource: string; available: boolean; presence: Presence };

export class PresenceTable {
  private readonly byBare = new Map<string, Map<string, ResourcePresence>>();

  /**
   * Applies an available/unavailable/error presence; returns the changes (one
   * per affected resource). Subscription types are not presence state.
   */
  apply(p: Presence): PresenceChange[] {
    if (p.type !== "available" && p.type !== "unavailable" && p.type !== "error") return [];
    const bare = bareJid(p.from);
    const { resource } = parseJid(p.from);
    const resources = this.byBare.get(bare) ?? new Map<string, ResourcePresence>();
    if (p.type === "available") {
      resources.set(resource, { ...p, resource });
      this.byBare.set(bare, resources);
      return [{ jid: p.from, bare, resource, available: true, presence: p }];
    }
    // §4.5.3 / RFC 6120 §8.3: unavailable (or error) from the bare JID ends every resource.
    const gone = resource === "" && !resources.has("") ? [...resources.keys()] : [resource];
    const changes: PresenceChange[] = [];
    for (const r of gone) {
      if (!resources.delete(r) && p.type === "error") continue;
      changes.push({ jid: r ? `${bare}/${r}` : bare, bare, resource: r, available: false, presence: p });
    }
    if (resources.size === 0) this.byBare.delete(bare);
    return changes;
  }

  resources(bare: string): ResourcePresence[] {
    return [...(this.byBare.get(bareJid(bare))?.values() ?? [])];
  }

  get(fullJid: string): ResourcePresence | undefined {
    return this.byBare.get(bareJid(fullJid))?.get(parseJid(fullJid).resource);
  }

  /** The most available resource (highest priority, then the most recent), RFC 6121 §8.5.2.1. */
  best(bare: string): ResourcePresence | undefined {
    const all = this.resources(bare).filter((r) => r.priority >= 0);
    return all.reduce<ResourcePresence | undefined>((b, r) => (!b || r.priority >= b.priority ? r : b), undefined);
  }

  all(): ResourcePresence[] {
    return [...this.byBare.values()].flatMap((m) => [...m.values()]);
  }

  /** Forget everything (we went offline: RFC 6121 §4.6 no longer holds). */
  clear(): void {
    this.byBare.clear();
  }
}
