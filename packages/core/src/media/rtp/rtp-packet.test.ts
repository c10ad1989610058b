import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../bytes.js";
import { looksLikeRtcp, parseRtp, serializeRtp, type RtpPacket } from "./rtp-packet.js";

// PCMU, seq 1, ts 160, SSRC 0x12345678, four bytes of silence.
const SIMPLE = "80000001000000a012345678ffffffff";
// P+X+CC=2, M, PT 96, seq 65535, two CSRCs, a one-word 0xBEDE extension,
// three payload bytes, three padding bytes (count octet 3).
const FULL =
  "b2e0ffffdeadbeefcafebabe" + "00000001" + "00000002" + "bede0001" + "10aa0000" + "010203" + "000003";

describe("parseRtp / serializeRtp", () => {
  it("parses a minimal packet", () => {
    const r = parseRtp(hexToBytes(SIMPLE));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.headerLength).toBe(12);
    expect(r.packet).toMatchObject({ marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 0x12345678, csrc: [], padding: 0 });
    expect(bytesToHex(r.packet.payload)).toBe("ffffffff");
    expect(r.packet.extension).toBeUndefined();
    expect(bytesToHex(serializeRtp(r.packet))).toBe(SIMPLE);
  });

  it("parses CSRCs, a header extension and padding, and writes them back", () => {
    const r = parseRtp(hexToBytes(FULL));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.packet;
    expect(p).toMatchObject({ marker: true, payloadType: 96, sequenceNumber: 65535, timestamp: 0xdeadbeef, ssrc: 0xcafebabe, csrc: [1, 2], padding: 3 });
    expect(p.extension?.profile).toBe(0xbede);
    expect(bytesToHex(p.extension!.data)).toBe("10aa0000");
    expect(bytesToHex(p.payload)).toBe("010203");
    expect(r.headerLength).toBe(28);
    expect(bytesToHex(serializeRtp(p))).toBe(FULL);
  });

  it("round-trips a built packet", () => {
    const p: RtpPacket = { marker: true, payloadType: 101, sequenceNumber: 7, timestamp: 0xffffffff, ssrc: 1, csrc: [9], payload: new Uint8Array([1, 2, 3, 4]), padding: 0 };
    const r = parseRtp(serializeRtp(p));
    expect(r.ok && r.packet).toEqual({ ...p, payload: new Uint8Array([1, 2, 3, 4]) });
  });

  it("rejects bad packets with a reason instead of throwing", () => {
    expect(parseRtp(hexToBytes("80000001"))).toEqual({ ok: false, reason: "short" });
    expect(parseRtp(hexToBytes("40000001000000a012345678ff"))).toEqual({ ok: false, reason: "version" });
    // P bit set, count octet 0.
    expect(parseRtp(hexToBytes("a0000001000000a01234567800"))).toEqual({ ok: false, reason: "padding" });
    // P bit set, count larger than the packet.
    expect(parseRtp(hexToBytes("a0000001000000a012345678ff09"))).toEqual({ ok: false, reason: "padding" });
    // CC=3 but no CSRCs present.
    expect(parseRtp(hexToBytes("83000001000000a012345678"))).toEqual({ ok: false, reason: "short" });
    // X bit with an extension length running past the end.
    expect(parseRtp(hexToBytes("90000001000000a012345678bede0004"))).toEqual({ ok: false, reason: "short" });
    // RTCP SR on a muxed port.
    expect(parseRtp(hexToBytes("80c80006000000000000000000000000"))).toEqual({ ok: false, reason: "rtcp" });
    expect(looksLikeRtcp(hexToBytes("80c9"))).toBe(true);
    expect(looksLikeRtcp(hexToBytes(SIMPLE))).toBe(false);
  });

  it("never throws on random garbage", () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    for (let i = 0; i < 2000; i++) {
      const buf = Uint8Array.from({ length: i % 40 }, rnd);
      expect(() => parseRtp(buf)).not.toThrow();
    }
  });
});
