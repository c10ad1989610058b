// RFC 3551 §4.5: an audio codec as the RTP layer sees it. Frames are 16-bit
// PCM mono at `sampleRate`; the RTP timestamp advances at `clockRate`.

export interface AudioCodec {
  /** rtpmap encoding name, as in SDP (`PCMU`, `PCMA`, `opus`). */
  readonly name: string;
  /** RTP clock rate (the rtpmap rate). */
  readonly clockRate: number;
  /** rtpmap channel count (Opus is always signalled as 2, RFC 7587 §7). */
  readonly channels: number;
  /** Static payload type, or the default dynamic one we offer. */
  readonly payloadType: number;
  /** Rate of the PCM that `encode` takes and `decode` returns. */
  readonly sampleRate: number;
  /** Frame duration in milliseconds (ptime). */
  readonly frameMs: number;
  /** Samples per frame at `sampleRate`. */
  readonly frameSamples: number;
  /** RTP timestamp increment per frame. */
  readonly timestampStep: number;
  encode(pcm: Int16Array): Uint8Array;
  decode(payload: Uint8Array): Int16Array;
  /** Frees native or WASM state, when the codec holds any. */
  close?(): void;
}

/** Samples in `ms` milliseconds at `rate` Hz. */
export function samplesIn(ms: number, rate: number): number {
  return Math.round((ms * rate) / 1000);
}
