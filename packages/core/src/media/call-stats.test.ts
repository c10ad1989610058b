// Per-call statistics: periodic typed events on a FakeClock, interval loss
// (RFC 3550 A.3), MOS for audio only (G.107 via rtp/mos.ts), snapshots.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../util/clock.js";
import { CallStats, type CallStatsReport, type RtpStreamCounters } from "./call-stats.js";
import { estimateMos } from "./rtp/mos.js";

function counters(over: Partial<RtpStreamCounters> = {}): RtpStreamCounters {
  return {
    kind: "audio", codec: "PCMU", clockRate: 8000,
    packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0,
    expected: 0, cumulativeLost: 0, jitterMs: 0, playoutDelayMs: 80, rejected: {},
    ...over,
  };
}

describe("CallStats", () => {
  it("emits a report every interval of the injected clock until stopped", () => {
    const clock = new FakeClock();
    let audio = counters();
    const stats = new CallStats({ clock, intervalMs: 1000, streams: { audio: { streamStats: () => audio } } });
    const reports: CallStatsReport[] = [];
    stats.events.on("stats", (r) => reports.push(r));
    stats.start();
    clock.advance(999);
    expect(reports).toHaveLength(0);
    audio = counters({ packetsSent: 50, bytesSent: 8000, packetsReceived: 50, bytesReceived: 8000, expected: 50, jitterMs: 1.5, rttMs: 40 });
    clock.advance(1);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toEqual({
      atMs: 1000,
      streams: [{
        name: "audio", kind: "audio", codec: "PCMU",
        packetsSent: 50, bytesSent: 8000, packetsReceived: 50, bytesReceived: 8000,
        cumulativeLost: 0, fractionLost: 0, lossPercent: 0, jitterMs: 1.5, rttMs: 40, rejected: {},
        mos: estimateMos({ oneWayDelayMs: 20 + 80, lossPercent: 0 }),
      }],
    });
    clock.advance(3000);
    expect(reports.map((r) => r.atMs)).toEqual([1000, 2000, 3000, 4000]);
    stats.stop();
    clock.advance(5000);
    expect(reports).toHaveLength(4);
    expect(clock.pendingCount).toBe(0);
  });

  it("computes loss per interval and cumulatively, and lowers the MOS with loss", () => {
    const clock = new FakeClock();
    let c = counters({ expected: 100, packetsReceived: 100 });
    const stats = new CallStats({ clock, intervalMs: 5000, streams: { a: { streamStats: () => c } } });
    const first = stats.emitNow().streams[0]!;
    expect(first.fractionLost).toBe(0);
    c = counters({ expected: 200, packetsReceived: 190, cumulativeLost: 10 });
    const snap = stats.snapshot().streams[0]!;
    expect(snap).toMatchObject({ fractionLost: 0.1, lossPercent: 5, cumulativeLost: 10 });
    // A snapshot does not start a new interval; an emitted report does.
    expect(stats.emitNow().streams[0]!.fractionLost).toBe(0.1);
    c = counters({ expected: 300, packetsReceived: 290, cumulativeLost: 10 });
    const calm = stats.emitNow().streams[0]!;
    expect(calm.fractionLost).toBe(0);
    expect(snap.mos!).toBeLessThan(calm.mos!);
    expect(stats.lastReport?.streams[0]).toEqual(calm);
  });

  it("gives video no MOS, an audio stream that received nothing no MOS, and drops removed streams", () => {
    const clock = new FakeClock();
    const stats = new CallStats({ clock });
    stats.add("audio", { streamStats: () => counters() });
    stats.add("video", { streamStats: () => counters({ kind: "video", codec: "VP8", clockRate: 90000, packetsReceived: 30, expected: 32, cumulativeLost: 2 }) });
    const r = stats.snapshot();
    expect(r.streams.map((s) => [s.name, s.mos])).toEqual([["audio", undefined], ["video", undefined]]);
    expect(r.streams[1]).toMatchObject({ fractionLost: 2 / 32, lossPercent: 6.25 });
    stats.remove("audio");
    expect(stats.snapshot().streams.map((s) => s.name)).toEqual(["video"]);
  });
});
