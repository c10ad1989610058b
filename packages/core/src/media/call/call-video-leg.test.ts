// call-video-leg.ts (protocol.md D32): a leg's VP8 packets go to the SIP peer under the session's
// SSRC and payload type, numbered on from what the session sent and counted in its SR; the SIP
// peer's packets of the locked source reach the leg; PLI/FIR cross both ways; a leg that ends is
// detached. Fake packets, a real VideoSession on a recording transport, a FakeClock.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import type { CallLegEvents } from "../leg/types.js";
import { parseRtcp, serializeRtcp } from "../rtp/rtcp-packet.js";
import { parseRtp, serializeRtp } from "../rtp/rtp-packet.js";
import { VideoSession } from "../video/video-session.js";
import { serializeVp8Descriptor } from "../video/vp8-payload.js";
import { VideoLegRelay, type RelayedVideo, type VideoCallSide, type VideoLegPort } from "./call-video-leg.js";

const PT = 100;
const PEER = 0xabcdef01;

class FakePort implements VideoLegPort {
  call: VideoCallSide | undefined;
  forwarded: RelayedVideo[] = [];
  asked: string[] = [];
  connects = 0;
  connect(call: VideoCallSide | undefined): void {
    this.call = call;
    this.connects++;
  }
  forward(p: RelayedVideo): void {
    this.forwarded.push(p);
  }
  keyframeRequested(by: "pli" | "fir"): void {
    this.asked.push(by);
  }
}

const vp8 = (pictureId: number, key = false) => new Uint8Array([...serializeVp8Descriptor({ nonReference: false, start: true, partitionIndex: 0, pictureId, longPictureId: true }), key ? 0x10 : 0x11, 0x02, 0x00]);

function setUp() {
  const clock = new FakeClock();
  const rtp: Uint8Array[] = [];
  const rtcp: Uint8Array[] = [];
  const session = new VideoSession({ clock, codec: "VP8", payloadType: PT, transport: { sendRtp: (b) => rtp.push(b), sendRtcp: (b) => rtcp.push(b) }, ssrc: 0x1234, rtcpIntervalMs: 0 });
  const lastSent = { sequenceNumber: 500, timestamp: 90_000 };
  const relay = new VideoLegRelay(clock, () => ({ session, payloadType: PT, sendRtp: (b) => rtp.push(b) }), () => lastSent);
  session.events.on("keyframe-requested", ({ by }) => relay.sipKeyframeRequested(by));
  const port = new FakePort();
  const events = new Emitter<CallLegEvents>();
  return { clock, rtp, rtcp, session, relay, port, events };
}

const fromPeer = (seq: number, ts: number, ssrc = PEER) => serializeRtp({ marker: true, payloadType: PT, sequenceNumber: seq, timestamp: ts, ssrc, csrc: [], payload: vp8(seq, true), padding: 0 });

describe("VideoLegRelay", () => {
  it("sends the leg's packets under the session's SSRC and PT, numbered on from the session's last, counted for its SR", () => {
    const { rtp, session, relay, port, events } = setUp();
    expect(relay.attach({ events, video: port })).toBe(true);
    port.call!.send({ payload: vp8(7000, true), sequenceNumber: 40_000, timestamp: 1_000_000, marker: false, ssrc: 99 });
    port.call!.send({ payload: vp8(7000), sequenceNumber: 40_001, timestamp: 1_000_000, marker: true, ssrc: 99 });
    port.call!.send({ payload: vp8(7001), sequenceNumber: 40_003, timestamp: 1_006_000, marker: true, ssrc: 99 });
    const sent = rtp.map((b) => parseRtp(b)).map((r) => (r.ok ? r.packet : undefined));
    expect(sent.map((p) => p?.ssrc)).toEqual([0x1234, 0x1234, 0x1234]);
    expect(sent.map((p) => p?.payloadType)).toEqual([PT, PT, PT]);
    expect(sent.map((p) => p?.sequenceNumber)).toEqual([501, 502, 504]);
    expect(sent.map((p) => p?.timestamp)).toEqual([90_000, 90_000, 96_000]);
    expect(sent.map((p) => p?.marker)).toEqual([false, true, true]);
    expect(session.packetizer.packetCount).toBe(3);
    expect(session.packetizer.lastTimestamp).toBe(96_000);
    // Our SIP stream started a new source: the leg was asked for a key frame of it.
    expect(port.asked).toEqual(["pli"]);
    expect(relay.counters).toMatchObject({ toSip: 3, keyframeRequestsToLeg: 1 });
  });

  it("passes the SIP peer's packets of the locked source to the leg, not another source's", () => {
    const { session, relay, port, events } = setUp();
    relay.attach({ events, video: port });
    for (const bytes of [fromPeer(10, 3000), fromPeer(11, 6000), fromPeer(900, 1, 0x5555)]) {
      session.receiveRtp(bytes);
      relay.fromSip(bytes);
    }
    expect(port.forwarded.map((p) => [p.sequenceNumber, p.timestamp, p.ssrc])).toEqual([[10, 3000, PEER], [11, 6000, PEER]]);
    expect(relay.counters.toLeg).toBe(2);
  });

  it("the leg's PLI or FIR becomes ours to the SIP peer; the peer's PLI and FIR reach the leg", () => {
    const { clock, rtcp, session, relay, port, events } = setUp();
    relay.attach({ events, video: port });
    session.receiveRtp(fromPeer(10, 3000));
    const before = rtcp.length;
    port.call!.requestKeyframe("fir");
    const sent = parseRtcp(rtcp[before]!);
    expect(sent.ok && sent.packets.find((p) => p.type === "fir")).toMatchObject({ type: "fir", senderSsrc: 0x1234, entries: [{ ssrc: PEER }] });
    clock.advance(1000);
    port.call!.requestKeyframe("pli");
    const pli = parseRtcp(rtcp.at(-1)!);
    expect(pli.ok && pli.packets.find((p) => p.type === "pli")).toMatchObject({ type: "pli", mediaSsrc: PEER });
    session.receiveRtcp(serializeRtcp([{ type: "rr", ssrc: PEER, reports: [] }, { type: "pli", senderSsrc: PEER, mediaSsrc: 0x1234 }]));
    session.receiveRtcp(serializeRtcp([{ type: "rr", ssrc: PEER, reports: [] }, { type: "fir", senderSsrc: PEER, entries: [{ ssrc: 0x1234, sequence: 3 }] }]));
    expect(port.asked).toEqual(["pli", "fir"]);
    expect(relay.counters).toMatchObject({ keyframeRequestsFromLeg: 2, keyframeRequestsFromSip: 2 });
  });

  it("a leg that ends is detached: nothing more reaches it, and a leg without video is not attached", () => {
    const { session, relay, port, events } = setUp();
    relay.attach({ events, video: port });
    events.emit("ended", { reason: "page-closed" });
    expect(relay.attached).toBe(false);
    expect(port.call).toBeUndefined();
    const bytes = fromPeer(10, 3000);
    session.receiveRtp(bytes);
    relay.fromSip(bytes);
    expect(port.forwarded).toEqual([]);
    expect(relay.attach({ events })).toBe(false);
    expect(relay.used).toBe(true);
  });
});
