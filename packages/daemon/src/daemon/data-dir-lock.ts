// One daemon per data directory (docs/api.md "Running the daemon"): an exclusive lock file holding
// the owner's PID, taken before anything else is touched; a lock whose PID is gone is stale and
// taken over. Also the files' modes: everything the daemon creates there is for its user only.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "@cusax/core";

export const LOCK_FILE = "daemon.lock";

/** The data directory is held by another daemon that is still running. */
export class DataDirLockedError extends ConfigError {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`another cusax daemon (PID ${pid}) is using the data directory ${dataDir}; stop it first (or use another CUSAX_DATA_DIR)`);
  }
}

export type DataDirLock = { readonly file: string; release(): void };

/** Whether a process with this PID exists (EPERM: it exists but is not ours to signal). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file exclusively with our PID; false when it exists already. */
function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes `<dataDir>/daemon.lock` or throws DataDirLockedError naming the holder's PID. A lock left by a
 * process that is gone (or unreadable: a crash between create and write) is removed and taken.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file)) return { file, release: () => releaseLock(file) };
    const holder = readPid(file);
    if (holder !== undefined && pidAlive(holder)) throw new DataDirLockedError(dataDir, holder);
    // Stale: removed only if it still holds what we read (another starter may have taken it meanwhile).
    if (readPid(file) === holder) rmSync(file, { force: true });
  }
  throw new DataDirLockedError(dataDir, readPid(file) ?? 0);
}

/** Removes the lock only while it is still ours. */
function releaseLock(file: string): void {
  if (readPid(file) === process.pid) rmSync(file, { force: true });
}

/** The database and its SQLite companions: 0600 whatever the umask or the directory's mode was. */
export function restrictDatabaseFiles(dbFile: string): void {
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}

/** From now on, files this process creates are for its user only (the -wal and -shm SQLite makes later too). */
export function restrictNewFiles(): void {
  process.umask(0o077);
}

/** Daemon start: new files for the user only, the directory (0700 when new), then its lock. */
export function prepareDataDir(dataDir: string): DataDirLock {
  restrictNewFiles();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return acquireDataDirLock(dataDir);
}
