// World: calls between our SipUserAgent (createMediaHooks, RFC 3264 offer/answer, RFC 3550 RTP) and
// linphonec 5.1, an implementation independent of baresip, through the world's Kamailio: placed from each
// side, with the codec linphone picks (Opus, RFC 7587) and with PCMU (RFC 3551) forced by us; our 440 Hz
// reaches linphone's recording and its 1 kHz reaches our sink; a BYE from either side (RFC 3261 §15) ends
// the call on both; our hold (RFC 3264 §8.4, sendonly) stops linphone's audio until we resume.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import type { CallCodecName } from "../../../packages/core/src/media/index.js";
import { dominantFrequency } from "../../../packages/core/src/media/analysis.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import {
  audioStat, makeTone, makeWorldDir, removeWorldDir, startKamailio, startLinphone, startMariadb, startStockKamailio, until, useCleanup,
  type Linphone, type Mariadb, type SipServer,
} from "../index.js";
import { startMediaAgent, type CallAudio, type MediaAgent } from "../media/media-kit.js";
import { nextIncoming, reach } from "./call-kit.js";

const track = useCleanup();

type Shape = "ours" | "stock" | "stock-gruu";
type World = { server: SipServer; alice: MediaAgent; dave: Linphone };
const worlds = new Map<Shape, Promise<World>>();
let mariadb: Promise<Mariadb> | undefined;

/** The registrar of a shape: our Kamailio, or Debian's stock kamailio.cfg (gruu_enabled 0 or 1) on one shared MariaDB. */
async function registrar(shape: Shape, users: string[]): Promise<SipServer> {
  if (shape === "ours") return startKamailio({ users, label: "sip-linphone" });
  mariadb ??= startMariadb({ label: "sip-linphone-db" }).then(track);
  return startStockKamailio({ users, gruu: shape === "stock-gruu", mariadb: await mariadb, label: `sip-linphone-${shape}` });
}

/** A registrar, our agent alice (440 Hz) and linphonec as dave (1 kHz), auto-answering. */
function world(shape: Shape = "ours"): Promise<World> {
  let w = worlds.get(shape);
  if (!w) {
    w = (async () => {
      const server = track(await registrar(shape, ["alice", "dave"]));
      const dir = makeWorldDir(`sip-linphone-${shape}-tones`);
      track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
      const tone = await makeTone(join(dir, "dave-1000.wav"), 1000, { seconds: 60, rate: 8000 });
      const dave = track(await startLinphone({ sip: server, user: "dave", play: tone, label: `linphone-${shape}-dave` }));
      const alice = track(await startMediaAgent(server, "alice"));
      await dave.registered();
      return { server, alice, dave };
    })();
    worlds.set(shape, w);
  }
  return w;
}

const received = (a: CallAudio) => a.media.stats()?.packetsReceived ?? 0;

/** Lets `frames` of our playout clock (one sink frame per 20 ms tick) pass; returns the packets that arrived meanwhile. */
async function arrivedDuring(a: CallAudio, frames: number): Promise<number> {
  const from = received(a);
  const start = a.sink.frames.length;
  await until(`${frames} frames of time`, () => a.sink.frames.length - start >= frames, { timeoutMs: 30_000 });
  return received(a) - from;
}

/**
 * Waits for `packets` RTP packets and returns the dominant frequency of the last second we heard. Each
 * linphone stream start sends a 20-byte STUN binding request to our RTP and to our RTCP port (NAT
 * keep-alive, logged by mediastreamer2); we drop those as "version" / "rtcp-version". Nothing else may be dropped.
 */
async function weHear(a: CallAudio, dave: Linphone, stunBefore: { rtp: number; rtcp: number }, packets = 60): Promise<number> {
  await until(`${packets} RTP packets from linphone`, () => received(a) >= packets, { timeoutMs: 30_000 });
  const { version = 0, "rtcp-version": rtcpVersion = 0, ...other } = a.media.stats()?.rejected ?? {};
  expect(other).toEqual({});
  await until("linphone's log to show a STUN packet for each drop", () => {
    const stun = dave.logFacts().stun;
    return version <= stun.rtp - stunBefore.rtp && rtcpVersion <= stun.rtcp - stunBefore.rtcp;
  }, { timeoutMs: 10_000 });
  const all = a.sink.samples();
  return dominantFrequency(all.subarray(Math.max(0, all.length - 8000)), 8000);
}

