// World: RFC 3264 offer/answer with a VP8 video m-line (RFC 7741) between our createMediaHooks and
// baresip (vp8.so, fakevideo.so as its camera) through Kamailio: the VP8 frames we reassemble from
// baresip's RTP into an IVF file are accepted and decoded by ffprobe (Debian's ffmpeg) at baresip's size;
// baresip decodes the libvpx IVF we send (its snapshot module); hold (§8.4) and SRTP "offered" with video.
import { describe, expect, it } from "vitest";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { callFileName, IvfVideoSink, IvfVideoSource } from "../../../packages/core/src/media/index.js";
import { makeWorldDir, removeWorldDir, startKamailio, until, useCleanup, type Baresip, type Kamailio } from "../index.js";
import { nextIncoming, reach } from "../sip/call-kit.js";
import { makeVp8Ivf, probeVideo, startMediaAgent, startVideoPhone, type MediaAgent } from "./media-kit.js";

const track = useCleanup();
const SIZE = { width: 352, height: 288 };

type World = { k: Kamailio; alice: MediaAgent; phone: Baresip; secure: Baresip; dir: string };
let shared: Promise<World> | undefined;

function world(): Promise<World> {
  shared ??= (async () => {
    const k = track(await startKamailio({ users: ["alice", "cam", "seccam"], label: "media-video" }));
    const dir = makeWorldDir("media-video");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const camera = { source: "fakevideo", ...SIZE, fps: 15 } as const;
    const [phone, secure] = await Promise.all([
      startVideoPhone(k, "cam", dir, camera).then(track),
      // Best-effort SDES (a=crypto on RTP/AVP), as our "offered" mode.
      startVideoPhone(k, "seccam", dir, camera, { modules: ["srtp"], accountParams: ";mediaenc=srtp" }).then(track),
    ]);
    const alice = track(await startMediaAgent(k, "alice"));
    return { k, alice, phone: phone!, secure: secure!, dir };
  })();
  return shared;
}

