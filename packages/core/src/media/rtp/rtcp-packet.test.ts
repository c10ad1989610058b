import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../bytes.js";
import { parseRtcp, serializeRtcp, type RtcpPacket } from "./rtcp-packet.js";
import { ntpFromUnixMs, ntpMiddle32 } from "./rtcp-report.js";

// SR (no report blocks) + SDES with CNAME "abcd".
const SR_SDES =
  "80c80006" + "11223344" + "e1e2e3e4" + "80000000" + "000003e8" + "0000000a" + "00000640" +
  "81ca0003" + "11223344" + "0104616263640000";
// RR with one report block + BYE with reason "done".
const RR_BYE =
  "81c90007" + "aabbccdd" + "11223344" + "05fffffe" + "0001fff0" + "00000020" + "e3e48000" + "00010000" +
  "81cb0003" + "11223344" + "04646f6e" + "65000000";

describe("parseRtcp / serializeRtcp", () => {
  it("parses SR + SDES and writes the same bytes", () => {
    const r = parseRtcp(hexToBytes(SR_SDES));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packets).toEqual([
      { type: "sr", ssrc: 0x11223344, ntpSeconds: 0xe1e2e3e4, ntpFraction: 0x80000000, rtpTimestamp: 1000, packetCount: 10, octetCount: 1600, reports: [] },
      { type: "sdes", chunks: [{ ssrc: 0x11223344, items: [{ type: 1, text: "abcd" }] }] },
    ]);
    expect(bytesToHex(serializeRtcp(r.packets))).toBe(SR_SDES);
  });

  it("parses RR report blocks (signed cumulative loss) + BYE reason", () => {
    const bytes = hexToBytes(RR_BYE);
    const r = parseRtcp(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packets[0]).toEqual({
      type: "rr",
      ssrc: 0xaabbccdd,
      reports: [{ ssrc: 0x11223344, fractionLost: 5, cumulativeLost: -2, highestSequence: 0x1fff0, jitter: 32, lastSr: 0xe3e48000, delaySinceLastSr: 0x10000 }],
    });
    expect(r.packets[1]).toEqual({ type: "bye", ssrcs: [0x11223344], reason: "done" });
    expect(bytesToHex(serializeRtcp(r.packets))).toBe(bytesToHex(bytes));
  });

  it("round-trips PLI, FIR, APP and unknown packets", () => {
    const packets: RtcpPacket[] = [
      { type: "rr", ssrc: 1, reports: [] },
      { type: "pli", senderSsrc: 1, mediaSsrc: 2 },
      { type: "fir", senderSsrc: 1, entries: [{ ssrc: 2, sequence: 7 }] },
      { type: "app", subtype: 3, ssrc: 1, name: "TEST", data: new Uint8Array([1, 2, 3, 4]) },
      { type: "unknown", packetType: 207, count: 0, body: new Uint8Array([9, 9, 9, 9]) },
    ];
    const bytes = serializeRtcp(packets);
    // PLI: PSFB (206), FMT 1, length 2.
    expect(bytesToHex(bytes.subarray(8, 20))).toBe("81ce00020000000100000002");
    // FIR: FMT 4, media SSRC 0, FCI ssrc + seq.
    expect(bytesToHex(bytes.subarray(20, 40))).toBe("84ce0004000000010000000000000002" + "07000000");
    const r = parseRtcp(bytes);
    expect(r.ok && r.packets).toEqual(packets);
  });

  it("accepts padding on the last packet only", () => {
    const padded = hexToBytes("a0c9000200000001" + "00000004");
    expect(parseRtcp(padded)).toEqual({ ok: true, packets: [{ type: "rr", ssrc: 1, reports: [] }] });
    const notLast = hexToBytes("a0c9000200000001" + "00000004" + "80c9000100000001");
    expect(parseRtcp(notLast)).toEqual({ ok: false, reason: "padding" });
  });

  it("rejects short, wrong-version and overlong packets", () => {
    expect(parseRtcp(hexToBytes("80c9"))).toEqual({ ok: false, reason: "short" });
    expect(parseRtcp(hexToBytes("40c9000100000001"))).toEqual({ ok: false, reason: "version" });
    expect(parseRtcp(hexToBytes("80c9000500000001"))).toEqual({ ok: false, reason: "length" });
    // RR claiming one report block with none present.
    expect(parseRtcp(hexToBytes("81c9000100000001"))).toEqual({ ok: false, reason: "malformed" });
  });

  it("computes NTP timestamps and LSR", () => {
    const t = ntpFromUnixMs(1_500);
    expect(t).toEqual({ ntpSeconds: 2208988801, ntpFraction: 0x80000000 });
    expect(ntpMiddle32(0x0001e3e4, 0x80000000)).toBe(0xe3e48000);
  });
});
