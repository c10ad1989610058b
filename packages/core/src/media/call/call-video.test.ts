// call-video.ts through createMediaHooks: the VP8 m-line in offers and answers (RFC 3264 §5, §6;
// RFC 7741 §6), the VideoSession on the call's video port pair, hold (§8.4), SRTP "required"
// (no video), on fake sockets and a FakeClock.
import { describe, expect, it } from "vitest";
import { createAnswer, createOffer, createSdpLocalState, type Direction, type MediaCapability } from "../../sdp/index.js";
import { FakeClock } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import { createMediaHooks, type CallMediaOptions, type CallTransport } from "../call-media.js";
import { parseRtp } from "../rtp/rtp-packet.js";
import type { DatagramSocket, RtpSessionEvents } from "../rtp/rtp-session-types.js";
import type { IvfFile } from "../video/ivf.js";
import { fakeVp8Frame } from "../video/test-frames.js";
import { IvfVideoSource, type ReceivedVideoFrame, type VideoFrameSink } from "../video/video-source.js";
import { VideoSession } from "../video/video-session.js";
import { renumberPayloadType } from "./call-video-transport.js";
import { videoDirection, type CallVideoOptions } from "./call-video.js";

type Listener = (msg: Buffer, rinfo: { address: string; port: number }) => void;

class FakeSocket implements DatagramSocket {
  private listeners: Listener[] = [];
  sent: { bytes: Uint8Array; port: number; address: string }[] = [];
  closed = false;
  on(_event: "message", fn: Listener): void {
    this.listeners.push(fn);
  }
  send(bytes: Uint8Array, port: number, address: string): void {
    this.sent.push({ bytes, port, address });
  }
  close(): void {
    this.closed = true;
  }
  deliver(bytes: Uint8Array): void {
    this.listeners.forEach((l) => l(Buffer.from(bytes), { address: "192.0.2.10", port: 40002 }));
  }
}

class MemoryVideoSink implements VideoFrameSink {
  frames: ReceivedVideoFrame[] = [];
  closes = 0;
  write(f: ReceivedVideoFrame): void {
    this.frames.push(f);
  }
  close(): void {
    this.closes++;
  }
}

/** 30 fps VP8 (test frames), a key frame every 10. */
function vp8File(count: number): IvfFile {
  const frames = Array.from({ length: count }, (_, i) => ({ pts: i, data: fakeVp8Frame(i % 10 === 0, i % 10 === 0 ? 2500 : 600, i) }));
  return { header: { fourcc: "VP80", width: 16, height: 16, timebaseRate: 30, timebaseScale: 1, frameCount: count }, frames };
}

const fakeAudio = async (): Promise<CallTransport> => ({
  port: 20000, datagrams: 0, close: () => undefined,
  openSession: () => ({ events: new Emitter<RtpSessionEvents>(), start() {}, setRemote() {}, sendDigit() {}, close() {}, streamStats: () => ({ kind: "audio", codec: "PCMU", clockRate: 8000, packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, expected: 0, cumulativeLost: 0, jitterMs: 0, rejected: {} }) }),
});

/** Audio faked away (call-media.test.ts covers it); video on fake sockets at port 20002. */
function setup(options: Partial<CallMediaOptions> = {}, video: Partial<CallVideoOptions> = {}) {
  const clock = new FakeClock();
  const pairs: { rtp: FakeSocket; rtcp: FakeSocket; port: number }[] = [];
  const sink = new MemoryVideoSink();
  const source = new IvfVideoSource(vp8File(60), { loop: true });
  const hooks = createMediaHooks({
    clock, codecs: ["PCMU"], srtp: "off", statsIntervalMs: 0, rtcpIntervalMs: 0, bind: fakeAudio,
    video: {
      source: () => source, sink: () => sink,
      bind: async () => {
        const p = { rtp: new FakeSocket(), rtcp: new FakeSocket(), port: 20002 };
        pairs.push(p);
        return p;
      },
      ...video,
    },
    ...options,
  });
  const media = hooks.create({ callId: "v1", direction: "outgoing" });
  return { media, clock, sink, source, pair: () => pairs[0]! };
}

const VP8_100: MediaCapability = { kind: "video", port: 40002, codecs: [{ name: "VP8", clockRate: 90000, payloadType: 100 }] };

/** The other end at 192.0.2.10 (audio 40000, video 40002), made with sdp/. */
function peer(video: MediaCapability | undefined = VP8_100) {
  const state = createSdpLocalState();
  const caps = (direction: Direction = "sendrecv") => ({
    address: "192.0.2.10",
    media: [{ kind: "audio" as const, port: 40000, codecs: [{ name: "PCMU", clockRate: 8000, payloadType: 0 }], direction }, ...(video ? [{ ...video, direction }] : [])],
  });
  return {
    offer: (direction?: Direction) => createOffer(caps(direction), state),
    answer: (offer: string, direction?: Direction) => createAnswer(offer, caps(direction), state).sdp,
  };
}

