// RFC 3711 §3.1-§3.4: SRTP and SRTCP packet processing for one direction and
// one master key: §3.3.1 ROC estimation (Appendix A), §3.3.2 replay
// protection, §3.4 SRTCP index with the E flag, §4.2 HMAC-SHA1 tags.
import { createHmac, timingSafeEqual } from "node:crypto";
import { bytesEqual, concatBytes, dataView } from "../bytes.js";
import { rtpHeaderLength } from "../rtp/rtp-packet.js";
import { aesCmCrypt, deriveSessionKeys, packetIv, type SessionKeys } from "./key-derivation.js";
import { ReplayWindow } from "./replay-window.js";
import { SRTP_SUITES, type SrtpSuite, type SrtpSuiteName } from "./suites.js";

export type SrtpKeyMaterial = {
  suite: SrtpSuiteName;
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
  /** RFC 3711 §3.1 MKI carried in each packet, when the key was given one. */
  mki?: Uint8Array;
  /** Packets this master key may protect (RFC 4568 lifetime); default 2^31. */
  lifetime?: number;
};

export type SrtpRejectReason = "short" | "malformed" | "mki" | "auth" | "replay" | "too-old" | "key-expired";
export type SrtpResult = { ok: true; packet: Uint8Array } | { ok: false; reason: SrtpRejectReason };

type SourceState = { roc: number; sl: number; window: ReplayWindow; started: boolean };

const ROC_SPAN = 0x10000;

/** Appendix A: the index guess v for sequence `seq` given the highest s_l and ROC. */
export function estimateIndex(seq: number, sl: number, roc: number): number {
  let v = roc;
  if (sl < 32768) {
    if (seq - sl > 32768) v = roc - 1;
  } else if (sl - 32768 > seq) v = roc + 1;
  return v * ROC_SPAN + seq;
}

export class SrtpContext {
  readonly suite: SrtpSuite;
  private readonly rtpKeys: SessionKeys;
  private readonly rtcpKeys: SessionKeys;
  private readonly mki: Uint8Array;
  private readonly sources = new Map<number, SourceState>();
  private readonly rtcpWindows = new Map<number, ReplayWindow>();
  private srtcpIndex = 0;
  private used = 0;
  private readonly lifetime: number;

  constructor(key: SrtpKeyMaterial, readonly replayWindowSize = 128) {
    this.suite = SRTP_SUITES[key.suite];
    if (key.masterKey.length !== this.suite.keyLength || key.masterSalt.length !== this.suite.saltLength)
      throw new RangeError(`${key.suite} needs a ${this.suite.keyLength}-byte key and a ${this.suite.saltLength}-byte salt`);
    this.rtpKeys = deriveSessionKeys(key.masterKey, key.masterSalt, this.suite, false);
    this.rtcpKeys = deriveSessionKeys(key.masterKey, key.masterSalt, this.suite, true);
    this.mki = key.mki ?? new Uint8Array(0);
    this.lifetime = key.lifetime ?? 2 ** 31;
  }

  /** Sets the ROC for a source (e.g. when joining a stream already running). */
  setRoc(ssrc: number, roc: number, highestSeq: number): void {
    this.sources.set(ssrc >>> 0, { roc, sl: highestSeq, window: new ReplayWindow(this.replayWindowSize), started: true });
  }

  rocOf(ssrc: number): number | undefined {
    return this.sources.get(ssrc >>> 0)?.roc;
  }

  private source(ssrc: number, seq: number): SourceState {
    let s = this.sources.get(ssrc);
    if (!s) {
      // §3.3.1: the first packet sets s_l; ROC starts at 0 unless signalled.
      s = { roc: 0, sl: seq, window: new ReplayWindow(this.replayWindowSize), started: false };
      this.sources.set(ssrc, s);
    }
    return s;
  }

