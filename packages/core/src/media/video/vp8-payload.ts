// RFC 7741 (RTP payload format for VP8): §4.2 payload descriptor (X/N/S/PID,
// I/L/T/K extensions, 7- or 15-bit PictureID), §4.3 and RFC 6386 §9.1 (the
// VP8 frame tag: P bit 0 = key frame; key frames carry start code 9d 01 2a and
// the picture size), §4.1 (marker on the last packet of a frame), §4.4-4.5
// (a frame fragmented over packets and put back together).
import { concatBytes } from "../bytes.js";

export type Vp8Descriptor = {
  /** N: the frame is not used as a reference. */
  nonReference: boolean;
  /** S: this packet begins a VP8 partition (with PID 0: begins the frame). */
  start: boolean;
  /** PID: partition index (we always send 0: one partition stream). */
  partitionIndex: number;
  pictureId?: number;
  /** True when the PictureID was sent in 15 bits (M = 1). */
  longPictureId?: boolean;
  tl0PicIdx?: number;
  tid?: number;
  layerSync?: boolean;
  keyIdx?: number;
};

export type Vp8PacketizeOptions = {
  /** Largest RTP payload to produce (MTU minus IP, UDP, RTP and SRTP overhead). */
  maxPayloadSize: number;
  /** 15-bit PictureID (sent with M = 1), incremented by the caller per frame. */
  pictureId?: number;
  tl0PicIdx?: number;
  tid?: number;
  layerSync?: boolean;
  keyIdx?: number;
  nonReference?: boolean;
};

export type Vp8DescriptorResult = { ok: true; descriptor: Vp8Descriptor; length: number } | { ok: false; reason: "short" | "empty" };

export function serializeVp8Descriptor(d: Vp8Descriptor): Uint8Array {
  const hasT = d.tid !== undefined || d.layerSync !== undefined;
  const hasK = d.keyIdx !== undefined;
  const i = d.pictureId !== undefined;
  const l = d.tl0PicIdx !== undefined;
  const x = i || l || hasT || hasK;
  const out: number[] = [(x ? 0x80 : 0) | (d.nonReference ? 0x20 : 0) | (d.start ? 0x10 : 0) | (d.partitionIndex & 0x07)];
  if (!x) return Uint8Array.from(out);
  out.push((i ? 0x80 : 0) | (l ? 0x40 : 0) | (hasT ? 0x20 : 0) | (hasK ? 0x10 : 0));
  if (d.pictureId !== undefined) {
    // §4.2: M = 1 gives a 15-bit PictureID; we send 7 bits only when asked to.
    if (d.longPictureId === false) out.push(d.pictureId & 0x7f);
    else out.push(0x80 | ((d.pictureId >> 8) & 0x7f), d.pictureId & 0xff);
  }
  if (l) out.push((d.tl0PicIdx as number) & 0xff);
  if (hasT || hasK) out.push((((d.tid ?? 0) & 0x03) << 6) | (d.layerSync ? 0x20 : 0) | ((d.keyIdx ?? 0) & 0x1f));
  return Uint8Array.from(out);
}

export function parseVp8Descriptor(payload: Uint8Array): Vp8DescriptorResult {
  const b0 = payload[0];
  if (b0 === undefined) return { ok: false, reason: "short" };
  const d: Vp8Descriptor = { nonReference: (b0 & 0x20) !== 0, start: (b0 & 0x10) !== 0, partitionIndex: b0 & 0x07 };
  let at = 1;
  const next = (): number | undefined => payload[at++];
  if (b0 & 0x80) {
    const x = next();
    if (x === undefined) return { ok: false, reason: "short" };
    if (x & 0x80) {
      const p0 = next();
      if (p0 === undefined) return { ok: false, reason: "short" };
      if (p0 & 0x80) {
        const p1 = next();
        if (p1 === undefined) return { ok: false, reason: "short" };
        d.pictureId = ((p0 & 0x7f) << 8) | p1;
        d.longPictureId = true;
      } else {
        d.pictureId = p0;
        d.longPictureId = false;
      }
    }
    if (x & 0x40) d.tl0PicIdx = next();
    if (x & 0x30) {
      const tk = next();
      if (tk !== undefined && x & 0x20) [d.tid, d.layerSync] = [tk >> 6, (tk & 0x20) !== 0];
      if (tk !== undefined && x & 0x10) d.keyIdx = tk & 0x1f;
    }
    if (at > payload.length) return { ok: false, reason: "short" };
  }
  // §4.2: a packet carries at least one octet of VP8 data.
  if (at >= payload.length) return { ok: false, reason: "empty" };
  return { ok: true, descriptor: d, length: at };
}

