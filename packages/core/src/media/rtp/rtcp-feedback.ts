// RFC 4585 §6.1 and §6.3.1 (PSFB PLI), RFC 5104 §4.3.1 (PSFB FIR).
import { dataView } from "../bytes.js";

export type PictureLossIndication = { type: "pli"; senderSsrc: number; mediaSsrc: number };
export type FirEntry = { ssrc: number; sequence: number };
export type FullIntraRequest = { type: "fir"; senderSsrc: number; entries: FirEntry[] };

export const PT_RTPFB = 205;
export const PT_PSFB = 206;
export const FMT_PLI = 1;
export const FMT_FIR = 4;

export function parsePli(body: Uint8Array): PictureLossIndication | undefined {
  if (body.length < 8) return undefined;
  const dv = dataView(body);
  return { type: "pli", senderSsrc: dv.getUint32(0), mediaSsrc: dv.getUint32(4) };
}

export function serializePli(p: PictureLossIndication): Uint8Array {
  const out = new Uint8Array(8);
  dataView(out).setUint32(0, p.senderSsrc >>> 0);
  dataView(out).setUint32(4, p.mediaSsrc >>> 0);
  return out;
}

export function parseFir(body: Uint8Array): FullIntraRequest | undefined {
  // RFC 5104 §4.3.1.1: media source SSRC is 0; FCI entries are 8 bytes each.
  if (body.length < 8 || (body.length - 8) % 8 !== 0) return undefined;
  const dv = dataView(body);
  const entries: FirEntry[] = [];
  for (let at = 8; at < body.length; at += 8) entries.push({ ssrc: dv.getUint32(at), sequence: body[at + 4] as number });
  return { type: "fir", senderSsrc: dv.getUint32(0), entries };
}

export function serializeFir(p: FullIntraRequest): Uint8Array {
  const out = new Uint8Array(8 + 8 * p.entries.length);
  const dv = dataView(out);
  dv.setUint32(0, p.senderSsrc >>> 0);
  p.entries.forEach((e, i) => {
    dv.setUint32(8 + 8 * i, e.ssrc >>> 0);
    out[12 + 8 * i] = e.sequence & 0xff;
  });
  return out;
}
