// What was typed and not sent survives a reload or a lost network: one draft
// per conversation, and the outbox of sends that failed, in localStorage (any
// object with the Web Storage getItem/setItem/removeItem surface).
export type KeyValueStorage = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

export type OutboxItem = { localId: string; contactKey: string; to: string; body: string; at: number; conversationId?: number };

const DRAFT = "cusax.draft.";
const OUTBOX = "cusax.outbox";
const MAX_DRAFT = 64 * 1024;

export class Drafts {
  constructor(private readonly storage: KeyValueStorage | undefined) {}

  get(key: string): string {
    return this.read(DRAFT + key) ?? "";
  }

  set(key: string, text: string): void {
    if (text === "") this.remove(DRAFT + key);
    else this.write(DRAFT + key, text.slice(0, MAX_DRAFT));
  }

  outbox(): OutboxItem[] {
    const raw = this.read(OUTBOX);
    if (!raw) return [];
    try {
      const list: unknown = JSON.parse(raw);
      return Array.isArray(list) ? list.filter(isOutboxItem) : [];
    } catch {
      return []; // a corrupt entry is dropped, not fatal
    }
  }

  keep(item: OutboxItem): void {
    this.write(OUTBOX, JSON.stringify([...this.outbox().filter((o) => o.localId !== item.localId), item]));
  }

  drop(localId: string): void {
    const rest = this.outbox().filter((o) => o.localId !== localId);
    if (rest.length) this.write(OUTBOX, JSON.stringify(rest));
    else this.remove(OUTBOX);
  }

  private read(k: string): string | null {
    try {
      return this.storage?.getItem(k) ?? null;
    } catch {
      return null; // storage disabled (private mode): drafts live in memory only
    }
  }

  private write(k: string, v: string): void {
    try {
      this.storage?.setItem(k, v);
    } catch {
      // quota or disabled storage: the text stays in the composer
    }
  }

  private remove(k: string): void {
    try {
      this.storage?.removeItem(k);
    } catch {
      // as in write()
    }
  }
}

function isOutboxItem(o: unknown): o is OutboxItem {
  if (typeof o !== "object" || o === null) return false;
  const r = o as Record<string, unknown>;
  return typeof r.localId === "string" && typeof r.contactKey === "string" && typeof r.to === "string" && typeof r.body === "string" && typeof r.at === "number";
}

/** A Map-backed storage (tests, and browsers without localStorage). */
export function memoryStorage(): KeyValueStorage & { size(): number } {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    size: () => m.size,
  };
}
