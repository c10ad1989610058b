// RFC 3264 §6 and §7 (what an offer/answer agreed) and RFC 4568 §7 (SDES):
// whether a call can run media on what was negotiated, as data, and the
// identity of a negotiated stream (a re-offer that keeps it keeps the session).
import type { NegotiatedMedia } from "../../sdp/types.js";
import type { SrtpKeyMaterial } from "../srtp/srtp-context.js";

export type CallSrtpMode = "off" | "offered" | "required";

/** Why a negotiation cannot carry our audio. */
export type MediaFailure = "no-audio" | "codec-unsupported" | "srtp-required" | "ice-failed" | "ice-consent-lost";

export type MediaDecision = { ok: true; media: NegotiatedMedia } | { ok: false; reason: MediaFailure };

/** The first audio m-line is the call's audio; other m-lines are answered but not run. */
export function audioOf(media: readonly NegotiatedMedia[]): NegotiatedMedia | undefined {
  return media.find((m) => m.kind === "audio");
}

export function decideMedia(media: NegotiatedMedia | undefined, srtp: CallSrtpMode): MediaDecision {
  // RFC 3264 §6: port 0 or no common codec: nothing to run (the caller answers 488).
  if (!media || media.rejected || !media.codec) return { ok: false, reason: "no-audio" };
  // "required": plain RTP is never acceptable, whatever the peer's m= profile says.
  if (srtp === "required" && !media.srtp) return { ok: false, reason: "srtp-required" };
  const known = ["pcmu", "pcma", "opus"];
  if (!known.includes(media.codec.name.toLowerCase())) return { ok: false, reason: "codec-unsupported" };
  return { ok: true, media };
}

function keyId(k: SrtpKeyMaterial): string {
  return `${k.suite}:${Buffer.from(k.masterKey).toString("hex")}:${Buffer.from(k.masterSalt).toString("hex")}`;
}

/** What an RtpSession is built from; when it changes the session is replaced. */
export function streamIdentity(m: NegotiatedMedia): string {
  const c = m.codec;
  const te = m.telephoneEvent;
  const srtp = m.srtp ? `${keyId(m.srtp.localKey)}/${keyId(m.srtp.remoteKey)}` : "plain";
  return [c?.name, c?.clockRate, c?.sendPayloadType, c?.receivePayloadType, te?.sendPayloadType, te?.receivePayloadType, srtp].join("|");
}
