// RFC 3264 §5 (building an offer's m-lines) and §6 (answer m-lines: same
// count and order, port 0 to reject), RFC 3551 static payload types, RFC 3605
// a=rtcp, RFC 4733 telephone-event, RFC 4568 a=crypto, RFC 4585 rtcp-fb.
import type { MediaDescription } from "sdp-transform";
import { isSrtpSuiteName, type SrtpSuiteName } from "../media/srtp/suites.js";
import { cryptoFromSdp, cryptoKeyMaterial, cryptoToSdp, type CryptoAttribute } from "./crypto-attribute.js";
import { answerDirection } from "./direction.js";
import { addIceAttributes } from "./ice-attributes.js";
import { keyFor, ssrcFor, type SdpLocalState } from "./local-state.js";
import type { CodecCapability, MediaCapability } from "./types.js";

export const DEFAULT_SUITES: SrtpSuiteName[] = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"];
const RTP_PROFILES = new Set(["RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF"]);

type RtpMap = MediaDescription["rtp"][number];

function rtpmapOf(c: CodecCapability, payload = c.payloadType): RtpMap {
  const entry: RtpMap = { payload, codec: c.name, rate: c.clockRate };
  if ((c.channels ?? 1) > 1) entry.encoding = c.channels;
  return entry;
}

/** Same codec: name (case-insensitive), clock rate and channel count agree. */
export function sameCodec(a: RtpMap, b: { name?: string; codec?: string; clockRate?: number; rate?: number; channels?: number; encoding?: number }): boolean {
  const name = b.name ?? b.codec ?? "";
  const rate = b.clockRate ?? b.rate;
  const channels = b.channels ?? b.encoding ?? 1;
  return a.codec.toLowerCase() === name.toLowerCase() && a.rate === rate && (a.encoding ?? 1) === channels;
}

export function isTelephoneEvent(r: RtpMap): boolean {
  return r.codec.toLowerCase() === "telephone-event";
}

/**
 * RFC 3551 §6: a static payload type may appear in m= without an rtpmap.
 * Fills in what the table says so that matching sees every codec.
 */
const STATIC_PTS: Record<number, [string, number]> = { 0: ["PCMU", 8000], 8: ["PCMA", 8000], 9: ["G722", 8000], 18: ["G729", 8000], 3: ["GSM", 8000] };

export function rtpMapsOf(m: MediaDescription): RtpMap[] {
  const maps = [...(m.rtp ?? [])];
  for (const pt of String(m.payloads ?? "").split(" ").filter(Boolean).map(Number)) {
    const known = STATIC_PTS[pt];
    if (known && !maps.some((r) => r.payload === pt)) maps.push({ payload: pt, codec: known[0], rate: known[1] });
  }
  const order = String(m.payloads ?? "").split(" ").map(Number);
  return maps.sort((a, b) => order.indexOf(a.payload) - order.indexOf(b.payload));
}

function common(m: Omit<MediaDescription, "port" | "protocol" | "type" | "rtp" | "fmtp">, cap: MediaCapability, index: number, state: SdpLocalState) {
  if (cap.ptime) m.ptime = cap.ptime;
  m.rtcp = { port: cap.rtcpPort ?? cap.port + 1 };
  const direction = cap.direction ?? "sendrecv";
  m.direction = direction;
  m.ssrcs = [{ id: ssrcFor(state, index), attribute: "cname", value: state.cname }];
  if (cap.connection) m.connection = { version: cap.connection.includes(":") ? 6 : 4, ip: cap.connection };
  if (cap.ice) addIceAttributes(m, cap.ice);
}

function payloadsOf(rtp: RtpMap[]): string {
  return rtp.map((r) => r.payload).join(" ");
}

function feedbackFor(kind: string, rtp: RtpMap[]): MediaDescription["rtcpFb"] {
  if (kind !== "video") return undefined;
  // RFC 4585: we answer PLI and FIR with a key frame; generic NACK is not
  // offered, since we do not retransmit packets.
  return rtp.flatMap((r) => [
    { payload: r.payload, type: "nack", subtype: "pli" },
    { payload: r.payload, type: "ccm", subtype: "fir" },
  ]);
}

