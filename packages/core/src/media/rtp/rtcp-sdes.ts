// RFC 3550 §6.5: SDES.
import { dataView } from "../bytes.js";

export type SdesItem = { type: number; text: string };
export type SdesChunk = { ssrc: number; items: SdesItem[] };
export type SourceDescription = { type: "sdes"; chunks: SdesChunk[] };

export const PT_SDES = 202;
/** §6.5.1 .. §6.5.8 item types. */
export const SDES_CNAME = 1;
export const SDES_NAME = 2;
export const SDES_TOOL = 6;

const text = new TextDecoder();
const utf8 = new TextEncoder();

export function parseSdes(count: number, body: Uint8Array): SourceDescription | undefined {
  const chunks: SdesChunk[] = [];
  let at = 0;
  for (let c = 0; c < count; c++) {
    if (body.length < at + 4) return undefined;
    const chunk: SdesChunk = { ssrc: dataView(body).getUint32(at), items: [] };
    at += 4;
    // §6.5: items until a zero type octet, then pad to a 32-bit boundary.
    for (;;) {
      const type = body[at];
      if (type === undefined) return undefined;
      if (type === 0) break;
      const len = body[at + 1];
      if (len === undefined || body.length < at + 2 + len) return undefined;
      chunk.items.push({ type, text: text.decode(body.subarray(at + 2, at + 2 + len)) });
      at += 2 + len;
    }
    at = (at + 4) & ~3;
    chunks.push(chunk);
  }
  return { type: "sdes", chunks };
}

export function serializeSdes(p: SourceDescription): Uint8Array {
  const parts: number[] = [];
  for (const chunk of p.chunks) {
    const s = chunk.ssrc >>> 0;
    parts.push(s >>> 24, (s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff);
    for (const item of chunk.items) {
      const bytes = utf8.encode(item.text).subarray(0, 255);
      parts.push(item.type, bytes.length, ...bytes);
    }
    // At least one null octet ends the list and pads to a word boundary.
    do parts.push(0);
    while (parts.length % 4 !== 0);
  }
  return Uint8Array.from(parts);
}
