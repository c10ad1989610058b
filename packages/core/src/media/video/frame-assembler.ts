// RFC 3550 §5.1 applied to video (RFC 7741 §4.1, RFC 6184 §5.1): packets of one
// frame share a timestamp, the last carries the marker, sequence numbers run
// without gaps. Collects packets (any order) into whole frames, in order,
// and reports the sequence ranges given up as lost.
//
//   push(packet) -> [frame | loss]...     flush() -> whatever is left, as loss
//
// A frame is complete when its first packet (the codec says so, or the one
// before it belongs to the previous frame), its marker packet and everything
// between have arrived. A gap is declared lost once packets more than
// `reorderWindow` sequence numbers past it have arrived.

export type VideoPacket = { sequenceNumber: number; timestamp: number; marker: boolean; payload: Uint8Array };

export type AssembledFrame = { kind: "frame"; timestamp: number; payloads: Uint8Array[]; firstSeq: number; lastSeq: number };
export type FrameLoss = { kind: "loss"; fromSeq: number; toSeq: number };
export type AssemblerOutput = AssembledFrame | FrameLoss;

export type FrameAssemblerOptions = {
  /** Does this payload begin a frame? (VP8: S = 1, PID = 0.) Without it, only sequence/timestamp boundaries count. */
  isFrameStart?: (payload: Uint8Array) => boolean;
  reorderWindow?: number;
  /** Packets held at most; beyond it the oldest are given up as lost. */
  maxPackets?: number;
};

export class FrameAssembler {
  private readonly packets = new Map<number, VideoPacket>();
  private next: number | undefined; // extended sequence number where the next frame starts
  private highest: number | undefined;
  private readonly window: number;
  private readonly maxPackets: number;
  late = 0;
  duplicates = 0;

  constructor(private readonly options: FrameAssemblerOptions = {}) {
    this.window = options.reorderWindow ?? 8;
    this.maxPackets = options.maxPackets ?? 2048;
  }

  private extend(seq: number): number {
    const ref = this.highest ?? seq;
    return ref + ((((seq - ref + 0x8000) & 0xffff) - 0x8000));
  }

  push(packet: VideoPacket): AssemblerOutput[] {
    const ext = this.extend(packet.sequenceNumber);
    if (this.next !== undefined && ext < this.next) {
      this.late++;
      return [];
    }
    if (this.packets.has(ext)) {
      this.duplicates++;
      return [];
    }
    this.packets.set(ext, packet);
    if (this.highest === undefined || ext > this.highest) this.highest = ext;
    return this.drain(false);
  }

  /** Ends the stream: complete frames come out, the rest is reported lost. */
  flush(): AssemblerOutput[] {
    return this.drain(true);
  }

  private isStart(ext: number): boolean {
    const p = this.packets.get(ext);
    if (!p) return false;
    if (this.options.isFrameStart?.(p.payload)) return true;
    const before = this.packets.get(ext - 1);
    return before !== undefined && (before.marker || before.timestamp !== p.timestamp);
  }

  private drain(final: boolean): AssemblerOutput[] {
    const out: AssemblerOutput[] = [];
    while (this.packets.size > 0) {
      if (this.next === undefined && !this.pickFirstStart()) break;
      const frame = this.completeAt(this.next as number);
      if (frame) {
        out.push(frame);
        continue;
      }
      if (!this.giveUp(final, out)) break;
    }
    if (final) this.packets.clear();
    return out;
  }

  /** Before the first frame: the lowest packet the codec marks as a start, else the lowest packet once its frame ended. */
  private pickFirstStart(): boolean {
    if (this.packets.size === 0) return false;
    const keys = [...this.packets.keys()].sort((a, b) => a - b);
    const flagged = keys.find((k) => this.options.isFrameStart?.(this.packets.get(k)!.payload));
    if (flagged !== undefined) {
      // Packets before the first frame start we can see belong to a frame we joined too late.
      keys.filter((k) => k < flagged).forEach((k) => this.packets.delete(k));
      this.next = flagged;
    } else if (!this.options.isFrameStart && keys.some((k) => this.packets.get(k)!.marker)) this.next = keys[0];
    else return false;
    return true;
  }

  private completeAt(start: number): AssembledFrame | undefined {
    const first = this.packets.get(start);
    if (!first) return undefined;
    const payloads: Uint8Array[] = [];
    for (let s = start; ; s++) {
      const p = this.packets.get(s);
      if (!p) return undefined;
      if (s > start && (p.timestamp !== first.timestamp || this.options.isFrameStart?.(p.payload))) {
        // The previous packet ended the frame though its marker was lost or never set.
        return this.take(start, s - 1, first.timestamp, payloads);
      }
      payloads.push(p.payload);
      if (p.marker) return this.take(start, s, first.timestamp, payloads);
    }
  }

  private take(from: number, to: number, timestamp: number, payloads: Uint8Array[]): AssembledFrame {
    for (let s = from; s <= to; s++) this.packets.delete(s);
    this.next = to + 1;
    return { kind: "frame", timestamp, payloads, firstSeq: from & 0xffff, lastSeq: to & 0xffff };
  }

  /** The frame at `next` cannot complete: skip to the next known frame start, reporting the skipped range. */
  private giveUp(final: boolean, out: AssemblerOutput[]): boolean {
    const next = this.next as number;
    let gap = next;
    while (this.packets.has(gap)) gap++;
    const overflow = this.packets.size > this.maxPackets;
    if (!final && !overflow && (this.highest as number) - gap <= this.window) return false;
    const keys = [...this.packets.keys()].filter((k) => k > next).sort((a, b) => a - b);
    const start = keys.find((k) => this.isStart(k));
    if (start === undefined) {
      if (!final && !overflow) return false;
      const top = Math.max(next, ...this.packets.keys());
      this.packets.clear();
      this.next = undefined;
      out.push({ kind: "loss", fromSeq: next & 0xffff, toSeq: top & 0xffff });
      return false;
    }
    for (const k of [...this.packets.keys()]) if (k < start) this.packets.delete(k);
    this.next = start;
    out.push({ kind: "loss", fromSeq: next & 0xffff, toSeq: (start - 1) & 0xffff });
    return true;
  }
}
