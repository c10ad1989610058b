// IVF, the libvpx container (as documented with the VP8 reference decoder,
// RFC 6386 §20.4's test vectors use it): a 32-byte little-endian file header
// ("DKIF", version 0, header size 32, fourcc, width, height, time base rate
// and scale, frame count) and per frame a 12-byte header (size, 64-bit pts).
// The writer streams frames to disk and finalises the frame count on close.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { ParseError } from "../../util/errors.js";
import { dataView } from "../bytes.js";

export type IvfFourcc = "VP80" | "H264" | (string & {});

export type IvfHeader = {
  fourcc: IvfFourcc;
  width: number;
  height: number;
  /** Time base denominator: pts units per `timebaseScale` seconds (e.g. 30 or 90000). */
  timebaseRate: number;
  /** Time base numerator (usually 1): a pts unit lasts scale/rate seconds. */
  timebaseScale: number;
  frameCount: number;
};

export type IvfFrame = { pts: number; data: Uint8Array };

export type IvfFile = { header: IvfHeader; frames: IvfFrame[] };

export const IVF_HEADER_SIZE = 32;
export const IVF_FRAME_HEADER_SIZE = 12;

export function serializeIvfHeader(h: IvfHeader): Uint8Array {
  if (h.fourcc.length !== 4) throw new RangeError(`IVF fourcc must be 4 characters, got "${h.fourcc}"`);
  const out = new Uint8Array(IVF_HEADER_SIZE);
  const dv = dataView(out);
  out.set([0x44, 0x4b, 0x49, 0x46], 0); // "DKIF"
  dv.setUint16(4, 0, true);
  dv.setUint16(6, IVF_HEADER_SIZE, true);
  for (let i = 0; i < 4; i++) out[8 + i] = h.fourcc.charCodeAt(i) & 0xff;
  dv.setUint16(12, h.width, true);
  dv.setUint16(14, h.height, true);
  dv.setUint32(16, h.timebaseRate >>> 0, true);
  dv.setUint32(20, h.timebaseScale >>> 0, true);
  dv.setUint32(24, h.frameCount >>> 0, true);
  return out;
}

export function parseIvfHeader(buf: Uint8Array): IvfHeader {
  if (buf.length < IVF_HEADER_SIZE) throw new ParseError("IVF file shorter than its 32-byte header", buf.length);
  if (String.fromCharCode(...buf.subarray(0, 4)) !== "DKIF") throw new ParseError("not an IVF file (no DKIF signature)", 0);
  const dv = dataView(buf);
  const headerSize = dv.getUint16(6, true);
  if (headerSize < IVF_HEADER_SIZE) throw new ParseError(`IVF header size ${headerSize} below 32`, 6);
  const rate = dv.getUint32(16, true);
  if (rate === 0) throw new ParseError("IVF time base rate is 0", 16);
  return {
    fourcc: String.fromCharCode(...buf.subarray(8, 12)),
    width: dv.getUint16(12, true),
    height: dv.getUint16(14, true),
    timebaseRate: rate,
    timebaseScale: dv.getUint32(20, true) || 1,
    frameCount: dv.getUint32(24, true),
  };
}

export function serializeIvfFrameHeader(size: number, pts: number): Uint8Array {
  const out = new Uint8Array(IVF_FRAME_HEADER_SIZE);
  const dv = dataView(out);
  dv.setUint32(0, size >>> 0, true);
  dv.setBigUint64(4, BigInt(Math.max(0, Math.trunc(pts))), true);
  return out;
}

/**
 * Parses a whole IVF file. A truncated last frame (a recorder killed mid-
 * write) ends the list; the header's frame count is not trusted (a writer
 * that never closed leaves 0), the frames found are.
 */
export function parseIvf(buf: Uint8Array): IvfFile {
  const header = parseIvfHeader(buf);
  const dv = dataView(buf);
  const frames: IvfFrame[] = [];
  let at = dv.getUint16(6, true);
  while (at + IVF_FRAME_HEADER_SIZE <= buf.length) {
    const size = dv.getUint32(at, true);
    const pts = Number(dv.getBigUint64(at + 4, true));
    const start = at + IVF_FRAME_HEADER_SIZE;
    if (start + size > buf.length) break;
    frames.push({ pts, data: buf.subarray(start, start + size) });
    at = start + size;
  }
  return { header: { ...header, frameCount: frames.length }, frames };
}

export function serializeIvf(file: IvfFile): Uint8Array {
  const parts = [serializeIvfHeader({ ...file.header, frameCount: file.frames.length })];
  for (const f of file.frames) parts.push(serializeIvfFrameHeader(f.data.length, f.pts), f.data);
  return Buffer.concat(parts);
}

export function readIvfFile(path: string): IvfFile {
  return parseIvf(new Uint8Array(readFileSync(path)));
}

/** Streams frames into an IVF file; `close()` writes the final frame count (and size, if changed). */
export class IvfWriter {
  private readonly fd: number;
  private header: IvfHeader;
  private closed = false;

  constructor(
    readonly path: string,
    header: Omit<IvfHeader, "frameCount">,
  ) {
    this.header = { ...header, frameCount: 0 };
    this.fd = openSync(path, "w");
    writeSync(this.fd, serializeIvfHeader(this.header));
  }

  get frameCount(): number {
    return this.header.frameCount;
  }

  /** Sets the picture size written at close (e.g. learnt from the first key frame). */
  setSize(width: number, height: number): void {
    this.header = { ...this.header, width, height };
  }

  write(frame: IvfFrame): void {
    if (this.closed) throw new Error(`IVF writer for ${this.path} is closed`);
    writeSync(this.fd, serializeIvfFrameHeader(frame.data.length, frame.pts));
    writeSync(this.fd, frame.data);
    this.header.frameCount++;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    writeSync(this.fd, serializeIvfHeader(this.header), 0, IVF_HEADER_SIZE, 0);
    closeSync(this.fd);
  }
}
