// The daemon's files and processes (docs/api.md "Running the daemon"): one daemon per data directory
// (a second is refused with the first one's PID and leaves its files alone), the database 0600 in a
// directory that already existed, and SIGTERM with a call ringing ends the call, records its outcome
// and then closes the store, at real Kamailio and Prosody.
import { statSync, existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup, type Kamailio, type Prosody } from "../index.js";
import { cli, ok, startDaemon, writeConfig } from "./daemon-kit.js";

const track = useCleanup();
const poll = { timeoutMs: 60_000, intervalMs: 200 };
const modeOf = (f: string) => statSync(f).mode & 0o777;

let world: Promise<{ prosody: Prosody; kamailio: Kamailio; dir: string }> | undefined;
function servers() {
  world ??= (async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob", "carol"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob", "carol"], label: "daemon-stop" }));
    const dir = makeWorldDir("daemon-stop");
    track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
    return { prosody, kamailio, dir };
  })();
  return world;
}

describe("the daemon's data directory", () => {
  it("is held by one daemon: a second is refused naming the PID and directory; the database files are 0600", async () => {
    const { prosody, kamailio, dir } = await servers();
    const paths = writeConfig(dir, "carol", prosody, kamailio); // makes the data directory, 0755 under the usual umask
    expect(modeOf(paths.dataDir) & 0o055).not.toBe(0);
    const first = track(await startDaemon("carol", paths, { startTimeoutMs: 120_000 }));
    const db = join(paths.dataDir, "cusax.db");
    for (const f of [db, `${db}-wal`, `${db}-shm`, join(paths.dataDir, "api-token"), join(paths.dataDir, "api-url")]) {
      expect([f, modeOf(f)]).toEqual([f, 0o600]);
    }
    const second = await cli(paths.dataDir, ["daemon", "--config", paths.config]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`another cusax daemon (PID ${first.pid}) is using the data directory ${paths.dataDir}`);
    // The first one's files are still there and it still answers.
    expect(existsSync(join(paths.dataDir, "api-url")) && existsSync(join(paths.dataDir, "api-token"))).toBe(true);
    expect(await ok(paths.dataDir, ["status"])).toBeDefined();
    await first.stop();
    expect(await first.exitCode()).toBe(0);
    expect(existsSync(join(paths.dataDir, "daemon.lock"))).toBe(false);
  });
});

describe("stopping the daemon", () => {
  it("with a call ringing: SIGTERM cancels it, stores its outcome, closes the store and exits 0 promptly", async () => {
    const { prosody, kamailio, dir } = await servers();
    const alicePaths = writeConfig(dir, "alice", prosody, kamailio);
    const alice = track(await startDaemon("alice", alicePaths, { startTimeoutMs: 120_000 }));
    const bob = track(await startDaemon("bob", writeConfig(dir, "bob", prosody, kamailio), { startTimeoutMs: 120_000 }));
    type Calls = { calls: { id: string; state: string; direction: string }[] };
    await ok(alice.dataDir, ["call", `sip:bob@${kamailio.domain}`]);
    await until("bob's phone to ring", async () => (await ok<Calls>(bob.dataDir, ["calls"])).calls.some((c) => c.state === "ringing"), poll);
    const [call] = (await ok<Calls>(alice.dataDir, ["calls"])).calls;
    expect(call?.state).toBe("ringing");
    const started = Date.now();
    await alice.stop();
    const tookMs = Date.now() - started;
    console.log(`daemon stop with a ringing call took ${tookMs} ms`);
    expect(await alice.exitCode()).toBe(0);
    // Before: the call's CANCEL timer held the process ~19 s, then its record write hit a closed store.
    expect(tookMs).toBeLessThan(15_000);
    expect(alice.log()).not.toContain("database connection is not open");
    const store = new Database(join(alicePaths.dataDir, "cusax.db"), { readonly: true });
    try {
      const rows = store.prepare("SELECT outcome, ended_at AS endedAt FROM calls WHERE sip_call_id = ?").all(call!.id) as { outcome: string; endedAt: number | null }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]!.outcome).toBe("cancelled");
      expect(rows[0]!.endedAt).not.toBeNull();
    } finally {
      store.close();
    }
    await until("bob's phone to stop ringing", async () => (await ok<Calls>(bob.dataDir, ["calls"])).calls.length === 0, poll);
  });
});
