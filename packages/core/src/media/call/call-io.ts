// What each call plays and where what it hears goes, as data (for settings
// files and the daemon): WAV file, tone or silence in; WAV file per call or
// memory out. 16-bit mono PCM (RFC 3551 §4.5.10 L16 samples, host order).
import { join } from "node:path";
import { MemorySink, SilenceSource, ToneSource, WavSink, WavSource, type MediaSink, type MediaSource } from "../source.js";

export type CallSourceSpec =
  | { kind: "wav"; path: string; loop?: boolean }
  | { kind: "tone"; hz: number; sampleRate?: number; amplitude?: number }
  | { kind: "silence"; sampleRate?: number };

export type CallSinkSpec =
  /** One file per call: `<dir>/<prefix><Call-ID>.wav`, finalised when the call closes. */
  | { kind: "wav"; dir: string; sampleRate?: number; prefix?: string }
  /** Kept in memory; `onCall` receives each call's sink. */
  | { kind: "memory"; sampleRate?: number; onCall?: (callId: string, sink: MemorySink) => void };

type Call = { callId: string };

/** A source factory for CallMediaOptions.source. */
export function callSources(spec: CallSourceSpec): (call: Call) => MediaSource {
  switch (spec.kind) {
    case "wav":
      // Each call reads the file itself, so calls do not share a play position.
      return () => new WavSource(spec.path, { loop: spec.loop ?? true });
    case "tone":
      return () => new ToneSource(spec.sampleRate ?? 8000, spec.hz, spec.amplitude);
    case "silence":
      return () => new SilenceSource(spec.sampleRate ?? 8000);
  }
}

/** Call-IDs may hold any token character (RFC 3261 §25.1 `word`); keep file names tame. */
export function callFileName(callId: string): string {
  return callId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 120);
}

/** A sink factory for CallMediaOptions.sink. */
export function callSinks(spec: CallSinkSpec): (call: Call) => MediaSink {
  switch (spec.kind) {
    case "wav":
      return (call) => new WavSink(join(spec.dir, `${spec.prefix ?? ""}${callFileName(call.callId)}.wav`), spec.sampleRate ?? 8000);
    case "memory":
      return (call) => {
        const sink = new MemorySink(spec.sampleRate ?? 8000);
        spec.onCall?.(call.callId, sink);
        return sink;
      };
  }
}
