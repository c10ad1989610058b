// ITU-T G.711: PCMU (µ-law) and PCMA (A-law) for 16-bit linear PCM; RFC 3551
// §4.5.14 payload types 0 and 8. The segment arithmetic follows the classic
// Sun reference (g711.c): µ-law works on 14 bits (16-bit input >> 2), A-law on
// 13 bits (input >> 3); decoding returns each code's midpoint scaled back to 16
// bits, so µ-law 0x80 decodes to 32124 and A-law 0xAA to 32256.
import { samplesIn, type AudioCodec } from "./codec.js";

const ULAW_BIAS = 0x84; // 33 in 14-bit units, times 4
const ULAW_CLIP = 32635; // 8159 * 4 - BIAS

/** Highest set bit position among bits 7..14 of a biased magnitude, as 0..7. */
function segmentOf(biased: number): number {
  let seg = 0;
  for (let v = biased >> 7; v > 1 && seg < 7; v >>= 1) seg++;
  return seg;
}

export function linearToUlaw(sample: number): number {
  let pcm = sample | 0;
  const sign = pcm < 0 ? 0x80 : 0;
  if (sign) pcm = -pcm;
  if (pcm > ULAW_CLIP) pcm = ULAW_CLIP;
  pcm += ULAW_BIAS;
  const seg = segmentOf(pcm);
  const mantissa = (pcm >> (seg + 3)) & 0x0f;
  return ~(sign | (seg << 4) | mantissa) & 0xff;
}

export function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & 0x0f) << 3) + ULAW_BIAS;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

// A-law segment end points in 13-bit magnitude.
const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

export function linearToAlaw(sample: number): number {
  let pcm = (sample | 0) >> 3;
  let mask: number;
  if (pcm >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let seg = 0;
  while (seg < 8 && pcm > (ALAW_SEG_END[seg] as number)) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  const mantissa = seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
  return ((seg << 4) | mantissa) ^ mask;
}

export function alawToLinear(code: number): number {
  const a = (code ^ 0x55) & 0xff;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

const ULAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
const ALAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));

export function encodeUlaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToUlaw(pcm[i] as number);
  return out;
}

export function decodeUlaw(payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = ULAW_DECODE[payload[i] as number] as number;
  return out;
}

export function encodeAlaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToAlaw(pcm[i] as number);
  return out;
}

export function decodeAlaw(payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = ALAW_DECODE[payload[i] as number] as number;
  return out;
}

function g711(name: "PCMU" | "PCMA", payloadType: number, frameMs: number): AudioCodec {
  const frameSamples = samplesIn(frameMs, 8000);
  return {
    name,
    clockRate: 8000,
    channels: 1,
    payloadType,
    sampleRate: 8000,
    frameMs,
    frameSamples,
    timestampStep: frameSamples,
    encode: name === "PCMU" ? encodeUlaw : encodeAlaw,
    decode: name === "PCMU" ? decodeUlaw : decodeAlaw,
  };
}

/** RFC 3551 PT 0. */
export function createPcmuCodec(frameMs = 20): AudioCodec {
  return g711("PCMU", 0, frameMs);
}

/** RFC 3551 PT 8. */
export function createPcmaCodec(frameMs = 20): AudioCodec {
  return g711("PCMA", 8, frameMs);
}
