// World-test kit for calls with linphonec 5.1 (RFC 3261 §13-§15, RFC 3264 offer/answer, RFC 3550 RTP,
// RFC 4568 SDES-SRTP): a registrar of a chosen shape, our SipUserAgent with createMediaHooks as alice,
// linphonec phones, calls placed from each side, and the checks of what each side heard.
import { join } from "node:path";
import { expect } from "vitest";
import type { CallCodecName, CallSrtpMode } from "../../../packages/core/src/media/index.js";
import { dominantFrequency } from "../../../packages/core/src/media/analysis.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import {
  audioStat, makeTone, makeWorldDir, removeWorldDir, startKamailio, startLinphone, startMariadb, startStockKamailio, until,
  type Linphone, type LinphoneEvent, type LinphoneOptions, type Mariadb, type SipServer,
} from "../index.js";
import { startMediaAgent, type CallAudio, type MediaAgent } from "../media/media-kit.js";
import { nextIncoming, reach } from "./call-kit.js";

export type Shape = "ours" | "stock" | "stock-gruu";
export type LinphoneWorld = {
  server: SipServer;
  alice: MediaAgent;
  /** linphonec as dave, no SRTP. */
  dave: Linphone;
  /** A further linphonec (another user) made on first use, e.g. with SRTP. */
  phone(user: string, options?: Pick<LinphoneOptions, "mediaEncryption">): Promise<Linphone>;
};
type Track = <T extends { stop(options?: { keepDir?: boolean }): Promise<void> }>(thing: T) => T;

const USERS = ["alice", "dave", "erin"];

/** The registrar of a shape: our Kamailio, or Debian's stock kamailio.cfg (gruu_enabled 0 or 1) on `db`. */
async function registrar(shape: Shape, db: () => Promise<Mariadb>): Promise<SipServer> {
  if (shape === "ours") return startKamailio({ users: USERS, label: "sip-linphone" });
  return startStockKamailio({ users: USERS, gruu: shape === "stock-gruu", mariadb: await db(), label: `sip-linphone-${shape}` });
}

/** Worlds made on first use, one per shape, stopped by `track`'s cleanup; the stock shapes share one MariaDB. */
export function linphoneWorlds(track: Track): (shape?: Shape) => Promise<LinphoneWorld> {
  const worlds = new Map<Shape, Promise<LinphoneWorld>>();
  let mariadb: Promise<Mariadb> | undefined;
  const db = () => (mariadb ??= startMariadb({ label: "sip-linphone-db" }).then(track));
  return (shape = "ours") => {
    let w = worlds.get(shape);
    if (!w) {
      w = makeWorld(shape, track, db);
      worlds.set(shape, w);
    }
    return w;
  };
}

/** A registrar, our agent alice (440 Hz) and linphonec as dave (1 kHz), auto-answering. */
async function makeWorld(shape: Shape, track: Track, db: () => Promise<Mariadb>): Promise<LinphoneWorld> {
  const server = track(await registrar(shape, db));
  const dir = makeWorldDir(`sip-linphone-${shape}-tones`);
  track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
  const tone = await makeTone(join(dir, "linphone-1000.wav"), 1000, { seconds: 60, rate: 8000 });
  const start = async (user: string, options: Pick<LinphoneOptions, "mediaEncryption"> = {}) => {
    const p = track(await startLinphone({ sip: server, user, play: tone, label: `linphone-${shape}-${user}`, ...options }));
    await p.registered();
    return p;
  };
  const dave = await start("dave");
  const alice = track(await startMediaAgent(server, "alice"));
  const phones = new Map<string, Promise<Linphone>>();
  const phone: LinphoneWorld["phone"] = (user, options) => {
    let p = phones.get(user);
    if (!p) {
      p = start(user, options);
      phones.set(user, p);
    }
    return p;
  };
  return { server, alice, dave, phone };
}

/** One call between alice and a linphonec, up on both sides. */
export type PhoneCall = {
  call: SipCall;
  audio: CallAudio;
  phone: Linphone;
  /** linphonec's call id. */
  id: number;
  /** Where linphonec records what it hears in this call. */
  file: string;
  /** STUN packets linphone had sent before the call, and how many media-encryption lines its log had. */
  stun: { rtp: number; rtcp: number };
  encryptions: number;
};

export type CallOptions = { phone?: Linphone; codecs?: CallCodecName[]; srtp?: CallSrtpMode };

