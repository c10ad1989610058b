// World: RFC 3264 offer/answer and RFC 3550 RTP between our createMediaHooks and baresip through Kamailio,
// with PCMU, PCMA (RFC 3551) and Opus (RFC 7587) forced on both sides, in calls placed from each side:
// our 440 Hz tone reaches baresip's recording and its 1 kHz tone reaches our sink.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { callFileName, callSinks, type CallCodecName } from "../../../packages/core/src/media/index.js";
import { audioStat, makeWorldDir, removeWorldDir, startKamailio, until, useCleanup, type Baresip, type Kamailio } from "../index.js";
import { nextIncoming, reach } from "../sip/call-kit.js";
import { hearTone, PHONE_CODECS, phoneHeard, startMediaAgent, startPhone, type MediaAgent } from "./media-kit.js";

const track = useCleanup();
const codecs: CallCodecName[] = ["PCMU", "PCMA", "opus"];

type World = { k: Kamailio; alice: MediaAgent; phones: Record<string, Baresip> };
let shared: Promise<World> | undefined;

/** One Kamailio, our agent `alice`, and one baresip per codec (users pcmu, pcma, opus). */
function world(): Promise<World> {
  shared ??= (async () => {
    const k = track(await startKamailio({ users: ["alice", ...codecs.map((c) => c.toLowerCase())], label: "media-codecs" }));
    const dir = makeWorldDir("media-codecs-tones");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const started = await Promise.all(codecs.map((c) => startPhone(k, c.toLowerCase(), dir, PHONE_CODECS[c]).then(track)));
    const phones = Object.fromEntries(codecs.map((c, i) => [c, started[i]!]));
    const alice = track(await startMediaAgent(k, "alice"));
    return { k, alice, phones };
  })();
  return shared;
}

describe("audio both ways with baresip, one codec forced", () => {
  it("a WAV sink per call (callSinks) holds baresip's tone once the call closed", async () => {
    const { k, alice } = await world();
    const dir = makeWorldDir("media-codecs-wav");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    alice.configure({ codecs: ["PCMU"], srtp: "off", sink: callSinks({ kind: "wav", dir, prefix: "rx-" }) });
    const call = alice.ua.call(`sip:pcmu@${k.domain}`);
    await reach(call, "established");
    const audio = alice.audioOf(call);
    await until("50 RTP packets", () => (audio.media.stats()?.packetsReceived ?? 0) >= 50);
    call.hangup();
    await reach(call, "ended");
    await until("media closed", () => audio.media.closed);
    const stat = await audioStat(join(dir, `rx-${callFileName(call.id)}.wav`));
    expect(stat.seconds).toBeGreaterThan(0.9);
    expect(Math.abs(stat.frequency - 1000)).toBeLessThan(30);
  });

  for (const codec of codecs) {
    it(`${codec}: we call baresip`, async () => {
      const { k, alice, phones } = await world();
      const phone = phones[codec]!;
      const before = phone.recordings().dec;
      alice.configure({ codecs: [codec], srtp: "off" });
      const call = alice.ua.call(`sip:${codec.toLowerCase()}@${k.domain}`);
      await reach(call, "established");
      const audio = alice.audioOf(call);
      expect(audio.media.negotiated?.codec?.name.toLowerCase()).toBe(codec.toLowerCase());
      expect(Math.abs((await hearTone(audio)) - 1000)).toBeLessThan(30);
      call.hangup();
      await reach(call, "ended");
      expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
      expect(audio.media.closed).toBe(true);
    });

    it(`${codec}: baresip calls us`, async () => {
      const { k, alice, phones } = await world();
      const phone = phones[codec]!;
      const before = phone.recordings().dec;
      alice.configure({ codecs: [codec], srtp: "off" });
      const incoming = nextIncoming(alice.ua);
      await phone.command("dial", `sip:alice@${k.domain}`);
      const call = await incoming;
      expect(await call.answer()).toBe(true);
      await reach(call, "established");
      const audio = alice.audioOf(call);
      expect(audio.media.negotiated?.codec?.name.toLowerCase()).toBe(codec.toLowerCase());
      expect(Math.abs((await hearTone(audio)) - 1000)).toBeLessThan(30);
      await phone.command("hangup");
      await reach(call, "ended");
      expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
    });
  }
});
