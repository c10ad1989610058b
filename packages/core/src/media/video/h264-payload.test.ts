// RFC 6184 packetization-mode 1: single NAL, STAP-A, FU-A round trips, Annex B.
import { describe, expect, it } from "vitest";
import { bytesToHex, concatBytes } from "../bytes.js";
import { FrameAssembler, type AssembledFrame, type VideoPacket } from "./frame-assembler.js";
import { depacketizeH264, joinAnnexB, NAL_FU_A, NAL_STAP_A, nalType, packetizeH264, splitAnnexB } from "./h264-payload.js";
import { fakeH264AccessUnit, seededShuffle } from "./test-frames.js";

const hex = (xs: Uint8Array[]) => xs.map(bytesToHex);

describe("Annex B", () => {
  it("splits on 3- and 4-byte start codes and joins with 4-byte ones", () => {
    const stream = Uint8Array.of(0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5, 0);
    const nals = splitAnnexB(stream);
    expect(hex(nals)).toEqual(["670102", "6803", "650405"]);
    expect(bytesToHex(joinAnnexB(nals))).toBe("00000001670102" + "000000016803" + "00000001650405");
    expect(splitAnnexB(Uint8Array.of(1, 2, 3))).toEqual([]);
  });
});

describe("H.264 packetize / depacketize", () => {
  it("aggregates small NAL units into one STAP-A", () => {
    const au = fakeH264AccessUnit(true, 30);
    const p = packetizeH264(au, 1200);
    expect(p).toHaveLength(1);
    expect(nalType(p[0] as Uint8Array)).toBe(NAL_STAP_A);
    // §5.7.1: NRI is the highest of the aggregated units.
    expect((p[0] as Uint8Array)[0]! & 0x60).toBe(0x60);
    const r = depacketizeH264(p);
    expect(r.ok && hex(r.nals)).toEqual(hex(au));
    expect(r.ok && r.keyframe).toBe(true);
  });

  it("sends a NAL that fits alone as a single NAL unit packet", () => {
    const au = fakeH264AccessUnit(false, 900);
    const p = packetizeH264(au, 1000);
    expect(hex(p)).toEqual(hex(au));
    const r = depacketizeH264(p);
    expect(r.ok && r.keyframe).toBe(false);
  });

  for (const mtu of [3, 50, 100, 700]) {
    it(`fragments a large IDR with FU-A at a payload limit of ${mtu} and restores Annex B`, () => {
      const au = fakeH264AccessUnit(true, 1500, 0x77);
      const p = packetizeH264(joinAnnexB(au), mtu);
      expect(p.every((x) => x.length <= mtu)).toBe(true);
      const fus = p.filter((x) => nalType(x) === NAL_FU_A);
      expect(fus.length).toBeGreaterThan(1);
      expect(fus[0]![1]! & 0xc0).toBe(0x80); // S
      expect(fus[fus.length - 1]![1]! & 0xc0).toBe(0x40); // E
      const r = depacketizeH264(p);
      expect(r.ok && bytesToHex(r.annexB)).toBe(bytesToHex(joinAnnexB(au)));
      expect(r.ok && r.keyframe).toBe(true);
    });
  }

  it("reassembles access units from reordered RTP packets", () => {
    const aus = [fakeH264AccessUnit(true, 2000, 1), fakeH264AccessUnit(false, 700, 2), fakeH264AccessUnit(false, 40, 3)];
    const pkts: VideoPacket[] = [];
    let seq = 100;
    aus.forEach((au, n) => {
      const p = packetizeH264(au, 500);
      p.forEach((payload, i) => pkts.push({ sequenceNumber: seq++, timestamp: 3000 * n, marker: i === p.length - 1, payload }));
    });
    const a = new FrameAssembler({ reorderWindow: 8 });
    const order = [pkts[0] as VideoPacket, ...seededShuffle(pkts.slice(1), 7)];
    const out = [...order.flatMap((p) => a.push(p)), ...a.flush()];
    expect(out.map((o) => o.kind)).toEqual(["frame", "frame", "frame"]);
    const back = (out as AssembledFrame[]).map((f) => depacketizeH264(f.payloads));
    back.forEach((r, i) => expect(r.ok && bytesToHex(r.annexB)).toBe(bytesToHex(joinAnnexB(aus[i] as Uint8Array[]))));
  });

  it("rejects incomplete fragments, bad STAP-A sizes and unsupported types as data", () => {
    const p = packetizeH264(fakeH264AccessUnit(false, 300), 100);
    expect(depacketizeH264(p.slice(1))).toEqual({ ok: false, reason: "fragment" });
    expect(depacketizeH264(p.slice(0, -1))).toEqual({ ok: false, reason: "fragment" });
    expect(depacketizeH264([Uint8Array.of(NAL_STAP_A, 0, 9, 0x41)])).toEqual({ ok: false, reason: "malformed" });
    expect(depacketizeH264([Uint8Array.of(25, 1, 2)])).toEqual({ ok: false, reason: "unsupported" });
    expect(depacketizeH264([concatBytes([Uint8Array.of(NAL_FU_A), new Uint8Array(0)])])).toEqual({ ok: false, reason: "malformed" });
  });
});