/** The SDP lines of the m-section of `kind`. */
function section(sdp: string, kind: string): string {
  return sdp.split(/\r\n(?=m=)/).find((s) => s.startsWith(`m=${kind}`)) ?? "";
}

const sentPayloadTypes = (s: FakeSocket) => [...new Set(s.sent.map((p) => (parseRtp(p.bytes).ok ? (p.bytes[1]! & 0x7f) : -1)))];

/** A peer VideoSession sending `pt` into our RTP socket. */
function peerSender(clock: FakeClock, socket: FakeSocket, pt: number): VideoSession {
  const s = new VideoSession({ clock, codec: "VP8", payloadType: pt, rtcpIntervalMs: 0, source: new IvfVideoSource(vp8File(30)), transport: { sendRtp: (b) => socket.deliver(b), sendRtcp: () => undefined } });
  s.start();
  return s;
}

describe("video m-line decisions", () => {
  it("offered SRTP: VP8 on its own port as plain RTP/AVP, the audio keyed; recvonly/sendonly from what we have", async () => {
    const sdp = await setup({ srtp: "offered" }).media.offer("sendrecv");
    expect(section(sdp, "audio")).toMatch(/^a=crypto:/m);
    const v = section(sdp, "video");
    expect(v).toMatch(/^m=video 20002 RTP\/AVP 96\r$/m);
    expect(v).toMatch(/^a=rtpmap:96 VP8\/90000\r$/m);
    expect(v).toMatch(/^a=sendrecv\r$/m);
    expect(v).not.toMatch(/a=crypto/);
    expect(section(await setup({}, { source: () => undefined }).media.offer("sendrecv"), "video")).toMatch(/^a=recvonly\r$/m);
    expect(section(await setup({}, { sink: () => undefined }).media.offer("sendrecv"), "video")).toMatch(/^a=sendonly\r$/m);
    expect(section(await setup({}, { payloadType: 120 }).media.offer("recvonly"), "video")).toMatch(/^m=video 20002 RTP\/AVP 120\r\n(.*\r\n)*a=recvonly/m);
  });

  it("videoDirection masks the call's direction (hold) with what we can do", () => {
    expect(videoDirection("sendrecv", { send: true, recv: true })).toBe("sendrecv");
    expect(videoDirection("sendonly", { send: true, recv: true })).toBe("sendonly");
    expect(videoDirection("sendrecv", { send: false, recv: true })).toBe("recvonly");
    expect(videoDirection("recvonly", { send: true, recv: false })).toBe("inactive");
  });

  it("SRTP required: no video offered, a peer's video m-line answered with port 0", async () => {
    const { media } = setup({ srtp: "required" });
    expect(media.video).toBeUndefined();
    expect(await media.offer("sendrecv")).not.toMatch(/m=video/);
    const state = createSdpLocalState();
    const offer = createOffer({ address: "192.0.2.10", media: [{ kind: "audio", port: 40000, codecs: [{ name: "PCMU", clockRate: 8000, payloadType: 0 }], srtp: "require" }, VP8_100] }, state);
    expect(section(await media.answer(offer, "sendrecv"), "video")).toMatch(/^m=video 0 /);
  });

  it("without the video option: audio only, a peer's video answered with port 0", async () => {
    const media = createMediaHooks({ srtp: "off", codecs: ["PCMU"], statsIntervalMs: 0, bind: fakeAudio }).create({ callId: "a", direction: "incoming" });
    expect(media.video).toBeUndefined();
    expect(await media.offer("sendrecv")).not.toMatch(/m=video/);
    expect(section(await media.answer(peer().offer(), "sendrecv"), "video")).toMatch(/^m=video 0 /);
    await media.close();
  });

  it("a peer offering H264 only: video answered with port 0, no session", async () => {
    const { media, pair } = setup();
    const h264: MediaCapability = { kind: "video", port: 40002, codecs: [{ name: "H264", clockRate: 90000, payloadType: 99 }] };
    expect(section(await media.answer(peer(h264).offer(), "sendrecv"), "video")).toMatch(/^m=video 0 /);
    expect(media.video?.session).toBeUndefined();
    await media.close();
    expect(pair().rtp.closed).toBe(true);
  });

  it("renumberPayloadType: only packets with `from` change, the marker bit kept", () => {
    const p = new Uint8Array(12);
    p[0] = 0x80;
    p[1] = 0x80 | 96;
    expect(renumberPayloadType(p, 96, 100)[1]).toBe(0x80 | 100);
    expect(renumberPayloadType(p, 97, 100)).toBe(p);
    expect(renumberPayloadType(p.subarray(0, 4), 96, 100)).toHaveLength(4);
  });
});

