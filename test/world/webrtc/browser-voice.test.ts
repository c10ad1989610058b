// World: a page's WebRTC audio in headless Chromium bridged to SIP calls with
// baresip through Kamailio (protocol.md D27, D28): the page's 440 Hz reaches
// baresip's recording and baresip's 1 kHz is heard in the page, with PCMU
// (transcoded) and Opus (relayed), calls placed from each side, SRTP
// required on the SIP leg; DTMF both ways; a closed tab leaves the call up
// and a new page takes it over (a second tab releases the first).
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SilenceSource } from "../../../packages/core/src/media/index.js";
import { BrowserLeg } from "../../../packages/core/src/media/webrtc/browser-leg.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { makeTone, makeWorldDir, removeWorldDir, startKamailio, until, useCleanup, type Baresip, type Kamailio } from "../index.js";
import { PHONE_CODECS, phoneHeard, startMediaAgent, startPhone, type CallAudio, type MediaAgent } from "../media/media-kit.js";
import { nextIncoming, reach } from "../sip/call-kit.js";
import { launchChromium, pageHears, startPageServer, type Browser, type PageServer } from "./page-kit.js";

const track = useCleanup();

type World = { k: Kamailio; alice: MediaAgent; phones: { pcmu: Baresip; opus: Baresip; secure: Baresip }; browser: Browser; server: PageServer; legs: BrowserLeg[] };
let shared: Promise<World> | undefined;
/** The call the next posted offer attaches to. */
let target: CallAudio | undefined;

function world(): Promise<World> {
  shared ??= (async () => {
    const k = track(await startKamailio({ users: ["alice", "pcmu", "opus", "secure"], label: "webrtc" }));
    const dir = makeWorldDir("webrtc");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const [pcmu, opus, secure] = await Promise.all([
      startPhone(k, "pcmu", dir, PHONE_CODECS.PCMU).then(track),
      startPhone(k, "opus", dir, PHONE_CODECS.opus).then(track),
      startPhone(k, "secure", dir, PHONE_CODECS.PCMU, { modules: ["srtp"], accountParams: ";mediaenc=srtp-mand" }).then(track),
    ]);
    const alice = track(await startMediaAgent(k, "alice"));
    const legs: BrowserLeg[] = [];
    const server = track(await startPageServer(async (sdp) => {
      const { leg, answer } = await BrowserLeg.answer(sdp);
      legs.push(leg);
      target!.media.legs.attach(leg);
      return answer;
    }));
    const mic = await makeTone(join(dir, "page-440.wav"), 440, { seconds: 30, rate: 48000 });
    const browser = track(await launchChromium(join(dir, "chromium"), mic));
    return { k, alice, phones: { pcmu: pcmu!, opus: opus!, secure: secure! }, browser, server, legs };
  })();
  return shared;
}

/** A page that attached its leg to `audio`'s call. */
async function attachPage(w: World, audio: CallAudio): Promise<{ page: Page; leg: BrowserLeg }> {
  target = audio;
  const before = w.legs.length;
  const page = await w.browser.open(w.server.url);
  await page.evaluate(() => (globalThis as unknown as { start(): Promise<void> }).start());
  const leg = w.legs[before]!;
  await until("the page's leg connected", () => leg.connected, { timeoutMs: 30_000 });
  return { page, leg };
}

async function pageHearsTone(page: Page, hz: number): Promise<void> {
  await until(`the page hears ${hz} Hz`, async () => {
    const h = await pageHears(page);
    return Math.abs(h.hz - hz) < 30 && h.db > -60;
  }, { timeoutMs: 60_000 });
}

/** Our packets towards baresip carry the page's audio for a while. */
async function sentFromPage(audio: CallAudio, packets = 100): Promise<void> {
  const from = audio.media.stats()?.packetsSent ?? 0;
  // Generous: at load averages of 15 on two cores our sends came at a few packets a second for a while.
  await until(`${packets} packets sent`, () => (audio.media.stats()?.packetsSent ?? 0) - from >= packets, { timeoutMs: 60_000 });
}

async function weCall(w: World, user: string, codec: "PCMU" | "opus", srtp: "off" | "required"): Promise<{ call: SipCall; audio: CallAudio }> {
  w.alice.configure({ codecs: [codec], srtp, source: () => new SilenceSource(48000) });
  const call = w.alice.ua.call(`sip:${user}@${w.k.domain}`);
  const audio = w.alice.audioOf(call);
  return { call, audio };
}

