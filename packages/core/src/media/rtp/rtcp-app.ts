// RFC 3550 §6.7: APP, carried through as name and opaque data.
import { dataView } from "../bytes.js";

export type RtcpApp = { type: "app"; subtype: number; ssrc: number; name: string; data: Uint8Array };

export const PT_APP = 204;

export function parseApp(subtype: number, body: Uint8Array): RtcpApp | undefined {
  if (body.length < 8) return undefined;
  const name = String.fromCharCode(...body.subarray(4, 8));
  return { type: "app", subtype, ssrc: dataView(body).getUint32(0), name, data: body.slice(8) };
}

export function serializeApp(p: RtcpApp): Uint8Array {
  if (p.data.length % 4 !== 0) throw new RangeError("APP data must be a multiple of 4 bytes");
  const out = new Uint8Array(8 + p.data.length);
  dataView(out).setUint32(0, p.ssrc >>> 0);
  for (let i = 0; i < 4; i++) out[4 + i] = p.name.charCodeAt(i) & 0x7f || 0x20;
  out.set(p.data, 8);
  return out;
}
