// RFC 6716 Opus through opusscript (libopus compiled to WASM, no native
// build), with RFC 7587 RTP conventions: rtpmap opus/48000/2 whatever we send,
// timestamps at 48 kHz, PCM at 8, 16 or 48 kHz (libopus resamples inside).
import { createRequire } from "node:module";
import { samplesIn, type AudioCodec } from "./codec.js";

type OpusScriptInstance = {
  encode(buffer: Buffer, frameSize: number): Buffer;
  decode(buffer: Buffer): Buffer;
  setBitrate(bitrate: number): void;
  delete(): void;
};
type OpusScriptClass = {
  new (rate: number, channels: number, application: number): OpusScriptInstance;
  Application: { VOIP: number; AUDIO: number };
};

export type OpusRate = 8000 | 16000 | 48000;

export type OpusOptions = {
  /** Rate of the PCM we encode from and decode to; the RTP clock stays 48 kHz. */
  sampleRate?: OpusRate;
  frameMs?: 10 | 20 | 40 | 60;
  payloadType?: number;
  bitrate?: number;
};

let loaded: OpusScriptClass | undefined;

/** Loads the WASM module on first use, never at import time. */
function opusScript(): OpusScriptClass {
  loaded ??= createRequire(import.meta.url)("opusscript") as OpusScriptClass;
  return loaded;
}

function toInt16(buf: Buffer): Int16Array {
  const out = new Int16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}

/** An Opus codec, mono, VoIP application. Call `close()` to free the WASM state. */
export function createOpusCodec(options: OpusOptions = {}): AudioCodec {
  const sampleRate = options.sampleRate ?? 48000;
  const frameMs = options.frameMs ?? 20;
  const Opus = opusScript();
  const state = new Opus(sampleRate, 1, Opus.Application.VOIP);
  if (options.bitrate) state.setBitrate(options.bitrate);
  const frameSamples = samplesIn(frameMs, sampleRate);
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
      const packet = state.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), frameSamples);
      return new Uint8Array(packet);
    },
    decode(payload) {
      return toInt16(state.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)));
    },
    close() {
      state.delete();
    },
  };
}
