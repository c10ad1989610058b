// Media sources and sinks: 16-bit mono PCM in frames of `frameMs` (20 ms by
// default) at a given rate. RTP sessions pull from a source every frame tick
// and push decoded frames into a sink.
import { samplesIn } from "./codecs/codec.js";
import { Resampler } from "./resampler.js";
import { ToneGenerator } from "./tone.js";
import { readWavFile, WavWriter, type WavAudio } from "./wav.js";

export interface MediaSource {
  readonly sampleRate: number;
  readonly frameMs: number;
  /** The next frame, or undefined when the source has ended. */
  read(): Int16Array | undefined;
}

export interface MediaSink {
  readonly sampleRate: number;
  write(frame: Int16Array): void;
  close(): void;
}

export class SilenceSource implements MediaSource {
  constructor(
    readonly sampleRate: number,
    readonly frameMs = 20,
  ) {}

  read(): Int16Array {
    return new Int16Array(samplesIn(this.frameMs, this.sampleRate));
  }
}

export class ToneSource implements MediaSource {
  private readonly gen: ToneGenerator;

  constructor(
    readonly sampleRate: number,
    frequency: number,
    amplitude = 16384,
    readonly frameMs = 20,
  ) {
    this.gen = new ToneGenerator(sampleRate, frequency, amplitude);
  }

  read(): Int16Array {
    return this.gen.next(samplesIn(this.frameMs, this.sampleRate));
  }
}

/** Plays a WAV (already read, or by path), optionally looping; pads the last frame. */
export class WavSource implements MediaSource {
  private at = 0;
  readonly sampleRate: number;
  private readonly samples: Int16Array;

  constructor(
    audio: WavAudio | string,
    readonly options: { loop?: boolean; frameMs?: number } = {},
  ) {
    const wav = typeof audio === "string" ? readWavFile(audio) : audio;
    this.sampleRate = wav.sampleRate;
    this.samples = wav.samples;
  }

  get frameMs(): number {
    return this.options.frameMs ?? 20;
  }

  read(): Int16Array | undefined {
    const n = samplesIn(this.frameMs, this.sampleRate);
    if (this.at >= this.samples.length) {
      if (!this.options.loop || this.samples.length === 0) return undefined;
      this.at = 0;
    }
    const out = new Int16Array(n);
    out.set(this.samples.subarray(this.at, this.at + n));
    this.at += n;
    return out;
  }
}

/** Wraps a source to deliver frames at another rate. */
export class ResampledSource implements MediaSource {
  private readonly resampler: Resampler;

  constructor(
    private readonly inner: MediaSource,
    readonly sampleRate: number,
  ) {
    this.resampler = new Resampler(inner.sampleRate, sampleRate);
  }

  get frameMs(): number {
    return this.inner.frameMs;
  }

  read(): Int16Array | undefined {
    const frame = this.inner.read();
    return frame && this.resampler.process(frame);
  }
}

export class WavSink implements MediaSink {
  private readonly writer: WavWriter;

  constructor(
    path: string,
    readonly sampleRate: number,
  ) {
    this.writer = new WavWriter(path, sampleRate);
  }

  write(frame: Int16Array): void {
    this.writer.write(frame);
  }

  close(): void {
    this.writer.close();
  }
}

/** Keeps every frame in memory (tests, analysis). */
export class MemorySink implements MediaSink {
  readonly frames: Int16Array[] = [];
  closed = false;

  constructor(readonly sampleRate: number) {}

  write(frame: Int16Array): void {
    this.frames.push(frame);
  }

  close(): void {
    this.closed = true;
  }

  samples(): Int16Array {
    const out = new Int16Array(this.frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of this.frames) {
      out.set(f, at);
      at += f.length;
    }
    return out;
  }
}