/** linphone's recording of a call once it is finalised (its WAV header is written when the call's stream stops). */
async function daveHeard(file: string): Promise<number> {
  const stat = await until(`a finished recording ${file}`, async () => {
    const s = await audioStat(file).catch(() => undefined);
    return s && s.seconds > 0.5 ? s : undefined;
  }, { timeoutMs: 30_000 });
  return stat.frequency;
}

/** We call dave; resolves once both sides have the call up, with linphone's call id. */
async function weCall(w: World, codecs?: CallCodecName[]): Promise<{ call: SipCall; audio: CallAudio; id: number; file: string; stun: { rtp: number; rtcp: number } }> {
  w.alice.configure(codecs ? { codecs } : {});
  const file = await w.dave.nextRecording();
  const stun = { ...w.dave.logFacts().stun };
  const after = w.dave.events.length;
  const call = w.alice.ua.call(`sip:dave@${w.server.domain}`);
  await reach(call, "established", 30_000);
  const incoming = await w.dave.waitEvent((e) => e.seq >= after && e.type === "incoming", "the incoming call");
  await w.dave.waitEvent((e) => e.type === "media" && e.call === incoming.call, "its media streams", 30_000);
  return { call, audio: w.alice.audioOf(call), id: incoming.call!, file, stun };
}

/** dave calls us and we answer; resolves once both sides have the call up. */
async function daveCalls(w: World, codecs?: CallCodecName[]): Promise<{ call: SipCall; audio: CallAudio; id: number; file: string; stun: { rtp: number; rtcp: number } }> {
  w.alice.configure(codecs ? { codecs } : {});
  const file = await w.dave.nextRecording();
  const stun = { ...w.dave.logFacts().stun };
  const incoming = nextIncoming(w.alice.ua, 30_000);
  // Observed now, so that it does not reject unhandled when placing the call fails first.
  incoming.catch(() => undefined);
  const id = await w.dave.call(`sip:alice@${w.server.domain}`);
  const call = await incoming;
  expect(await call.answer()).toBe(true);
  await reach(call, "established", 30_000);
  await w.dave.waitEvent((e) => e.type === "media" && e.call === id, "its media streams", 30_000);
  return { call, audio: w.alice.audioOf(call), id, file, stun };
}

const ended = (w: World, id: number) => w.dave.waitEvent((e) => e.type === "ended" && e.call === id, `call ${id} ended at linphone`, 30_000);

