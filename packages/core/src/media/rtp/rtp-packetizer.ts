// RFC 3550 §5.1: the sender's side of the header: one SSRC, a random initial
// sequence number and timestamp, sequence +1 per packet, timestamp at the
// media clock; §6.4.1 counts for the SR.
import { randomBytes } from "node:crypto";
import type { RtpPacket } from "./rtp-packet.js";

export class RtpPacketizer {
  private seq: number;
  /** Timestamp of the next audio frame. */
  timestamp: number;
  packetCount = 0;
  octetCount = 0;
  lastTimestamp = 0;

  constructor(
    readonly ssrc: number,
    initial: { sequenceNumber?: number; timestamp?: number } = {},
  ) {
    this.seq = initial.sequenceNumber ?? randomBytes(2).readUInt16BE(0) & 0x7fff;
    this.timestamp = initial.timestamp ?? randomBytes(4).readUInt32BE(0);
  }

  /** Builds the next packet; `timestamp` overrides the running one (RFC 4733 events). */
  next(payloadType: number, payload: Uint8Array, opts: { marker?: boolean; timestamp?: number } = {}): RtpPacket {
    const timestamp = (opts.timestamp ?? this.timestamp) >>> 0;
    const packet: RtpPacket = { marker: opts.marker ?? false, payloadType, sequenceNumber: this.seq, timestamp, ssrc: this.ssrc, csrc: [], payload, padding: 0 };
    this.seq = (this.seq + 1) & 0xffff;
    this.packetCount++;
    this.octetCount += payload.length;
    this.lastTimestamp = timestamp;
    return packet;
  }

  /** Moves the media clock by one frame. */
  advance(step: number): void {
    this.timestamp = (this.timestamp + step) >>> 0;
  }
}
