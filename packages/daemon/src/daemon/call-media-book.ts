// RFC 3550 §6.4 figures for GET /calls/:id/stats, and whether a call carries
// video (RFC 3264: an accepted VP8 m=video line) for the call views' `kind`.
// Follows each call's media as the media hooks create it; a call's entry
// goes when its media closes.
import { CallStats, realClock, type CallMediaHooks, type CallStatsReport, type Clock, type StreamStats } from "@cusax/core";

type CallMedia = ReturnType<CallMediaHooks["create"]>;
type Entry = { media: CallMedia; stats: CallStats };

export type CallKind = "audio" | "video";

export type CallStatsView = {
  callId: string;
  kind: CallKind;
  at: number;
  /** The audio stream's figures (null before media runs). */
  codec: string | null;
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  lossPercent: number;
  jitterMs: number | null;
  rttMs: number | null;
  mos: number | null;
  streams: StreamStats[];
};

/** Every book's calls, so that a call view (a pure function of the call) can say its kind. */
const kinds = new Map<string, () => CallKind>();

export function callKindOf(callId: string): CallKind {
  return kinds.get(callId)?.() ?? "audio";
}

export class CallMediaBook {
  private readonly calls = new Map<string, Entry>();

  constructor(hooks: CallMediaHooks, private readonly options: { clock?: Clock; intervalMs?: number } = {}) {
    hooks.events.on("call", (media) => this.follow(media));
  }

  /** The call's media while it runs (the browser leg attaches there). */
  mediaOf(callId: string): CallMedia | undefined {
    return this.calls.get(callId)?.media;
  }

  kindOf(callId: string): CallKind {
    return this.calls.get(callId)?.media.video?.negotiated ? "video" : "audio";
  }

  /** The figures now; loss fraction and MOS over the last stats interval (5 s). */
  statsOf(callId: string): CallStatsView {
    const entry = this.calls.get(callId);
    const report: CallStatsReport = entry ? entry.stats.snapshot() : { atMs: Date.now(), streams: [] };
    const audio = report.streams.find((s) => s.kind === "audio");
    return {
      callId, kind: this.kindOf(callId), at: report.atMs,
      codec: audio?.codec ?? null,
      packetsSent: audio?.packetsSent ?? 0,
      packetsReceived: audio?.packetsReceived ?? 0,
      packetsLost: Math.max(0, audio?.cumulativeLost ?? 0),
      lossPercent: audio?.lossPercent ?? 0,
      jitterMs: audio?.jitterMs ?? null,
      rttMs: audio?.rttMs ?? null,
      mos: audio?.mos ?? null,
      streams: report.streams,
    };
  }

  private follow(media: CallMedia): void {
    const callId = media.call.callId;
    const stats = new CallStats({ clock: this.options.clock ?? realClock, intervalMs: this.options.intervalMs ?? 5000 });
    this.calls.set(callId, { media, stats });
    kinds.set(callId, () => this.kindOf(callId));
    // A stream joins the statistics once it runs (its counters exist from then on).
    media.events.on("started", () => {
      const first = media.stats();
      if (!first) return;
      let last = first;
      stats.add("audio", { streamStats: () => (last = media.stats() ?? last) });
      stats.start();
    });
    media.video?.events.on("started", () => {
      const first = media.video?.stats();
      if (!first) return;
      let last = first;
      stats.add("video", { streamStats: () => (last = media.video?.stats() ?? last) });
    });
    media.events.on("closed", () => {
      stats.stop();
      this.calls.delete(callId);
      kinds.delete(callId);
    });
  }
}