  private tag(keys: SessionKeys, parts: Uint8Array[], length: number): Uint8Array {
    const h = createHmac("sha1", keys.authKey);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest().subarray(0, length));
  }

  private spend(): boolean {
    return ++this.used <= this.lifetime;
  }

  /** RTP -> SRTP (§3.1): header in clear, payload encrypted, MKI and tag appended. */
  protectRtp(rtp: Uint8Array): SrtpResult {
    const headerLength = rtpHeaderLength(rtp);
    if (typeof headerLength === "string") return { ok: false, reason: "malformed" };
    if (!this.spend()) return { ok: false, reason: "key-expired" };
    const dv = dataView(rtp);
    const ssrc = dv.getUint32(8);
    const seq = dv.getUint16(2);
    const s = this.source(ssrc, seq);
    const index = s.started ? estimateIndex(seq, s.sl, s.roc) : seq;
    this.advance(s, index, seq);
    const iv = packetIv(this.rtpKeys.salt, ssrc, index);
    const body = aesCmCrypt(this.rtpKeys.encKey, iv, rtp.subarray(headerLength));
    const roc = new Uint8Array(4);
    dataView(roc).setUint32(0, Math.floor(index / ROC_SPAN) >>> 0);
    const head = rtp.subarray(0, headerLength);
    // §4.2: the tag covers the authenticated portion (header + encrypted payload) || ROC.
    const tag = this.tag(this.rtpKeys, [head, body, roc], this.suite.rtpTagLength);
    return { ok: true, packet: concatBytes([head, body, this.mki, tag]) };
  }

  /** SRTP -> RTP, authenticated and checked against replays. */
  unprotectRtp(srtp: Uint8Array): SrtpResult {
    const headerLength = rtpHeaderLength(srtp);
    const trailer = this.mki.length + this.suite.rtpTagLength;
    if (typeof headerLength === "string") return { ok: false, reason: headerLength === "short" ? "short" : "malformed" };
    if (srtp.length < headerLength + trailer) return { ok: false, reason: "short" };
    const end = srtp.length - trailer;
    if (!bytesEqual(srtp.subarray(end, end + this.mki.length), this.mki)) return { ok: false, reason: "mki" };
    const dv = dataView(srtp);
    const ssrc = dv.getUint32(8);
    const seq = dv.getUint16(2);
    const known = this.sources.get(ssrc);
    const index = known?.started ? estimateIndex(seq, known.sl, known.roc) : seq;
    if (index < 0) return { ok: false, reason: "too-old" };
    if (known) {
      const verdict = known.window.check(index);
      if (verdict !== "new") return { ok: false, reason: verdict };
    }
    const roc = new Uint8Array(4);
    dataView(roc).setUint32(0, Math.floor(index / ROC_SPAN) >>> 0);
    const expected = this.tag(this.rtpKeys, [srtp.subarray(0, end), roc], this.suite.rtpTagLength);
    if (!timingSafeEqual(expected, srtp.subarray(srtp.length - this.suite.rtpTagLength))) return { ok: false, reason: "auth" };
    const s = this.source(ssrc, seq);
    this.advance(s, index, seq);
    s.window.accept(index);
    const iv = packetIv(this.rtpKeys.salt, ssrc, index);
    const body = aesCmCrypt(this.rtpKeys.encKey, iv, srtp.subarray(headerLength, end));
    return { ok: true, packet: concatBytes([srtp.subarray(0, headerLength), body]) };
  }

  /** §3.3.1: after a packet is accepted, move ROC and s_l forward. */
  private advance(s: SourceState, index: number, seq: number): void {
    const roc = Math.floor(index / ROC_SPAN);
    if (!s.started) s.started = true;
    if (roc > s.roc) {
      s.roc = roc;
      s.sl = seq;
    } else if (roc === s.roc && seq > s.sl) s.sl = seq;
  }

  /** RTCP -> SRTCP (§3.4): encrypted, E=1, with the next SRTCP index. */
  protectRtcp(rtcp: Uint8Array): SrtpResult {
    if (rtcp.length < 8) return { ok: false, reason: "short" };
    if (!this.spend()) return { ok: false, reason: "key-expired" };
    const index = this.srtcpIndex;
    this.srtcpIndex = (this.srtcpIndex + 1) & 0x7fffffff;
    const ssrc = dataView(rtcp).getUint32(4);
    const iv = packetIv(this.rtcpKeys.salt, ssrc, index);
    const body = aesCmCrypt(this.rtcpKeys.encKey, iv, rtcp.subarray(8));
    const eIndex = new Uint8Array(4);
    dataView(eIndex).setUint32(0, (0x80000000 | index) >>> 0);
    const head = rtcp.subarray(0, 8);
    const tag = this.tag(this.rtcpKeys, [head, body, eIndex], this.suite.rtcpTagLength);
    return { ok: true, packet: concatBytes([head, body, eIndex, this.mki, tag]) };
  }

  unprotectRtcp(srtcp: Uint8Array): SrtpResult {
    const trailer = 4 + this.mki.length + this.suite.rtcpTagLength;
    if (srtcp.length < 8 + trailer) return { ok: false, reason: "short" };
    const indexAt = srtcp.length - trailer;
    const mkiAt = indexAt + 4;
    if (!bytesEqual(srtcp.subarray(mkiAt, mkiAt + this.mki.length), this.mki)) return { ok: false, reason: "mki" };
    const dv = dataView(srtcp);
    const eIndex = dv.getUint32(indexAt);
    const encrypted = (eIndex & 0x80000000) !== 0;
    const index = eIndex & 0x7fffffff;
    const ssrc = dv.getUint32(4);
    let window = this.rtcpWindows.get(ssrc);
    const verdict = window?.check(index) ?? "new";
    if (verdict !== "new") return { ok: false, reason: verdict };
    // §3.4: the tag covers header, (encrypted) body and E||index.
    const expected = this.tag(this.rtcpKeys, [srtcp.subarray(0, mkiAt)], this.suite.rtcpTagLength);
    if (!timingSafeEqual(expected, srtcp.subarray(srtcp.length - this.suite.rtcpTagLength))) return { ok: false, reason: "auth" };
    if (!window) this.rtcpWindows.set(ssrc, (window = new ReplayWindow(this.replayWindowSize)));
    window.accept(index);
    const body = srtcp.subarray(8, indexAt);
    const plain = encrypted ? aesCmCrypt(this.rtcpKeys.encKey, packetIv(this.rtcpKeys.salt, ssrc, index), body) : body;
    return { ok: true, packet: concatBytes([srtcp.subarray(0, 8), plain]) };
  }
}
