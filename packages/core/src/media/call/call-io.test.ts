// call-io.ts: per-call source and sink factories from plain settings.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dominantFrequency } from "../analysis.js";
import type { MemorySink } from "../source.js";
import { readWavFile, serializeWav } from "../wav.js";
import { generateTone } from "../tone.js";
import { callFileName, callSinks, callSources } from "./call-io.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cusax-call-io-"));
  dirs.push(d);
  return d;
}

describe("callSources", () => {
  it("tone, silence, and a looping WAV with its own position per call", () => {
    const tone = callSources({ kind: "tone", hz: 440 })({ callId: "a" });
    const pcm = new Int16Array(50 * 160);
    for (let i = 0; i < 50; i++) pcm.set(tone.read()!, i * 160);
    expect(Math.abs(dominantFrequency(pcm, 8000) - 440)).toBeLessThan(10);
    const silence = callSources({ kind: "silence", sampleRate: 16000 })({ callId: "a" });
    expect(silence.read()).toEqual(new Int16Array(320));
    const file = join(tempDir(), "in.wav");
    writeFileSync(file, serializeWav(generateTone(8000, 1000, 30), 8000));
    const factory = callSources({ kind: "wav", path: file });
    const one = factory({ callId: "a" });
    const two = factory({ callId: "b" });
    one.read();
    expect(one.read()).toBeDefined(); // 30 ms: the second frame is padded
    expect(one.read()).toEqual(two.read()); // looped back to the start, as `two` starts
  });
});

describe("callSinks", () => {
  it("writes one WAV per call, named from a sanitised Call-ID, complete after close", () => {
    const dir = tempDir();
    const sink = callSinks({ kind: "wav", dir, prefix: "rx-" })({ callId: "abc/../x@host" });
    sink.write(generateTone(8000, 1000, 100));
    sink.close();
    const wav = readWavFile(join(dir, `rx-${callFileName("abc/../x@host")}.wav`));
    expect(wav.samples.length).toBe(800);
    expect(callFileName("abc/../x@host")).toBe("abc_.._x_host");
  });

  it("memory sinks are handed out per call", () => {
    const seen: [string, MemorySink][] = [];
    const sink = callSinks({ kind: "memory", onCall: (id, s) => seen.push([id, s]) })({ callId: "c1" });
    sink.write(new Int16Array([1, 2]));
    expect(seen[0]![0]).toBe("c1");
    expect([...seen[0]![1].samples()]).toEqual([1, 2]);
  });
});
