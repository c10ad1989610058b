// RFC 3550 §6.6: BYE.
import { dataView } from "../bytes.js";

export type RtcpBye = { type: "bye"; ssrcs: number[]; reason?: string };

export const PT_BYE = 203;

const text = new TextDecoder();
const utf8 = new TextEncoder();

export function parseBye(count: number, body: Uint8Array): RtcpBye | undefined {
  if (body.length < 4 * count) return undefined;
  const dv = dataView(body);
  const bye: RtcpBye = { type: "bye", ssrcs: Array.from({ length: count }, (_, i) => dv.getUint32(4 * i)) };
  const len = body[4 * count];
  if (len !== undefined && len > 0) {
    if (body.length < 4 * count + 1 + len) return undefined;
    bye.reason = text.decode(body.subarray(4 * count + 1, 4 * count + 1 + len));
  }
  return bye;
}

export function serializeBye(p: RtcpBye): Uint8Array {
  const reason = p.reason ? utf8.encode(p.reason).subarray(0, 255) : undefined;
  const raw = 4 * p.ssrcs.length + (reason ? 1 + reason.length : 0);
  const out = new Uint8Array((raw + 3) & ~3);
  const dv = dataView(out);
  p.ssrcs.forEach((s, i) => dv.setUint32(4 * i, s >>> 0));
  if (reason) {
    out[4 * p.ssrcs.length] = reason.length;
    out.set(reason, 4 * p.ssrcs.length + 1);
  }
  return out;
}
