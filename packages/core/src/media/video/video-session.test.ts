// Video RTP sessions joined in memory (FakeClock): pacing by IVF timestamps,
// reassembly into an IVF sink, PLI/FIR at start and after loss, the source's
// key frame hook (RFC 4585 §6.3.1, RFC 5104 §4.3.1).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { parseRtcp, serializeRtcp } from "../rtp/rtcp-packet.js";
import { parseRtp } from "../rtp/rtp-packet.js";
import { readIvfFile, type IvfFile } from "./ivf.js";
import { fakeH264AccessUnit, fakeVp8Frame } from "./test-frames.js";
import { joinAnnexB } from "./h264-payload.js";
import { IvfVideoSink, IvfVideoSource, type ReceivedVideoFrame, type VideoFrameSink } from "./video-source.js";
import { VideoSession, type VideoSessionOptions } from "./video-session.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

class MemoryVideoSink implements VideoFrameSink {
  frames: ReceivedVideoFrame[] = [];
  write(f: ReceivedVideoFrame): void {
    this.frames.push(f);
  }
  close(): void {}
}

/** 30 fps, key frames at the given indexes, large enough to need several packets. */
function vp8File(count: number, keyAt: number[]): IvfFile {
  const frames = Array.from({ length: count }, (_, i) => ({ pts: i, data: fakeVp8Frame(keyAt.includes(i), keyAt.includes(i) ? 2500 : 700, i) }));
  return { header: { fourcc: "VP80", width: 16, height: 16, timebaseRate: 30, timebaseScale: 1, frameCount: count }, frames };
}

type Link = { rtcpToSender: Uint8Array[]; rtcpToReceiver: Uint8Array[]; rtpSent: Uint8Array[] };

function pair(file: IvfFile, extra: { sender?: Partial<VideoSessionOptions>; receiver?: Partial<VideoSessionOptions> } = {}) {
  const clock = new FakeClock();
  const link: Link = { rtcpToSender: [], rtcpToReceiver: [], rtpSent: [] };
  const source = new IvfVideoSource(file);
  const sink = new MemoryVideoSink();
  const codec = file.header.fourcc === "H264" ? "H264" : "VP8";
  const sender: VideoSession = new VideoSession({
    clock, codec, payloadType: 96, ssrc: 0x1111, source, maxPayloadSize: 1000,
    transport: {
      sendRtp: (b) => {
        link.rtpSent.push(b);
        receiver.receiveRtp(b);
      },
      // Held for the test to deliver (reports would otherwise reach the receiver inside its own send).
      sendRtcp: (b) => link.rtcpToReceiver.push(b),
    },
    ...extra.sender,
  });
  const receiver = new VideoSession({
    clock, codec, payloadType: 96, ssrc: 0x2222, sink,
    transport: {
      sendRtp: () => {},
      sendRtcp: (b) => {
        link.rtcpToSender.push(b);
        sender.receiveRtcp(b);
      },
    },
    ...extra.receiver,
  });
  return { clock, link, source, sink, sender, receiver };
}