describe("browser voice: a Chromium page bridged to baresip", () => {
  it("PCMU, we call: transcoded both ways (page 440 Hz to baresip, baresip 1 kHz in the page)", async () => {
    const w = await world();
    const before = w.phones.pcmu.recordings().dec;
    const { call, audio } = await weCall(w, "pcmu", "PCMU", "off");
    const { page, leg } = await attachPage(w, audio);
    await reach(call, "established", 30_000);
    await pageHearsTone(page, 1000);
    await sentFromPage(audio);
    expect(leg.counters.relayedToSip).toBe(0);
    call.hangup();
    await reach(call, "ended");
    expect(Math.abs((await phoneHeard(w.phones.pcmu, before)) - 440)).toBeLessThan(30);
    expect(leg.closed).toBe(true);
    await page.close();
  });

  it("Opus, baresip calls us: relayed without decoding both ways", async () => {
    const w = await world();
    const phone = w.phones.opus;
    const before = phone.recordings().dec;
    w.alice.configure({ codecs: ["opus"], srtp: "off", source: () => new SilenceSource(48000) });
    const incoming = nextIncoming(w.alice.ua);
    await phone.command("dial", `sip:alice@${w.k.domain}`);
    const call = await incoming;
    const audio = w.alice.audioOf(call);
    const { page, leg } = await attachPage(w, audio);
    expect(await call.answer()).toBe(true);
    await reach(call, "established");
    expect(audio.media.negotiated?.codec?.name.toLowerCase()).toBe("opus");
    await pageHearsTone(page, 1000);
    await sentFromPage(audio);
    expect(leg.counters.relayedToSip).toBeGreaterThan(100);
    expect(leg.counters.toPage).toBeGreaterThan(100);
    // The relay holds the page's packet until the SIP leg's next 20 ms tick (one packet time on average
    // when the ticks are on time; the queue holds two at most, so a late tick may make it two).
    const wait = leg.relayWait;
    process.stderr.write(`[webrtc] relay page->SIP wait: mean ${wait.meanMs.toFixed(1)} ms, worst ${wait.worstMs} ms over ${wait.count} packets, ${leg.counters.relayDropped} dropped\n`);
    expect(wait.meanMs).toBeLessThanOrEqual(40);
    await phone.command("hangup");
    await reach(call, "ended");
    expect(Math.abs((await phoneHeard(phone, before)) - 440)).toBeLessThan(30);
    await page.close();
  });

  it("SRTP required on the SIP leg still carries the tones", async () => {
    const w = await world();
    const before = w.phones.secure.recordings().dec;
    const { call, audio } = await weCall(w, "secure", "PCMU", "required");
    const { page } = await attachPage(w, audio);
    await reach(call, "established", 30_000);
    expect(audio.media.negotiated?.srtp).toBeDefined();
    await pageHearsTone(page, 1000);
    await sentFromPage(audio);
    call.hangup();
    await reach(call, "ended");
    expect(Math.abs((await phoneHeard(w.phones.secure, before)) - 440)).toBeLessThan(30);
    await page.close();
  });

  it("DTMF: the page's digits reach baresip, baresip's reach the page", async () => {
    const w = await world();
    const phone = w.phones.pcmu;
    const { call, audio } = await weCall(w, "pcmu", "PCMU", "off");
    const { page, leg } = await attachPage(w, audio);
    await reach(call, "established", 30_000);
    await pageHearsTone(page, 1000);
    const seen = phone.events.length;
    await page.evaluate(() => (globalThis as unknown as { sendDtmf(t: string): void }).sendDtmf("19#"));
    const starts = () => phone.events.slice(seen).filter((e) => e.type === "CALL_DTMF_START").map((e) => e.param);
    await until("baresip reports 3 digits", () => starts().length >= 3, { timeoutMs: 30_000 });
    expect(starts()).toEqual(["1", "9", "#"]);
    expect(leg.counters.digitsFromPage).toBe(3);
    expect((await phone.command("sndcode", "7")).ok).toBe(true);
    await until("the page gets the digit", () => page.evaluate(() => (globalThis as unknown as { digits: string[] }).digits.includes("7")), { timeoutMs: 30_000 });
    call.hangup();
    await reach(call, "ended");
    await page.close();
  });

  it("a closed tab leaves the call up with silence; a new page takes it over; a second tab releases the first", async () => {
    const w = await world();
    const { call, audio } = await weCall(w, "pcmu", "PCMU", "off");
    const first = await attachPage(w, audio);
    await reach(call, "established", 30_000);
    await pageHearsTone(first.page, 1000);
    await first.page.close();
    await until("the first leg ended", () => first.leg.closed, { timeoutMs: 30_000 });
    expect(audio.media.legs.leg).toBeUndefined();
    expect(call.state).toBe("established");
    await sentFromPage(audio, 50); // silence keeps flowing
    const second = await attachPage(w, audio);
    await pageHearsTone(second.page, 1000);
    const third = await attachPage(w, audio);
    expect(second.leg.endReason).toBe("replaced");
    await pageHearsTone(third.page, 1000);
    expect(call.state).toBe("established");
    call.hangup();
    await reach(call, "ended");
    await Promise.all([second.page.close(), third.page.close()]);
  });
});
