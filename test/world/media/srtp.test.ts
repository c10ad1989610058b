// World: RFC 3711 SRTP keyed by RFC 4568 SDES between our createMediaHooks (srtp: "required") and baresip
// (mediaenc=srtp-mand) through Kamailio: audio both ways in calls placed from each side, RTP/SAVP with
// a=crypto in the SDP on the wire, and what "offered" SRTP does with a phone that has none.
import { describe, expect, it } from "vitest";
import type { CallCodecName } from "../../../packages/core/src/media/index.js";
import { makeWorldDir, removeWorldDir, startKamailio, until, useCleanup, type Baresip, type Kamailio, type WireRecord } from "../index.js";
import { nextIncoming, reach } from "../sip/call-kit.js";
import { hearTone, PHONE_CODECS, phoneHeard, startMediaAgent, startPhone, type MediaAgent } from "./media-kit.js";

const track = useCleanup();
const codecs: CallCodecName[] = ["PCMU", "opus"];
const SRTP = { modules: ["srtp"], accountParams: ";mediaenc=srtp-mand" };

type World = { k: Kamailio; alice: MediaAgent; phones: Record<string, Baresip> };
let shared: Promise<World> | undefined;

function world(): Promise<World> {
  shared ??= (async () => {
    const k = track(await startKamailio({ users: ["alice", "pcmu", "opus", "plain"], label: "media-srtp" }));
    const dir = makeWorldDir("media-srtp-tones");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const [pcmu, opus, plain] = await Promise.all([
      startPhone(k, "pcmu", dir, PHONE_CODECS.PCMU, SRTP).then(track),
      startPhone(k, "opus", dir, PHONE_CODECS.opus, SRTP).then(track),
      startPhone(k, "plain", dir, PHONE_CODECS.PCMU).then(track),
    ]);
    const alice = track(await startMediaAgent(k, "alice"));
    return { k, alice, phones: { PCMU: pcmu!, opus: opus!, plain: plain! } };
  })();
  return shared;
}

/** The SDP body of the SIP message Kamailio received with `callId` whose start line matches `start`. */
function sdpOnWire(records: WireRecord[], callId: string, start: RegExp): string {
  const rec = records.find((r) => r.tag === "rcv" && start.test(r.text) && r.text.includes(callId) && r.text.includes("m=audio"));
  if (!rec) throw new Error(`no ${start} with SDP for ${callId} on the wire`);
  return rec.text.slice(rec.text.indexOf("\r\n\r\n"));
}

const SAVP = /^m=audio \d+ RTP\/SAVP /m;
const CRYPTO = /^a=crypto:\d+ AES_CM_128_HMAC_SHA1_(80|32) inline:/m;

describe("SRTP with baresip (mediaenc=srtp-mand)", () => {
  for (const codec of codecs) {
    it(`${codec}: we call baresip, RTP/SAVP with a=crypto both ways on the wire`, async () => {
      const { k, alice, phones } = await world();
      const phone = phones[codec]!;
      const before = phone.recordings().dec;
      alice.configure({ codecs: [codec], srtp: "required" });
      const call = alice.ua.call(`sip:${codec.toLowerCase()}@${k.domain}`);
      await reach(call, "established");
      const audio = alice.audioOf(call);
      expect(audio.media.negotiated?.srtp).toBeDefined();
      expect(Math.abs((await hearTone(audio)) - 1000)).toBeLessThan(30);
      call.hangup();
      await reach(call, "ended");
      expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
      const wire = (await k.wireRecords());
      for (const sdp of [sdpOnWire(wire, call.id, /^INVITE /), sdpOnWire(wire, call.id, /^SIP\/2\.0 200 /)]) {
        expect(sdp).toMatch(SAVP);
        expect(sdp).toMatch(CRYPTO);
      }
      expect(audio.media.stats()).toBeUndefined(); // closed
    });

    it(`${codec}: baresip calls us`, async () => {
      const { k, alice, phones } = await world();
      const phone = phones[codec]!;
      const before = phone.recordings().dec;
      alice.configure({ codecs: [codec], srtp: "required" });
      const incoming = nextIncoming(alice.ua);
      await phone.command("dial", `sip:alice@${k.domain}`);
      const call = await incoming;
      expect(await call.answer()).toBe(true);
      await reach(call, "established");
      const audio = alice.audioOf(call);
      expect(audio.media.negotiated?.srtp).toBeDefined();
      expect(Math.abs((await hearTone(audio)) - 1000)).toBeLessThan(30);
      await phone.command("hangup");
      await reach(call, "ended");
      expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
      const wire = (await k.wireRecords());
      for (const sdp of [sdpOnWire(wire, call.id, /^INVITE /), sdpOnWire(wire, call.id, /^SIP\/2\.0 200 /)]) {
        expect(sdp).toMatch(SAVP);
        expect(sdp).toMatch(CRYPTO);
      }
    });
  }

  it("offered SRTP (RTP/AVP with a=crypto) still reaches a phone without SRTP, in plain RTP", async () => {
    const { k, alice, phones } = await world();
    alice.configure({ codecs: ["PCMU"], srtp: "offered" });
    const call = alice.ua.call(`sip:plain@${k.domain}`);
    await reach(call, "established");
    const audio = alice.audioOf(call);
    expect(audio.media.negotiated?.srtp).toBeUndefined();
    expect(Math.abs((await hearTone(audio, 25)) - 1000)).toBeLessThan(30);
    const offer = sdpOnWire((await k.wireRecords()), call.id, /^INVITE /);
    expect(offer).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(offer).toMatch(CRYPTO);
    call.hangup();
    await reach(call, "ended");
    await phones.plain!.waitEvent((e) => e.type === "CALL_CLOSED", "call closed");
  });

  it("required SRTP: a plain offer from baresip is refused with 488", async () => {
    const { k, alice, phones } = await world();
    alice.configure({ codecs: ["PCMU"], srtp: "required" });
    const incoming = nextIncoming(alice.ua);
    await phones.plain!.command("dial", `sip:alice@${k.domain}`);
    const call = await incoming;
    expect(await call.answer()).toBe(false);
    await reach(call, "ended");
    expect(call.outcome).toMatchObject({ status: 488 });
    await until488(k, call.id);
  });
});

async function until488(k: Kamailio, callId: string): Promise<void> {
  await until("488 on the wire", async () => (await k.wireRecords()).some((r) => r.text.startsWith("SIP/2.0 488") && r.text.includes(callId)));
}
