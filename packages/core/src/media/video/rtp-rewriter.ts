// RFC 3550 §5.1 and §8.2 for a relayed stream (protocol.md D32): packets of
// another leg's source go out under our own numbering. Within one source the
// sequence numbers and timestamps keep their spacing (gaps, reordering and
// late retransmissions survive), shifted so that ours continue. A new source
// (another SSRC, a jump past RFC 3550 A.1's MAX_DROPOUT, or restart()) is
// re-anchored: the next sequence number after our last one, and a timestamp
// moved on by the wall time elapsed at the media clock, so the receiver sees
// one continuous stream.
import { randomBytes } from "node:crypto";
import type { Clock } from "../../util/clock.js";

/** RFC 3550 Appendix A.1: a forward jump beyond this is a restart, a backward one beyond MAX_MISORDER too. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export type RelayIn = { ssrc: number; sequenceNumber: number; timestamp: number };
export type RelayOut = { sequenceNumber: number; timestamp: number; /** This packet began a new source. */ restarted: boolean };

export class RtpRewriter {
  private seq: number;
  private ts: number;
  private lastAt: number | undefined;
  private anchor: { ssrc: number; seq: number; ts: number; lastIn: number } | undefined;
  /** How many times a new source was anchored. */
  restarts = 0;

  constructor(
    private readonly clock: Clock,
    private readonly clockRate: number,
    start: { sequenceNumber: number; timestamp: number } = { sequenceNumber: randomBytes(2).readUInt16BE(0), timestamp: randomBytes(4).readUInt32BE(0) },
  ) {
    this.seq = start.sequenceNumber & 0xffff;
    this.ts = start.timestamp >>> 0;
  }

  /** The highest sequence number and its timestamp sent so far (or the start). */
  get last(): { sequenceNumber: number; timestamp: number } {
    return { sequenceNumber: this.seq, timestamp: this.ts };
  }

  /** The next packet starts a new source whatever its numbers (another leg attached). */
  restart(): void {
    this.anchor = undefined;
  }

  private isNewSource(p: RelayIn): boolean {
    const a = this.anchor;
    if (!a || a.ssrc !== p.ssrc) return true;
    const delta = (p.sequenceNumber - a.lastIn + 0x10000) & 0xffff;
    return delta > MAX_DROPOUT && delta < 0x10000 - MAX_MISORDER;
  }

  map(p: RelayIn): RelayOut {
    const now = this.clock.now();
    const restarted = this.isNewSource(p);
    if (restarted) {
      const elapsed = this.lastAt === undefined ? 0 : Math.max(1, Math.round(((now - this.lastAt) * this.clockRate) / 1000));
      this.anchor = { ssrc: p.ssrc, seq: (this.seq + 1 - p.sequenceNumber) & 0xffff, ts: (this.ts + elapsed - p.timestamp) >>> 0, lastIn: p.sequenceNumber };
      this.restarts++;
    }
    const a = this.anchor!;
    const sequenceNumber = (p.sequenceNumber + a.seq) & 0xffff;
    const timestamp = (p.timestamp + a.ts) >>> 0;
    // Only newer packets move our position: a late one keeps its place without pulling ours back.
    if (restarted || ((sequenceNumber - this.seq + 0x10000) & 0xffff) < 0x8000) {
      this.seq = sequenceNumber;
      this.ts = timestamp;
      a.lastIn = p.sequenceNumber;
      this.lastAt = now;
    }
    return { sequenceNumber, timestamp, restarted };
  }
}
