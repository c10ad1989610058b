import { describe, expect, it } from "vitest";
import { dominantFrequency, rms } from "../analysis.js";
import { ToneGenerator } from "../tone.js";
import { createPcmuCodec } from "./g711.js";
import { createOpusCodec, type OpusRate } from "./opus.js";
import type { AudioCodec } from "./codec.js";

/** Encodes a second of tone frame by frame, decodes it, returns the decoded PCM. */
function throughCodec(codec: AudioCodec, hz: number): Int16Array {
  const gen = new ToneGenerator(codec.sampleRate, hz, 10000);
  const frames: Int16Array[] = [];
  for (let i = 0; i < 1000 / codec.frameMs; i++) frames.push(codec.decode(codec.encode(gen.next(codec.frameSamples))));
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  frames.reduce((at, f) => (out.set(f, at), at + f.length), 0);
  return out;
}

describe("Opus codec (opusscript)", () => {
  for (const rate of [48000, 16000, 8000] as OpusRate[]) {
    it(`encodes and decodes a 1 kHz tone at ${rate} Hz PCM`, () => {
      const codec = createOpusCodec({ sampleRate: rate });
      try {
        expect(codec).toMatchObject({ name: "opus", clockRate: 48000, channels: 2, timestampStep: 960, frameSamples: rate / 50 });
        const packet = codec.encode(new Int16Array(codec.frameSamples));
        expect(packet.length).toBeGreaterThan(0);
        expect(packet.length).toBeLessThan(200);
        const pcm = throughCodec(codec, 1000);
        expect(pcm.length).toBe(rate);
        const steady = pcm.subarray(rate / 5);
        expect(dominantFrequency(steady, rate)).toBeGreaterThan(990);
        expect(dominantFrequency(steady, rate)).toBeLessThan(1010);
        expect(rms(steady)).toBeGreaterThan(10000 / Math.SQRT2 * 0.7);
      } finally {
        codec.close?.();
      }
    });
  }
  it("keeps working when many codecs make the WASM heap grow (opusscript's wrapper detached its views at 161)", () => {
    const codecs = Array.from({ length: 200 }, () => createOpusCodec({ sampleRate: 8000 }));
    try {
      const first = codecs[0] as AudioCodec;
      const pcm = throughCodec(first, 1000).subarray(1600);
      expect(dominantFrequency(pcm, 8000)).toBeGreaterThan(990);
      expect(dominantFrequency(pcm, 8000)).toBeLessThan(1010);
    } finally {
      codecs.forEach((c) => c.close?.());
    }
  });
  it("refuses a frame of the wrong size", () => {
    const codec = createOpusCodec();
    expect(() => codec.encode(new Int16Array(100))).toThrow(RangeError);
    codec.close?.();
  });
  it("shares the AudioCodec shape with G.711", () => {
    const pcmu = createPcmuCodec();
    const pcm = throughCodec(pcmu, 1000);
    expect(dominantFrequency(pcm, 8000)).toBeCloseTo(1000, 0);
  });
});