async function prepare(w: LinphoneWorld, o: CallOptions): Promise<{ phone: Linphone; file: string; stun: { rtp: number; rtcp: number }; encryptions: number }> {
  w.alice.configure({ ...(o.codecs && { codecs: o.codecs }), ...(o.srtp && { srtp: o.srtp }) });
  const phone = o.phone ?? w.dave;
  const file = await phone.nextRecording();
  const facts = phone.logFacts();
  return { phone, file, stun: { ...facts.stun }, encryptions: facts.encryptions.length };
}

const mediaUp = (phone: Linphone, id: number) => phone.waitEvent((e) => e.type === "media" && e.call === id, `linphone's media streams of call ${id}`, 30_000);

/** We call the phone (dave unless given); resolves once both sides have the call up. */
export async function weCall(w: LinphoneWorld, o: CallOptions = {}): Promise<PhoneCall> {
  const p = await prepare(w, o);
  const after = p.phone.events.length;
  const call = w.alice.ua.call(`sip:${p.phone.user.name}@${w.server.domain}`);
  await reach(call, "established", 30_000);
  const incoming = await p.phone.waitEvent((e) => e.seq >= after && e.type === "incoming", "the incoming call", 30_000);
  await mediaUp(p.phone, incoming.call!);
  return { ...p, call, audio: w.alice.audioOf(call), id: incoming.call! };
}

/** The phone (dave unless given) calls us and we answer; resolves once both sides have the call up. */
export async function phoneCalls(w: LinphoneWorld, o: CallOptions = {}): Promise<PhoneCall> {
  const p = await prepare(w, o);
  const incoming = nextIncoming(w.alice.ua, 30_000);
  // Observed now, so that it does not reject unhandled when placing the call fails first.
  incoming.catch(() => undefined);
  const id = await p.phone.call(`sip:alice@${w.server.domain}`);
  const call = await incoming;
  expect(await call.answer()).toBe(true);
  await reach(call, "established", 30_000);
  await mediaUp(p.phone, id);
  return { ...p, call, audio: w.alice.audioOf(call), id };
}

export const received = (a: CallAudio) => a.media.stats()?.packetsReceived ?? 0;

/** Lets `frames` of our playout clock (one sink frame per 20 ms tick) pass; returns the packets that arrived meanwhile. */
export async function arrivedDuring(a: CallAudio, frames: number): Promise<number> {
  const from = received(a);
  const start = a.sink.frames.length;
  await until(`${frames} frames of time`, () => a.sink.frames.length - start >= frames, { timeoutMs: 30_000 });
  return received(a) - from;
}

/**
 * Waits for `packets` RTP packets and returns the dominant frequency of the last second we heard. Each
 * linphone stream start sends a 20-byte STUN binding request to our RTP and to our RTCP port (NAT
 * keep-alive, logged by mediastreamer2), which we tell from RTP by its first byte (RFC 7983) and count as
 * `stun`; nothing else may be dropped, and no more STUN than linphone's log says it sent.
 */
export async function weHear(c: PhoneCall, packets = 60): Promise<number> {
  await until(`${packets} RTP packets from linphone`, () => received(c.audio) >= packets, { timeoutMs: 30_000 });
  const rejected: Record<string, number> = { ...c.audio.media.stats()?.rejected };
  const other = Object.keys(rejected).filter((k) => k !== "stun");
  expect(other.map((k) => `${k}: ${rejected[k]}`)).toEqual([]);
  await until("linphone's log to show a STUN packet for each one we counted", () => {
    const stun = c.phone.logFacts().stun;
    return (rejected.stun ?? 0) <= stun.rtp - c.stun.rtp + (stun.rtcp - c.stun.rtcp);
  }, { timeoutMs: 10_000 });
  const all = c.audio.sink.samples();
  return dominantFrequency(all.subarray(Math.max(0, all.length - 8000)), 8000);
}

/** linphone's recording of the call once finalised (its WAV header is written when the call's stream stops). */
export async function phoneHeard(c: PhoneCall): Promise<number> {
  const stat = await until(`a finished recording ${c.file}`, async () => {
    const s = await audioStat(c.file).catch(() => undefined);
    return s && s.seconds > 0.5 ? s : undefined;
  }, { timeoutMs: 30_000 });
  return stat.frequency;
}

/** What linphone's log says it negotiated for this call's media (LinphoneMediaEncryptionNone, ...SRTP). */
export async function phoneEncryption(c: PhoneCall): Promise<string> {
  return until("linphone's negotiated media encryption", () => c.phone.logFacts().encryptions[c.encryptions], { timeoutMs: 10_000 });
}

export const ended = (c: PhoneCall): Promise<LinphoneEvent> =>
  c.phone.waitEvent((e) => e.type === "ended" && e.call === c.id, `call ${c.id} ended at linphone`, 30_000);
