// RIFF WAVE (Microsoft/IBM 1991; WAVE_FORMAT_PCM = 1, WAVE_FORMAT_EXTENSIBLE =
// 0xFFFE with the PCM sub-format): 16-bit PCM read and write. The writer
// streams samples to disk and fixes the RIFF and data sizes on close.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { ParseError } from "../util/errors.js";
import { dataView } from "./bytes.js";

export type WavAudio = { sampleRate: number; channels: number; samples: Int16Array };

const HEADER = 44;

function fourcc(buf: Uint8Array, at: number): string {
  return String.fromCharCode(...buf.subarray(at, at + 4));
}

/**
 * Parses a 16-bit PCM WAVE file; multi-channel audio is mixed down to mono.
 * A data chunk whose size was never finalised (0 or past the end, as a
 * recorder killed mid-call leaves it) runs to the end of the file.
 */
export function parseWav(buf: Uint8Array): WavAudio {
  if (buf.length < 12 || fourcc(buf, 0) !== "RIFF" || fourcc(buf, 8) !== "WAVE") throw new ParseError("not a RIFF WAVE file", 0);
  const dv = dataView(buf);
  let format: { channels: number; sampleRate: number; bits: number } | undefined;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = fourcc(buf, at);
    let size = dv.getUint32(at + 4, true);
    if (id === "fmt ") {
      if (size < 16 || at + 8 + 16 > buf.length) throw new ParseError("short fmt chunk", at);
      const tag = dv.getUint16(at + 8, true);
      if (tag !== 1 && tag !== 0xfffe) throw new ParseError(`WAVE format ${tag} is not PCM`, at + 8);
      format = { channels: dv.getUint16(at + 10, true), sampleRate: dv.getUint32(at + 12, true), bits: dv.getUint16(at + 22, true) };
      if (format.bits !== 16) throw new ParseError(`${format.bits}-bit WAVE: only 16-bit PCM is read`, at + 22);
      if (format.channels < 1) throw new ParseError("WAVE with no channels", at + 10);
    } else if (id === "data") {
      if (!format) throw new ParseError("data chunk before fmt chunk", at);
      if (size === 0 || at + 8 + size > buf.length) size = buf.length - at - 8;
      return { sampleRate: format.sampleRate, channels: 1, samples: mixDown(buf.subarray(at + 8, at + 8 + size), format.channels) };
    }
    at += 8 + size + (size & 1);
  }
  throw new ParseError("WAVE file without a data chunk", buf.length);
}

function mixDown(bytes: Uint8Array, channels: number): Int16Array {
  const dv = dataView(bytes);
  const frames = Math.floor(bytes.length / (2 * channels));
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += dv.getInt16(2 * (f * channels + c), true);
    out[f] = Math.round(sum / channels);
  }
  return out;
}

/** The 44-byte canonical header for mono 16-bit PCM. */
export function wavHeader(sampleRate: number, dataBytes: number): Uint8Array {
  const out = new Uint8Array(HEADER);
  const dv = dataView(out);
  const ascii = (at: number, s: string) => [...s].forEach((ch, i) => (out[at + i] = ch.charCodeAt(0)));
  ascii(0, "RIFF");
  dv.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  ascii(36, "data");
  dv.setUint32(40, dataBytes, true);
  return out;
}

function pcmBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const dv = dataView(out);
  samples.forEach((s, i) => dv.setInt16(2 * i, s, true));
  return out;
}

export function serializeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(HEADER + samples.length * 2);
  out.set(wavHeader(sampleRate, samples.length * 2));
  out.set(pcmBytes(samples), HEADER);
  return out;
}

export function readWavFile(path: string): WavAudio {
  return parseWav(readFileSync(path));
}

/** Streams mono 16-bit PCM to a file; `close()` writes the final sizes. */
export class WavWriter {
  private fd: number | undefined;
  private bytes = 0;

  constructor(
    readonly path: string,
    readonly sampleRate: number,
  ) {
    this.fd = openSync(path, "w");
    writeSync(this.fd, wavHeader(sampleRate, 0));
  }

  write(samples: Int16Array): void {
    if (this.fd === undefined) throw new Error(`WAV writer for ${this.path} is closed`);
    const data = pcmBytes(samples);
    writeSync(this.fd, data, 0, data.length, HEADER + this.bytes);
    this.bytes += data.length;
  }

  get samplesWritten(): number {
    return this.bytes / 2;
  }

  close(): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, wavHeader(this.sampleRate, this.bytes), 0, HEADER, 0);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
