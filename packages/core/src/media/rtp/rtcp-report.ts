// RFC 3550 §6.4.1 (SR), §6.4.2 (RR) and their report blocks.
import { dataView } from "../bytes.js";

export type ReportBlock = {
  ssrc: number;
  /** Fraction lost since the last report, in 1/256 (0..255). */
  fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  cumulativeLost: number;
  /** Extended highest sequence number received. */
  highestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp, or 0. */
  lastSr: number;
  /** Delay since that SR, in 1/65536 s. */
  delaySinceLastSr: number;
};

export type SenderReport = {
  type: "sr";
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
};

export type ReceiverReport = { type: "rr"; ssrc: number; reports: ReportBlock[] };

export const PT_SR = 200;
export const PT_RR = 201;
const BLOCK = 24;

function parseBlocks(body: Uint8Array, at: number, count: number): ReportBlock[] | undefined {
  if (body.length < at + count * BLOCK) return undefined;
  const dv = dataView(body);
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const o = at + i * BLOCK;
    const lost = dv.getUint32(o + 4) & 0xffffff;
    blocks.push({
      ssrc: dv.getUint32(o),
      fractionLost: body[o + 4] as number,
      cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
      highestSequence: dv.getUint32(o + 8),
      jitter: dv.getUint32(o + 12),
      lastSr: dv.getUint32(o + 16),
      delaySinceLastSr: dv.getUint32(o + 20),
    });
  }
  return blocks;
}

function writeBlocks(out: Uint8Array, at: number, blocks: ReportBlock[]): void {
  const dv = dataView(out);
  blocks.forEach((b, i) => {
    const o = at + i * BLOCK;
    dv.setUint32(o, b.ssrc >>> 0);
    // §6.4.1: cumulative lost clamps to the signed 24-bit range.
    const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(b.cumulativeLost)));
    dv.setUint32(o + 4, (((b.fractionLost & 0xff) << 24) | (lost & 0xffffff)) >>> 0);
    dv.setUint32(o + 8, b.highestSequence >>> 0);
    dv.setUint32(o + 12, b.jitter >>> 0);
    dv.setUint32(o + 16, b.lastSr >>> 0);
    dv.setUint32(o + 20, b.delaySinceLastSr >>> 0);
  });
}

export function parseSenderReport(count: number, body: Uint8Array): SenderReport | undefined {
  if (body.length < 24) return undefined;
  const dv = dataView(body);
  const reports = parseBlocks(body, 24, count);
  if (!reports) return undefined;
  return {
    type: "sr",
    ssrc: dv.getUint32(0),
    ntpSeconds: dv.getUint32(4),
    ntpFraction: dv.getUint32(8),
    rtpTimestamp: dv.getUint32(12),
    packetCount: dv.getUint32(16),
    octetCount: dv.getUint32(20),
    reports,
  };
}

export function serializeSenderReport(p: SenderReport): Uint8Array {
  const out = new Uint8Array(24 + BLOCK * p.reports.length);
  const dv = dataView(out);
  dv.setUint32(0, p.ssrc >>> 0);
  dv.setUint32(4, p.ntpSeconds >>> 0);
  dv.setUint32(8, p.ntpFraction >>> 0);
  dv.setUint32(12, p.rtpTimestamp >>> 0);
  dv.setUint32(16, p.packetCount >>> 0);
  dv.setUint32(20, p.octetCount >>> 0);
  writeBlocks(out, 24, p.reports);
  return out;
}

export function parseReceiverReport(count: number, body: Uint8Array): ReceiverReport | undefined {
  if (body.length < 4) return undefined;
  const reports = parseBlocks(body, 4, count);
  return reports && { type: "rr", ssrc: dataView(body).getUint32(0), reports };
}

export function serializeReceiverReport(p: ReceiverReport): Uint8Array {
  const out = new Uint8Array(4 + BLOCK * p.reports.length);
  dataView(out).setUint32(0, p.ssrc >>> 0);
  writeBlocks(out, 4, p.reports);
  return out;
}

/** The middle 32 bits of a 64-bit NTP timestamp (§6.4.1 LSR). */
export function ntpMiddle32(ntpSeconds: number, ntpFraction: number): number {
  return (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
}

/** NTP (seconds since 1900) from Unix milliseconds, as the two 32-bit halves. */
export function ntpFromUnixMs(ms: number): { ntpSeconds: number; ntpFraction: number } {
  const seconds = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - seconds * 1000) / 1000) * 2 ** 32);
  return { ntpSeconds: (seconds + 2208988800) >>> 0, ntpFraction: fraction >>> 0 };
}
