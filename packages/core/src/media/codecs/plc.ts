// Packet loss concealment for narrowband audio by repeat-and-fade, after the
// idea of ITU-T G.711 Appendix I (attenuate the repeated signal, silence after
// 60 ms). DEVIATION(G.711 App. I): we repeat the last good frame instead of a
// pitch period and do not overlap-add at the edges; cheap and good enough for
// isolated losses.

export class RepeatFadePlc {
  private last: Int16Array | undefined;
  private lostMs = 0;

  /** `frameMs`: duration of one frame; the fade is per millisecond lost. */
  constructor(
    readonly frameMs = 20,
    readonly silenceAfterMs = 60,
  ) {}

  /** Every decoded frame goes through here so the PLC knows what to repeat. */
  onGoodFrame(pcm: Int16Array): void {
    this.last = pcm;
    this.lostMs = 0;
  }

  /** A frame standing in for a lost one, fading linearly to silence. */
  conceal(frameSamples: number): Int16Array {
    const out = new Int16Array(frameSamples);
    const last = this.last;
    if (!last || last.length === 0) return out;
    const start = this.lostMs;
    this.lostMs += this.frameMs;
    for (let i = 0; i < frameSamples; i++) {
      const t = start + (i * this.frameMs) / frameSamples;
      const gain = Math.max(0, 1 - t / this.silenceAfterMs);
      out[i] = Math.round((last[i % last.length] as number) * gain);
    }
    return out;
  }

  /** Milliseconds concealed since the last good frame. */
  get concealedMs(): number {
    return this.lostMs;
  }
}
