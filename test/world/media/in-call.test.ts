// World: during a call with baresip through Kamailio: RFC 4733 DTMF both ways, RFC 3264 §8.4 hold and resume
// (from each side) stopping media one way and restoring it, and bad RTP/SRTP (RFC 3550 §A.1 checks,
// RFC 3711 §3.3 authentication) at our media port counted and dropped while the call goes on.
import { createSocket } from "node:dgram";
import { describe, expect, it } from "vitest";
import { serializeRtp } from "../../../packages/core/src/media/index.js";
import { makeWorldDir, removeWorldDir, startKamailio, until, useCleanup, type Baresip, type Kamailio } from "../index.js";
import { reach } from "../sip/call-kit.js";
import { PHONE_CODECS, startMediaAgent, startPhone, type CallAudio, type MediaAgent } from "./media-kit.js";

const track = useCleanup();

type World = { k: Kamailio; alice: MediaAgent; plain: Baresip; secure: Baresip };
let shared: Promise<World> | undefined;

function world(): Promise<World> {
  shared ??= (async () => {
    const k = track(await startKamailio({ users: ["alice", "plain", "secure"], label: "media-in-call" }));
    const dir = makeWorldDir("media-in-call-tones");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const [plain, secure] = await Promise.all([
      startPhone(k, "plain", dir, PHONE_CODECS.PCMU).then(track),
      startPhone(k, "secure", dir, PHONE_CODECS.PCMU, { modules: ["srtp"], accountParams: ";mediaenc=srtp-mand" }).then(track),
    ]);
    const alice = track(await startMediaAgent(k, "alice"));
    return { k, alice, plain: plain!, secure: secure! };
  })();
  return shared;
}

/** We call `user` (PCMU), wait for audio from it, and return the call and its media. */
async function callPhone(w: World, user: string, srtp: "off" | "required") {
  w.alice.configure({ codecs: ["PCMU"], srtp });
  const call = w.alice.ua.call(`sip:${user}@${w.k.domain}`);
  await reach(call, "established");
  const audio = w.alice.audioOf(call);
  await until("audio from baresip", () => received(audio) >= 10);
  return { call, audio };
}

const received = (a: CallAudio) => a.media.stats()?.packetsReceived ?? 0;
const sent = (a: CallAudio) => a.media.stats()?.packetsSent ?? 0;

/** Lets `frames` of our own send clock pass, returning how many packets arrived meanwhile. */
async function arrivedDuring(a: CallAudio, frames: number): Promise<number> {
  // The sink gets one frame per playout tick, sound or silence: our own frame clock.
  const from = received(a);
  const clock = () => a.sink.frames.length;
  const start = clock();
  await until(`${frames} frames of time`, () => clock() - start >= frames, { timeoutMs: 30_000 });
  return received(a) - from;
}

