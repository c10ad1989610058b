// RFC 7741 payload descriptor, packetization across MTUs, reassembly with loss
// and reordering, key frame detection (RFC 6386 §9.1).
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../bytes.js";
import { FrameAssembler, type AssembledFrame, type AssemblerOutput, type VideoPacket } from "./frame-assembler.js";
import { fakeVp8Frame, seededShuffle } from "./test-frames.js";
import {
  depacketizeVp8,
  isVp8FrameStart,
  isVp8KeyframePacket,
  packetizeVp8,
  parseVp8Descriptor,
  parseVp8FrameHeader,
  serializeVp8Descriptor,
  type Vp8Descriptor,
} from "./vp8-payload.js";

/** Frames -> RTP-like packets (seq from 65530 to cross the wrap, 3000 ticks per frame). */
function packets(frames: Uint8Array[], maxPayloadSize: number): VideoPacket[] {
  const out: VideoPacket[] = [];
  let seq = 65530;
  frames.forEach((f, n) => {
    const payloads = packetizeVp8(f, { maxPayloadSize, pictureId: 32760 + n });
    payloads.forEach((payload, i) => out.push({ sequenceNumber: seq++ & 0xffff, timestamp: 1000 + 3000 * n, marker: i === payloads.length - 1, payload }));
  });
  return out;
}

function assemble(input: VideoPacket[], window = 8): AssemblerOutput[] {
  const a = new FrameAssembler({ isFrameStart: isVp8FrameStart, reorderWindow: window });
  return [...input.flatMap((p) => a.push(p)), ...a.flush()];
}

const frames = [fakeVp8Frame(true, 900, 1), fakeVp8Frame(false, 300, 2), fakeVp8Frame(false, 1, 3), fakeVp8Frame(false, 2500, 4), fakeVp8Frame(true, 60, 5)];

describe("VP8 payload descriptor (RFC 7741 §4.2)", () => {
  const cases: [string, Vp8Descriptor, string][] = [
    ["minimal", { nonReference: false, start: true, partitionIndex: 0 }, "10"],
    ["N and PID", { nonReference: true, start: false, partitionIndex: 3 }, "23"],
    ["15-bit PictureID", { nonReference: false, start: true, partitionIndex: 0, pictureId: 0x1234, longPictureId: true }, "9080" + "9234"],
    ["7-bit PictureID", { nonReference: false, start: true, partitionIndex: 0, pictureId: 0x55, longPictureId: false }, "908055"],
    ["all extensions", { nonReference: false, start: true, partitionIndex: 0, pictureId: 0x7fff, longPictureId: true, tl0PicIdx: 9, tid: 2, layerSync: true, keyIdx: 17 }, "90f0ffff09b1"],
  ];
  for (const [name, d, hex] of cases) {
    it(`round-trips ${name}`, () => {
      const head = serializeVp8Descriptor(d);
      expect(bytesToHex(head)).toBe(hex);
      const r = parseVp8Descriptor(Uint8Array.from([...head, 0xaa]));
      expect(r).toEqual({ ok: true, descriptor: d, length: head.length });
    });
  }

  it("rejects truncated descriptors and empty payloads without throwing", () => {
    expect(parseVp8Descriptor(new Uint8Array(0))).toEqual({ ok: false, reason: "short" });
    expect(parseVp8Descriptor(Uint8Array.of(0x90, 0x80, 0x80))).toEqual({ ok: false, reason: "short" });
    expect(parseVp8Descriptor(Uint8Array.of(0x10))).toEqual({ ok: false, reason: "empty" });
  });
});