/** §5.1: one m-line of our offer. */
export function offerMedia(cap: MediaCapability, index: number, state: SdpLocalState): MediaDescription {
  const srtp = cap.srtp ?? "off";
  const rtp = cap.codecs.map((c) => rtpmapOf(c));
  const fmtp = cap.codecs.filter((c) => c.fmtp).map((c) => ({ payload: c.payloadType, config: c.fmtp as string }));
  for (const te of cap.kind === "audio" ? (cap.telephoneEvents ?? []) : []) {
    rtp.push({ payload: te.payloadType, codec: "telephone-event", rate: te.clockRate });
    fmtp.push({ payload: te.payloadType, config: te.events ?? "0-16" });
  }
  const m: MediaDescription = { type: cap.kind, port: cap.port, protocol: srtp === "require" ? "RTP/SAVP" : "RTP/AVP", payloads: payloadsOf(rtp), rtp, fmtp };
  const fb = feedbackFor(cap.kind, rtp);
  if (fb) m.rtcpFb = fb;
  common(m, cap, index, state);
  if (srtp !== "off") m.crypto = (cap.cryptoSuites ?? DEFAULT_SUITES).map((s, i) => cryptoToSdp(keyFor(state, index, s, i + 1)));
  return m;
}

/** §6: a rejected stream keeps its place with port 0. */
export function rejectedMedia(offered: MediaDescription): MediaDescription {
  return { type: offered.type, port: 0, protocol: offered.protocol, payloads: String(offered.payloads ?? "0"), rtp: [], fmtp: [] };
}

/** RFC 4568 §7.1.1: the first offered a=crypto we can do, and our key for it. */
function chooseCrypto(offered: MediaDescription, cap: MediaCapability, index: number, state: SdpLocalState): CryptoAttribute | undefined {
  const suites = cap.cryptoSuites ?? DEFAULT_SUITES;
  for (const line of offered.crypto ?? []) {
    let attr: CryptoAttribute;
    try {
      attr = cryptoFromSdp(line);
    } catch {
      continue; // an unreadable a=crypto line is skipped, as §7.1.1 allows.
    }
    if (!isSrtpSuiteName(attr.suite) || !suites.includes(attr.suite) || !cryptoKeyMaterial(attr)) continue;
    return keyFor(state, index, attr.suite, attr.tag);
  }
  return undefined;
}

/** §6.1: our answer to one offered m-line, or a rejection. */
export function answerMedia(offered: MediaDescription, cap: MediaCapability | undefined, index: number, state: SdpLocalState): MediaDescription {
  if (!cap || offered.port === 0 || !RTP_PROFILES.has(offered.protocol)) return rejectedMedia(offered);
  const offeredMaps = rtpMapsOf(offered);
  // Offer order: the offerer's preference decides, so both ends send the same codec.
  const codecs = offeredMaps.filter((r) => !isTelephoneEvent(r)).flatMap((r) => {
    const mine = cap.codecs.find((c) => sameCodec(r, c));
    return mine ? [{ r, mine }] : [];
  });
  if (codecs.length === 0) return rejectedMedia(offered);
  const srtp = cap.srtp ?? "off";
  const secure = offered.protocol.includes("SAVP");
  const crypto = srtp === "off" ? undefined : chooseCrypto(offered, cap, index, state);
  if ((secure && !crypto) || (srtp === "require" && !crypto)) return rejectedMedia(offered);
  const rtp = codecs.map(({ r }) => r);
  const fmtp = codecs.filter(({ mine }) => mine.fmtp).map(({ r, mine }) => ({ payload: r.payload, config: mine.fmtp as string }));
  const firstRate = rtp[0]?.rate;
  const events = offeredMaps.filter((r) => isTelephoneEvent(r) && (cap.telephoneEvents ?? []).some((t) => t.clockRate === r.rate));
  const te = events.find((r) => r.rate === firstRate) ?? events[0];
  if (te && cap.kind === "audio") {
    rtp.push(te);
    fmtp.push({ payload: te.payload, config: cap.telephoneEvents?.find((t) => t.clockRate === te.rate)?.events ?? "0-16" });
  }
  const m: MediaDescription = { type: offered.type, port: cap.port, protocol: offered.protocol, payloads: payloadsOf(rtp), rtp, fmtp };
  const fb = feedbackFor(cap.kind, rtp);
  if (fb) m.rtcpFb = fb;
  common(m, cap, index, state);
  m.direction = answerDirection(offeredDirection(offered), cap.direction);
  if (crypto) m.crypto = [cryptoToSdp(crypto)];
  return m;
}

/** The direction an m-line states (its own, else none: the caller applies session level). */
export function offeredDirection(m: MediaDescription): MediaDescription["direction"] {
  // RFC 3264 §8.4: c=0.0.0.0 is the old way to say "do not send to me".
  if (m.connection?.ip === "0.0.0.0") return m.direction === "inactive" || m.direction === "recvonly" ? "inactive" : "sendonly";
  return m.direction;
}
