// RFC 3264 §6.1 and §7: what an offer and its answer agree on, per m-line,
// seen from our side (we may be either the offerer or the answerer).
import type { MediaDescription, SessionDescription } from "sdp-transform";
import { cryptoFromSdp, cryptoKeyMaterial } from "./crypto-attribute.js";
import { directionOf, flowOf } from "./direction.js";
import { offeredDirection, rtpMapsOf, sameCodec } from "./media-lines.js";
import type { NegotiatedCodec, NegotiatedMedia, NegotiatedSrtp } from "./types.js";

type RtpMap = MediaDescription["rtp"][number];

function codecPairs(ours: MediaDescription, theirs: MediaDescription, answer: MediaDescription): NegotiatedCodec[] {
  const ourMaps = rtpMapsOf(ours);
  const theirMaps = rtpMapsOf(theirs);
  const out: NegotiatedCodec[] = [];
  // The answer's order says which codec comes first (§6.1).
  for (const a of rtpMapsOf(answer)) {
    const mine = ourMaps.find((r) => sameCodec(r, a));
    const peer = theirMaps.find((r) => sameCodec(r, a));
    if (!mine || !peer || out.some((c) => c.receivePayloadType === mine.payload)) continue;
    out.push(toCodec(mine, peer, theirs));
  }
  return out;
}

function toCodec(mine: RtpMap, peer: RtpMap, theirs: MediaDescription): NegotiatedCodec {
  const codec: NegotiatedCodec = {
    name: peer.codec,
    clockRate: peer.rate ?? 8000,
    channels: peer.encoding ?? 1,
    sendPayloadType: peer.payload,
    receivePayloadType: mine.payload,
  };
  const fmtp = theirs.fmtp?.find((f) => f.payload === peer.payload)?.config;
  if (fmtp !== undefined) codec.fmtp = fmtp;
  return codec;
}

function negotiateSrtp(ours: MediaDescription, theirs: MediaDescription, answer: MediaDescription): NegotiatedSrtp | undefined {
  const chosen = answer.crypto?.[0];
  if (!chosen) return undefined;
  const mine = ours.crypto?.find((c) => c.id === chosen.id);
  const peer = theirs.crypto?.find((c) => c.id === chosen.id);
  if (!mine || !peer || mine.suite !== peer.suite) return undefined;
  try {
    const localKey = cryptoKeyMaterial(cryptoFromSdp(mine));
    const remoteKey = cryptoKeyMaterial(cryptoFromSdp(peer));
    return localKey && remoteKey ? { suite: localKey.suite, localKey, remoteKey } : undefined;
  } catch {
    return undefined; // unreadable key: the caller sees no SRTP and decides.
  }
}

function firstSsrc(m: MediaDescription): number | undefined {
  const id = m.ssrcs?.[0]?.id;
  return id === undefined ? undefined : Number(id);
}

function oneMedia(index: number, ours: MediaDescription, theirs: MediaDescription, answer: MediaDescription, theirAddress: string): NegotiatedMedia {
  const rejected = ours.port === 0 || theirs.port === 0;
  const codecs = rejected ? [] : codecPairs(ours, theirs, answer);
  const isEvent = (c: NegotiatedCodec) => c.name.toLowerCase() === "telephone-event";
  const audio = codecs.filter((c) => !isEvent(c));
  const events = codecs.filter(isEvent);
  const codec = audio[0];
  const mine = flowOf(ours.direction);
  const peer = flowOf(offeredDirection(theirs));
  const media: NegotiatedMedia = {
    index,
    kind: ours.type,
    rejected: rejected || !codec,
    protocol: answer.protocol,
    localPort: ours.port,
    localRtcpPort: ours.rtcp?.port ?? ours.port + 1,
    remoteAddress: theirs.connection?.ip ?? theirAddress,
    remotePort: theirs.port,
    // RFC 5761: with rtcp-mux on both sides RTCP shares the RTP port.
    remoteRtcpPort: theirs.rtcpMux && ours.rtcpMux ? theirs.port : (theirs.rtcp?.port ?? theirs.port + 1),
    direction: rejected ? "inactive" : directionOf({ send: mine.send && peer.recv, recv: mine.recv && peer.send }),
    codecs: audio,
    ptime: theirs.ptime ?? 20,
  };
  if (codec) media.codec = codec;
  const te = events.find((e) => e.clockRate === codec?.clockRate) ?? events[0];
  if (te) media.telephoneEvent = te;
  const localSsrc = firstSsrc(ours);
  const remoteSsrc = firstSsrc(theirs);
  if (localSsrc !== undefined) media.localSsrc = localSsrc;
  if (remoteSsrc !== undefined) media.remoteSsrc = remoteSsrc;
  const srtp = rejected ? undefined : negotiateSrtp(ours, theirs, answer);
  if (srtp) media.srtp = srtp;
  return media;
}

/** Copies session-level c= and direction into m-lines that lack their own. */
export function inheritSessionLevel(sdp: SessionDescription): SessionDescription {
  for (const m of sdp.media) {
    if (!m.connection && sdp.connection) m.connection = sdp.connection;
    if (!m.direction && sdp.direction) m.direction = sdp.direction;
  }
  return sdp;
}

export function negotiate(offer: SessionDescription, answer: SessionDescription, weOffered: boolean): NegotiatedMedia[] {
  const theirs = weOffered ? answer : offer;
  const theirAddress = theirs.connection?.ip ?? theirs.origin.address;
  return offer.media.map((om, i) => {
    const am = answer.media[i] ?? { ...om, port: 0 };
    return weOffered ? oneMedia(i, om, am, am, theirAddress) : oneMedia(i, am, om, am, theirAddress);
  });
}