describe("VideoSession", () => {
  it("paces frames by their IVF timestamps at 90 kHz and marks the last packet of each", () => {
    const { clock, link, sender } = pair(vp8File(5, [0]));
    sender.start();
    expect(sender.stats.framesSent).toBe(1);
    clock.advance(34);
    expect(sender.stats.framesSent).toBe(2);
    clock.advance(100);
    expect(sender.stats.framesSent).toBe(5);
    const rtp = link.rtpSent.map((b) => parseRtp(b)).flatMap((r) => (r.ok ? [r.packet] : []));
    const markers = rtp.filter((p) => p.marker).map((p) => p.timestamp - (rtp[0] as { timestamp: number }).timestamp);
    expect(markers).toEqual([0, 3000, 6000, 9000, 12000]);
    expect(rtp.every((p) => p.payload.length <= 1000)).toBe(true);
  });

  it("records what it receives into an IVF file at 90 kHz, size from the key frame", () => {
    const dir = mkdtempSync(join(tmpdir(), "cusax-video-"));
    dirs.push(dir);
    const path = join(dir, "in.ivf");
    const file = vp8File(6, [0]);
    const { clock, sender, receiver } = pair(file, { receiver: { sink: new IvfVideoSink(path, "VP8") } });
    sender.start();
    clock.advance(1000);
    receiver.close();
    const back = readIvfFile(path);
    expect(back.header).toMatchObject({ fourcc: "VP80", width: 16, height: 16, timebaseRate: 90000, frameCount: 6 });
    expect(back.frames.map((f) => f.pts)).toEqual([0, 3000, 6000, 9000, 12000, 15000]);
    expect(back.frames.map((f) => Buffer.from(f.data).equals(Buffer.from(file.frames[back.frames.indexOf(f)]!.data)))).toEqual(Array(6).fill(true));
  });

  it("asks for a key frame with PLI when it joins on a delta frame, and the source jumps to its key frame", () => {
    const { clock, link, source, sink, sender, receiver } = pair(vp8File(6, [4]));
    sender.start();
    clock.advance(100);
    expect(receiver.stats.keyframeRequestsSent).toBe(1);
    const first = parseRtcp(link.rtcpToSender[0] as Uint8Array);
    expect(first.ok && first.packets.map((p) => p.type)).toEqual(["rr", "sdes", "pli"]);
    expect(first.ok && first.packets[2]).toEqual({ type: "pli", senderSsrc: 0x2222, mediaSsrc: 0x1111 });
    expect(sender.stats.keyframeRequestsReceived).toBe(1);
    expect(source.keyframeRequests).toBe(1);
    expect(sink.frames.map((f) => f.keyframe)).toEqual([true, false]);
    expect(receiver.stats.framesDropped).toBe(1); // the delta frame it joined on
  });

  it("sends no PLI when the stream starts with a key frame", () => {
    const { clock, sender, receiver } = pair(vp8File(3, [0]));
    sender.start();
    clock.advance(100);
    expect(receiver.stats.keyframeRequestsSent).toBe(0);
    expect(receiver.stats.framesReceived).toBe(3);
  });

  it("after a lost packet: reports the lost frame, sends PLI, drops delta frames until the source's next key frame", () => {
    const file = vp8File(10, [0, 7]);
    const { clock, source, sink, sender, receiver } = pair(file, { receiver: { reorderWindow: 1, keyframeRequestIntervalMs: 0 } });
    const lost: number[] = [];
    receiver.events.on("frame-lost", () => lost.push(clock.now()));
    // Frame 0 (key) is 3 packets, then one packet per frame: drop frame 2's.
    let n = 0;
    const drop = 4;
    const origin = receiver.receiveRtp.bind(receiver);
    receiver.receiveRtp = (b) => {
      if (n++ !== drop) origin(b);
    };
    sender.start();
    clock.advance(1000);
    expect(lost.length).toBe(1);
    expect(receiver.stats.framesLost).toBe(1);
    expect(receiver.stats.keyframeRequestsSent).toBeGreaterThanOrEqual(2);
    // The sender's IVF source jumped to its next key frame (index 7) on the PLI.
    expect(source.keyframeRequests).toBeGreaterThanOrEqual(2);
    expect(sink.frames[0]?.keyframe).toBe(true);
    const afterLoss = sink.frames.slice(2);
    expect(afterLoss[0]?.keyframe).toBe(true);
    expect(receiver.stats.framesReceived).toBe(sink.frames.length);
  });

  it("uses FIR when configured, and treats a repeated FIR sequence number as a retransmission", () => {
    const { clock, link, sender } = pair(vp8File(3, [1]), { receiver: { keyframeRequest: "fir" } });
    sender.start();
    clock.advance(10);
    const fir = parseRtcp(link.rtcpToSender[0] as Uint8Array);
    expect(fir.ok && fir.packets[2]).toEqual({ type: "fir", senderSsrc: 0x2222, entries: [{ ssrc: 0x1111, sequence: 0 }] });
    sender.receiveRtcp(link.rtcpToSender[0] as Uint8Array);
    expect(sender.stats.keyframeRequestsReceived).toBe(1);
    sender.receiveRtcp(serializeRtcp([{ type: "fir", senderSsrc: 0x2222, entries: [{ ssrc: 0x1111, sequence: 1 }] }]));
    expect(sender.stats.keyframeRequestsReceived).toBe(2);
  });

  it("ignores PLI for another SSRC and counts bad RTP/RTCP by reason without throwing", () => {
    const { sender, receiver } = pair(vp8File(2, [0]));
    sender.receiveRtcp(serializeRtcp([{ type: "pli", senderSsrc: 1, mediaSsrc: 0x9999 }]));
    expect(sender.stats.keyframeRequestsReceived).toBe(0);
    receiver.receiveRtp(Uint8Array.of(0x80, 96));
    receiver.receiveRtp(Uint8Array.of(0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x10, 0));
    receiver.receiveRtcp(Uint8Array.of(0x80));
    expect(receiver.rejected).toEqual({ short: 1, version: 1, "rtcp-short": 1 });
  });

  it("counts a second SSRC as unknown-ssrc until the first says BYE, then starts over with a PLI for the new one", () => {
    const { clock, sender, receiver } = pair(vp8File(3, [0]));
    sender.start();
    clock.advance(10);
    const other = new VideoSession({ clock, codec: "VP8", payloadType: 96, ssrc: 0x3333, source: new IvfVideoSource(vp8File(3, [2])), transport: { sendRtp: (b) => receiver.receiveRtp(b), sendRtcp: () => {} } });
    other.start();
    expect(receiver.rejected["unknown-ssrc"]).toBe(1);
    expect(receiver.remoteSsrc).toBe(0x1111);
    receiver.receiveRtcp(serializeRtcp([{ type: "rr", ssrc: 0x1111, reports: [] }, { type: "bye", ssrcs: [0x1111] }]));
    const requests = receiver.stats.keyframeRequestsSent;
    clock.advance(34);
    expect(receiver.remoteSsrc).toBe(0x3333);
    expect(receiver.stats.keyframeRequestsSent).toBe(requests + 1);
    other.close();
  });

  it("sends SR and RR reports on the RTCP interval, and measures RTT from them (RFC 3550 §6.4.1)", () => {
    let wall = 1_700_000_000_000;
    const { clock, link, sender, receiver } = pair(vp8File(400, [0]), { sender: { rtcpIntervalMs: 1000, wallClock: () => wall }, receiver: { rtcpIntervalMs: 1000, wallClock: () => wall } });
    sender.start();
    receiver.start();
    for (let t = 0; t < 4000; t += 10) {
      clock.advance(10);
      wall += 10;
      link.rtcpToReceiver.splice(0).forEach((b) => receiver.receiveRtcp(b));
    }
    const types = link.rtcpToSender.map((b) => parseRtcp(b)).map((r) => (r.ok ? r.packets[0]?.type : "bad"));
    expect(types.length).toBeGreaterThanOrEqual(3);
    expect(new Set(types)).toEqual(new Set(["rr"]));
    expect(sender.lastRttMs).toBeDefined();
    // SRs wait up to one 10 ms step before delivery: that is the round trip here.
    expect(sender.lastRttMs!).toBeLessThanOrEqual(10);
    expect(sender.streamStats()).toMatchObject({ kind: "video", codec: "VP8", clockRate: 90000, packetsReceived: 0 });
    expect(receiver.streamStats().packetsReceived).toBeGreaterThan(100);
    sender.close();
    receiver.close();
    expect(clock.pendingCount).toBe(0);
  });

  it("carries H.264 access units (STAP-A + FU-A) end to end", () => {
    const aus = [fakeH264AccessUnit(true, 3000, 1), fakeH264AccessUnit(false, 200, 2)];
    const file: IvfFile = { header: { fourcc: "H264", width: 0, height: 0, timebaseRate: 90000, timebaseScale: 1, frameCount: 2 }, frames: aus.map((au, i) => ({ pts: 3000 * i, data: joinAnnexB(au) })) };
    const { clock, sink, sender } = pair(file);
    sender.start();
    clock.advance(200);
    sender.close();
    expect(sink.frames.map((f) => f.keyframe)).toEqual([true, false]);
    expect(sink.frames.map((f) => Buffer.from(f.data).toString("hex"))).toEqual(file.frames.map((f) => Buffer.from(f.data).toString("hex")));
  });
});
