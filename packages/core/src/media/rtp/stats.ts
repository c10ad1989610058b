// RFC 3550 Appendix A.1 (sequence validation: wrap, probation, restarts),
// A.3 (expected/lost, fraction lost), A.8 (interarrival jitter) and §6.4.1
// (round-trip time from LSR/DLSR); an estimated MOS after ITU-T G.107.
import { ntpFromUnixMs, ntpMiddle32, type ReportBlock, type SenderReport } from "./rtcp-report.js";

const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;

export type SequenceVerdict = "valid" | "probation" | "bad";

/** A.1's per-source state, as a class. Feed every packet's sequence number. */
export class SequenceTracker {
  private baseSeq = 0;
  private maxSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private cycles = 0;
  private probation: number;
  received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;

  constructor(firstSeq: number, minSequential = MIN_SEQUENTIAL) {
    this.init(firstSeq);
    this.maxSeq = (firstSeq - 1) & 0xffff;
    this.probation = minSequential;
  }

  private init(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  update(seq: number): SequenceVerdict {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // A.1: a source is valid after MIN_SEQUENTIAL packets in sequence.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.init(seq);
          this.received++;
          return "valid";
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return "probation";
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap; a smaller number means a wrap.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: the sender restarted if two packets in a row agree.
      if (seq !== this.badSeq) {
        this.badSeq = (seq + 1) & 0xffff;
        return "bad";
      }
      this.init(seq);
    }
    // else: duplicate or reordered packet, counted as received.
    this.received++;
    return "valid";
  }

  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.extendedMax - this.baseSeq + 1;
  }

  /** A.3: cumulative loss, clamped to the signed 24-bit field. */
  get cumulativeLost(): number {
    return Math.max(-0x800000, Math.min(0x7fffff, this.expected - this.received));
  }

  /** A.3: fraction lost since the previous call, in 1/256. */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.floor((lostInterval * 256) / expectedInterval);
  }
}

/** A.8: interarrival jitter in timestamp units. */
export class JitterEstimator {
  private transit: number | undefined;
  jitter = 0;

  constructor(readonly clockRate: number) {}

  update(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = Math.floor((arrivalMs * this.clockRate) / 1000);
    const transit = arrival - rtpTimestamp;
    if (this.transit !== undefined) {
      // Timestamps wrap at 2^32: take the difference modulo 2^32, signed.
      let d = (transit - this.transit) | 0;
      if (d < 0) d = -d;
      this.jitter += (d - this.jitter) / 16;
    }
    this.transit = transit;
  }

  get jitterMs(): number {
    return (this.jitter * 1000) / this.clockRate;
  }
}

/** What a receiver keeps about one remote source, to fill RR/SR report blocks. */
export class ReceiveStats {
  private seq: SequenceTracker | undefined;
  readonly jitter: JitterEstimator;
  private lastSr: { middle: number; arrivalMs: number } | undefined;

  constructor(
    readonly ssrc: number,
    clockRate: number,
  ) {
    this.jitter = new JitterEstimator(clockRate);
  }

  /** Feed one received packet; jitter only counts packets judged valid. */
  onPacket(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): SequenceVerdict {
    this.seq ??= new SequenceTracker(sequenceNumber);
    const verdict = this.seq.update(sequenceNumber);
    if (verdict === "valid") this.jitter.update(rtpTimestamp, arrivalMs);
    return verdict;
  }

  onSenderReport(sr: SenderReport, arrivalMs: number): void {
    this.lastSr = { middle: ntpMiddle32(sr.ntpSeconds, sr.ntpFraction), arrivalMs };
  }

  get received(): number {
    return this.seq?.received ?? 0;
  }

  get cumulativeLost(): number {
    return this.seq?.cumulativeLost ?? 0;
  }

  /** A.3: packets expected so far (extended highest minus base, plus one). */
  get expected(): number {
    return this.seq?.expected ?? 0;
  }

  /** A report block for our next SR/RR; resets the fraction-lost interval. */
  reportBlock(nowMs: number): ReportBlock {
    const seq = this.seq;
    return {
      ssrc: this.ssrc,
      fractionLost: seq ? seq.takeFractionLost() : 0,
      cumulativeLost: seq ? seq.cumulativeLost : 0,
      highestSequence: seq ? seq.extendedMax >>> 0 : 0,
      jitter: Math.floor(this.jitter.jitter),
      lastSr: this.lastSr?.middle ?? 0,
      // §6.4.1: DLSR in units of 1/65536 seconds.
      delaySinceLastSr: this.lastSr ? Math.floor(((nowMs - this.lastSr.arrivalMs) * 65536) / 1000) : 0,
    };
  }
}

/**
 * §6.4.1: RTT = A - LSR - DLSR, from a report block about our stream that
 * arrived at `arrivalUnixMs`. Undefined when the peer has seen no SR from us.
 */
export function roundTripMs(block: ReportBlock, arrivalUnixMs: number): number | undefined {
  if (block.lastSr === 0) return undefined;
  const a = ntpFromUnixMs(arrivalUnixMs);
  const rtt = (ntpMiddle32(a.ntpSeconds, a.ntpFraction) - block.lastSr - block.delaySinceLastSr) >>> 0;
  // A negative result (clock skew) wraps to a huge value: treat it as 0.
  return rtt > 0x80000000 ? 0 : (rtt * 1000) / 65536;
}