describe("in a call with baresip", () => {
  // baresip 1.0 reports and sends telephone-events only with 8 kHz audio (its sndcode fails in an Opus call), so PCMU.
  it("DTMF: digits we send are reported by baresip, digits baresip sends are reported by us", async () => {
    const w = await world();
    const { call, audio } = await callPhone(w, "plain", "off");
    const seen = w.plain.events.length;
    await call.sendDtmf("19*#");
    const starts = () => w.plain.events.slice(seen).filter((e) => e.type === "CALL_DTMF_START").map((e) => e.param);
    await until("baresip reports 4 digits", () => starts().length >= 4);
    expect(starts()).toEqual(["1", "9", "*", "#"]);

    const ours: string[] = [];
    audio.media.events.on("dtmf", (d) => ours.push(d.digit));
    // ctrl_tcp "sndcode" (menu.so): one key per command.
    expect((await w.plain.command("sndcode", "7")).ok).toBe(true);
    expect((await w.plain.command("sndcode", "#")).ok).toBe(true);
    await until("our 2 digits", () => ours.length >= 2);
    expect(ours).toEqual(["7", "#"]);
    call.hangup();
    await reach(call, "ended");
  });

  it("hold and resume, from our side and from baresip's, stop media one way and restore it", async () => {
    const w = await world();
    const { call, audio } = await callPhone(w, "plain", "off");
    // Four re-INVITEs follow; none changes codec, keys or address, so one RtpSession carries the whole call.
    let restarts = 0;
    audio.media.events.on("started", () => restarts++);
    // We hold: sendonly; baresip answers recvonly and stops sending; we keep sending.
    expect(await call.hold()).toBe(true);
    expect(audio.media.flow).toEqual({ send: true, recv: false });
    const sentBefore = sent(audio);
    await until("in-flight packets drained", async () => (await arrivedDuring(audio, 10)) === 0, { timeoutMs: 30_000 });
    const phoneBefore = await phoneRtp(w.plain);
    expect(await arrivedDuring(audio, 50)).toBe(0);
    expect(sent(audio) - sentBefore).toBeGreaterThanOrEqual(50);
    // baresip still hears us (its RTCP member table counts our packets; its recorder stops on recvonly).
    expect((await phoneRtp(w.plain)).received - phoneBefore.received).toBeGreaterThanOrEqual(40);
    expect(await call.resume()).toBe(true);
    expect(audio.media.flow).toEqual({ send: true, recv: true });
    await until("audio from baresip again", async () => (await arrivedDuring(audio, 10)) >= 8);

    // baresip holds us (ctrl_tcp "hold"): its sendonly offer, our recvonly answer; we stop sending.
    const holdRes = await w.plain.command("hold");
    expect(holdRes.ok).toBe(true);
    await until("our side on hold", () => !audio.media.flow.send);
    expect(audio.media.flow).toEqual({ send: false, recv: true });
    const frozen = sent(audio);
    // A second of our clock passes without a packet sent (baresip, holding, happens to send nothing either).
    await arrivedDuring(audio, 50);
    expect(sent(audio)).toBe(frozen);
    expect((await w.plain.command("resume")).ok).toBe(true);
    await until("our side sending again", () => audio.media.flow.send);
    const heard = (await phoneRtp(w.plain)).received;
    await until("baresip hears us again", async () => (await phoneRtp(w.plain)).received >= heard + 25);
    expect(sent(audio)).toBeGreaterThanOrEqual(frozen + 25);
    expect(restarts).toBe(0);
    call.hangup();
    await reach(call, "ended");
  });

  it("bad RTP at our media port (short, wrong version, random SSRC) is counted and dropped; audio goes on", async () => {
    const w = await world();
    const { call, audio } = await callPhone(w, "plain", "off");
    const port = await audio.media.localPort();
    const good = audio.media.negotiated!;
    const rtp = (ssrc: number, version = 2) => {
      const bytes = serializeRtp({ padding: 0, marker: false, payloadType: good.codec!.receivePayloadType, sequenceNumber: 1, timestamp: 1, ssrc, csrc: [], payload: new Uint8Array(160) });
      bytes[0] = (version << 6) | (bytes[0]! & 0x3f);
      return bytes;
    };
    await blast(port, [new Uint8Array([0x80, 0x00, 0x01]), rtp(0x1234, 1), rtp(0xdeadbeef)]);
    await until("the drops counted", () => {
      const r = audio.media.stats()!.rejected;
      return (r.short ?? 0) >= 5 && (r.version ?? 0) >= 5 && (r["unknown-ssrc"] ?? 0) >= 5;
    });
    expect(call.state).toBe("established");
    // Every datagram reached the port; only the good ones count as received.
    expect(await audio.media.datagrams()).toBeGreaterThanOrEqual(received(audio) + 15);
    await until("audio still arriving", async () => (await arrivedDuring(audio, 10)) >= 8);
    call.hangup();
    await reach(call, "ended");
  });

  it("SRTP with a wrong authentication tag is counted as srtp-auth and dropped; audio goes on", async () => {
    const w = await world();
    const { call, audio } = await callPhone(w, "secure", "required");
    expect(audio.media.negotiated?.srtp).toBeDefined();
    const port = await audio.media.localPort();
    const forged = serializeRtp({ padding: 0, marker: false, payloadType: 0, sequenceNumber: 7, timestamp: 1, ssrc: 0x42, csrc: [], payload: new Uint8Array(170) });
    await blast(port, [forged]);
    await until("the forged packets counted", () => (audio.media.stats()!.rejected["srtp-auth"] ?? 0) >= 5);
    await until("audio still arriving", async () => (await arrivedDuring(audio, 10)) >= 8);
    call.hangup();
    await reach(call, "ended");
  });
});

/** baresip's RTP counters for its current call (ctrl_tcp "audio_debug": RTCP member rcvd, TX packets). */
async function phoneRtp(b: Baresip): Promise<{ received: number; sent: number }> {
  const text = (await b.command("audio_debug")).data ?? "";
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return { received: num(/rcvd=(\d+)/), sent: num(/TX: packets=(\d+)/) };
}

/** Sends each packet 5 times from a fresh socket to our RTP port. */
async function blast(port: number, packets: Uint8Array[]): Promise<void> {
  const s = createSocket("udp4");
  try {
    for (let i = 0; i < 5; i++)
      for (const p of packets) await new Promise<void>((resolve, reject) => s.send(p, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
  } finally {
    s.close();
  }
}
