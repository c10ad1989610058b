import { describe, expect, it } from "vitest";
import { analyzeTone, dominantFrequency, goertzelPower, rms } from "./analysis.js";
import { resample, Resampler } from "./resampler.js";
import { MemorySink, ResampledSource, SilenceSource, ToneSource, WavSource } from "./source.js";
import { generateTone } from "./tone.js";
import { serializeWav, parseWav } from "./wav.js";

describe("tone and analysis", () => {
  it("generates a sine whose RMS and frequency check out", () => {
    const pcm = generateTone(8000, 440, 1000, 10000);
    expect(pcm.length).toBe(8000);
    expect(rms(pcm)).toBeCloseTo(10000 / Math.SQRT2, -1);
    expect(dominantFrequency(pcm, 8000)).toBeCloseTo(440, 0);
    expect(goertzelPower(pcm, 8000, 440)).toBeGreaterThan(100 * goertzelPower(pcm, 8000, 1000));
    expect(analyzeTone(pcm, 8000).durationMs).toBe(1000);
    expect(dominantFrequency(new Int16Array(4096), 8000)).toBe(0);
  });
  it("keeps phase continuous across frames", () => {
    const src = new ToneSource(8000, 1000, 8000);
    const frames = Array.from({ length: 50 }, () => src.read());
    expect(frames[0]!.length).toBe(160);
    const all = new Int16Array(8000);
    frames.forEach((f, i) => all.set(f, i * 160));
    expect(all).toEqual(generateTone(8000, 1000, 1000, 8000));
  });
});

describe("sources and sinks", () => {
  it("silence gives zero frames of the right size", () => {
    const s = new SilenceSource(48000);
    expect(s.read().length).toBe(960);
    expect(s.read().every((x) => x === 0)).toBe(true);
  });
  it("WAV source pads the last frame, ends, or loops", () => {
    const wav = parseWav(serializeWav(Int16Array.from({ length: 200 }, (_, i) => i + 1), 8000));
    const once = new WavSource(wav);
    expect(once.read()!.length).toBe(160);
    const last = once.read()!;
    expect(last[39]).toBe(200);
    expect(last[40]).toBe(0);
    expect(once.read()).toBeUndefined();
    const loop = new WavSource(wav, { loop: true });
    loop.read();
    loop.read();
    expect(loop.read()![0]).toBe(1);
  });
  it("memory sink collects frames", () => {
    const sink = new MemorySink(8000);
    sink.write(Int16Array.from([1, 2]));
    sink.write(Int16Array.from([3]));
    sink.close();
    expect(sink.samples()).toEqual(Int16Array.from([1, 2, 3]));
    expect(sink.closed).toBe(true);
  });
});

describe("Resampler", () => {
  it("refuses non-integer ratios", () => {
    expect(() => new Resampler(44100, 48000)).toThrow(RangeError);
  });
  for (const [from, to] of [
    [8000, 48000],
    [48000, 8000],
    [16000, 48000],
    [48000, 16000],
    [8000, 16000],
    [16000, 8000],
  ] as const) {
    it(`${from} -> ${to} Hz keeps a 1 kHz tone at 1 kHz and its level, frame by frame`, () => {
      const src = new ResampledSource(new ToneSource(from, 1000, 10000), to);
      const frames = Array.from({ length: 50 }, () => src.read()!);
      expect(frames[0]!.length).toBe(to / 50);
      const all = new Int16Array(frames.length * frames[0]!.length);
      frames.forEach((f, i) => all.set(f, i * f.length));
      const steady = all.subarray(to / 10);
      expect(dominantFrequency(steady, to)).toBeCloseTo(1000, 0);
      expect(rms(steady)).toBeGreaterThan(10000 / Math.SQRT2 * 0.9);
      expect(rms(steady)).toBeLessThan(10000 / Math.SQRT2 * 1.1);
    });
  }
  it("filters what would alias when going down to 8 kHz", () => {
    // 6 kHz at 48 kHz would fold to 2 kHz at 8 kHz without the low-pass.
    const out = resample(generateTone(48000, 6000, 500, 10000), 48000, 8000);
    expect(rms(out.subarray(400))).toBeLessThan(300);
  });
  it("is the identity at equal rates", () => {
    const x = Int16Array.from([1, 2, 3]);
    expect(resample(x, 8000, 8000)).toEqual(x);
  });
});
