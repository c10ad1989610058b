// rtp-rewriter.ts and vp8-picture-id.ts (protocol.md D32): a relayed stream's sequence numbers,
// 90 kHz timestamps and RFC 7741 PictureIDs continue ours across sources, keep their spacing
// within one, survive reordering and wrap-around; with fake packets and a FakeClock.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { RtpRewriter } from "./rtp-rewriter.js";
import { PictureIdRewriter } from "./vp8-picture-id.js";
import { parseVp8Descriptor, serializeVp8Descriptor } from "./vp8-payload.js";

const start = { sequenceNumber: 65534, timestamp: 0xffff_ff00 };
const pkt = (ssrc: number, sequenceNumber: number, timestamp: number) => ({ ssrc, sequenceNumber, timestamp });

describe("RtpRewriter", () => {
  it("continues our numbering from the start, keeps gaps and timestamp steps, wraps at 2^16 and 2^32", () => {
    const clock = new FakeClock();
    const r = new RtpRewriter(clock, 90000, start);
    const a = r.map(pkt(1, 1000, 50_000));
    expect(a).toEqual({ sequenceNumber: 65535, timestamp: 0xffff_ff00, restarted: true });
    const b = r.map(pkt(1, 1001, 53_000));
    expect(b).toMatchObject({ sequenceNumber: 0, timestamp: (0xffff_ff00 + 3000) >>> 0, restarted: false });
    // A loss of two packets stays a gap of two for the receiver.
    const c = r.map(pkt(1, 1004, 56_000));
    expect(c.sequenceNumber).toBe(3);
    expect(r.last).toEqual({ sequenceNumber: 3, timestamp: (0xffff_ff00 + 6000) >>> 0 });
  });

  it("a late (reordered or retransmitted) packet keeps its place without moving ours back", () => {
    const r = new RtpRewriter(new FakeClock(), 90000, { sequenceNumber: 100, timestamp: 0 });
    r.map(pkt(7, 10, 0));
    r.map(pkt(7, 12, 3000));
    expect(r.map(pkt(7, 11, 0))).toMatchObject({ sequenceNumber: 102, restarted: false });
    expect(r.last.sequenceNumber).toBe(103);
  });

  it("a new SSRC, a jump past MAX_DROPOUT and restart() re-anchor right after our last packet, the timestamp moved by the wall time", () => {
    const clock = new FakeClock();
    const r = new RtpRewriter(clock, 90000, { sequenceNumber: 0, timestamp: 0 });
    expect(r.map(pkt(1, 500, 777))).toEqual({ sequenceNumber: 1, timestamp: 0, restarted: true });
    clock.advance(100);
    expect(r.map(pkt(2, 40_000, 123_456))).toEqual({ sequenceNumber: 2, timestamp: 9000, restarted: true });
    clock.advance(200);
    expect(r.map(pkt(2, 50_000, 0))).toEqual({ sequenceNumber: 3, timestamp: 9000 + 18_000, restarted: true });
    r.restart();
    clock.advance(10);
    expect(r.map(pkt(2, 50_001, 3000))).toEqual({ sequenceNumber: 4, timestamp: 27_000 + 900, restarted: true });
    expect(r.restarts).toBe(4);
  });
});

const vp8 = (pictureId: number | undefined, long = true) =>
  new Uint8Array([...serializeVp8Descriptor({ nonReference: false, start: true, partitionIndex: 0, ...(pictureId !== undefined && { pictureId, longPictureId: long }) }), 0x10, 0x02, 0x00]);
const idOf = (p: Uint8Array) => (parseVp8Descriptor(p) as { descriptor: { pictureId?: number } }).descriptor.pictureId;

describe("PictureIdRewriter", () => {
  it("keeps a source's ids, then shifts a new source's to follow ours; width and the VP8 data are unchanged", () => {
    const r = new PictureIdRewriter();
    expect(idOf(r.rewrite(vp8(30_000), true))).toBe(30_000);
    expect(idOf(r.rewrite(vp8(30_001), false))).toBe(30_001);
    expect(idOf(r.rewrite(vp8(30_001), false))).toBe(30_001); // a second packet of the same picture
    const next = r.rewrite(vp8(5, false), true); // a new source with 7-bit ids: ours go on at 30 002
    expect(idOf(next)).toBe(30_002 & 0x7f);
    expect(next.length).toBe(vp8(5, false).length);
    expect(Array.from(next.subarray(-3))).toEqual([0x10, 0x02, 0x00]);
    expect(idOf(r.rewrite(vp8(127, false), false))).toBe((30_002 + 122) & 0x7f);
    expect(idOf(r.rewrite(vp8(0, false), false))).toBe((30_002 + 123) & 0x7f); // 7-bit wrap stays continuous
    expect(idOf(r.rewrite(vp8(9), true))).toBe(((30_002 + 123) & 0x7fff) + 1 - 128); // 15-bit again, after our last
  });

  it("passes a payload without PictureID, or malformed, unchanged", () => {
    const r = new PictureIdRewriter();
    const plain = vp8(undefined);
    expect(r.rewrite(plain, true)).toBe(plain);
    const short = new Uint8Array([0x80]);
    expect(r.rewrite(short, true)).toBe(short);
  });
});
