// Adaptive playout buffer for RTP audio (RFC 3550 §6.4.1 jitter estimate,
// A.8, drives the target depth). One packet per frame of `frameMs`.
//
//   push(packet) -> "queued" | "duplicate" | "late"
//   pop(now)     -> one frame: audio | conceal (a gap: ask the PLC) | silence
//
//   buffering --(target delay reached)--> playing --(too many empty pops)--> buffering
import type { Clock } from "../util/clock.js";
import { JitterEstimator } from "./rtp/stats.js";

export type BufferedPacket = { sequenceNumber: number; timestamp: number; payload: Uint8Array; marker?: boolean };

export type JitterFrame =
  | { kind: "audio"; packet: BufferedPacket }
  | { kind: "conceal"; sequenceNumber: number }
  | { kind: "silence" };

export type PushVerdict = "queued" | "duplicate" | "late";

export type JitterBufferOptions = {
  clock: Clock;
  clockRate: number;
  frameMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  initialDelayMs?: number;
  /** Empty pops in a row after which we stop concealing and re-buffer. */
  maxConcealFrames?: number;
  /** A jump of more than this many frames means the sender restarted: start over. */
  resyncFrames?: number;
};

export type JitterBufferStats = {
  received: number;
  duplicates: number;
  late: number;
  played: number;
  concealed: number;
  dropped: number;
  targetDelayMs: number;
  depthFrames: number;
};

type State = "buffering" | "playing";

export class JitterBuffer {
  private readonly packets = new Map<number, BufferedPacket>();
  /** Recently played extended sequence numbers, to tell a duplicate from a late packet. */
  private readonly played = new Set<number>();
  private state: State = "buffering";
  private next = 0; // extended sequence number due at the next pop
  private highest: number | undefined;
  private firstArrival: number | undefined;
  private emptyRun = 0;
  private calmPops = 0;
  private hasPlayed = false;
  private readonly resyncFrames: number;
  private readonly jitter: JitterEstimator;
  private readonly frameMs: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly maxConceal: number;
  targetDelayMs: number;
  readonly stats: Omit<JitterBufferStats, "targetDelayMs" | "depthFrames"> = { received: 0, duplicates: 0, late: 0, played: 0, concealed: 0, dropped: 0 };

  constructor(private readonly options: JitterBufferOptions) {
    this.frameMs = options.frameMs ?? 20;
    this.minDelay = options.minDelayMs ?? 40;
    this.maxDelay = options.maxDelayMs ?? 300;
    this.targetDelayMs = Math.min(this.maxDelay, Math.max(this.minDelay, options.initialDelayMs ?? 60));
    this.maxConceal = options.maxConcealFrames ?? 10;
    this.resyncFrames = options.resyncFrames ?? 100;
    this.jitter = new JitterEstimator(options.clockRate);
  }

  /** Maps a 16-bit sequence number to the extended number nearest `ref`. */
  private extend(seq: number, ref: number): number {
    const diff = ((seq - ref + 0x8000) & 0xffff) - 0x8000;
    return ref + diff;
  }

  push(packet: BufferedPacket, arrivalMs = this.options.clock.now()): PushVerdict {
    const ref = this.highest ?? packet.sequenceNumber;
    const ext = this.extend(packet.sequenceNumber, ref);
    if (this.played.has(ext)) {
      this.stats.duplicates++;
      return "duplicate";
    }
    // A far jump back is a restarted sender (RFC 3550 A.1): start over. A far
    // jump ahead waits in the buffer until playout reaches it (skipGap).
    if (this.hasPlayed && ext < this.next - this.resyncFrames) this.resync();
    if (this.hasPlayed && ext < this.next) {
      this.stats.late++;
      // A late packet means the buffer is too shallow: deepen by one frame.
      this.setTarget(this.targetDelayMs + this.frameMs);
      return "late";
    }
    if (this.packets.has(ext)) {
      this.stats.duplicates++;
      return "duplicate";
    }
    this.packets.set(ext, packet);
    this.stats.received++;
    this.jitter.update(packet.timestamp, arrivalMs);
    this.firstArrival ??= arrivalMs;
    if (this.highest === undefined || ext > this.highest) this.highest = ext;
    return "queued";
  }