/** Splits one VP8 frame into RTP payloads of near-equal size; the caller sets the marker on the last. */
export function packetizeVp8(frame: Uint8Array, options: Vp8PacketizeOptions): Uint8Array[] {
  if (frame.length === 0) throw new RangeError("empty VP8 frame");
  const base: Vp8Descriptor = {
    nonReference: options.nonReference ?? false,
    start: true,
    partitionIndex: 0,
    ...(options.pictureId !== undefined && { pictureId: options.pictureId & 0x7fff, longPictureId: true }),
    ...(options.tl0PicIdx !== undefined && { tl0PicIdx: options.tl0PicIdx }),
    ...(options.tid !== undefined && { tid: options.tid, layerSync: options.layerSync ?? false }),
    ...(options.keyIdx !== undefined && { keyIdx: options.keyIdx }),
  };
  const headerLength = serializeVp8Descriptor(base).length;
  const room = options.maxPayloadSize - headerLength;
  if (room < 1) throw new RangeError(`maxPayloadSize ${options.maxPayloadSize} leaves no room after a ${headerLength}-byte descriptor`);
  const count = Math.ceil(frame.length / room);
  const size = Math.ceil(frame.length / count);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    // §4.4: S = 1 only on the packet that starts the frame (partition 0).
    const head = serializeVp8Descriptor({ ...base, start: i === 0 });
    out.push(concatBytes([head, frame.subarray(i * size, Math.min(frame.length, (i + 1) * size))]));
  }
  return out;
}

export type Vp8FrameInfo = {
  keyframe: boolean;
  version: number;
  showFrame: boolean;
  firstPartitionSize: number;
  width?: number;
  height?: number;
};

/** RFC 6386 §9.1: the 3-byte frame tag, and for a key frame the start code and size. */
export function parseVp8FrameHeader(frame: Uint8Array): Vp8FrameInfo | undefined {
  if (frame.length < 3) return undefined;
  const tag = (frame[0] as number) | ((frame[1] as number) << 8) | ((frame[2] as number) << 16);
  const info: Vp8FrameInfo = { keyframe: (tag & 1) === 0, version: (tag >> 1) & 7, showFrame: ((tag >> 4) & 1) === 1, firstPartitionSize: tag >>> 5 };
  if (!info.keyframe) return info;
  if (frame.length < 10 || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  info.width = ((frame[6] as number) | ((frame[7] as number) << 8)) & 0x3fff;
  info.height = ((frame[8] as number) | ((frame[9] as number) << 8)) & 0x3fff;
  return info;
}

/** RFC 7741 §4.3: a packet that starts a frame (S = 1, PID = 0) whose VP8 header has P = 0. */
export function isVp8KeyframePacket(payload: Uint8Array): boolean {
  const r = parseVp8Descriptor(payload);
  if (!r.ok || !r.descriptor.start || r.descriptor.partitionIndex !== 0) return false;
  return ((payload[r.length] as number) & 0x01) === 0;
}

/** True when the payload begins a VP8 frame (S = 1, PID = 0). */
export function isVp8FrameStart(payload: Uint8Array): boolean {
  const r = parseVp8Descriptor(payload);
  return r.ok && r.descriptor.start && r.descriptor.partitionIndex === 0;
}

export type Vp8DepacketizeResult =
  | { ok: true; frame: Uint8Array; keyframe: boolean; pictureId?: number }
  | { ok: false; reason: "malformed" | "no-start" };

/** Joins one frame's payloads (in sequence order, none missing) back into the VP8 frame. */
export function depacketizeVp8(payloads: readonly Uint8Array[]): Vp8DepacketizeResult {
  const parts: Uint8Array[] = [];
  let first: Vp8Descriptor | undefined;
  for (const p of payloads) {
    const r = parseVp8Descriptor(p);
    if (!r.ok) return { ok: false, reason: "malformed" };
    first ??= r.descriptor;
    parts.push(p.subarray(r.length));
  }
  if (!first?.start || first.partitionIndex !== 0) return { ok: false, reason: "no-start" };
  const frame = concatBytes(parts);
  return { ok: true, frame, keyframe: ((frame[0] as number) & 1) === 0, ...(first.pictureId !== undefined && { pictureId: first.pictureId }) };
}