describe("running the video stream", () => {
  it("a peer offering VP8 at PT 100: we answer 100, send our frames there paced at 30 fps, and record the peer's", async () => {
    const { media, clock, sink, pair } = setup();
    const started: unknown[] = [];
    media.video!.events.on("started", (e) => started.push(e));
    const answer = await media.answer(peer().offer(), "sendrecv");
    expect(section(answer, "video")).toMatch(/^m=video 20002 RTP\/AVP 100\r$/m);
    const session = media.video!.session!;
    expect(session.stats.framesSent).toBe(1); // the key frame goes at once
    clock.advance(1010);
    expect(session.stats.framesSent).toBe(31);
    expect(sentPayloadTypes(pair().rtp)).toEqual([100]);
    expect(pair().rtp.sent[0]).toMatchObject({ port: 40002, address: "192.0.2.10" });
    peerSender(clock, pair().rtp, 100);
    clock.advance(500);
    expect(sink.frames.length).toBeGreaterThanOrEqual(15);
    expect(sink.frames[0]!.keyframe).toBe(true);
    expect(media.video!.stats()?.rejected).toEqual({});
    expect(started).toEqual([{ codec: "VP8", payloadType: 100, remote: { address: "192.0.2.10", port: 40002 } }]);
    await media.answer(peer().offer(), "sendrecv");
    expect(media.video!.session).toBe(session); // a re-offer keeping the stream keeps the session
    expect(started).toHaveLength(1);
    await media.close();
    expect(sink.closes).toBe(1);
    expect(pair().rtp.closed && pair().rtcp.closed).toBe(true);
  });

  it("an answer with its own PT (RFC 3264 §6.1): we send with the peer's 100, receive our 96", async () => {
    const { media, clock, sink, pair } = setup();
    const offer = await media.offer("sendrecv");
    const answer = offer.replace(/RTP\/AVP 96/, "RTP/AVP 100").replace(/a=rtpmap:96 /, "a=rtpmap:100 ").replace(/a=rtcp-fb:96/g, "a=rtcp-fb:100").replace(/ 20002 /, " 40002 ").replace(/ 20000 /, " 40000 ");
    await media.applyAnswer(answer);
    expect(media.video?.negotiated?.codec).toMatchObject({ sendPayloadType: 100, receivePayloadType: 96 });
    clock.advance(100);
    expect(sentPayloadTypes(pair().rtp)).toEqual([100]);
    peerSender(clock, pair().rtp, 96);
    clock.advance(500);
    expect(sink.frames.length).toBeGreaterThanOrEqual(15);
    expect(media.video!.stats()?.rejected).toEqual({});
  });

  it("hold (RFC 3264 §8.4): sendonly stops what we receive, inactive what we send; resuming asks for a key frame", async () => {
    const { media, clock, sink, source, pair } = setup();
    const p = peer();
    await media.applyAnswer(p.answer(await media.offer("sendrecv")));
    const session = media.video!.session!;
    await media.applyAnswer(p.answer(await media.offer("sendonly")));
    expect(media.video!.flow).toEqual({ send: true, recv: false });
    peerSender(clock, pair().rtp, 96);
    clock.advance(300);
    expect(sink.frames).toHaveLength(0);
    await media.applyAnswer(p.answer(await media.offer("inactive")));
    const sent = pair().rtp.sent.length;
    clock.advance(300);
    expect(pair().rtp.sent.length).toBe(sent);
    const requests = source.keyframeRequests;
    await media.applyAnswer(p.answer(await media.offer("sendrecv")));
    expect(source.keyframeRequests).toBe(requests + 1);
    expect(media.video!.session).toBe(session); // the session and its sequence numbers survive the hold
    clock.advance(100);
    expect(pair().rtp.sent.length).toBeGreaterThan(sent);
  });

  it("a re-offer removing video stops the stream (stopped) and keeps the sink open until the call closes", async () => {
    const { media, sink } = setup();
    const stopped: unknown[] = [];
    media.video!.events.on("stopped", (e) => stopped.push(e));
    await media.answer(peer().offer(), "sendrecv");
    expect(media.video!.session).toBeDefined();
    // RFC 3264 §8.2: a stream is removed by a port of 0 in a new offer.
    expect(section(await media.answer(peer({ ...VP8_100, port: 0 }).offer(), "sendrecv"), "video")).toMatch(/^m=video 0 /);
    expect(media.video!.session).toBeUndefined();
    expect(stopped).toHaveLength(1);
    expect(sink.closes).toBe(0);
    await media.close();
    await media.close();
    expect(sink.closes).toBe(1);
  });
});
