// Per-call media statistics (RFC 3550 §6.4 report figures, A.3 loss, A.8
// jitter, §6.4.1 RTT) gathered from each stream of a call and emitted every
// interval of the injected clock, with an estimated MOS (ITU-T G.107, see
// rtp/mos.ts) for audio streams.
import type { Clock, TimerHandle } from "../util/clock.js";
import { Emitter } from "../util/events.js";
import { CODEC_IMPAIRMENTS, estimateMos } from "./rtp/mos.js";

/** What a stream reports about itself (RtpSession and VideoSession implement it). */
export type RtpStreamCounters = {
  kind: "audio" | "video";
  codec: string;
  clockRate: number;
  packetsSent: number;
  /** Payload octets sent (as in the SR octet count, RFC 3550 §6.4.1). */
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  /** A.3: packets the remote sequence numbers say should have come. */
  expected: number;
  cumulativeLost: number;
  jitterMs: number;
  rttMs?: number;
  /** Receive-side delay added before playout (jitter buffer plus one frame), for the MOS. */
  playoutDelayMs?: number;
  /** Dropped incoming packets by reason (short, version, unknown-ssrc, srtp-auth, ...). */
  rejected: Record<string, number>;
};

export interface StatsProbe {
  streamStats(): RtpStreamCounters;
}

export type StreamStats = Omit<RtpStreamCounters, "expected" | "clockRate" | "playoutDelayMs"> & {
  name: string;
  /** Loss over the last interval, 0..1 (A.3's fraction lost, not quantised to 1/256). */
  fractionLost: number;
  /** Cumulative loss in percent of the expected packets. */
  lossPercent: number;
  /** Estimated MOS for audio (1..4.5), from the interval loss, RTT/2 and the playout delay. */
  mos?: number;
};

export type CallStatsReport = { atMs: number; streams: StreamStats[] };

export type CallStatsEvents = { stats: CallStatsReport };

export type CallStatsOptions = { clock: Clock; intervalMs?: number; streams?: Record<string, StatsProbe> };

type Baseline = { expected: number; received: number };

export class CallStats {
  readonly events = new Emitter<CallStatsEvents>();
  private readonly probes = new Map<string, StatsProbe>();
  private readonly baselines = new Map<string, Baseline>();
  private timer: TimerHandle | undefined;
  private last: CallStatsReport | undefined;

  constructor(private readonly options: CallStatsOptions) {
    for (const [name, probe] of Object.entries(options.streams ?? {})) this.add(name, probe);
  }

  add(name: string, probe: StatsProbe): void {
    this.probes.set(name, probe);
    this.baselines.set(name, { expected: 0, received: 0 });
  }

  remove(name: string): void {
    this.probes.delete(name);
    this.baselines.delete(name);
  }

  /** Emits a `stats` event every interval until `stop()`. */
  start(): void {
    this.stop();
    this.timer = this.options.clock.setTimeout(() => {
      this.emitNow();
      this.start();
    }, this.options.intervalMs ?? 5000);
  }

  stop(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Builds a report and starts a new loss interval (what the periodic timer does). */
  emitNow(): CallStatsReport {
    const report = this.build(true);
    this.last = report;
    this.events.emit("stats", report);
    return report;
  }

  /** The figures now; the interval loss runs from the last emitted report. */
  snapshot(): CallStatsReport {
    return this.build(false);
  }

  /** The last emitted report, if any. */
  get lastReport(): CallStatsReport | undefined {
    return this.last;
  }

  private build(advance: boolean): CallStatsReport {
    const streams: StreamStats[] = [];
    for (const [name, probe] of this.probes) {
      const c = probe.streamStats();
      const base = this.baselines.get(name) ?? { expected: 0, received: 0 };
      if (advance) this.baselines.set(name, { expected: c.expected, received: c.packetsReceived });
      streams.push(this.streamStats(name, c, base));
    }
    return { atMs: this.options.clock.now(), streams };
  }

  private streamStats(name: string, c: RtpStreamCounters, base: Baseline): StreamStats {
    const expectedInterval = c.expected - base.expected;
    const lostInterval = expectedInterval - (c.packetsReceived - base.received);
    // A.3: duplicates can make the interval loss negative: report 0.
    const fractionLost = expectedInterval > 0 && lostInterval > 0 ? lostInterval / expectedInterval : 0;
    const lossPercent = c.expected > 0 ? (100 * Math.max(0, c.cumulativeLost)) / c.expected : 0;
    const { expected: _e, clockRate: _r, playoutDelayMs, ...rest } = c;
    const stats: StreamStats = { name, ...rest, fractionLost, lossPercent };
    if (c.kind === "audio" && c.packetsReceived > 0) {
      stats.mos = estimateMos({
        oneWayDelayMs: (c.rttMs ?? 0) / 2 + (playoutDelayMs ?? 0),
        lossPercent: fractionLost * 100,
        codec: CODEC_IMPAIRMENTS[c.codec],
      });
    }
    return stats;
  }
}
