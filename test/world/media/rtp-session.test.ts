// Loopback UDP: two RTP sessions exchanging real datagrams (a world test: it uses sockets).
// Two RTP sessions on loopback UDP. Time is a FakeClock per side; the test
// waits for delivery events (never a fixed sleep).
import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../packages/core/src/util/clock.js";
import { waitFor } from "../../../packages/core/src/util/events.js";
import { dominantFrequency } from "../../../packages/core/src/media/analysis.js";
import { createPcmuCodec } from "../../../packages/core/src/media/codecs/g711.js";
import { MemorySink, ToneSource } from "../../../packages/core/src/media/source.js";
import type { SrtpKeyMaterial } from "../../../packages/core/src/media/srtp/srtp-context.js";
import { RtpSession, type RtpSessionOptions } from "../../../packages/core/src/media/rtp/rtp-session.js";

const open: RtpSession[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

async function session(clock: FakeClock, hz: number, extra: Partial<RtpSessionOptions> = {}) {
  const sink = new MemorySink(8000);
  const s = await RtpSession.open({
    clock,
    codec: createPcmuCodec(),
    source: new ToneSource(8000, hz, 8000),
    sink,
    telephoneEvent: { sendPayloadType: 101, receivePayloadType: 101 },
    portRange: { min: 32000, max: 32999 },
    rtcpIntervalMs: 60_000,
    ...extra,
  });
  open.push(s);
  return { s, sink, clock };
}

/** Advances the sender one frame and waits until the receiver got it. */
async function step(from: { s: RtpSession; clock: FakeClock }, to: { s: RtpSession }) {
  const got = waitFor(to.s.events, "audio", () => true, { timeoutMs: 15_000 });
  from.clock.advance(20);
  await got;
}

function key(fill: number): SrtpKeyMaterial {
  return { suite: "AES_CM_128_HMAC_SHA1_80", masterKey: new Uint8Array(16).fill(fill), masterSalt: new Uint8Array(14).fill(fill) };
}

describe("RtpSession on loopback", () => {
  it("sends tone both ways: the callee latches to the caller's source", async () => {
    const a = await session(new FakeClock(), 1000);
    const b = await session(new FakeClock(), 440);
    a.s.setRemote({ address: "127.0.0.1", port: b.s.localPort });
    const latched = waitFor(b.s.events, "latched", () => true, { timeoutMs: 15_000 });
    a.s.start();
    b.s.start();
    await step(a, b);
    expect(await latched).toEqual({ address: "127.0.0.1", port: a.s.localPort });
    for (let i = 0; i < 60; i++) {
      await step(a, b);
      await step(b, a);
    }
    expect(b.s.received).toBeGreaterThanOrEqual(60);
    expect(b.s.cumulativeLost).toBe(0);
    const atB = b.sink.samples().subarray(8000 * 0.2);
    const atA = a.sink.samples().subarray(8000 * 0.2);
    expect(dominantFrequency(atB, 8000)).toBeGreaterThan(990);
    expect(dominantFrequency(atB, 8000)).toBeLessThan(1010);
    expect(dominantFrequency(atA, 8000)).toBeGreaterThan(435);
    expect(dominantFrequency(atA, 8000)).toBeLessThan(445);
  });

  it("delivers a DTMF digit once and counts bad packets without crashing", async () => {
    const a = await session(new FakeClock(), 1000);
    const b = await session(new FakeClock(), 440);
    a.s.setRemote({ address: "127.0.0.1", port: b.s.localPort });
    a.s.start();
    b.s.start();
    const digits: string[] = [];
    b.s.events.on("dtmf", (d) => digits.push(d.digit));
    const got = waitFor(b.s.events, "dtmf", () => true, { timeoutMs: 15_000 });
    a.s.sendDigit("7");
    a.clock.advance(20);
    await got;
    for (let i = 0; i < 6; i++) a.clock.advance(20);
    await step(a, b); // audio resumes after the digit; by now its end packets have arrived too
    expect(digits).toEqual(["7"]);

    const bad = waitFor(b.s.events, "rejected", (r) => r.reason === "short", { timeoutMs: 15_000 });
    const raw = createSocket("udp4");
    raw.send(Uint8Array.from([0x80, 0, 0]), b.s.localPort, "127.0.0.1");
    await bad;
    raw.close();
    expect(b.s.rejected.short).toBe(1);
  });

  it("runs over SRTP and rejects packets that fail authentication", async () => {
    const a = await session(new FakeClock(), 1000, { srtp: { local: key(1), remote: key(2) } });
    const b = await session(new FakeClock(), 440, { srtp: { local: key(2), remote: key(1) } });
    a.s.setRemote({ address: "127.0.0.1", port: b.s.localPort });
    a.s.start();
    b.s.start();
    for (let i = 0; i < 5; i++) await step(a, b);
    const c = await session(new FakeClock(), 300, { srtp: { local: key(9), remote: key(9) } });
    c.s.setRemote({ address: "127.0.0.1", port: b.s.localPort });
    c.s.start();
    const bad = waitFor(b.s.events, "rejected", (r) => r.reason === "srtp-auth", { timeoutMs: 15_000 });
    c.clock.advance(20);
    await bad;
    // RFC 3550 A.1: the first packet only starts probation, so 4 of 5 are counted.
    expect(b.s.received).toBe(4);
  });

  it("exchanges RTCP: SR from one side yields an RTT on the other", async () => {
    const a = await session(new FakeClock(), 1000);
    const b = await session(new FakeClock(), 440);
    a.s.setRemote({ address: "127.0.0.1", port: b.s.localPort });
    a.s.start();
    b.s.start();
    for (let i = 0; i < 3; i++) {
      await step(a, b);
      await step(b, a);
    }
    const atB = waitFor(b.s.events, "rtcp", () => true, { timeoutMs: 15_000 });
    a.s.sendRtcp();
    await atB;
    const atA = waitFor(a.s.events, "rtcp", (e) => e.rttMs !== undefined, { timeoutMs: 15_000 });
    b.s.sendRtcp();
    const { rttMs } = await atA;
    // A real round trip (its size depends on the machine's load: no upper bound here).
    expect(rttMs).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(rttMs)).toBe(true);
  });
});
