// Signal checks for tests and diagnostics: RMS level, Goertzel power at one
// frequency, and the dominant frequency by FFT with parabolic peak refinement.

export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const x of pcm) sum += x * x;
  return Math.sqrt(sum / pcm.length);
}

/** Goertzel: normalised power of `freq` in `pcm` (a full-scale sine gives ~0.25). */
export function goertzelPower(pcm: Int16Array, sampleRate: number, freq: number): number {
  const w = (2 * Math.PI * freq) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const x of pcm) {
    const s0 = x / 32768 + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power / (pcm.length * pcm.length);
}

/** In-place iterative radix-2 FFT; `re.length` must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] as number, re[i] as number];
      [im[i], im[j]] = [im[j] as number, im[i] as number];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] as number) * wr - (im[b] as number) * wi;
        const xi = (re[b] as number) * wi + (im[b] as number) * wr;
        re[b] = (re[a] as number) - xr;
        im[b] = (im[a] as number) - xi;
        re[a] = (re[a] as number) + xr;
        im[a] = (im[a] as number) + xi;
      }
    }
  }
}

/**
 * The strongest frequency in `pcm` (Hann-windowed FFT over at most `maxWindow`
 * samples from the middle of the signal), in Hz; 0 for silence.
 */
export function dominantFrequency(pcm: Int16Array, sampleRate: number, maxWindow = 16384): number {
  let n = 1;
  while (n * 2 <= Math.min(pcm.length, maxWindow)) n *= 2;
  if (n < 64) return 0;
  const start = Math.floor((pcm.length - n) / 2);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = ((pcm[start + i] as number) / 32768) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  fft(re, im);
  const mag = (k: number) => Math.hypot(re[k] as number, im[k] as number);
  let peak = 1;
  for (let k = 2; k < n / 2; k++) if (mag(k) > mag(peak)) peak = k;
  if (mag(peak) < 1e-9) return 0;
  // Parabolic interpolation on log magnitudes around the peak bin.
  const a = Math.log(mag(peak - 1) + 1e-12);
  const b = Math.log(mag(peak) + 1e-12);
  const c = Math.log(mag(peak + 1) + 1e-12);
  const denom = a - 2 * b + c;
  const offset = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
  return ((peak + offset) * sampleRate) / n;
}

export type ToneAnalysis = { rms: number; dominantHz: number; durationMs: number };

export function analyzeTone(pcm: Int16Array, sampleRate: number): ToneAnalysis {
  return { rms: rms(pcm), dominantHz: dominantFrequency(pcm, sampleRate), durationMs: (pcm.length * 1000) / sampleRate };
}
