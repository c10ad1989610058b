// World: VP8 video across the browser leg (protocol.md D32): headless Chromium
// with a Y4M fake camera bridged to baresip's fakevideo through Kamailio. The
// page decodes baresip's frames (getStats framesDecoded growing), baresip
// decodes the page's camera (its snapshot at the camera's size), the page's
// key frame request reaches baresip as our PLI, and a call without video
// answers the page's video m-section with port 0.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SilenceSource } from "../../../packages/core/src/media/index.js";
import { BrowserLeg } from "../../../packages/core/src/media/webrtc/browser-leg.js";
import { makeTone, makeWorldDir, removeWorldDir, startKamailio, until, useCleanup, type Baresip, type Kamailio } from "../index.js";
import { probeVideo, startMediaAgent, startVideoPhone, type CallAudio, type MediaAgent } from "../media/media-kit.js";
import { nextIncoming, reach } from "../sip/call-kit.js";
import { launchChromium, makeY4m, pageVideo, startPageServer, type Browser, type PageServer } from "./page-kit.js";

const track = useCleanup();
const CAMERA = { width: 320, height: 240 };

type World = { k: Kamailio; alice: MediaAgent; cam: Baresip; browser: Browser; server: PageServer; legs: BrowserLeg[]; dir: string };
let shared: Promise<World> | undefined;
/** The call the next posted offer attaches to. */
let target: CallAudio | undefined;

function world(): Promise<World> {
  shared ??= (async () => {
    const k = track(await startKamailio({ users: ["alice", "cam"], label: "webrtc-video" }));
    const dir = makeWorldDir("webrtc-video");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const cam = track(await startVideoPhone(k, "cam", dir, { source: "fakevideo", width: 352, height: 288, fps: 15 }));
    const alice = track(await startMediaAgent(k, "alice"));
    const legs: BrowserLeg[] = [];
    // What the daemon's POST /calls/:id/webrtc does (routes-webrtc.ts).
    const server = track(await startPageServer(async (sdp) => {
      const media = target!.media;
      const { leg, answer } = await BrowserLeg.answer(sdp, { video: media.video?.acceptsLegVideo ?? false });
      legs.push(leg);
      media.legs.attach(leg);
      media.video?.attachLeg(leg);
      return answer;
    }));
    const mic = await makeTone(join(dir, "page-440.wav"), 440, { seconds: 30, rate: 48000 });
    const y4m = await makeY4m(join(dir, "camera.y4m"), { ...CAMERA, fps: 15, seconds: 2 });
    const browser = track(await launchChromium(join(dir, "chromium"), mic, y4m));
    return { k, alice, cam: cam!, browser, server, legs, dir };
  })();
  return shared;
}

/** A page with microphone and camera whose leg attached to `audio`'s call; its answer SDP. */
async function attachPage(w: World, audio: CallAudio): Promise<{ page: Page; leg: BrowserLeg; answer: string }> {
  target = audio;
  const before = w.legs.length;
  const page = await w.browser.open(w.server.url);
  const answer = await page.evaluate(() => (globalThis as unknown as { startVideo(): Promise<string> }).startVideo());
  const leg = w.legs[before]!;
  await until("the page's leg connected", () => leg.connected, { timeoutMs: 30_000 });
  return { page, leg, answer };
}

