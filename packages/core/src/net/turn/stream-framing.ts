// RFC 8656 §3.1 and §12.5 (TURN to the server over TCP or TLS): the stream
// carries STUN messages (RFC 8489 §5: 20-byte header, length field) and
// ChannelData (2-byte channel, 2-byte length, padded to a multiple of 4 over
// a stream), told apart by their first two bits (RFC 7983 §7). Anything else
// means the stream has lost its framing and must be closed.
const HEADER = 20;
/** A frame never exceeds a 16-bit length plus its header (STUN) or 4 bytes (ChannelData, padded). */
const MAX_FRAME = 0xffff + HEADER;

export type StreamFrame = { kind: "stun" | "channel"; bytes: Uint8Array };
export type FramingError = { kind: "error"; reason: string };

/** Splits a byte stream into STUN messages and ChannelData frames. */
export class TurnStreamFramer {
  private buf = new Uint8Array(0);
  private broken = false;

  /** Feeds received bytes; returns the whole frames they complete (an error ends the stream). */
  push(chunk: Uint8Array): (StreamFrame | FramingError)[] {
    if (this.broken) return [];
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    const out: (StreamFrame | FramingError)[] = [];
    for (;;) {
      const next = this.next();
      if (!next) break;
      out.push(next);
      if (next.kind === "error") break;
    }
    return out;
  }

  private next(): StreamFrame | FramingError | undefined {
    if (this.buf.length < 4) return undefined;
    const top = (this.buf[0] as number) >> 6;
    const length = ((this.buf[2] as number) << 8) | (this.buf[3] as number);
    let size: number;
    let kind: StreamFrame["kind"];
    if (top === 0) {
      kind = "stun";
      size = HEADER + length;
      if (length % 4 !== 0) return this.fail(`STUN length ${length} is not a multiple of 4`);
    } else if (top === 1) {
      kind = "channel";
      size = 4 + length + ((4 - (length % 4)) % 4);
    } else {
      return this.fail(`first byte 0x${(this.buf[0] as number).toString(16)} is neither STUN nor ChannelData`);
    }
    if (size > MAX_FRAME + 4) return this.fail("frame too long");
    if (this.buf.length < size) return undefined;
    const bytes = this.buf.slice(0, size);
    this.buf = this.buf.slice(size);
    return { kind, bytes };
  }

  private fail(reason: string): FramingError {
    this.broken = true;
    this.buf = new Uint8Array(0);
    return { kind: "error", reason };
  }
}
