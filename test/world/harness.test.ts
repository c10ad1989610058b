// The first world test: proves the harness. A slixmpp peer logs in to the
// world's Prosody and chats; baresip instances register at the world's
// Kamailio; a call between two baresip instances carries audio both ways,
// checked from the recordings' dominant frequencies.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  audioStat, makeTone, makeWorldDir, startBaresip, startKamailio, startProsody, startSlixPeer,
  startLines, until, useCleanup,
} from "./index.js";

const track = useCleanup();

describe("XMPP side of the world", () => {
  it("two slixmpp peers log in to Prosody and exchange a message", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const alice = track(await startSlixPeer(prosody, "alice"));
    const bob = track(await startSlixPeer(prosody, "bob"));
    await alice.command({ cmd: "send", to: bob.jid, body: "hello bob", thread: "t-1" });
    const got = await bob.waitEvent((e) => e.type === "message" && e.body === "hello bob", "alice's message");
    expect(got.from).toBe(alice.jid);
    expect(got.thread).toBe("t-1");
    // The server log shows the stanza on the wire (mod_stanza_debug).
    await until("the stanza in Prosody's log", () => prosody.log().includes("hello bob"));
  });
});

describe("SIP side of the world", () => {
  it("baresip registers at Kamailio, and a call between two baresips carries audio both ways", async () => {
    const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
    const tones = makeWorldDir("tones");
    track({ stop: async () => (await import("./dir.js")).removeWorldDir(tones, false) });
    const tone440 = await makeTone(join(tones, "440.wav"), 440);
    const tone1000 = await makeTone(join(tones, "1000.wav"), 1000);
    const bob = track(await startBaresip(kamailio, "bob", { source: tone1000, answer: "auto" }));
    const alice = track(await startBaresip(kamailio, "alice", { source: tone440, answer: "manual" }));
    await bob.registered();
    await alice.registered();
    const regs = await kamailio.registrations();
    expect(regs).toContain("AoR: alice\n");
    expect(regs).toContain("AoR: bob\n");

    await alice.command("dial", "sip:bob@example.test");
    await alice.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established");
    await bob.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established");
    // Let audio flow until both recordings hold at least 3 s of sound; the
    // WAV header is only final after hang-up, so wait on the file size.
    await until("3 s of audio recorded on both sides", () => {
      const files = [...alice.recordings().dec, ...bob.recordings().dec];
      return files.length === 2 && files.every((f) => fileBytes(f) > 3 * 8000 * 2);
    }, { timeoutMs: 30_000 });
    await alice.command("hangup");
    await bob.waitEvent((e) => e.type === "CALL_CLOSED", "call closed");
    await alice.waitEvent((e) => e.type === "CALL_CLOSED", "call closed");

    const [aliceHeard] = alice.recordings().dec;
    const [bobHeard] = bob.recordings().dec;
    const a = await audioStat(aliceHeard!);
    const b = await audioStat(bobHeard!);
    console.log("[harness] alice heard", a, "bob heard", b);
    expect(a.rms).toBeGreaterThan(0.1);
    expect(b.rms).toBeGreaterThan(0.1);
    expect(Math.abs(a.frequency - 1000)).toBeLessThan(60); // bob's tone at alice
    expect(Math.abs(b.frequency - 440)).toBeLessThan(30); // alice's tone at bob

    const lines = startLines(kamailio.wireRecords().filter((r) => r.tag === "rcv"));
    expect(lines.some((l) => l.startsWith("INVITE sip:bob@example.test"))).toBe(true);
    expect(lines.some((l) => l.startsWith("BYE "))).toBe(true);
  });
});

function fileBytes(f: string): number {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
}
import { statSync } from "node:fs";
