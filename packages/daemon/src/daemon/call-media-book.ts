// RFC 3550 §6.4 figures for GET /calls/:id/stats, and whether a call carries
// video (RFC 3264: an accepted VP8 m=video line) for the call views' `kind`.
// Follows each call's media as the media hooks create it; a call's entry
// goes when its media closes. DECISION(protocol.md D32): whether a call
// offers and accepts VP8 is chosen per call (`video: true` on POST /calls and
// on POST /calls/:id/answer); without it the call has no video m-line and
// answers a peer's with port 0.
import { CallStats, realClock, type CallMediaHooks, type CallStatsReport, type Clock, type StreamStats } from "@cusax/core";
import { ApiError } from "../api/errors.js";

type CallMedia = ReturnType<CallMediaHooks["create"]>;
type Entry = { media: CallMedia; stats: CallStats };
type VideoRelayCounters = NonNullable<CallMedia["video"]>["relayCounters"];

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
  /** protocol.md D32: the browser leg's video relay, once one carried video in this call. */
  videoRelay: VideoRelayCounters | null;
};

/** Every book's calls, so that a call view (a pure function of the call) can say its kind. */
const kinds = new Map<string, () => CallKind>();

export function callKindOf(callId: string): CallKind {
  return kinds.get(callId)?.() ?? "audio";
}

/** A request's `video` field: absent is false. */
export function videoChoiceOf(value: unknown): boolean {
  if (value === undefined || typeof value === "boolean") return value ?? false;
  throw new ApiError("bad-request", `video: expected true or false, got ${JSON.stringify(value)}`);
}

/** Whether the call created next (inside withVideo) offers video; read once, as the media is created. */
let videoForNext = false;
/** Every book's calls: turns a call's video on before it is answered. */
const videoSwitches = new Map<string, (on: boolean) => void>();

/** Runs `place` (which creates one outgoing call, synchronously) with video offered or not. */
export function withVideo<T>(on: boolean, place: () => T): T {
  videoForNext = on;
  try {
    return place();
  } finally {
    videoForNext = false;
  }
}

/** `video` of an optional JSON body (the answer's); no body or no field is false. */
export function videoOfBody(json: () => unknown): boolean {
  let body: unknown;
  try {
    body = json();
  } catch {
    return false;
  }
  return videoChoiceOf(body && typeof body === "object" ? (body as Record<string, unknown>).video : undefined);
}

/** An incoming call answered with `video: true` accepts the peer's VP8 m-line. */
export function answerWithVideo(callId: string, on: boolean): void {
  videoSwitches.get(callId)?.(on);
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
      videoRelay: entry?.media.video?.relayUsed ? entry.media.video.relayCounters : null,
    };
  }

  private follow(media: CallMedia): void {
    const callId = media.call.callId;
    const stats = new CallStats({ clock: this.options.clock ?? realClock, intervalMs: this.options.intervalMs ?? 5000 });
    this.calls.set(callId, { media, stats });
    kinds.set(callId, () => this.kindOf(callId));
    const video = media.video;
    if (video) {
      // Outgoing: as POST /calls asked; incoming: off until answered with video.
      video.enabled = media.call.direction === "outgoing" && videoForNext;
      videoSwitches.set(callId, (on) => (video.enabled = on));
    }
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
      videoSwitches.delete(callId);
    });
  }
}