  /** One frame for playout at time `now` (ms of the injected clock). */
  pop(now = this.options.clock.now()): JitterFrame {
    if (this.state === "buffering" && !this.startPlayout(now)) return { kind: "silence" };
    this.skipGap();
    this.shrinkIfDeep();
    const packet = this.packets.get(this.next);
    const seq = this.next;
    this.next++;
    if (packet) {
      this.packets.delete(seq);
      this.played.add(seq);
      this.played.delete(seq - 64);
      this.emptyRun = 0;
      this.stats.played++;
      this.relax();
      return { kind: "audio", packet };
    }
    if (this.packets.size === 0 && ++this.emptyRun > this.maxConceal) {
      // The stream paused (or ended): stop inventing audio and re-buffer.
      // Nothing of the empty run arrived, so its numbers may still come.
      this.next -= this.emptyRun;
      this.emptyRun = 0;
      this.state = "buffering";
      this.firstArrival = undefined;
      this.setTarget(this.targetDelayMs + this.frameMs);
      return { kind: "silence" };
    }
    this.stats.concealed++;
    this.calmPops = 0;
    return { kind: "conceal", sequenceNumber: seq & 0xffff };
  }

  /** RFC 3550 A.1's restart case: a new sequence space, so forget the old one. */
  private resync(): void {
    this.packets.clear();
    this.played.clear();
    this.state = "buffering";
    this.hasPlayed = false;
    this.firstArrival = undefined;
    this.highest = undefined;
  }

  private startPlayout(now: number): boolean {
    if (this.firstArrival === undefined || this.packets.size === 0) return false;
    if (now - this.firstArrival < this.targetDelayMs) return false;
    // After a re-buffer, never go back before what was already played or concealed.
    const oldest = Math.min(...this.packets.keys());
    this.next = this.hasPlayed ? Math.max(oldest, this.next) : oldest;
    this.hasPlayed = true;
    this.state = "playing";
    this.emptyRun = 0;
    return true;
  }

  /** Frames held from the next due one up to the highest received near it. */
  get depthFrames(): number {
    if (this.state !== "playing") return this.packets.size;
    let top = this.next - 1;
    for (const k of this.packets.keys()) if (k > top && k <= this.next + this.resyncFrames) top = k;
    return top - this.next + 1;
  }

  /** Nothing due and the oldest held packet is far ahead: jump to it, no concealment. */
  private skipGap(): void {
    if (this.packets.size === 0 || this.packets.has(this.next)) return;
    const oldest = Math.min(...this.packets.keys());
    if (oldest - this.next > this.resyncFrames) this.next = oldest;
  }

  /** When the buffer holds more than the target plus two frames, skip one. */
  private shrinkIfDeep(): void {
    const targetFrames = Math.ceil(this.targetDelayMs / this.frameMs);
    if (this.depthFrames <= targetFrames + 2) return;
    if (this.packets.delete(this.next)) this.stats.dropped++;
    this.next++;
  }

  /** After a calm second, move the target toward what the jitter needs. */
  private relax(): void {
    if (++this.calmPops < 1000 / this.frameMs) return;
    this.calmPops = 0;
    const needed = 3 * this.jitter.jitterMs + this.frameMs;
    if (this.targetDelayMs - this.frameMs >= needed) this.setTarget(this.targetDelayMs - this.frameMs);
  }

  private setTarget(ms: number): void {
    this.targetDelayMs = Math.min(this.maxDelay, Math.max(this.minDelay, ms));
  }

  snapshot(): JitterBufferStats {
    return { ...this.stats, targetDelayMs: this.targetDelayMs, depthFrames: this.depthFrames };
  }
}