describe.each([["ours", "our Kamailio"], ["stock", "stock Kamailio (gruu_enabled 0)"]] as const)("calls with linphonec, both ways (%s)", (shape, title) => {
  it(`${title}: we call linphonec, it answers with Opus (its first choice); tones both ways; our BYE ends it at linphone`, async () => {
    const w = await world(shape);
    const c = await weCall(w);
    expect(c.audio.media.negotiated?.codec?.name.toLowerCase()).toBe("opus");
    expect(Math.abs((await weHear(c.audio, w.dave, c.stun)) - 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    expect((await ended(w, c.id)).detail).toBe("No error");
    expect(Math.abs((await daveHeard(c.file)) - 440)).toBeLessThan(30);
  });

  it(`${title}: linphonec calls us and offers Opus first; tones both ways; its BYE ends it here`, async () => {
    const w = await world(shape);
    const c = await daveCalls(w);
    expect(c.audio.media.negotiated?.codec?.name.toLowerCase()).toBe("opus");
    expect(Math.abs((await weHear(c.audio, w.dave, c.stun)) - 1000)).toBeLessThan(30);
    await w.dave.hangup(c.id);
    await reach(c.call, "ended", 30_000);
    expect(c.call.outcome).toMatchObject({ by: "remote" });
    await ended(w, c.id);
    expect(Math.abs((await daveHeard(c.file)) - 440)).toBeLessThan(30);
  });
});

describe("calls with linphonec through our Kamailio", () => {
  it("PCMU forced by our offer: we call, tones both ways, linphonec hangs up", async () => {
    const w = await world();
    const c = await weCall(w, ["PCMU"]);
    expect(c.audio.media.negotiated?.codec?.name).toBe("PCMU");
    expect(Math.abs((await weHear(c.audio, w.dave, c.stun)) - 1000)).toBeLessThan(30);
    await w.dave.hangup(c.id);
    await reach(c.call, "ended", 30_000);
    await ended(w, c.id);
    expect(Math.abs((await daveHeard(c.file)) - 440)).toBeLessThan(30);
  });

  it("PCMU forced by our answer: linphonec calls, tones both ways, we hang up", async () => {
    const w = await world();
    const c = await daveCalls(w, ["PCMU"]);
    expect(c.audio.media.negotiated?.codec?.name).toBe("PCMU");
    expect(Math.abs((await weHear(c.audio, w.dave, c.stun)) - 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    await ended(w, c.id);
    expect(Math.abs((await daveHeard(c.file)) - 440)).toBeLessThan(30);
  });

  it("we hold (sendonly): linphonec says it was paused and stops sending; we resume and its audio is back", async () => {
    const w = await world();
    const c = await weCall(w);
    await until("audio from linphone", () => received(c.audio) >= 10);
    const mark = w.dave.events.length;
    expect(await c.call.hold()).toBe(true);
    expect(c.audio.media.flow).toEqual({ send: true, recv: false });
    await w.dave.waitEvent((e) => e.seq >= mark && e.type === "paused-by-remote" && e.call === c.id, "linphone paused by us");
    await until("in-flight packets drained", async () => (await arrivedDuring(c.audio, 10)) === 0, { timeoutMs: 30_000 });
    expect(await arrivedDuring(c.audio, 50)).toBe(0);
    const resumed = w.dave.events.length;
    expect(await c.call.resume()).toBe(true);
    expect(c.audio.media.flow).toEqual({ send: true, recv: true });
    await w.dave.waitEvent((e) => e.seq >= resumed && e.type === "media" && e.call === c.id, "linphone's media streams again");
    await until("audio from linphone again", async () => (await arrivedDuring(c.audio, 10)) >= 8, { timeoutMs: 30_000 });
    c.call.hangup();
    await reach(c.call, "ended");
    await ended(w, c.id);
  });
});

// With GRUUs on, linphone (Supported: gruu) gets a pub-GRUU and puts it in its dialog Contact (baresip asks for
// none). The stock script routes in-dialog requests with loose_route() and relay, without a location lookup
// for a GRUU Request-URI (RFC 5627 §5.1 asks the domain's proxy to resolve it): it relays to the GRUU's host,
// our domain, which does not resolve, and answers 478 itself. So requests to linphone inside a dialog (our
// ACK, BYE, re-INVITE) never reach it, while its requests to us (our plain Contact) do.
describe("calls with linphonec through stock Kamailio (gruu_enabled 1)", () => {
  it("linphonec calls us with its pub-GRUU as Contact: tones both ways; its BYE ends it here", async () => {
    const w = await world("stock-gruu");
    const c = await daveCalls(w);
    expect(Math.abs((await weHear(c.audio, w.dave, c.stun)) - 1000)).toBeLessThan(30);
    await w.dave.hangup(c.id);
    await reach(c.call, "ended", 30_000);
    expect(c.call.outcome).toEqual({ reason: "hangup", by: "remote" });
    await ended(w, c.id);
    expect(Math.abs((await daveHeard(c.file)) - 440)).toBeLessThan(30);
  });

  it("we call linphonec: the stock script cannot route our ACK and BYE to its pub-GRUU (478); only its own BYE ends its call", async () => {
    const w = await world("stock-gruu");
    const c = await weCall(w);
    expect(w.dave.log()).toContain(`Contact: <sip:dave@${w.server.domain};gr=urn:uuid:`);
    expect(Math.abs((await weHear(c.audio, w.dave, c.stun)) - 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    const callId = c.call.id.replace(/[^\w-]/g, "\\$&");
    const refused = (method: string) => new RegExp(`\\{\\d+ \\d+ ${method} ${callId}\\} sl .*Unresolvable destination \\(478/SL\\)`);
    await until("the stock script's 478 for our BYE", () => refused("BYE").test(w.server.log()), { timeoutMs: 30_000 });
    expect(refused("ACK").test(w.server.log())).toBe(true);
    // linphone never got either: its call is still up until it hangs up itself.
    expect(w.dave.events.some((e) => e.type === "ended" && e.call === c.id)).toBe(false);
    await w.dave.hangup(c.id);
    await ended(w, c.id);
  });
});
