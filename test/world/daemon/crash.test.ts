// A daemon killed with SIGKILL in the middle of a chat loses no message it had
// acknowledged, and a restarted daemon keeps its contacts, links and history.
import { describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup } from "../index.js";
import { ok, startDaemon, writeConfig, type Daemon } from "./daemon-kit.js";

type Item = { kind: string; body?: string; direction: string };
type Contact = { jids: string[]; sip: string[]; subscription?: string };

const track = useCleanup();
const poll = { timeoutMs: 30_000, intervalMs: 200 };

describe("a daemon killed mid-chat", () => {
  it("loses no acknowledged message and keeps contacts, links and history across the restart", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
    const dir = makeWorldDir("crash");
    track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
    const alice = track(await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio)));
    const bobPaths = writeConfig(dir, "bob", prosody, kamailio);
    let bob: Daemon = await startDaemon("bob", bobPaths);
    const aliceJid = prosody.users.alice!.jid;
    const bobJid = prosody.users.bob!.jid;
    await ok(alice.dataDir, ["add", bobJid]);
    await until("bob sees alice asking", async () =>
      (await ok<{ subscriptionRequests: string[] }>(bob.dataDir, ["contacts"])).subscriptionRequests.includes(aliceJid), poll);
    await ok(bob.dataDir, ["add", aliceJid]);
    await ok(bob.dataDir, ["link", aliceJid, `sip:alice@${kamailio.domain}`]);
    const bodies = async () =>
      (await ok<{ items: Item[] }>(bob.dataDir, ["history", aliceJid])).items.filter((i) => i.kind === "message" && i.direction === "in").map((i) => i.body);

    // Acknowledged = bob's daemon shows it in its history.
    for (let i = 1; i <= 3; i++) await ok(alice.dataDir, ["send", bobJid, `before ${i}`]);
    await until("bob has the first three", async () => (await bodies()).length === 3, poll);

    process.kill(bob.pid, "SIGKILL");
    expect(await bob.exitCode()).toBeNull(); // killed, not exited
    for (let i = 1; i <= 3; i++) await ok(alice.dataDir, ["send", bobJid, `while down ${i}`]);

    bob = track(await startDaemon("bob", bobPaths));
    const expected = ["before 1", "before 2", "before 3", "while down 1", "while down 2", "while down 3"];
    await until("bob has all six", async () => (await bodies()).length >= 6, poll);
    // Each exactly once, in order (offline delivery or the archive, never both).
    expect(await bodies()).toEqual(expected);
    const { contacts } = await ok<{ contacts: Contact[] }>(bob.dataDir, ["contacts"]);
    const a = contacts.find((c) => c.jids.includes(aliceJid));
    expect(a?.sip).toContain(`sip:alice@${kamailio.domain}`);
    await ok(alice.dataDir, ["send", bobJid, "after"]);
    await until("bob gets new messages again", async () => (await bodies()).includes("after"), poll);
  });
});
