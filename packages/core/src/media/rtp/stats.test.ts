import { describe, expect, it } from "vitest";
import { estimateMos, mosFromR, rFactor } from "./mos.js";
import { ntpFromUnixMs, ntpMiddle32 } from "./rtcp-report.js";
import { JitterEstimator, ReceiveStats, roundTripMs, SequenceTracker } from "./stats.js";

describe("SequenceTracker (RFC 3550 A.1, A.3)", () => {
  it("holds a new source on probation until two packets are in sequence", () => {
    const t = new SequenceTracker(100);
    expect(t.update(100)).toBe("probation");
    expect(t.update(101)).toBe("valid");
    expect(t.update(102)).toBe("valid");
    expect(t.expected).toBe(2);
    expect(t.received).toBe(2);
  });

  it("restarts probation on a gap while on probation", () => {
    const t = new SequenceTracker(10);
    expect(t.update(10)).toBe("probation");
    expect(t.update(20)).toBe("probation");
    expect(t.update(21)).toBe("valid");
    expect(t.expected).toBe(1);
  });

  it("counts cycles across the 65535 -> 0 wrap", () => {
    const t = new SequenceTracker(65530);
    for (let s = 65530; s < 65536; s++) t.update(s);
    for (let s = 0; s < 10; s++) expect(t.update(s)).toBe("valid");
    expect(t.extendedMax).toBe(65536 + 9);
    expect(t.expected).toBe(15);
    expect(t.cumulativeLost).toBe(0);
  });

  it("computes cumulative and fractional loss", () => {
    const t = new SequenceTracker(0);
    for (let s = 0; s <= 100; s++) if (s % 10 !== 5) t.update(s);
    // Probation consumed seq 0; counting starts at 1: expected 100, 10 lost.
    expect(t.expected).toBe(100);
    expect(t.cumulativeLost).toBe(10);
    expect(t.takeFractionLost()).toBe(Math.floor((10 * 256) / 100));
    for (let s = 101; s <= 200; s++) t.update(s);
    expect(t.takeFractionLost()).toBe(0);
  });

  it("counts duplicates as received (negative loss) and ignores them for max", () => {
    const t = new SequenceTracker(0);
    for (let s = 0; s < 5; s++) t.update(s);
    t.update(3);
    t.update(3);
    expect(t.extendedMax).toBe(4);
    expect(t.cumulativeLost).toBe(-2);
    expect(t.takeFractionLost()).toBe(0);
  });

  it("treats a huge jump as bad unless the next packet confirms a restart", () => {
    const t = new SequenceTracker(0);
    for (let s = 0; s < 5; s++) t.update(s);
    expect(t.update(30000)).toBe("bad");
    expect(t.update(5)).toBe("valid");
    expect(t.update(40000)).toBe("bad");
    expect(t.update(40001)).toBe("valid");
    expect(t.expected).toBe(1);
    expect(t.received).toBe(1);
  });
});

describe("JitterEstimator (RFC 3550 A.8)", () => {
  it("stays at zero for perfectly paced packets", () => {
    const j = new JitterEstimator(8000);
    for (let i = 0; i < 50; i++) j.update(i * 160, i * 20);
    expect(j.jitter).toBe(0);
  });

  it("converges to the mean absolute transit difference", () => {
    const j = new JitterEstimator(8000);
    // Arrivals alternate 0 / +10 ms late: |D| = 80 timestamp units every packet.
    for (let i = 0; i < 400; i++) j.update(i * 160, i * 20 + (i % 2) * 10);
    expect(j.jitter).toBeCloseTo(80, 3);
    expect(j.jitterMs).toBeCloseTo(10, 3);
  });

  it("survives the 32-bit timestamp wrap", () => {
    const j = new JitterEstimator(8000);
    const base = 0xffffffff - 160 * 5;
    for (let i = 0; i < 20; i++) j.update((base + i * 160) >>> 0, i * 20);
    expect(j.jitter).toBe(0);
  });
});

describe("ReceiveStats report blocks and RTT", () => {
  it("fills a report block with LSR/DLSR and the RTT comes out of it", () => {
    const s = new ReceiveStats(0x1234, 8000);
    for (let i = 0; i < 10; i++) s.onPacket(i, i * 160, i * 20);
    const srAt = 1_700_000_000_000;
    const ntp = ntpFromUnixMs(srAt - 40); // the peer sent it 40 ms before we got it
    s.onSenderReport({ type: "sr", ssrc: 0x1234, ...ntp, rtpTimestamp: 0, packetCount: 10, octetCount: 1600, reports: [] }, 5000);
    const block = s.reportBlock(5250); // our RR goes out 250 ms after the SR arrived
    expect(block).toMatchObject({ ssrc: 0x1234, highestSequence: 9, cumulativeLost: 0, fractionLost: 0, jitter: 0 });
    expect(block.lastSr).toBe(ntpMiddle32(ntp.ntpSeconds, ntp.ntpFraction));
    expect(block.delaySinceLastSr).toBe(Math.floor(0.25 * 65536));
    // The peer receives our RR 40 ms later: total 40 + 250 + 40, minus 250 held.
    const rtt = roundTripMs(block, srAt + 250 + 40);
    expect(rtt).toBeGreaterThan(79);
    expect(rtt).toBeLessThan(81);
    expect(roundTripMs({ ...block, lastSr: 0 }, srAt)).toBeUndefined();
  });
});

describe("estimated MOS (G.107 simplified)", () => {
  it("gives G.711's ceiling with no loss and short delay", () => {
    expect(rFactor({ oneWayDelayMs: 0, lossPercent: 0 })).toBeCloseTo(93.2, 5);
    expect(estimateMos({ oneWayDelayMs: 20, lossPercent: 0 })).toBeGreaterThan(4.3);
  });
  it("falls with loss and with delay past 177 ms", () => {
    const good = estimateMos({ oneWayDelayMs: 50, lossPercent: 0 });
    const lossy = estimateMos({ oneWayDelayMs: 50, lossPercent: 5 });
    const late = estimateMos({ oneWayDelayMs: 400, lossPercent: 0 });
    expect(lossy).toBeLessThan(good);
    expect(lossy).toBeGreaterThan(3.5);
    expect(late).toBeLessThan(good - 0.5);
    expect(estimateMos({ oneWayDelayMs: 50, lossPercent: 50 })).toBeLessThan(2);
  });
  it("maps R to MOS per G.107 Annex B", () => {
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
  });
});
