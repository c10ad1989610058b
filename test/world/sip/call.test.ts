// World: RFC 3261 §13-§15 calls between our SipUserAgent and baresip through Kamailio, over UDP and TLS:
// answered both ways, rejected 486, cancelled, ended from each side; media from sdp/ + media/.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dominantFrequency } from "../../../packages/core/src/media/index.js";
import { audioStat, makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, until, useCleanup, type Baresip } from "../index.js";
import { nextIncoming, reach, startAgent } from "./call-kit.js";

const track = useCleanup();

async function world(transport: "udp" | "tls", label: string) {
  const k = track(await startKamailio({ users: ["alice", "bob"], label }));
  const dir = { dir: makeWorldDir(`${label}-tones`) };
  track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir.dir, keepDir) });
  const tone = await makeTone(join(dir.dir, "bob.wav"), 1000, { seconds: 4 });
  return { k, tone, transport };
}

async function bob(w: Awaited<ReturnType<typeof world>>, answer: "auto" | "manual"): Promise<Baresip> {
  const b = track(await startBaresip(w.k, "bob", { source: w.tone, answer, transport: w.transport }));
  await b.registered();
  return b;
}

for (const transport of ["udp", "tls"] as const) {
  describe(`calls with baresip over ${transport.toUpperCase()}`, () => {
    it("we call baresip, it answers, audio flows, we hang up", async () => {
      const w = await world(transport, `call-out-${transport}`);
      const b = await bob(w, "auto");
      const alice = track(await startAgent(w.k, "alice", transport));
      const call = alice.ua.call(`sip:bob@${w.k.domain}`);
      await reach(call, "established");
      await b.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established");
      // 1.2 s of bob's audio (60 packets of 20 ms) has arrived.
      await until("60 RTP packets from baresip", () => (alice.medias[0]?.session?.received ?? 0) >= 60);
      // We hear bob's 1 kHz tone.
      expect(Math.abs(dominantFrequency(alice.medias[0]!.sink.samples(), 8000) - 1000)).toBeLessThan(30);
      call.hangup();
      await reach(call, "ended");
      await b.waitEvent((e) => e.type === "CALL_CLOSED", "call closed");
      expect(call.outcome).toEqual({ reason: "hangup", by: "local" });
      // Bob heard our 440 Hz tone (the WAV is complete once the call closed).
      const dec = await until("bob's recording", () => b.recordings().dec[0]);
      const heard = await until("a finished recording", async () => {
        const stat = await audioStat(dec).catch(() => undefined);
        return stat && stat.seconds > 0.5 ? stat : undefined;
      });
      expect(Math.abs(heard.frequency - 440)).toBeLessThan(30);
      // The INVITE really went over this transport.
      const invite = (await w.k.wireRecords()).find((r) => r.tag === "rcv" && r.text.startsWith("INVITE "))!;
      expect(invite.proto.toUpperCase()).toContain(transport.toUpperCase());
      // protocol.md §2 / RFC 5627: our dialog Contact is the pub-gruu.
      expect(invite.text).toMatch(new RegExp(`^(Contact|m): <sip:alice@${w.k.domain};gr=urn:uuid:`, "mi"));
    });

    it("baresip calls us, we answer, baresip hangs up", async () => {
      const w = await world(transport, `call-in-${transport}`);
      const b = await bob(w, "auto");
      const alice = track(await startAgent(w.k, "alice", transport));
      const incoming = nextIncoming(alice.ua);
      await b.command("dial", `sip:alice@${w.k.domain}`);
      const call = await incoming;
      expect(call.direction).toBe("incoming");
      expect(call.remote).toContain("bob@");
      expect(await call.answer()).toBe(true);
      await reach(call, "established");
      await b.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established");
      await until("audio from baresip", () => (alice.medias[0]?.session?.received ?? 0) >= 25);
      await b.command("hangup");
      await reach(call, "ended");
      expect(call.outcome).toEqual({ reason: "hangup", by: "remote" });
    });
  });
}
