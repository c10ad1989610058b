// data-dir-lock.ts: one daemon per data directory (a PID lock, stale when its PID is gone) and
// database files for the user only, whatever the directory's mode and the umask were.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@cusax/core";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE, restrictDatabaseFiles, restrictNewFiles } from "./data-dir-lock.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function dataDir(mode = 0o755): string {
  const d = mkdtempSync(join(tmpdir(), "cusax-lock-"));
  chmodSync(d, mode);
  dirs.push(d);
  return d;
}
const modeOf = (f: string) => statSync(f).mode & 0o777;

/** A PID that existed and is gone now: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  return child.pid!;
}

describe("the data directory lock", () => {
  it("is taken with our PID (0600); a second taker is refused with the PID and the directory; release frees it", () => {
    const dir = dataDir();
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    expect(modeOf(join(dir, LOCK_FILE))).toBe(0o600);
    let refused: unknown;
    try {
      acquireDataDirLock(dir);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect(refused).toMatchObject({ kind: "config", pid: process.pid, dataDir: dir });
    expect((refused as Error).message).toContain(`PID ${process.pid}`);
    expect((refused as Error).message).toContain(dir);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    acquireDataDirLock(dir).release();
  });

  it("refuses while another live process holds it", async () => {
    const dir = dataDir();
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      writeFileSync(join(dir, LOCK_FILE), `${other.pid}\n`);
      expect(() => acquireDataDirLock(dir)).toThrow(`another cusax daemon (PID ${other.pid}) is using the data directory ${dir}`);
    } finally {
      other.kill("SIGKILL");
      await once(other, "exit");
    }
  });

  it("takes over a stale lock (its PID is gone) and an empty one", async () => {
    const dir = dataDir();
    writeFileSync(join(dir, LOCK_FILE), `${await deadPid()}\n`);
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), "");
    acquireDataDirLock(dir).release();
  });

  it("release leaves a lock that another daemon took meanwhile", () => {
    const dir = dataDir();
    const lock = acquireDataDirLock(dir);
    writeFileSync(join(dir, LOCK_FILE), "1\n");
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe("1\n");
  });
});

describe("database file modes", () => {
  it("the database and its -wal/-shm are 0600 in an existing 0755 directory", () => {
    const dir = dataDir(0o755);
    const before = process.umask();
    try {
      restrictNewFiles();
      const db = join(dir, "cusax.db");
      const store = new SqliteStore(db);
      restrictDatabaseFiles(db);
      for (const f of [db, `${db}-wal`, `${db}-shm`]) expect([f, modeOf(f)]).toEqual([f, 0o600]);
      store.close();
    } finally {
      process.umask(before);
    }
  });

  it("tightens files an earlier run left 0644", () => {
    const dir = dataDir(0o755);
    const db = join(dir, "cusax.db");
    for (const f of [db, `${db}-wal`, `${db}-shm`]) writeFileSync(f, "", { mode: 0o644 });
    chmodSync(db, 0o644);
    restrictDatabaseFiles(db);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(modeOf(f)).toBe(0o600);
  });
});
