// RFC 6184 (RTP payload format for H.264), packetization-mode=1 (§6.3):
// single NAL unit packets (§5.6), STAP-A aggregation (§5.7.1) and FU-A
// fragmentation (§5.8); access units in and out as Annex B byte streams
// (ITU-T H.264 Annex B: 00 00 01 / 00 00 00 01 start codes).
import { concatBytes } from "../bytes.js";

export const NAL_IDR = 5;
export const NAL_SPS = 7;
export const NAL_PPS = 8;
export const NAL_STAP_A = 24;
export const NAL_FU_A = 28;

const START_CODE = Uint8Array.of(0, 0, 0, 1);

export function nalType(nal: Uint8Array): number {
  return (nal[0] ?? 0) & 0x1f;
}

/** Splits an Annex B byte stream into NAL units (start codes and trailing zeros removed). */
export function splitAnnexB(stream: Uint8Array): Uint8Array[] {
  const starts: { at: number; len: number }[] = [];
  for (let i = 0; i + 2 < stream.length; i++) {
    if (stream[i] !== 0 || stream[i + 1] !== 0) continue;
    if (stream[i + 2] === 1) starts.push({ at: i, len: 3 });
    else if (stream[i + 2] === 0 && stream[i + 3] === 1) starts.push({ at: i, len: 4 });
    else continue;
    i += starts[starts.length - 1]!.len - 1;
  }
  const nals: Uint8Array[] = [];
  starts.forEach((s, k) => {
    let end = starts[k + 1]?.at ?? stream.length;
    while (end > s.at + s.len && stream[end - 1] === 0) end--;
    if (end > s.at + s.len) nals.push(stream.subarray(s.at + s.len, end));
  });
  return nals;
}

export function joinAnnexB(nals: readonly Uint8Array[]): Uint8Array {
  return concatBytes(nals.flatMap((n) => [START_CODE, n]));
}

function stapA(nals: readonly Uint8Array[]): Uint8Array {
  // §5.7.1: F is the OR of the aggregated F bits, NRI their maximum.
  let f = 0;
  let nri = 0;
  const parts: Uint8Array[] = [];
  for (const n of nals) {
    f |= (n[0] as number) & 0x80;
    nri = Math.max(nri, (n[0] as number) & 0x60);
    parts.push(Uint8Array.of(n.length >> 8, n.length & 0xff), n);
  }
  return concatBytes([Uint8Array.of(f | nri | NAL_STAP_A), ...parts]);
}

function fuA(nal: Uint8Array, maxPayloadSize: number): Uint8Array[] {
  const header = nal[0] as number;
  const indicator = (header & 0xe0) | NAL_FU_A;
  const body = nal.subarray(1);
  const room = maxPayloadSize - 2;
  const count = Math.ceil(body.length / room);
  const size = Math.ceil(body.length / count);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    // §5.8: S on the first fragment, E on the last; the type is the NAL's own.
    const fuHeader = (i === 0 ? 0x80 : 0) | (i === count - 1 ? 0x40 : 0) | (header & 0x1f);
    out.push(concatBytes([Uint8Array.of(indicator, fuHeader), body.subarray(i * size, (i + 1) * size)]));
  }
  return out;
}

/**
 * Packetizes one access unit (Annex B, or a list of NAL units): consecutive
 * NALs that fit together go in one STAP-A, a NAL larger than the payload
 * limit goes in FU-A fragments, any other NAL alone. Marker: the caller's, on the last.
 */
export function packetizeH264(accessUnit: Uint8Array | readonly Uint8Array[], maxPayloadSize: number): Uint8Array[] {
  if (maxPayloadSize < 3) throw new RangeError("H.264 payloads need at least 3 bytes");
  const nals = accessUnit instanceof Uint8Array ? splitAnnexB(accessUnit) : accessUnit.filter((n) => n.length > 0);
  const out: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let groupSize = 1;
  const flush = () => {
    if (group.length === 1) out.push(group[0] as Uint8Array);
    else if (group.length > 1) out.push(stapA(group));
    group = [];
    groupSize = 1;
  };
  for (const nal of nals) {
    if (nal.length > maxPayloadSize) {
      flush();
      out.push(...fuA(nal, maxPayloadSize));
      continue;
    }
    if (groupSize + 2 + nal.length > maxPayloadSize) flush();
    group.push(nal);
    groupSize += 2 + nal.length;
  }
  flush();
  return out;
}

/** True when an RTP payload begins a key frame: an IDR or SPS NAL, alone, first in a STAP-A, or as a starting FU-A. */
export function isH264KeyframePacket(payload: Uint8Array): boolean {
  const type = nalType(payload);
  const inner = type === NAL_STAP_A ? nalType(payload.subarray(3)) : type === NAL_FU_A && (payload[1] ?? 0) & 0x80 ? (payload[1] ?? 0) & 0x1f : type;
  return inner === NAL_IDR || inner === NAL_SPS;
}

export type H264DepacketizeResult =
  | { ok: true; nals: Uint8Array[]; annexB: Uint8Array; keyframe: boolean }
  | { ok: false; reason: "malformed" | "fragment" | "unsupported" };

/** Turns one access unit's payloads (sequence order, none missing) back into NAL units. */
export function depacketizeH264(payloads: readonly Uint8Array[]): H264DepacketizeResult {
  const nals: Uint8Array[] = [];
  let fragments: Uint8Array[] | undefined;
  for (const p of payloads) {
    const type = nalType(p);
    if (p.length === 0) return { ok: false, reason: "malformed" };
    if (type >= 1 && type <= 23) nals.push(p);
    else if (type === NAL_STAP_A) {
      for (let at = 1; at < p.length; ) {
        const size = ((p[at] ?? 0) << 8) | (p[at + 1] ?? 0);
        if (size === 0 || at + 2 + size > p.length) return { ok: false, reason: "malformed" };
        nals.push(p.subarray(at + 2, at + 2 + size));
        at += 2 + size;
      }
    } else if (type === NAL_FU_A) {
      const fu = p[1];
      if (fu === undefined) return { ok: false, reason: "malformed" };
      if (fu & 0x80) {
        if (fragments) return { ok: false, reason: "fragment" };
        fragments = [Uint8Array.of(((p[0] as number) & 0xe0) | (fu & 0x1f))];
      } else if (!fragments) return { ok: false, reason: "fragment" };
      fragments.push(p.subarray(2));
      if (fu & 0x40) {
        nals.push(concatBytes(fragments));
        fragments = undefined;
      }
    } else return { ok: false, reason: "unsupported" }; // STAP-B, MTAP, FU-B: not in mode 1 (§6.3).
  }
  if (fragments) return { ok: false, reason: "fragment" };
  return { ok: true, nals, annexB: joinAnnexB(nals), keyframe: nals.some((n) => nalType(n) === NAL_IDR) };
}
