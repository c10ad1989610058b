// Test frames with valid headers but no decodable picture data: a VP8 frame
// tag (RFC 6386 §9.1) with, for key frames, the start code and picture size;
// H.264 access units as Annex B with SPS/PPS/IDR or non-IDR slice NAL types
// (ITU-T H.264 Table 7-1). Only the packetization layer reads them.

/** A VP8 frame of `size` bytes (at least 10): key frames carry 9d 01 2a and the size. */
export function fakeVp8Frame(keyframe: boolean, size: number, fill = 0x55, width = 16, height = 16): Uint8Array {
  const out = new Uint8Array(Math.max(size, 10)).fill(fill);
  const firstPartition = Math.min(out.length - (keyframe ? 10 : 3), 0x7ffff);
  // Frame tag: bit 0 P (0 = key), bits 1-3 version 0, bit 4 show_frame, bits 5-23 first_part_size.
  const tag = (keyframe ? 0 : 1) | (1 << 4) | (firstPartition << 5);
  out.set([tag & 0xff, (tag >> 8) & 0xff, (tag >> 16) & 0xff], 0);
  if (keyframe) out.set([0x9d, 0x01, 0x2a, width & 0xff, (width >> 8) & 0x3f, height & 0xff, (height >> 8) & 0x3f], 3);
  return out;
}

function nal(type: number, size: number, fill: number): Uint8Array {
  const out = new Uint8Array(size).fill(fill);
  out[0] = 0x60 | type; // NRI 3
  return out;
}

/** An access unit: SPS, PPS, IDR for a key frame; one non-IDR slice otherwise. NAL bodies avoid 00 00 sequences. */
export function fakeH264AccessUnit(keyframe: boolean, sliceSize: number, fill = 0x5a): Uint8Array[] {
  return keyframe ? [nal(7, 12, 0x42), nal(8, 5, 0x33), nal(5, sliceSize, fill)] : [nal(1, sliceSize, fill)];
}

/** Deterministic shuffle for reordering tests. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
