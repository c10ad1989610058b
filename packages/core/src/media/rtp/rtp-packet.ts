// RFC 3550 §5.1 (RTP fixed header), §5.3.1 (header extension), padding; RFC
// 5761 §4 (telling RTP from RTCP on one port). Parsing never throws: bad input
// comes back as a typed rejection so callers can count it and drop it.
import { dataView } from "../bytes.js";

export type RtpHeaderExtension = {
  /** The 16-bit "defined by profile" field (0xBEDE for RFC 8285 one-byte). */
  profile: number;
  /** Extension body, a multiple of 4 bytes. */
  data: Uint8Array;
};

export type RtpPacket = {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  extension?: RtpHeaderExtension;
  payload: Uint8Array;
  /** Padding octets after the payload (0 = no P bit), the count octet included. */
  padding: number;
};

export type RtpRejectReason = "short" | "version" | "padding" | "rtcp";

export type RtpParseResult =
  | { ok: true; packet: RtpPacket; headerLength: number }
  | { ok: false; reason: RtpRejectReason };

export const RTP_VERSION = 2;
const FIXED_HEADER = 12;

/** RFC 5761 §4: second byte 192..223 (PT 64..95 with M) is RTCP. */
export function looksLikeRtcp(buf: Uint8Array): boolean {
  const b = buf[1];
  return buf.length >= 2 && b !== undefined && b >= 192 && b <= 223;
}

/**
 * Length of the header (fixed part, CSRCs, extension), or a rejection.
 * SRTP uses this to find where encryption starts without copying the payload.
 */
export function rtpHeaderLength(buf: Uint8Array): number | RtpRejectReason {
  if (buf.length < FIXED_HEADER) return "short";
  const b0 = buf[0] as number;
  if (b0 >> 6 !== RTP_VERSION) return "version";
  let len = FIXED_HEADER + 4 * (b0 & 0x0f);
  if (b0 & 0x10) {
    // §5.3.1: 16-bit profile field, 16-bit length in 32-bit words.
    if (buf.length < len + 4) return "short";
    len += 4 + 4 * dataView(buf).getUint16(len + 2);
  }
  return buf.length < len ? "short" : len;
}

export function parseRtp(buf: Uint8Array): RtpParseResult {
  if (looksLikeRtcp(buf)) return { ok: false, reason: "rtcp" };
  const headerLength = rtpHeaderLength(buf);
  if (typeof headerLength === "string") return { ok: false, reason: headerLength };
  const dv = dataView(buf);
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  let padding = 0;
  if (b0 & 0x20) {
    // §5.1: the last octet counts the padding octets, itself included.
    padding = buf[buf.length - 1] as number;
    if (padding === 0 || headerLength + padding > buf.length) return { ok: false, reason: "padding" };
  }
  const csrc: number[] = [];
  for (let i = 0; i < (b0 & 0x0f); i++) csrc.push(dv.getUint32(FIXED_HEADER + 4 * i));
  const packet: RtpPacket = {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: dv.getUint16(2),
    timestamp: dv.getUint32(4),
    ssrc: dv.getUint32(8),
    csrc,
    payload: buf.subarray(headerLength, buf.length - padding),
    padding,
  };
  if (b0 & 0x10) {
    const at = FIXED_HEADER + 4 * csrc.length;
    packet.extension = { profile: dv.getUint16(at), data: buf.subarray(at + 4, headerLength) };
  }
  return { ok: true, packet, headerLength };
}

export function serializeRtp(p: RtpPacket): Uint8Array {
  if (p.csrc.length > 15) throw new RangeError("RTP allows at most 15 CSRCs");
  const extData = p.extension?.data;
  if (extData && extData.length % 4 !== 0) throw new RangeError("RTP header extension must be a multiple of 4 bytes");
  const headerLength = FIXED_HEADER + 4 * p.csrc.length + (extData ? 4 + extData.length : 0);
  const out = new Uint8Array(headerLength + p.payload.length + p.padding);
  const dv = dataView(out);
  out[0] = (RTP_VERSION << 6) | (p.padding ? 0x20 : 0) | (p.extension ? 0x10 : 0) | p.csrc.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  dv.setUint16(2, p.sequenceNumber & 0xffff);
  dv.setUint32(4, p.timestamp >>> 0);
  dv.setUint32(8, p.ssrc >>> 0);
  p.csrc.forEach((c, i) => dv.setUint32(FIXED_HEADER + 4 * i, c >>> 0));
  if (p.extension && extData) {
    const at = FIXED_HEADER + 4 * p.csrc.length;
    dv.setUint16(at, p.extension.profile);
    dv.setUint16(at + 2, extData.length / 4);
    out.set(extData, at + 4);
  }
  out.set(p.payload, headerLength);
  if (p.padding) out[out.length - 1] = p.padding;
  return out;
}
