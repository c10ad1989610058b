// DECISION(protocol.md D33): the sound device as a call leg (D27): the
// system's capture tool feeds the call, the playback tool plays the SIP
// peer. Both run at 48 kHz mono s16le (tools.ts); the call's LegSlot and
// RtpSession resample to the codec's rate. The tools start with the call's
// media (the first flow that sends or receives) and stop when the leg is
// closed (call ended, a page took the call over). Buffers are bounded both
// ways: a stalled tool costs at most maxBufferMs / maxQueueMs of audio.
import type { MediaFlow } from "../../sdp/index.js";
import { Emitter } from "../../util/events.js";
import type { CallLeg, CallLegEvents } from "../leg/types.js";
import type { MediaSink, MediaSource } from "../source.js";
import { PcmFifo } from "./pcm-fifo.js";
import { ToolProcess, type ToolProcessOptions } from "./tool-process.js";
import { deviceCommands, DEVICE_RATE, type SoundDeviceSpec } from "./tools.js";

export type DeviceLegOptions = ToolProcessOptions & {
  /** Captured audio kept at most (default 200 ms; the oldest goes). */
  maxBufferMs?: number;
  /** After running dry, wait for this much before playing again (default 40 ms). */
  refillMs?: number;
  /** Audio for the speaker waiting while its pipe is full (default 200 ms; the oldest goes). */
  maxQueueMs?: number;
};

export type DeviceLegEvents = CallLegEvents & {
  /** A tool is missing or died (the message names the setting); that direction is silent from now on. */
  warning: { command: string; message: string };
  /** The tools were started. */
  started: Record<string, never>;
};

const FRAME_MS = 20;
const FRAME = (DEVICE_RATE * FRAME_MS) / 1000;

export class DeviceLeg implements CallLeg {
  readonly kind = "device";
  readonly events = new Emitter<DeviceLegEvents>();
  readonly source: MediaSource = { sampleRate: DEVICE_RATE, frameMs: FRAME_MS, read: () => this.fifo.read(FRAME) };
  readonly sink: MediaSink = { sampleRate: DEVICE_RATE, write: (f) => this.play(f), close: () => undefined };
  readonly counters = { playedFrames: 0, playDropped: 0 };
  private readonly fifo: PcmFifo;
  private readonly mic: ToolProcess;
  private readonly speaker: ToolProcess;
  private readonly queue: Buffer[] = [];
  private readonly maxQueue: number;
  private markStopped: () => void = () => undefined;
  private readonly stopped = new Promise<void>((r) => (this.markStopped = r));
  started = false;
  closed = false;
  endReason: string | undefined;

  constructor(
    readonly spec: SoundDeviceSpec,
    options: DeviceLegOptions = {},
  ) {
    const perMs = DEVICE_RATE / 1000;
    this.fifo = new PcmFifo((options.maxBufferMs ?? 200) * perMs, (options.refillMs ?? 40) * perMs);
    this.maxQueue = Math.max(1, Math.round((options.maxQueueMs ?? 200) / FRAME_MS));
    const tools = deviceCommands(spec);
    this.mic = new ToolProcess("capture", tools.capture, options);
    this.speaker = new ToolProcess("playback", tools.playback, options);
    for (const t of [this.mic, this.speaker]) t.events.on("warning", (w) => this.events.emit("warning", w));
    this.mic.events.on("data", (bytes) => this.fifo.pushBytes(bytes));
    this.speaker.events.on("drain", () => this.flush());
  }

  /** What the capture buffer did (dropped samples, dry reads, frames given). */
  get captureCounters(): PcmFifo["counters"] {
    return this.fifo.counters;
  }

  /** Whether each tool runs now. */
  get running(): { capture: boolean; playback: boolean } {
    return { capture: this.mic.running, playback: this.speaker.running };
  }

  flow(flow: MediaFlow): void {
    if (this.started || this.closed || !(flow.send || flow.recv)) return;
    this.started = true;
    this.mic.start();
    this.speaker.start();
    this.events.emit("started", {});
  }

  private play(frame: Int16Array): void {
    if (!this.started || this.closed || !this.speaker.running) return;
    const bytes = Buffer.alloc(frame.length * 2);
    for (let i = 0; i < frame.length; i++) bytes.writeInt16LE(frame[i]!, i * 2);
    this.queue.push(bytes);
    if (this.queue.length > this.maxQueue) {
      this.queue.shift();
      this.counters.playDropped++;
    }
    this.flush();
  }

  private flush(): void {
    while (this.queue.length > 0 && this.speaker.writable) {
      this.speaker.write(this.queue.shift()!);
      this.counters.playedFrames++;
    }
  }

  /** Stops both tools (SIGTERM, then SIGKILL); emits `ended` once. */
  close(reason = "released"): void {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    this.queue.length = 0;
    void Promise.all([this.mic.stop(), this.speaker.stop()]).then(() => this.markStopped());
    this.events.emit("ended", { reason });
  }

  /** Resolves once the leg was closed and both tools have exited. */
  whenStopped(): Promise<void> {
    return this.stopped;
  }
}