describe("VP8 video with baresip's fakevideo", () => {
  it("baresip calls us: its VP8 frames, recorded to IVF, decode with ffprobe", async () => {
    const { k, alice, phone, dir } = await world();
    const file = (id: string) => join(dir, `rx-${callFileName(id)}.ivf`);
    alice.configure({ codecs: ["PCMU"], srtp: "off", video: { sink: (c) => new IvfVideoSink(file(c.callId), "VP8") } });
    const incoming = nextIncoming(alice.ua);
    await phone.command("dial", `sip:alice@${k.domain}`);
    const call = await incoming;
    expect(await call.answer()).toBe(true);
    await reach(call, "established");
    const { media } = alice.audioOf(call);
    expect(media.video?.negotiated?.codec?.name).toBe("VP8");
    await until("45 VP8 frames from baresip", () => (media.video?.session?.stats.framesReceived ?? 0) >= 45, { timeoutMs: 30_000 });
    expect(media.video?.stats()?.rejected).toEqual({});
    await phone.command("hangup");
    await reach(call, "ended");
    await until("media closed", () => media.closed);
    const probe = await probeVideo(file(call.id));
    expect(probe).toMatchObject({ codec: "vp8", ...SIZE });
    expect(probe.frames).toBeGreaterThanOrEqual(45);
  });

  it("we call baresip, both ways: it decodes our libvpx IVF (snapshot of what it received) and we decode its frames", async () => {
    const { k, alice, phone, dir } = await world();
    const sent = await makeVp8Ivf(join(dir, "testsrc.ivf"), { width: 320, height: 240, fps: 15, seconds: 3 });
    const file = (id: string) => join(dir, `out-${callFileName(id)}.ivf`);
    alice.configure({
      codecs: ["PCMU"], srtp: "off",
      video: { source: () => new IvfVideoSource(sent, { loop: true }), sink: (c) => new IvfVideoSink(file(c.callId), "VP8") },
    });
    const call = alice.ua.call(`sip:cam@${k.domain}`);
    await reach(call, "established");
    const { media } = alice.audioOf(call);
    // sip/ reaches "established" on the 200 OK while the answer is still being applied.
    const negotiated = await until("video negotiated", () => media.video?.negotiated);
    expect(negotiated.direction).toBe("sendrecv");
    await until("30 frames each way", () => (media.video?.session?.stats.framesReceived ?? 0) >= 30 && (media.video?.session?.stats.framesSent ?? 0) >= 30, { timeoutMs: 30_000 });
    // baresip's snapshot module writes the last picture its VP8 decoder produced as a PNG.
    const png = join(dir, "baresip-received.png");
    await phone.command("snapshot_recv", png);
    await until("baresip's snapshot of our video", () => existsSync(png) && statSync(png).size > 0);
    const shot = await probeVideo(png);
    expect(shot).toMatchObject({ codec: "png", width: 320, height: 240 });
    expect(media.video?.stats()?.rejected).toEqual({});
    call.hangup();
    await reach(call, "ended");
    await until("media closed", () => media.closed);
    expect(media.video?.session).toBeUndefined();
    const probe = await probeVideo(file(call.id));
    expect(probe).toMatchObject({ codec: "vp8", ...SIZE });
    expect(probe.frames).toBeGreaterThanOrEqual(30);
  });

  it("hold and resume from our side (RFC 3264 §8.4): no video reaches the sink while held, decodable video after", async () => {
    const { k, alice, dir } = await world();
    const sent = await makeVp8Ivf(join(dir, "testsrc-hold.ivf"), { width: 320, height: 240, fps: 15, seconds: 2 });
    const file = (id: string) => join(dir, `held-${callFileName(id)}.ivf`);
    alice.configure({
      codecs: ["PCMU"], srtp: "off",
      video: { source: () => new IvfVideoSource(sent, { loop: true }), sink: (c) => new IvfVideoSink(file(c.callId), "VP8") },
    });
    const call = alice.ua.call(`sip:cam@${k.domain}`);
    await reach(call, "established");
    const { media } = alice.audioOf(call);
    const stats = () => media.video?.session?.stats ?? { framesReceived: 0, framesSent: 0 };
    await until("15 frames from baresip", () => stats().framesReceived >= 15, { timeoutMs: 30_000 });
    const session = media.video?.session;
    expect(await call.hold()).toBe(true);
    await until("video held", () => media.video?.flow.recv === false);
    expect(media.video?.flow.send).toBe(true);
    const held = stats().framesReceived;
    const sentBefore = stats().framesSent;
    await until("we keep sending 15 frames while holding", () => stats().framesSent >= sentBefore + 15, { timeoutMs: 30_000 });
    expect(stats().framesReceived).toBe(held);
    expect(await call.resume()).toBe(true);
    await until("15 more frames after resume", () => stats().framesReceived >= held + 15, { timeoutMs: 30_000 });
    expect(media.video?.session).toBe(session);
    call.hangup();
    await reach(call, "ended");
    await until("media closed", () => media.closed);
    const probe = await probeVideo(file(call.id));
    expect(probe).toMatchObject({ codec: "vp8", ...SIZE });
    expect(probe.frames).toBeGreaterThanOrEqual(held + 15);
  });

  it("SRTP offered to a best-effort SDES phone: the audio is keyed, the video runs as plain RTP/AVP and decodes", async () => {
    const { k, alice, dir } = await world();
    const file = (id: string) => join(dir, `sec-${callFileName(id)}.ivf`);
    alice.configure({ codecs: ["PCMU"], srtp: "offered", video: { sink: (c) => new IvfVideoSink(file(c.callId), "VP8") } });
    const call = alice.ua.call(`sip:seccam@${k.domain}`);
    await reach(call, "established");
    const { media } = alice.audioOf(call);
    const video = await until("video negotiated", () => media.video?.negotiated);
    expect(media.negotiated?.srtp).toBeDefined();
    expect(video.srtp).toBeUndefined();
    expect(video.protocol).toBe("RTP/AVP");
    await until("30 VP8 frames from baresip", () => (media.video?.session?.stats.framesReceived ?? 0) >= 30, { timeoutMs: 30_000 });
    expect(media.video?.stats()?.rejected).toEqual({});
    call.hangup();
    await reach(call, "ended");
    await until("media closed", () => media.closed);
    const probe = await probeVideo(file(call.id));
    expect(probe).toMatchObject({ codec: "vp8", ...SIZE });
    expect(probe.frames).toBeGreaterThanOrEqual(30);
  });
});
