// RFC 3550 §5.1 for what we send the page: our own sequence numbers and
// timestamps (werift then puts its SSRC and the negotiated PT on each packet).
// Relayed packets keep their spacing: gaps and timestamp steps of the SIP
// peer's stream carry over, shifted to continue our numbering (RFC 3550 §8.2:
// when the SIP peer's stream restarts, with a new SSRC or a jump, we re-anchor).
import { randomBytes } from "node:crypto";
import { RtpHeader, RtpPacket } from "werift";

const MAX_SEQ_JUMP = 100;

export type OutPacket = { payload: Uint8Array; sequenceNumber: number; timestamp: number; marker: boolean };

export class RtpWriter {
  private seq = randomBytes(2).readUInt16BE(0);
  private ts = randomBytes(4).readUInt32BE(0);
  private anchor: { seq: number; ts: number } | undefined;
  private lastIn: number | undefined;
  sent = 0;

  constructor(private readonly write: (p: RtpPacket) => void) {}

  /** A packet of our own (encoded here): the next sequence number, `step` timestamp units later. */
  own(payload: Uint8Array, step: number, marker = false): void {
    this.anchor = undefined;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + step) >>> 0;
    this.emit(payload, marker);
  }

  /** A relayed packet: its sequence and timestamp, shifted to follow ours. */
  relay(p: OutPacket, step: number): void {
    const jump = this.lastIn === undefined ? Infinity : ((p.sequenceNumber - this.lastIn + 0x10000) & 0xffff);
    if (!this.anchor || (jump > MAX_SEQ_JUMP && jump < 0x10000 - MAX_SEQ_JUMP)) {
      this.anchor = { seq: (this.seq + 1 - p.sequenceNumber) & 0xffff, ts: (this.ts + step - p.timestamp) >>> 0 };
    }
    this.lastIn = p.sequenceNumber;
    const seq = (p.sequenceNumber + this.anchor.seq) & 0xffff;
    const ts = (p.timestamp + this.anchor.ts) >>> 0;
    // Only move forward: a late (reordered) packet keeps its place without pulling ours back.
    if (((seq - this.seq + 0x10000) & 0xffff) < 0x8000) {
      this.seq = seq;
      this.ts = ts;
    }
    this.emit(p.payload, p.marker, seq, ts);
  }

  private emit(payload: Uint8Array, marker: boolean, seq = this.seq, ts = this.ts): void {
    this.sent++;
    this.write(new RtpPacket(new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker, payloadType: 0 }), Buffer.from(payload)));
  }
}
