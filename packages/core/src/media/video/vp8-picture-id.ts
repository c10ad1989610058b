// RFC 7741 §4.2 PictureID of a relayed VP8 stream (protocol.md D32): kept
// consistent rather than stripped. Within one source the ids keep their
// steps; when the source behind our stream changes (RtpRewriter says
// "restarted") they are shifted to follow our last one, so a receiver never
// sees the id jump back. Width (7 or 15 bits, the M bit) and every other
// descriptor field stay as the sender wrote them; payloads without a
// PictureID pass unchanged.
import { parseVp8Descriptor } from "./vp8-payload.js";

const SPACE = 0x8000;

export class PictureIdRewriter {
  private offset: number | undefined;
  private last: number | undefined;

  /** The payload with its PictureID moved onto ours; `restarted`: the first packet of a new source. */
  rewrite(payload: Uint8Array, restarted: boolean): Uint8Array {
    const r = parseVp8Descriptor(payload);
    if (!r.ok || r.descriptor.pictureId === undefined) return payload;
    const long = r.descriptor.longPictureId === true;
    const id = r.descriptor.pictureId;
    if (restarted || this.offset === undefined) this.offset = this.last === undefined ? 0 : (this.last + 1 - id + SPACE) % SPACE;
    const out = (id + this.offset) % SPACE;
    // Kept in 15 bits: a 7-bit id is our id's low 7 bits, so either width continues from it.
    this.last = out;
    const copy = new Uint8Array(payload);
    // §4.2: the PictureID octet(s) follow the first octet and the X octet.
    if (long) {
      copy[2] = 0x80 | ((out >> 8) & 0x7f);
      copy[3] = out & 0xff;
    } else {
      copy[2] = out & 0x7f;
    }
    return copy;
  }
}
