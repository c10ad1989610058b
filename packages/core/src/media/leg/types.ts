// A call's audio source and sink, chosen per call (protocol.md D27): what
// feeds the SIP leg (20 ms frames of 8/16/48 kHz PCM, or encoded payloads
// relayed as they are) and what receives the SIP peer's audio and RFC 4733
// digits. WAV files (the default), a browser's WebRTC leg and a sound device
// plug in the same way: the call keeps one LegSlot, legs come and go in it.
import type { MediaFlow } from "../../sdp/index.js";
import type { Emitter } from "../../util/events.js";
import type { MediaSink, MediaSource } from "../source.js";

/**
 * Encoded audio passed between the SIP leg and a leg running the same codec
 * (Opus on both sides): no decode, no encode.
 */
export interface PayloadRelay {
  /** The encoding both legs run (lower case rtpmap name: "opus"). */
  readonly codec: string;
  /** The next payload towards the SIP peer, at most one per frame tick; undefined: none due. */
  take(): Uint8Array | undefined;
  /** A payload the SIP peer sent, passed on as it arrived (before any jitter buffer). */
  forward(packet: { payload: Uint8Array; sequenceNumber: number; timestamp: number; marker: boolean }): void;
}

export type CallLegEvents = {
  /** The leg's user pressed a digit: the call sends it to the SIP peer as RFC 4733. */
  digit: { digit: string };
  /** The leg is gone (tab closed, released, failed): the call falls back to silence. */
  ended: { reason: string };
};

export interface CallLeg {
  /** What kind of leg ("wav", "browser", "device"), for views and logs. */
  readonly kind: string;
  readonly events: Emitter<CallLegEvents>;
  /** Audio towards the SIP peer; undefined plays silence. */
  readonly source?: MediaSource;
  /** The SIP peer's decoded audio. */
  readonly sink?: MediaSink;
  /** A payload relay when the SIP leg runs `codec` (lower case); undefined: transcode. */
  relayFor?(codec: string): PayloadRelay | undefined;
  /** An RFC 4733 digit the SIP peer sent. */
  dtmf?(digit: string): void;
  /** The SIP leg's negotiated flow (hold: send or recv false). */
  flow?(flow: MediaFlow): void;
  /** Releases what the leg holds; emits `ended` once. Safe to call twice. */
  close(reason?: string): void;
}
