// protocol.md §3: "On the phone" or "On a video call". Which one a call is
// follows from its negotiated SDP (RFC 3264: an accepted m=video line, port
// not 0, not inactive), watched by wrapping the media hooks the SIP user
// agent calls; the media layer itself is untouched. The same wrapper notes
// why media could not be agreed (RFC 3264 / RFC 4568: SRTP required and a
// plain offer, or a 488 to our SRTP-only offer), for the call record.
import type { CallEnd, CallMedia, MediaHooks } from "../sip/index.js";

/** True when an SDP answer accepts a video stream. */
export function answerHasVideo(sdp: string): boolean {
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  return sections.some((m) => /^m=video [1-9]\d*/.test(m) && !/^a=inactive\s*$/m.test(m));
}

export type CallKinds = {
  hooks: MediaHooks;
  hasVideo(callId: string): boolean;
  /** Why a call that ended so failed, when media or its status says (undefined for a normal end). */
  reasonOf(callId: string, end: CallEnd): string | undefined;
};

/** True when an offer's audio is SRTP only (RTP/SAVP, RFC 3711 §12). */
function srtpOnly(sdp: string): boolean {
  return /^m=audio \d+ RTP\/SAVPF?\b/m.test(sdp);
}

const failureOf = (err: unknown): string | undefined => {
  const f = (err as { failure?: unknown } | undefined)?.failure;
  return typeof f === "string" ? f : undefined;
};

function mediaReason(failure: string, side: "offer" | "answer"): string {
  if (failure !== "srtp-required") return `media: ${failure}`;
  return side === "offer" ? "srtp-required: the offer has no a=crypto" : "srtp-required: the answer has no SRTP";
}

function endReason(end: CallEnd, offeredSrtpOnly: boolean): string | undefined {
  // no-ack / dialog-failed: SIP core outcomes of a peer or proxy that cannot reach our Contact (protocol.md D23).
  if (!("status" in end) || end.status === undefined) {
    return ["timeout", "unreachable", "auth-failed", "no-ack", "dialog-failed"].includes(end.reason) ? end.reason : undefined;
  }
  if (end.status === 488 && offeredSrtpOnly) return "srtp-required: the peer refused our SRTP-only offer (488 Not Acceptable Here)";
  return `${end.reason} (${end.status})`;
}

export function watchCallKinds(inner: MediaHooks): CallKinds {
  const video = new Map<string, boolean>();
  const failed = new Map<string, string>();
  const offeredSrtp = new Set<string>();
  const hooks: MediaHooks = {
    create(call) {
      const media = inner.create(call);
      const note = (sdp: string) => video.set(call.callId, answerHasVideo(sdp));
      const fail = (err: unknown, side: "offer" | "answer") => {
        const f = failureOf(err);
        if (f) failed.set(call.callId, mediaReason(f, side));
        return err;
      };
      const wrapped: CallMedia = {
        offer: async (direction) => {
          const sdp = await media.offer(direction);
          if (srtpOnly(sdp)) offeredSrtp.add(call.callId);
          return sdp;
        },
        answer: async (offer, direction) => {
          const sdp = await Promise.resolve(media.answer(offer, direction)).catch((err: unknown) => Promise.reject(fail(err, "offer")));
          note(sdp);
          return sdp;
        },
        applyAnswer: async (sdp) => {
          await Promise.resolve(media.applyAnswer(sdp)).catch((err: unknown) => Promise.reject(fail(err, "answer")));
          note(sdp);
        },
        close: async () => {
          video.delete(call.callId);
          // failed/offeredSrtp stay until reasonOf reads them at the call's end.
          await media.close();
        },
      };
      if (media.sendDtmf) wrapped.sendDtmf = (digits) => media.sendDtmf!(digits);
      if (media.choose) wrapped.choose = (spec) => media.choose!(spec);
      return wrapped;
    },
  };
  return {
    hooks,
    hasVideo: (callId) => video.get(callId) ?? false,
    reasonOf: (callId, end) => {
      const r = failed.get(callId) ?? endReason(end, offeredSrtp.has(callId));
      failed.delete(callId);
      offeredSrtp.delete(callId);
      return r;
    },
  };
}
