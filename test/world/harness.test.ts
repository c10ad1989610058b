// The first world test: proves the harness. A slixmpp peer logs in to the
// world's Prosody and chats; baresip instances register at the world's
// Kamailio; a call between two baresip instances carries audio both ways,
// checked from the recordings' dominant frequencies.
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  audioStat, makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startProsody, startSlixPeer,
  startLines, until, useCleanup, type BaresipOptions,
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

// baresip records at the codec's channel count: Opus calls in stereo.
type CallCase = { name: string; rate: 8000 | 48000; channels: 1 | 2; options: Partial<BaresipOptions>; expectInInvite: RegExp[] };

const callCases: CallCase[] = [
  { name: "G.711 over UDP", rate: 8000, channels: 1, options: {}, expectInInvite: [/^m=audio \d+ RTP\/AVP 0 8/m] },
  {
    name: "Opus with mandatory SRTP over TLS",
    rate: 48000,
    channels: 2,
    options: { transport: "tls", modules: ["opus", "srtp"], accountParams: ";mediaenc=srtp-mand;audio_codecs=opus/48000/2" },
    expectInInvite: [/^m=audio \d+ RTP\/SAVP 96/m, /^a=rtpmap:96 opus\/48000\/2/m, /^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m],
  },
];

describe("SIP side of the world", () => {
  it.each(callCases)("baresips register at Kamailio and a call carries audio both ways: $name", async ({ rate, channels, options, expectInInvite }) => {
    const kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
    const tones = makeWorldDir("tones");
    track({ stop: async () => removeWorldDir(tones, false) });
    const tone440 = await makeTone(join(tones, "440.wav"), 440, { rate });
    const tone1000 = await makeTone(join(tones, "1000.wav"), 1000, { rate });
    const common = { ...options, sampleRate: rate };
    const bob = track(await startBaresip(kamailio, "bob", { ...common, source: tone1000, answer: "auto" }));
    const alice = track(await startBaresip(kamailio, "alice", { ...common, source: tone440, answer: "manual" }));
    await bob.registered();
    await alice.registered();
    const regs = await kamailio.registrations();
    expect(regs).toContain("AoR: alice\n");
    expect(regs).toContain("AoR: bob\n");

    await alice.command("dial", `sip:bob@${kamailio.domain}`);
    await alice.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established");
    await bob.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established");
    // Let audio flow until both recordings hold at least 3 s of sound; the
    // WAV header is only final after hang-up, so wait on the file size.
    await until("3 s of audio recorded on both sides", () => {
      const files = [...alice.recordings().dec, ...bob.recordings().dec];
      return files.length === 2 && files.every((f) => fileBytes(f) > 3 * rate * 2 * channels);
    }, { timeoutMs: 30_000 });
    await alice.command("hangup");
    await bob.waitEvent((e) => e.type === "CALL_CLOSED", "call closed");
    await alice.waitEvent((e) => e.type === "CALL_CLOSED", "call closed");

    const a = await audioStat(alice.recordings().dec[0]!);
    const b = await audioStat(bob.recordings().dec[0]!);
    expect(a.rms).toBeGreaterThan(0.1);
    expect(b.rms).toBeGreaterThan(0.1);
    expect(Math.abs(a.frequency - 1000)).toBeLessThan(60); // bob's tone at alice
    expect(Math.abs(b.frequency - 440)).toBeLessThan(30); // alice's tone at bob

    // What went over the wire, as Kamailio saw it.
    const received = (await kamailio.wireRecords()).filter((r) => r.tag === "rcv");
    expect(startLines(received).some((l) => l.startsWith(`INVITE sip:bob@${kamailio.domain}`))).toBe(true);
    expect(startLines(received).some((l) => l.startsWith("BYE "))).toBe(true);
    const invite = received.find((r) => r.text.startsWith("INVITE "))!;
    for (const re of expectInInvite) expect(invite.text).toMatch(re);
    if (options.transport === "tls") expect(invite.proto).toMatch(/^tls/);
  });
});

function fileBytes(f: string): number {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
}
