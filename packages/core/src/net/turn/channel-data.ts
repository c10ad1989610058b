// RFC 8656 §12.4 (ChannelData: 2-byte channel number 0x4000-0x4FFF, 2-byte
// length, data; padded to 4 bytes over TCP, optionally over UDP) and §12
// (channel numbers).
export const CHANNEL_MIN = 0x4000;
export const CHANNEL_MAX = 0x4fff;

export type ChannelData = { channel: number; data: Uint8Array };

export type ChannelDataResult = { ok: true; frame: ChannelData } | { ok: false; reason: "short" | "channel" | "length" };

export function serializeChannelData(f: ChannelData, pad = false): Uint8Array {
  const padding = pad ? (4 - (f.data.length % 4)) % 4 : 0;
  const out = new Uint8Array(4 + f.data.length + padding);
  const v = new DataView(out.buffer);
  v.setUint16(0, f.channel);
  v.setUint16(2, f.data.length);
  out.set(f.data, 4);
  return out;
}

export function parseChannelData(b: Uint8Array): ChannelDataResult {
  if (b.length < 4) return { ok: false, reason: "short" };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const channel = v.getUint16(0);
  if (channel < CHANNEL_MIN || channel > CHANNEL_MAX) return { ok: false, reason: "channel" };
  const length = v.getUint16(2);
  // §12.5: a length beyond the datagram is a bad frame; trailing padding is allowed.
  if (4 + length > b.length) return { ok: false, reason: "length" };
  return { ok: true, frame: { channel, data: b.subarray(4, 4 + length) } };
}
