// Sine tone generation at a given rate, frequency and amplitude, phase
// continuous across frames (test sources, ringback, DTMF-free beeps).

export class ToneGenerator {
  private phase = 0;

  constructor(
    readonly sampleRate: number,
    readonly frequency: number,
    /** Peak amplitude, 0..32767. */
    readonly amplitude = 16384,
  ) {}

  next(samples: number): Int16Array {
    const out = new Int16Array(samples);
    const step = (2 * Math.PI * this.frequency) / this.sampleRate;
    for (let i = 0; i < samples; i++) {
      out[i] = Math.round(this.amplitude * Math.sin(this.phase));
      this.phase += step;
    }
    this.phase %= 2 * Math.PI;
    return out;
  }
}

/** `durationMs` of a sine in one array. */
export function generateTone(sampleRate: number, frequency: number, durationMs: number, amplitude = 16384): Int16Array {
  return new ToneGenerator(sampleRate, frequency, amplitude).next(Math.round((durationMs * sampleRate) / 1000));
}
