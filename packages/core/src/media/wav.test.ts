import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToHex, dataView } from "./bytes.js";
import { parseWav, readWavFile, serializeWav, WavWriter } from "./wav.js";

const dir = mkdtempSync(join(tmpdir(), "cusax-wav-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("WAV", () => {
  it("writes the canonical 44-byte header and reads it back", () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768]);
    const bytes = serializeWav(samples, 8000);
    expect(bytes.length).toBe(44 + 10);
    expect(bytesToHex(bytes.subarray(0, 12))).toBe("52494646" + "2e000000" + "57415645");
    // fmt: PCM, mono, 8000 Hz, 16000 B/s, block align 2, 16 bits.
    expect(bytesToHex(bytes.subarray(20, 36))).toBe("0100" + "0100" + "401f0000" + "803e0000" + "0200" + "1000");
    expect(parseWav(bytes)).toEqual({ sampleRate: 8000, channels: 1, samples });
  });

  for (const rate of [8000, 16000, 48000]) {
    it(`streams to disk at ${rate} Hz and finalises sizes on close`, () => {
      const path = join(dir, `t${rate}.wav`);
      const w = new WavWriter(path, rate);
      w.write(new Int16Array(rate / 50).fill(100));
      // Before close the header still says 0 data bytes: a reader takes the rest of the file.
      expect(dataView(readFileSync(path)).getUint32(40, true)).toBe(0);
      expect(readWavFile(path).samples.length).toBe(rate / 50);
      w.write(new Int16Array(rate / 50).fill(-100));
      w.close();
      const raw = readFileSync(path);
      expect(dataView(raw).getUint32(40, true)).toBe((rate / 50) * 4);
      expect(dataView(raw).getUint32(4, true)).toBe(36 + (rate / 50) * 4);
      const back = readWavFile(path);
      expect(back.sampleRate).toBe(rate);
      expect(back.samples.length).toBe((rate / 25));
      expect(back.samples[0]).toBe(100);
      expect(back.samples.at(-1)).toBe(-100);
      expect(w.samplesWritten).toBe(rate / 25);
    });
  }

  it("skips unknown chunks, mixes stereo down, and rejects what it cannot read", () => {
    const mono = serializeWav(Int16Array.from([10, 20]), 16000);
    // Insert a LIST chunk between fmt and data, and make it stereo (10,30) (20,40).
    const list = Uint8Array.from([0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0]);
    const stereo = serializeWav(Int16Array.from([10, 30, 20, 40]), 16000);
    const sdv = dataView(stereo);
    sdv.setUint16(22, 2, true);
    const withList = new Uint8Array(stereo.length + list.length);
    withList.set(stereo.subarray(0, 36));
    withList.set(list, 36);
    withList.set(stereo.subarray(36), 36 + list.length);
    expect(parseWav(withList).samples).toEqual(Int16Array.from([20, 30]));
    expect(() => parseWav(new Uint8Array(4))).toThrow(/RIFF/);
    const float = mono.slice();
    dataView(float).setUint16(20, 3, true);
    expect(() => parseWav(float)).toThrow(/not PCM/);
    const eight = mono.slice();
    dataView(eight).setUint16(34, 8, true);
    expect(() => parseWav(eight)).toThrow(/16-bit/);
    writeFileSync(join(dir, "x.wav"), mono);
    expect(readWavFile(join(dir, "x.wav")).samples).toEqual(Int16Array.from([10, 20]));
  });
});
