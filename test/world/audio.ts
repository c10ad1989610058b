// Test tones and their check: sox writes a sine WAV; the dominant frequency of
// a recording is read with sox's "stat" (rough frequency) and its RMS level.
import { run } from "./process.js";

export async function makeTone(file: string, hz: number, options: { seconds?: number; rate?: number } = {}): Promise<string> {
  await run("sox", ["-n", "-r", String(options.rate ?? 8000), "-c", "1", "-b", "16", file, "synth", String(options.seconds ?? 30), "sine", String(hz), "vol", "0.5"]);
  return file;
}

export type AudioStat = { seconds: number; rms: number; frequency: number };

export async function audioStat(file: string): Promise<AudioStat> {
  // Mixed down to one channel: baresip records Opus calls in stereo.
  const out = await run("sox", [file, "-n", "channels", "1", "stat"]);
  const num = (label: string) => {
    const m = new RegExp(`${label}:\\s*(-?[0-9.]+)`).exec(out);
    if (!m?.[1]) throw new Error(`sox stat gave no "${label}" for ${file}:\n${out}`);
    return Number(m[1]);
  };
  return { seconds: num("Length \\(seconds\\)"), rms: num("RMS\\s+amplitude"), frequency: num("Rough\\s+frequency") };
}
