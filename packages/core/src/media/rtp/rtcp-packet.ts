// RFC 3550 §6.1 (common header, compound packets) and Appendix A.2 (validity
// checks); RFC 4585 §6.1 feedback header. Unknown types pass through intact.
import { concatBytes, dataView } from "../bytes.js";
import {
  parseReceiverReport,
  parseSenderReport,
  PT_RR,
  PT_SR,
  serializeReceiverReport,
  serializeSenderReport,
  type ReceiverReport,
  type SenderReport,
} from "./rtcp-report.js";
import { parseSdes, PT_SDES, serializeSdes, type SourceDescription } from "./rtcp-sdes.js";
import { parseBye, PT_BYE, serializeBye, type RtcpBye } from "./rtcp-bye.js";
import { parseApp, PT_APP, serializeApp, type RtcpApp } from "./rtcp-app.js";
import {
  FMT_FIR,
  FMT_PLI,
  parseFir,
  parsePli,
  PT_PSFB,
  serializeFir,
  serializePli,
  type FullIntraRequest,
  type PictureLossIndication,
} from "./rtcp-feedback.js";

/** Any RTCP packet we do not model: kept whole so it can be relayed. */
export type UnknownRtcp = { type: "unknown"; packetType: number; count: number; body: Uint8Array };

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | RtcpBye
  | RtcpApp
  | PictureLossIndication
  | FullIntraRequest
  | UnknownRtcp;

export type RtcpRejectReason = "short" | "version" | "length" | "padding" | "malformed";

export type RtcpParseResult = { ok: true; packets: RtcpPacket[] } | { ok: false; reason: RtcpRejectReason };

function parseOne(pt: number, count: number, body: Uint8Array): RtcpPacket | undefined {
  switch (pt) {
    case PT_SR:
      return parseSenderReport(count, body);
    case PT_RR:
      return parseReceiverReport(count, body);
    case PT_SDES:
      return parseSdes(count, body);
    case PT_BYE:
      return parseBye(count, body);
    case PT_APP:
      return parseApp(count, body);
    case PT_PSFB:
      if (count === FMT_PLI) return parsePli(body);
      if (count === FMT_FIR) return parseFir(body);
  }
  return { type: "unknown", packetType: pt, count, body: body.slice() };
}

/** Parses a compound RTCP packet (one or more packets back to back). */
export function parseRtcp(buf: Uint8Array): RtcpParseResult {
  if (buf.length < 4) return { ok: false, reason: "short" };
  const dv = dataView(buf);
  const packets: RtcpPacket[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length < at + 4) return { ok: false, reason: "short" };
    const b0 = buf[at] as number;
    if (b0 >> 6 !== 2) return { ok: false, reason: "version" };
    const end = at + 4 * (dv.getUint16(at + 2) + 1);
    if (end > buf.length) return { ok: false, reason: "length" };
    let bodyEnd = end;
    if (b0 & 0x20) {
      // A.2: only the last packet of a compound may be padded.
      const pad = buf[end - 1] as number;
      if (end !== buf.length || pad === 0 || pad > end - at - 4) return { ok: false, reason: "padding" };
      bodyEnd -= pad;
    }
    const packet = parseOne(buf[at + 1] as number, b0 & 0x1f, buf.subarray(at + 4, bodyEnd));
    if (!packet) return { ok: false, reason: "malformed" };
    packets.push(packet);
    at = end;
  }
  return { ok: true, packets };
}

function bodyOf(p: RtcpPacket): { pt: number; count: number; body: Uint8Array } {
  switch (p.type) {
    case "sr":
      return { pt: PT_SR, count: p.reports.length, body: serializeSenderReport(p) };
    case "rr":
      return { pt: PT_RR, count: p.reports.length, body: serializeReceiverReport(p) };
    case "sdes":
      return { pt: PT_SDES, count: p.chunks.length, body: serializeSdes(p) };
    case "bye":
      return { pt: PT_BYE, count: p.ssrcs.length, body: serializeBye(p) };
    case "app":
      return { pt: PT_APP, count: p.subtype, body: serializeApp(p) };
    case "pli":
      return { pt: PT_PSFB, count: FMT_PLI, body: serializePli(p) };
    case "fir":
      return { pt: PT_PSFB, count: FMT_FIR, body: serializeFir(p) };
    case "unknown":
      return { pt: p.packetType, count: p.count, body: p.body };
  }
}

export function serializeRtcpPacket(p: RtcpPacket): Uint8Array {
  const { pt, count, body } = bodyOf(p);
  if (count > 31) throw new RangeError("RTCP count field holds at most 31");
  if (body.length % 4 !== 0) throw new RangeError("RTCP body must be a multiple of 4 bytes");
  const out = new Uint8Array(4 + body.length);
  out[0] = 0x80 | count;
  out[1] = pt;
  dataView(out).setUint16(2, body.length / 4);
  out.set(body, 4);
  return out;
}

/** Serializes a compound packet (RFC 3550 §6.1: start with SR or RR). */
export function serializeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  return concatBytes(packets.map(serializeRtcpPacket));
}
