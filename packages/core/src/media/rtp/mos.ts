// ITU-T G.107 E-model, simplified for a running call, and G.113 Appendix I
// codec impairments. Simplifications (documented, deliberate):
// - R0 - Is = 93.2 (all G.107 default inputs: no extra noise, default loudness).
// - Id from one-way mouth-to-ear delay Ta only, with the Cole-Rosenbluth fit
//   of G.107's curve: Id = 0.024 Ta + 0.11 (Ta - 177.3) when Ta > 177.3 ms.
// - Ie-eff per G.107 §7.2 with BurstR = 1 (random loss assumed).
// - A = 0 (no advantage factor).

export type CodecImpairment = { ie: number; bpl: number };

/** G.113 Appendix I values. */
export const CODEC_IMPAIRMENTS: Record<string, CodecImpairment> = {
  PCMU: { ie: 0, bpl: 25.1 }, // G.711 with packet loss concealment
  PCMA: { ie: 0, bpl: 25.1 },
  // Opus is not in G.113; a wideband codec at 20 ms frames with FEC/PLC
  // behaves at least like G.711 with PLC on the narrowband scale.
  opus: { ie: 0, bpl: 25.1 },
};

export type MosInput = {
  /** One-way delay in ms: RTT/2 plus jitter buffer and codec delay. */
  oneWayDelayMs: number;
  /** Packet loss in percent (0..100), including late-discarded packets. */
  lossPercent: number;
  codec?: CodecImpairment;
};

export function rFactor(input: MosInput): number {
  const ta = Math.max(0, input.oneWayDelayMs);
  const id = 0.024 * ta + (ta > 177.3 ? 0.11 * (ta - 177.3) : 0);
  const { ie, bpl } = input.codec ?? CODEC_IMPAIRMENTS.PCMU!;
  const ppl = Math.min(100, Math.max(0, input.lossPercent));
  const ieEff = ie + ((95 - ie) * ppl) / (ppl + bpl);
  return 93.2 - id - ieEff;
}

/** G.107 Annex B: R to estimated MOS-CQE (1 .. 4.5). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

export function estimateMos(input: MosInput): number {
  return mosFromR(rFactor(input));
}
