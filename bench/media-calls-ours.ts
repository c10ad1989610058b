// The cusax half of bench/media-calls.bench.ts: N calls as pairs of our
// RtpSessions (RFC 3550) on loopback UDP in this process, each side sending
// a tone every 20 ms on the real clock and decoding what it receives into a
// sink that discards it.
import { realClock } from "../packages/core/src/util/clock.js";
import type { AudioCodec } from "../packages/core/src/media/codecs/codec.js";
import { createPcmuCodec } from "../packages/core/src/media/codecs/g711.js";
import { createOpusCodec } from "../packages/core/src/media/codecs/opus.js";
import { ToneSource, type MediaSink } from "../packages/core/src/media/source.js";
import { RtpSession } from "../packages/core/src/media/rtp/rtp-session.js";

export type BenchCodec = "PCMU" | "opus";

export const LATE_DEFINITION =
  "late = a packet sent more than 10 ms after its 20 ms slot (the frame tick ran late), " +
  "or a packet the jitter buffer received after its playout time; late % = late / packets sent, over the measured window";

export type CallRun = {
  calls: number;
  seconds: number;
  /** CPU ms used per call per second of call (both ends of the call). */
  cpuMsPerCallSecond: number;
  packetsSent: number;
  lateSends: number;
  lateArrivals: number;
  latePercent: number;
  lossPercent: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class DiscardSink implements MediaSink {
  constructor(readonly sampleRate: number) {}
  write(): void {}
  close(): void {}
}

function codecFor(name: BenchCodec): AudioCodec {
  return name === "PCMU" ? createPcmuCodec() : createOpusCodec({ sampleRate: 48000 });
}

type Counters = { sent: number; lateSends: number; lateArrivals: number; expected: number; lost: number };

function counters(sessions: RtpSession[]): Counters {
  const c: Counters = { sent: 0, lateSends: 0, lateArrivals: 0, expected: 0, lost: 0 };
  for (const s of sessions) {
    const st = s.streamStats();
    c.sent += st.packetsSent;
    c.lateSends += s.sendTiming.late;
    c.lateArrivals += s.jitterBuffer.stats.late;
    c.expected += st.expected;
    c.lost += Math.max(0, st.cumulativeLost);
  }
  return c;
}

async function openPair(codec: BenchCodec, codecs: AudioCodec[]): Promise<RtpSession[]> {
  const make = () => {
    const c = codecFor(codec);
    codecs.push(c);
    return RtpSession.open({
      clock: realClock,
      codec: c,
      source: new ToneSource(c.sampleRate, 440),
      sink: new DiscardSink(c.sampleRate),
      portRange: { min: 20000, max: 29999 },
      rtcpIntervalMs: 5000,
    });
  };
  const a = await make();
  const b = await make();
  a.setRemote({ address: "127.0.0.1", port: b.localPort });
  b.setRemote({ address: "127.0.0.1", port: a.localPort });
  return [a, b];
}

/** CPU ms per second this process uses with no call at all (timers, GC, the loader): the fixed cost. */
export async function measureIdle(seconds: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / ((performance.now() - t0) / 1000);
}

/** Runs `calls` calls for `seconds` after a one-second warm-up; CPU is this process's (process.cpuUsage). */
export async function runOurCalls(codec: BenchCodec, calls: number, seconds: number): Promise<CallRun> {
  const sessions: RtpSession[] = [];
  const codecs: AudioCodec[] = [];
  try {
    for (let i = 0; i < calls; i++) sessions.push(...(await openPair(codec, codecs)));
    // Calls start at random moments in a 20 ms frame, as real calls do.
    sessions.forEach((s) => setTimeout(() => s.start(), Math.random() * 20));
    await sleep(1000);
    const before = counters(sessions);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    const after = counters(sessions);
    const sent = after.sent - before.sent;
    const lateSends = after.lateSends - before.lateSends;
    const lateArrivals = after.lateArrivals - before.lateArrivals;
    const expected = after.expected - before.expected;
    return {
      calls,
      seconds: wall,
      cpuMsPerCallSecond: (cpu.user + cpu.system) / 1000 / wall / calls,
      packetsSent: sent,
      lateSends,
      lateArrivals,
      latePercent: sent > 0 ? (100 * (lateSends + lateArrivals)) / sent : 100,
      lossPercent: expected > 0 ? (100 * (after.lost - before.lost)) / expected : 0,
    };
  } finally {
    sessions.forEach((s) => s.close());
    codecs.forEach((c) => c.close?.());
  }
}
