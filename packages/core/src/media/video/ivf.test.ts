// IVF container: header and frame round trips, writer finalisation, golden fixture.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ParseError } from "../../util/errors.js";
import { bytesToHex } from "../bytes.js";
import { IvfWriter, parseIvf, parseIvfHeader, readIvfFile, serializeIvf, serializeIvfHeader } from "./ivf.js";
import { fakeVp8Frame } from "./test-frames.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "cusax-ivf-"));
  dirs.push(d);
  return d;
};
const fixture = new URL("./fixtures/tiny-vp8.ivf", import.meta.url);

describe("IVF", () => {
  it("serializes the 32-byte header field by field", () => {
    const h = serializeIvfHeader({ fourcc: "VP80", width: 16, height: 16, timebaseRate: 30, timebaseScale: 1, frameCount: 3 });
    expect(bytesToHex(h)).toBe("444b4946" + "0000" + "2000" + "56503830" + "1000" + "1000" + "1e000000" + "01000000" + "03000000" + "00000000");
    expect(parseIvfHeader(h)).toEqual({ fourcc: "VP80", width: 16, height: 16, timebaseRate: 30, timebaseScale: 1, frameCount: 3 });
  });

  it("round-trips frames in memory, H264 fourcc too", () => {
    const frames = [
      { pts: 0, data: fakeVp8Frame(true, 40) },
      { pts: 3000, data: fakeVp8Frame(false, 20) },
      { pts: 2 ** 33, data: Uint8Array.of(1) },
    ];
    const file = { header: { fourcc: "H264", width: 640, height: 480, timebaseRate: 90000, timebaseScale: 1, frameCount: 0 }, frames };
    const back = parseIvf(serializeIvf(file));
    expect(back.header).toEqual({ ...file.header, frameCount: 3 });
    expect(back.frames.map((f) => f.pts)).toEqual([0, 3000, 2 ** 33]);
    expect(back.frames.map((f) => bytesToHex(f.data))).toEqual(frames.map((f) => bytesToHex(f.data)));
  });

  it("writer finalises the frame count and learnt size on close", () => {
    const path = join(tmp(), "out.ivf");
    const w = new IvfWriter(path, { fourcc: "VP80", width: 0, height: 0, timebaseRate: 90000, timebaseScale: 1 });
    w.write({ pts: 0, data: fakeVp8Frame(true, 30) });
    w.write({ pts: 3000, data: fakeVp8Frame(false, 12) });
    expect(parseIvfHeader(new Uint8Array(readFileSync(path))).frameCount).toBe(0);
    w.setSize(16, 16);
    w.close();
    w.close();
    const raw = new Uint8Array(readFileSync(path));
    expect(parseIvfHeader(raw)).toMatchObject({ frameCount: 2, width: 16, height: 16 });
    expect(readIvfFile(path).frames).toHaveLength(2);
    expect(() => w.write({ pts: 1, data: Uint8Array.of(1) })).toThrow(/closed/);
  });

  it("keeps the whole frames of a truncated file and rejects non-IVF input with ParseError", () => {
    const bytes = serializeIvf({ header: { fourcc: "VP80", width: 16, height: 16, timebaseRate: 30, timebaseScale: 1, frameCount: 0 }, frames: [{ pts: 0, data: fakeVp8Frame(true, 50) }, { pts: 1, data: fakeVp8Frame(false, 50) }] });
    expect(parseIvf(bytes.subarray(0, bytes.length - 5)).frames).toHaveLength(1);
    expect(() => parseIvf(Uint8Array.of(1, 2, 3))).toThrow(ParseError);
    const bad = bytes.slice();
    bad[0] = 0x58;
    expect(() => parseIvf(bad)).toThrow(/DKIF/);
  });

  it("reads the golden tiny VP8 fixture (16x16, 30 fps, key frame then 4 delta frames)", () => {
    const file = readIvfFile(fixture.pathname);
    expect(file.header).toEqual({ fourcc: "VP80", width: 16, height: 16, timebaseRate: 30, timebaseScale: 1, frameCount: 5 });
    expect(file.frames.map((f) => f.pts)).toEqual([0, 1, 2, 3, 4]);
    expect(file.frames.map((f) => (f.data[0] as number) & 1)).toEqual([0, 1, 1, 1, 1]);
  });
});

// Regenerates the golden fixture: CUSAX_WRITE_FIXTURES=1 npx vitest run --project unit ivf
if (process.env.CUSAX_WRITE_FIXTURES) {
  const frames = [0, 1, 2, 3, 4].map((pts) => ({ pts, data: fakeVp8Frame(pts === 0, pts === 0 ? 64 : 24, 0x40 + pts) }));
  writeFileSync(fixture, serializeIvf({ header: { fourcc: "VP80", width: 16, height: 16, timebaseRate: 30, timebaseScale: 1, frameCount: 5 }, frames }));
}
