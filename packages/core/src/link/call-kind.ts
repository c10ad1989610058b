// protocol.md §3: "On the phone" or "On a video call". Which one a call is
// follows from its negotiated SDP (RFC 3264: an accepted m=video line, port
// not 0, not inactive), watched by wrapping the media hooks the SIP user
// agent calls; the media layer itself is untouched.
import type { CallMedia, MediaHooks } from "../sip/index.js";

/** True when an SDP answer accepts a video stream. */
export function answerHasVideo(sdp: string): boolean {
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  return sections.some((m) => /^m=video [1-9]\d*/.test(m) && !/^a=inactive\s*$/m.test(m));
}

export type CallKinds = { hooks: MediaHooks; hasVideo(callId: string): boolean };

export function watchCallKinds(inner: MediaHooks): CallKinds {
  const video = new Map<string, boolean>();
  const hooks: MediaHooks = {
    create(call) {
      const media = inner.create(call);
      const note = (sdp: string) => video.set(call.callId, answerHasVideo(sdp));
      const wrapped: CallMedia = {
        offer: (direction) => media.offer(direction),
        answer: async (offer, direction) => {
          const sdp = await media.answer(offer, direction);
          note(sdp);
          return sdp;
        },
        applyAnswer: async (sdp) => {
          await media.applyAnswer(sdp);
          note(sdp);
        },
        close: async () => {
          video.delete(call.callId);
          await media.close();
        },
      };
      if (media.sendDtmf) wrapped.sendDtmf = (digits) => media.sendDtmf!(digits);
      return wrapped;
    },
  };
  return { hooks, hasVideo: (callId) => video.get(callId) ?? false };
}
