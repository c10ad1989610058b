// RFC 6716 Opus through opusscript's libopus build (WASM, no native build),
// with RFC 7587 RTP conventions: rtpmap opus/48000/2 whatever we send,
// timestamps at 48 kHz, PCM at 8, 16 or 48 kHz (libopus resamples inside).
//
// DEVIATION(opusscript 0.1.1): we drive its WASM module directly instead of
// its OpusScript wrapper. The wrapper keeps typed-array views of the WASM heap
// made at construction; once enough instances exist the heap grows, those
// views detach and every older codec throws on encode ("detached
// ArrayBuffer", reproduced at 161 instances). Its PCM views also start at
// twice the address malloc returned, outside the allocation. Here every call
// takes a fresh view of the heap, inside buffers we allocated. The handler's
// PCM buffers hold one byte of the 16-bit little-endian samples per 16-bit
// element (the layout the wrapper produces), so they take 4 bytes a sample.
import { createRequire } from "node:module";
import { samplesIn, type AudioCodec } from "./codec.js";

type OpusHandler = {
  _encode(pcm: number, pcmBytes: number, packet: number, frameSize: number): number;
  _decode(packet: number, packetBytes: number, pcm: number): number;
  _encoder_ctl(ctl: number, arg: number): number;
};
type OpusNative = {
  OpusScriptHandler: { new (rate: number, channels: number, application: number): OpusHandler; destroy_handler(h: OpusHandler): void };
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** Replaced by a new view whenever the WASM memory grows: read it at each use. */
  HEAPU8: Uint8Array;
};

export type OpusRate = 8000 | 16000 | 48000;

export type OpusOptions = {
  /** Rate of the PCM we encode from and decode to; the RTP clock stays 48 kHz. */
  sampleRate?: OpusRate;
  frameMs?: 10 | 20 | 40 | 60;
  payloadType?: number;
  bitrate?: number;
};

const OPUS_APPLICATION_VOIP = 2048;
const OPUS_SET_BITRATE = 4002;
/** RFC 6716 §3.2.1: at most 1275 bytes per frame; up to 3 frames in a packet (opusscript's limit). */
const MAX_PACKET_BYTES = 1276 * 3;
/** 120 ms at 48 kHz, the longest an Opus packet can last (RFC 6716 §3.2.5), 16-bit mono. */
const MAX_PCM_BYTES = 5760 * 2;
/** Heap bytes for that PCM in the handler's layout: one 16-bit element per PCM byte. */
const MAX_PCM_HEAP = 2 * MAX_PCM_BYTES;

let loaded: OpusNative | undefined;

/** Loads the WASM module on first use, never at import time. */
function opusNative(): OpusNative {
  loaded ??= (createRequire(import.meta.url)("opusscript/build/opusscript_native_wasm.js") as () => OpusNative)();
  return loaded;
}

/** An Opus codec, mono, VoIP application. Call `close()` to free the WASM state. */
export function createOpusCodec(options: OpusOptions = {}): AudioCodec {
  const sampleRate = options.sampleRate ?? 48000;
  const frameMs = options.frameMs ?? 20;
  const native = opusNative();
  const handler = new native.OpusScriptHandler(sampleRate, 1, OPUS_APPLICATION_VOIP);
  if (options.bitrate && handler._encoder_ctl(OPUS_SET_BITRATE, options.bitrate) < 0) throw new RangeError(`Opus refused bitrate ${options.bitrate}`);
  const pcmIn = native._malloc(MAX_PCM_HEAP);
  const packetIn = native._malloc(MAX_PACKET_BYTES);
  const packetOut = native._malloc(MAX_PACKET_BYTES);
  const pcmOut = native._malloc(MAX_PCM_HEAP);
  const frameSamples = samplesIn(frameMs, sampleRate);
  let closed = false;
  return {
    name: "opus",
    clockRate: 48000,
    channels: 2,
    payloadType: options.payloadType ?? 111,
    sampleRate,
    frameMs,
    frameSamples,
    timestampStep: samplesIn(frameMs, 48000),
    encode(pcm) {
      if (pcm.length !== frameSamples) throw new RangeError(`Opus frame must be ${frameSamples} samples, got ${pcm.length}`);
      if (closed) throw new Error("Opus codec is closed");
      // WASM memory is little-endian, as is every platform Node runs on.
      new Uint16Array(native.HEAPU8.buffer, pcmIn, pcm.byteLength).set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      const len = handler._encode(pcmIn, pcm.byteLength, packetOut, frameSamples);
      if (len < 0) throw new Error(`Opus encode failed (${len})`);
      return native.HEAPU8.slice(packetOut, packetOut + len);
    },
    decode(payload) {
      if (closed) throw new Error("Opus codec is closed");
      if (payload.length > MAX_PACKET_BYTES) throw new RangeError(`Opus packet of ${payload.length} bytes exceeds ${MAX_PACKET_BYTES}`);
      native.HEAPU8.set(payload, packetIn);
      const samples = handler._decode(packetIn, payload.length, pcmOut);
      if (samples < 0) throw new Error(`Opus decode failed (${samples})`);
      const bytes = Uint8Array.from(new Uint16Array(native.HEAPU8.buffer, pcmOut, 2 * samples));
      return new Int16Array(bytes.buffer, 0, samples);
    },
    close() {
      if (closed) return;
      closed = true;
      native.OpusScriptHandler.destroy_handler(handler);
      [pcmIn, packetIn, packetOut, pcmOut].forEach((p) => native._free(p));
    },
  };
}