describe("VP8 packetize / depacketize", () => {
  for (const mtu of [20, 64, 100, 300, 1200]) {
    it(`round-trips 5 frames at a payload limit of ${mtu}, across the sequence wrap`, () => {
      const pkts = packets(frames, mtu);
      expect(pkts.every((p) => p.payload.length <= mtu)).toBe(true);
      const out = assemble(pkts);
      expect(out.map((o) => o.kind)).toEqual(["frame", "frame", "frame", "frame", "frame"]);
      const back = (out as AssembledFrame[]).map((o) => depacketizeVp8(o.payloads));
      back.forEach((r, i) => {
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(bytesToHex(r.frame)).toBe(bytesToHex(frames[i] as Uint8Array));
        expect(r.keyframe).toBe(i === 0 || i === 4);
        expect(r.pictureId).toBe((32760 + i) & 0x7fff);
      });
    });
  }

  it("sets S only on the first packet and splits into near-equal sizes", () => {
    const p = packetizeVp8(fakeVp8Frame(false, 1000), { maxPayloadSize: 400 });
    expect(p.map((x) => x.length)).toEqual([335, 335, 333]);
    expect(p.map((x) => isVp8FrameStart(x))).toEqual([true, false, false]);
    expect(() => packetizeVp8(new Uint8Array(5), { maxPayloadSize: 3, pictureId: 1 })).toThrow(RangeError);
  });

  it("reassembles shuffled packets (reordering inside the window) to the same frames", () => {
    const pkts = packets(frames, 100);
    for (const seed of [1, 2, 3]) {
      // Shuffle inside blocks of 6 packets: reordering, not loss.
      const shuffled = Array.from({ length: Math.ceil(pkts.length / 6) }, (_, b) => seededShuffle(pkts.slice(6 * b, 6 * b + 6), seed + b)).flat();
      const out = assemble(shuffled);
      expect(out.filter((o) => o.kind === "frame")).toHaveLength(5);
      expect(out.filter((o) => o.kind === "loss")).toHaveLength(0);
    }
  });

  it("reports a frame with a lost packet as loss and still delivers the frames around it", () => {
    const pkts = packets(frames, 100);
    const second = pkts.findIndex((p) => p.timestamp === 4000);
    const out = assemble(pkts.filter((_, i) => i !== second + 1));
    expect(out.map((o) => (o.kind === "frame" ? o.timestamp : "loss"))).toEqual([1000, "loss", 7000, 10000, 13000]);
  });

  it("reports a wholly lost frame, and a lost first packet, as loss", () => {
    const pkts = packets(frames, 1200);
    expect(assemble(pkts.filter((p) => p.timestamp !== 7000)).map((o) => o.kind)).toEqual(["frame", "frame", "loss", "frame", "frame"]);
    const noStart = assemble(pkts.filter((_, i) => i !== 3));
    expect(noStart.map((o) => o.kind)).toEqual(["frame", "frame", "frame", "loss", "frame"]);
  });

  it("drops duplicates and packets older than what was delivered", () => {
    const a = new FrameAssembler({ isFrameStart: isVp8FrameStart });
    const pkts = packets(frames.slice(0, 2), 1200);
    expect(a.push(pkts[0] as VideoPacket)).toHaveLength(1);
    expect(a.push(pkts[0] as VideoPacket)).toHaveLength(0);
    expect(a.late).toBe(1);
  });
});

describe("VP8 key frames (RFC 7741 §4.3, RFC 6386 §9.1)", () => {
  it("reads P, show_frame, first partition size and the key frame size", () => {
    expect(parseVp8FrameHeader(fakeVp8Frame(true, 64, 0, 320, 240))).toEqual({ keyframe: true, version: 0, showFrame: true, firstPartitionSize: 54, width: 320, height: 240 });
    expect(parseVp8FrameHeader(fakeVp8Frame(false, 24))).toMatchObject({ keyframe: false, firstPartitionSize: 21 });
    const bad = fakeVp8Frame(true, 20);
    bad[3] = 0;
    expect(parseVp8FrameHeader(bad)).toBeUndefined();
  });

  it("detects a key frame from its first RTP packet only", () => {
    const [first, second] = packetizeVp8(fakeVp8Frame(true, 300), { maxPayloadSize: 200, pictureId: 5 });
    expect(isVp8KeyframePacket(first as Uint8Array)).toBe(true);
    expect(isVp8KeyframePacket(second as Uint8Array)).toBe(false);
    expect(isVp8KeyframePacket((packetizeVp8(fakeVp8Frame(false, 30), { maxPayloadSize: 200 })[0]) as Uint8Array)).toBe(false);
  });

  it("refuses to depacketize a frame whose start is missing", () => {
    const p = packetizeVp8(fakeVp8Frame(true, 300), { maxPayloadSize: 100 });
    expect(depacketizeVp8(p.slice(1))).toEqual({ ok: false, reason: "no-start" });
    expect(depacketizeVp8([new Uint8Array(0)])).toEqual({ ok: false, reason: "malformed" });
  });
});
