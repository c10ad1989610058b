import { describe, expect, it } from "vitest";
import {
  alawToLinear,
  createPcmaCodec,
  createPcmuCodec,
  decodeUlaw,
  encodeUlaw,
  linearToAlaw,
  linearToUlaw,
  ulawToLinear,
} from "./g711.js";

// The decode tables a second way: ITU-T G.711's segment formulas, independent
// of the bit tricks in g711.ts. µ-law: 14-bit magnitude ((2m+33) << e) - 33,
// scaled by 4; A-law: 13-bit magnitude 2m+1 (e = 0) or (2m+33) << (e-1),
// scaled by 8.
function ulawByFormula(code: number): number {
  const u = ~code & 0xff;
  const e = (u >> 4) & 7;
  const m = u & 15;
  const mag = (((2 * m + 33) << e) - 33) * 4;
  return u & 0x80 && mag !== 0 ? -mag : mag;
}

function alawByFormula(code: number): number {
  const a = code ^ 0x55;
  const e = (a >> 4) & 7;
  const m = a & 15;
  const mag = (e === 0 ? 2 * m + 1 : (2 * m + 33) << (e - 1)) * 8;
  return a & 0x80 ? mag : -mag;
}

describe("G.711 µ-law", () => {
  it("decodes known table points", () => {
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x7f)).toBe(0);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0xfe)).toBe(8);
    expect(ulawToLinear(0x7e)).toBe(-8);
    expect(ulawToLinear(0xef)).toBe(132);
    expect(ulawToLinear(0x8f)).toBe(16764);
  });
  it("matches the G.711 segment formula for all 256 codes", () => {
    for (let c = 0; c < 256; c++) expect(ulawToLinear(c), `code ${c}`).toBe(ulawByFormula(c));
  });
  it("encodes known points", () => {
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(linearToUlaw(8)).toBe(0xfe);
    expect(linearToUlaw(-8)).toBe(0x7e);
  });
  it("re-encodes every decoded code to itself (0x7F is -0 and becomes 0xFF)", () => {
    for (let c = 0; c < 256; c++) expect(linearToUlaw(ulawToLinear(c))).toBe(c === 0x7f ? 0xff : c);
  });
  it("round-trips all 65536 inputs within half a quantisation step", () => {
    let worst = 0;
    for (let x = -32768; x < 32768; x++) {
      const code = linearToUlaw(x);
      const err = Math.abs(ulawToLinear(code) - x);
      const e = ((~code & 0xff) >> 4) & 7;
      // Above the clip level (|x| > 32635) the error is the clipping itself.
      const bound = Math.abs(x) > 32635 ? 644 : 4 << e;
      if (err > bound) throw new Error(`x=${x} code=${code} err=${err} > ${bound}`);
      worst = Math.max(worst, err);
    }
    expect(worst).toBe(644);
  });
  it("is monotonic in the input", () => {
    let prev = -Infinity;
    let violations = 0;
    for (let x = -32768; x < 32768; x++) {
      const y = ulawToLinear(linearToUlaw(x));
      if (y < prev) violations++;
      prev = y;
    }
    expect(violations).toBe(0);
  });
});

describe("G.711 A-law", () => {
  it("decodes known table points", () => {
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
  });
  it("matches the G.711 segment formula for all 256 codes", () => {
    for (let c = 0; c < 256; c++) expect(alawToLinear(c), `code ${c}`).toBe(alawByFormula(c));
  });
  it("encodes known points", () => {
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
  });
  it("re-encodes every decoded code to itself", () => {
    for (let c = 0; c < 256; c++) expect(linearToAlaw(alawToLinear(c))).toBe(c);
  });
  it("round-trips all 65536 inputs within half a quantisation step", () => {
    let worst = 0;
    for (let x = -32768; x < 32768; x++) {
      const code = linearToAlaw(x);
      const seg = ((code ^ 0x55) >> 4) & 7;
      const step = seg < 2 ? 16 : 8 << seg;
      const err = Math.abs(alawToLinear(code) - x);
      if (err > step / 2) throw new Error(`x=${x} code=${code} err=${err} > ${step / 2}`);
      worst = Math.max(worst, err);
    }
    expect(worst).toBe(512);
  });
});

describe("G.711 codecs", () => {
  it("expose RFC 3551 parameters and 20 ms frames", () => {
    const u = createPcmuCodec();
    expect(u).toMatchObject({ name: "PCMU", payloadType: 0, clockRate: 8000, frameSamples: 160, timestampStep: 160 });
    expect(createPcmaCodec()).toMatchObject({ name: "PCMA", payloadType: 8 });
    const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(10000 * Math.sin(i / 3)));
    const back = u.decode(u.encode(pcm));
    expect(back.length).toBe(160);
    expect(decodeUlaw(encodeUlaw(pcm))).toEqual(back);
    const a = createPcmaCodec();
    const backA = a.decode(a.encode(pcm));
    pcm.forEach((x, i) => expect(Math.abs((backA[i] as number) - x)).toBeLessThanOrEqual(256));
  });
});
