// DECISION(protocol.md D33): the capture pipe's buffer. The tool writes PCM
// in chunks of its own size and pace; the call reads 20 ms frames on its
// clock. The FIFO is bounded (the oldest samples go first: a stalled reader
// never grows it), and after running dry it waits for `refillSamples` before
// playing again, so bursty chunks give steady frames instead of gaps.

export class PcmFifo {
  private buf: Int16Array;
  private start = 0;
  private length = 0;
  private primed = false;
  private odd: number | undefined;
  /** Samples dropped because the FIFO was full, and frames read while it was dry. */
  readonly counters = { dropped: 0, underruns: 0, frames: 0 };

  constructor(
    readonly capacity: number,
    private readonly refillSamples: number,
  ) {
    this.buf = new Int16Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** Raw little-endian bytes from the pipe (a chunk may split a sample). */
  pushBytes(bytes: Uint8Array): void {
    const lead = this.odd !== undefined && bytes.length > 0 ? 1 : 0;
    const pairs = (bytes.length - lead) >> 1;
    const out = new Int16Array(lead + pairs);
    if (lead) out[0] = int16(this.odd!, bytes[0]!);
    for (let i = 0, at = lead; i < pairs; i++, at += 2) out[lead + i] = int16(bytes[at]!, bytes[at + 1]!);
    const rest = lead + pairs * 2;
    if (rest < bytes.length) this.odd = bytes[rest];
    else if (lead) this.odd = undefined;
    this.push(out);
  }

  push(samples: Int16Array): void {
    const cap = this.capacity;
    const from = Math.max(0, samples.length - cap);
    const incoming = samples.length - from;
    const over = this.length + incoming - cap;
    if (over > 0) {
      this.start = (this.start + over) % cap;
      this.length -= over;
      this.counters.dropped += over;
    }
    this.counters.dropped += from;
    for (let i = from; i < samples.length; i++) this.buf[(this.start + this.length++) % cap] = samples[i]!;
  }

  /** `n` samples, or undefined while dry (or refilling after running dry). */
  read(n: number): Int16Array | undefined {
    if (!this.primed && this.length >= Math.max(n, this.refillSamples)) this.primed = true;
    if (!this.primed || this.length < n) {
      if (this.primed) this.counters.underruns++;
      this.primed = false;
      return undefined;
    }
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = this.buf[(this.start + i) % this.capacity]!;
    this.start = (this.start + n) % this.capacity;
    this.length -= n;
    this.counters.frames++;
    return out;
  }
}

function int16(lo: number, hi: number): number {
  const v = lo | (hi << 8);
  return v >= 0x8000 ? v - 0x10000 : v;
}
