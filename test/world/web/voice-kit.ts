// Glue for the web app's voice world tests (docs/api.md "Browser voice"):
// what a page hears (a WebAudio AnalyserNode on the app's own <audio
// class="call-audio"> element's stream), and what baresip hears right now
// (the tail of the recording it is still writing: libsndfile writes each
// frame through, so the samples are on disk while the call goes on).
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { Page } from "playwright-core";
import { dominantFrequency } from "../../../packages/core/src/media/analysis.js";
import { until } from "../index.js";

export type Heard = { hz: number; db: number };

// Runs in the page (a string: the world tests' tsconfig has no DOM types). One
// analyser per remote stream; a new leg (a takeover) brings a new stream.
const PROBE = `(() => {
  const el = document.querySelector("audio.call-audio");
  const stream = el && el.srcObject instanceof MediaStream ? el.srcObject : undefined;
  const tracks = stream ? stream.getAudioTracks().map((t) => t.id).join(",") : "";
  if (!stream || !tracks) return { hz: 0, db: -200 };
  if (!window.probe || window.probe.stream !== stream || window.probe.tracks !== tracks) {
    window.probeCtx = window.probeCtx || new AudioContext({ sampleRate: 48000 });
    const an = window.probeCtx.createAnalyser();
    an.fftSize = 16384;
    window.probeCtx.createMediaStreamSource(stream).connect(an);
    window.probe = { stream, tracks, an };
  }
  const an = window.probe.an;
  const bins = new Float32Array(an.frequencyBinCount);
  an.getFloatFrequencyData(bins);
  let best = 1;
  for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  return { hz: (best * an.context.sampleRate) / an.fftSize, db: bins[best] };
})()`;

/** The dominant frequency of the call audio the app plays (0 Hz / -200 dB while it plays none). */
export const pageHears = (page: Page): Promise<Heard> => page.evaluate<Heard>(PROBE);

/** Waits until the page hears `hz` (within 30 Hz, above -60 dB). */
export async function pageHearsTone(page: Page, hz: number, timeoutMs = 60_000): Promise<void> {
  let last: Heard = { hz: 0, db: -200 };
  await until(`the page to hear ${hz} Hz`, async () => {
    last = await pageHears(page);
    return Math.abs(last.hz - hz) < 30 && last.db > -60;
  }, { timeoutMs, intervalMs: 200 }).catch((e: Error) => {
    throw new Error(`${e.message} (it heard ${last.hz.toFixed(0)} Hz at ${last.db.toFixed(0)} dB)`);
  });
}

type WavLayout = { rate: number; channels: number; dataAt: number };

/** RIFF chunks up to "data" (libsndfile writes fmt, maybe PEAK, then data). */
function layoutOf(head: Buffer): WavLayout | undefined {
  if (head.toString("ascii", 0, 4) !== "RIFF" || head.toString("ascii", 8, 12) !== "WAVE") return undefined;
  let at = 12;
  let rate = 0;
  let channels = 0;
  while (at + 8 <= head.length) {
    const id = head.toString("ascii", at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === "fmt ") {
      channels = head.readUInt16LE(at + 10);
      rate = head.readUInt32LE(at + 12);
    }
    if (id === "data") return rate && channels ? { rate, channels, dataAt: at + 8 } : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

export type Tail = { rate: number; rms: number; hz: number };

/** The last `seconds` of a 16-bit WAV still being written: its RMS and dominant frequency (first channel). */
export function recordingTail(file: string, seconds = 0.5): Tail | undefined {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(512);
    readSync(fd, head, 0, head.length, 0);
    const l = layoutOf(head);
    if (!l) return undefined;
    const frame = 2 * l.channels;
    const frames = Math.floor((statSync(file).size - l.dataAt) / frame);
    const want = Math.floor(l.rate * seconds);
    if (frames < want) return undefined;
    const buf = Buffer.alloc(want * frame);
    readSync(fd, buf, 0, buf.length, l.dataAt + (frames - want) * frame);
    const pcm = new Int16Array(want);
    for (let i = 0; i < want; i++) pcm[i] = buf.readInt16LE(i * frame);
    const rms = Math.sqrt(pcm.reduce((a, x) => a + x * x, 0) / want);
    return { rate: l.rate, rms, hz: dominantFrequency(pcm, l.rate) };
  } finally {
    closeSync(fd);
  }
}

/** The tone is there: loud enough and dominant within 30 Hz. */
export const hasTone = (t: Tail | undefined, hz: number): boolean => t !== undefined && t.rms > 300 && Math.abs(t.hz - hz) < 30;

/** Waits until the tail of `file` has (or has not) `hz`. */
export async function recordingTone(file: string, hz: number, present: boolean, timeoutMs = 60_000): Promise<Tail> {
  return until(`baresip's recording ${present ? "to have" : "to lose"} ${hz} Hz`, () => {
    const t = recordingTail(file);
    return t && hasTone(t, hz) === present ? t : undefined;
  }, { timeoutMs, intervalMs: 200 });
}
