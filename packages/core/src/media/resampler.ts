// Sample-rate conversion between 8, 16 and 48 kHz (integer ratios), streaming
// frame by frame: linear interpolation up; windowed-sinc low-pass then
// decimation down, so that 48 kHz Opus audio does not alias into 8 kHz G.711.

const TAPS_PER_PHASE = 16;

function lowPass(factor: number): Float64Array {
  // Hann-windowed sinc, cutoff at 0.9 of the output Nyquist frequency.
  const taps = TAPS_PER_PHASE * factor + 1;
  const cutoff = 0.9 / (2 * factor);
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    h[i] = sinc * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)));
    sum += h[i] as number;
  }
  return h.map((v) => v / sum);
}

function clamp16(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x)));
}

export class Resampler {
  private readonly up: number;
  private readonly down: number;
  private readonly taps: Float64Array | undefined;
  private history: Float64Array;
  private prev = 0;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    if (fromRate <= 0 || toRate <= 0 || (Math.max(fromRate, toRate) % Math.min(fromRate, toRate)) !== 0)
      throw new RangeError(`resampling ${fromRate} -> ${toRate} Hz: only integer ratios are supported`);
    this.up = toRate > fromRate ? toRate / fromRate : 1;
    this.down = fromRate > toRate ? fromRate / toRate : 1;
    this.taps = this.down > 1 ? lowPass(this.down) : undefined;
    this.history = new Float64Array(this.taps ? this.taps.length - 1 : 0);
  }

  /** Converts one frame; output length is input * toRate / fromRate. */
  process(input: Int16Array): Int16Array {
    if (this.up > 1) return this.upsample(input);
    if (this.down > 1) return this.decimate(input);
    return input.slice();
  }

  private upsample(input: Int16Array): Int16Array {
    const l = this.up;
    const out = new Int16Array(input.length * l);
    for (let i = 0; i < input.length; i++) {
      const x = input[i] as number;
      for (let k = 1; k <= l; k++) out[i * l + k - 1] = clamp16(this.prev + ((x - this.prev) * k) / l);
      this.prev = x;
    }
    return out;
  }

  private decimate(input: Int16Array): Int16Array {
    const taps = this.taps as Float64Array;
    const m = this.down;
    const hist = this.history.length;
    // Work buffer: the previous input tail, then this frame.
    const buf = new Float64Array(hist + input.length);
    buf.set(this.history);
    for (let i = 0; i < input.length; i++) buf[hist + i] = input[i] as number;
    const out = new Int16Array(Math.floor(input.length / m));
    for (let j = 0; j < out.length; j++) {
      const end = hist + j * m + m - 1; // newest input sample for this output
      let acc = 0;
      for (let t = 0; t < taps.length; t++) acc += (taps[t] as number) * (buf[end - t] as number);
      out[j] = clamp16(acc);
    }
    this.history = buf.slice(buf.length - hist);
    return out;
  }
}

/** One-shot conversion of a whole signal. */
export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  return new Resampler(fromRate, toRate).process(input);
}
