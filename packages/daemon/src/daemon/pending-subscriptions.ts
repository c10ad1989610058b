// RFC 6121 §3.1.3: subscription requests waiting for the user's answer, kept
// across restarts in the store's settings table (a JSON list of {jid, at}).
// It is a Set of bare JIDs (what RouteDeps.pendingSubscriptions holds), so
// the code that fills it and POST /contacts need no change.

export const PENDING_SUBSCRIPTIONS_KEY = "daemon.pending-subscriptions";

/** The store's settings table, as far as this needs it. */
export type SettingsStore = { getSetting(key: string): string | undefined; putSetting(key: string, value: string): void };

export type PendingRequest = { jid: string; at: number };

function parse(text: string | undefined): PendingRequest[] {
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter((r): r is PendingRequest => !!r && typeof r.jid === "string" && typeof r.at === "number");
  } catch {
    // A damaged setting loses the waiting requests; the peers ask again on their next presence.
    return [];
  }
}

export class PendingSubscriptions extends Set<string> {
  private readonly since = new Map<string, number>();
  private store: SettingsStore | undefined;

  constructor(store: SettingsStore, private readonly now: () => number = Date.now) {
    // Set's constructor would call add() before the fields exist: load afterwards.
    super();
    for (const r of parse(store.getSetting(PENDING_SUBSCRIPTIONS_KEY))) {
      super.add(r.jid);
      this.since.set(r.jid, r.at);
    }
    this.store = store;
  }

  override add(jid: string): this {
    if (this.has(jid)) return this;
    super.add(jid);
    this.since.set(jid, this.now());
    this.save();
    return this;
  }

  override delete(jid: string): boolean {
    const had = super.delete(jid);
    this.since.delete(jid);
    if (had) this.save();
    return had;
  }

  override clear(): void {
    super.clear();
    this.since.clear();
    this.save();
  }

  /** Oldest first. */
  requests(): PendingRequest[] {
    return [...this].map((jid) => ({ jid, at: this.since.get(jid) ?? 0 })).sort((a, b) => a.at - b.at || a.jid.localeCompare(b.jid));
  }

  private save(): void {
    this.store?.putSetting(PENDING_SUBSCRIPTIONS_KEY, JSON.stringify(this.requests()));
  }
}