describe("browser video: a Chromium page's VP8 bridged to baresip", () => {
  it("we call baresip with video: each side decodes the other's pictures, the page's key frame request reaches baresip", async () => {
    const w = await world();
    w.alice.configure({ codecs: ["PCMU"], srtp: "off", source: () => new SilenceSource(48000), video: { legs: true } });
    const call = w.alice.ua.call(`sip:cam@${w.k.domain}`);
    const audio = w.alice.audioOf(call);
    await reach(call, "established", 30_000);
    const video = audio.media.video!;
    expect((await until("video negotiated", () => video.negotiated)).direction).toBe("sendrecv");
    // baresip's picture runs before the page comes: the page joins mid-stream and must ask for a key frame.
    await until("15 frames from baresip", () => (video.session?.stats.framesReceived ?? 0) >= 15, { timeoutMs: 30_000 });
    const requestsBefore = video.session!.stats.keyframeRequestsSent;
    const { page, leg, answer } = await attachPage(w, audio);
    expect(answer).toMatch(/^m=video [1-9]/m);
    expect(leg.video).toBeDefined();
    expect(video.legAttached).toBe(true);

    // baresip -> page: decoded in Chromium, and still growing.
    const first = await until("the page decodes baresip's video", async () => ((await pageVideo(page)).framesDecoded > 0 ? pageVideo(page) : undefined), { timeoutMs: 60_000 });
    await until("more frames decoded", async () => (await pageVideo(page)).framesDecoded >= first.framesDecoded + 15, { timeoutMs: 60_000 });

    // The page's PLI/FIR about our stream became a key frame request of ours to baresip.
    await until("the page asked for a key frame", async () => (await pageVideo(page)).pliCount + (await pageVideo(page)).firCount > 0, { timeoutMs: 30_000 });
    await until("its request reached us", () => leg.video!.counters.keyframeRequestsFromPage > 0, { timeoutMs: 30_000 });
    expect(video.relayCounters.keyframeRequestsFromLeg).toBeGreaterThan(0);
    expect(video.session!.stats.keyframeRequestsSent).toBeGreaterThan(requestsBefore);

    // page -> baresip: the camera's packets relayed, baresip decodes them at the camera's size.
    await until("150 packets of the page's camera relayed", () => video.relayCounters.toSip >= 150, { timeoutMs: 60_000 });
    const png = join(w.dir, "baresip-from-page.png");
    await w.cam.command("snapshot_recv", png);
    await until("baresip's snapshot of the page's camera", () => existsSync(png) && statSync(png).size > 0, { timeoutMs: 30_000 });
    expect(await probeVideo(png)).toMatchObject({ codec: "png", ...CAMERA });
    // baresip's receiver reports are about the SSRC we relay under (RFC 3550 §6.4: its RR block gives us an RTT).
    await until("baresip reports on our stream", () => video.stats()?.rttMs, { timeoutMs: 30_000 });
    expect(video.stats()?.rejected).toEqual({});
    const counters = { ...video.relayCounters, page: leg.video!.counters };
    process.stderr.write(`[webrtc-video] relay ${JSON.stringify(counters)}\n`);

    call.hangup();
    await reach(call, "ended");
    await until("media closed", () => audio.media.closed);
    expect(leg.closed).toBe(true);
    expect(video.legAttached).toBe(false);
    await page.close();
  });

  it("baresip calls us with video, the page attaches before we answer: pictures both ways", async () => {
    const w = await world();
    w.alice.configure({ codecs: ["PCMU"], srtp: "off", source: () => new SilenceSource(48000), video: { legs: true } });
    const incoming = nextIncoming(w.alice.ua);
    await w.cam.command("dial", `sip:alice@${w.k.domain}`);
    const call = await incoming;
    const audio = w.alice.audioOf(call);
    // Not negotiated yet: the page's video is accepted on the strength of our offer to come (D32).
    const { page, leg, answer } = await attachPage(w, audio);
    expect(answer).toMatch(/^m=video [1-9]/m);
    expect(await call.answer()).toBe(true);
    await reach(call, "established");
    const video = audio.media.video!;
    expect((await until("video negotiated", () => video.negotiated)).direction).toBe("sendrecv");
    await until("the page decodes 15 of baresip's frames", async () => (await pageVideo(page)).framesDecoded >= 15, { timeoutMs: 60_000 });
    await until("150 packets of the page's camera relayed", () => video.relayCounters.toSip >= 150, { timeoutMs: 60_000 });
    expect(leg.video!.counters.toPage).toBeGreaterThan(0);
    const png = join(w.dir, "baresip-from-page-incoming.png");
    await w.cam.command("snapshot_recv", png);
    await until("baresip's snapshot of the page's camera", () => existsSync(png) && statSync(png).size > 0, { timeoutMs: 30_000 });
    expect(await probeVideo(png)).toMatchObject({ codec: "png", ...CAMERA });
    await w.cam.command("hangup");
    await reach(call, "ended");
    await page.close();
  });

  it("a call without video answers the page's video m-section with port 0; the audio leg still connects", async () => {
    const w = await world();
    w.alice.configure({ codecs: ["PCMU"], srtp: "off", source: () => new SilenceSource(48000) });
    const call = w.alice.ua.call(`sip:cam@${w.k.domain}`);
    const audio = w.alice.audioOf(call);
    await reach(call, "established", 30_000);
    expect(audio.media.video).toBeUndefined();
    const { page, leg, answer } = await attachPage(w, audio);
    expect(answer).toMatch(/^m=video 0 /m);
    expect(leg.video).toBeUndefined();
    await until("the page's audio reaches us", () => leg.counters.fromPage > 50, { timeoutMs: 30_000 });
    expect((await pageVideo(page)).framesDecoded).toBe(0);
    call.hangup();
    await reach(call, "ended");
    await page.close();
  });
});
