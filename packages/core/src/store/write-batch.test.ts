// store/write-batch.ts: deferred network writes, in order, one transaction per turn, announced after commit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WriteBatch } from "./write-batch.js";
import { SqliteStore } from "./sqlite-store.js";

function manual(maxBatch: number) {
  const turns: (() => void)[] = [];
  const log: string[] = [];
  const errors: unknown[] = [];
  const batch = new WriteBatch({
    maxBatch,
    schedule: (fn) => turns.push(fn),
    transaction: (fn) => {
      log.push("begin");
      fn();
      log.push("commit");
    },
    onError: (e) => errors.push(e),
  });
  return { batch, turns, log, errors, turn: () => turns.shift()!() };
}

describe("WriteBatch", () => {
  it("runs the jobs of a turn in order in one transaction, their follow-ups after the commit", () => {
    const w = manual(10);
    for (const n of [1, 2, 3]) w.batch.defer(() => (w.log.push(`job ${n}`), () => w.log.push(`after ${n}`)));
    expect(w.log).toEqual([]);
    expect(w.turns).toHaveLength(1);
    w.turn();
    expect(w.log).toEqual(["begin", "job 1", "job 2", "job 3", "commit", "after 1", "after 2", "after 3"]);
    expect(w.batch.pending).toBe(0);
  });

  it("takes at most maxBatch jobs per turn and schedules the rest for the next", () => {
    const w = manual(2);
    for (const n of [1, 2, 3, 4, 5]) w.batch.defer(() => void w.log.push(`job ${n}`));
    w.turn();
    expect(w.log).toEqual(["begin", "job 1", "job 2", "commit"]);
    expect(w.batch.pending).toBe(3);
    w.turn();
    w.turn();
    expect(w.log.filter((l) => l.startsWith("job"))).toEqual(["job 1", "job 2", "job 3", "job 4", "job 5"]);
    expect(w.turns).toHaveLength(0);
  });

  it("flush runs everything pending at once; a failing job is reported and the others still run", () => {
    const w = manual(2);
    w.batch.defer(() => void w.log.push("a"));
    w.batch.defer(() => {
      throw new Error("boom");
    });
    w.batch.defer(() => void w.log.push("c"));
    w.batch.flush();
    expect(w.log.filter((l) => l.length === 1)).toEqual(["a", "c"]);
    expect(w.errors.map(String)).toEqual(["Error: boom"]);
    w.turn(); // the scheduled turn finds nothing left: no empty transaction
    expect(w.log.filter((l) => l === "begin")).toHaveLength(1);
  });

  it("a commit that fails announces nothing of its batch", () => {
    const errors: unknown[] = [];
    const announced: number[] = [];
    const batch = new WriteBatch({ transaction: () => { throw new Error("disk I/O error"); }, schedule: () => undefined, onError: (e) => errors.push(e) });
    batch.defer(() => () => announced.push(1));
    batch.flush();
    expect(announced).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it("SqliteStore.flush() stores what is deferred", () => {
    const store = new SqliteStore(":memory:");
    store.defer(() => store.putSetting("k", "v"));
    expect(store.getSetting("k")).toBeUndefined();
    store.flush();
    expect(store.getSetting("k")).toBe("v");
    store.close();
  });

  it("SqliteStore.close() stores what is still deferred before closing the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "cusax-batch-"));
    try {
      const store = new SqliteStore(join(dir, "s.db"));
      store.defer(() => store.putSetting("k", "w"));
      store.close();
      const again = new SqliteStore(join(dir, "s.db"));
      expect(again.getSetting("k")).toBe("w");
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
