// docs/api.md "Browser voice": the page's WebRTC leg of a call (protocol.md
// D27, D28). POST takes the page's complete offer (ICE gathered, no trickle)
// and answers with ours; the leg replaces any earlier one (a second tab takes
// the call over, the first is closed). DELETE releases it: the call goes on
// with silence. Without a page, calls keep their WAV media. Video
// (protocol.md D32): the offer's video m-section is accepted when the call
// carries VP8 (asked with `video: true`, and not refused by the SIP peer),
// else answered with port 0; `video` in the response says which.
import { BrowserLeg, MediaError, type BrowserLegOptions, type CallMediaHooks } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { Router } from "../api/router.js";
import { findCall, objectBody, stringField, type RouteDeps } from "./deps.js";

type CallMedia = ReturnType<CallMediaHooks["create"]>;

/** Where the routes find a call's media (CallMediaBook). */
export type MediaLookup = { mediaOf(callId: string): CallMedia | undefined };

/** An SDP offer as RFC 8866 §5 starts it, within a size a page's offer never reaches. */
function offerOf(body: Record<string, unknown>): string {
  const sdp = stringField(body, "sdp", true);
  if (!/^v=0\r?\n/.test(sdp) || sdp.length > 64 * 1024) throw new ApiError("bad-request", "sdp: expected a complete SDP offer (v=0 ..., at most 64 KiB)");
  return sdp;
}

function mediaFor(deps: RouteDeps, book: MediaLookup, id: string): CallMedia {
  const call = findCall(deps, id);
  const media = book.mediaOf(call.id);
  if (!media || media.closed) throw new ApiError("conflict", `call "${id}" has no running media`);
  return media;
}

export function addWebrtcRoutes(router: Router, deps: RouteDeps, book: MediaLookup, options: BrowserLegOptions = {}): void {
  router
    .add("POST", "/calls/:id/webrtc", async ({ params, json }) => {
      const offer = offerOf(objectBody(json()));
      const media = mediaFor(deps, book, params.id!);
      let made: { leg: BrowserLeg; answer: string };
      try {
        made = await BrowserLeg.answer(offer, { ...options, video: media.video?.acceptsLegVideo ?? false });
      } catch (err) {
        if (err instanceof MediaError) throw new ApiError("bad-request", `sdp: ${err.message}`);
        throw err;
      }
      // The call may have ended while ICE gathered.
      if (media.closed) {
        made.leg.close("call-ended");
        throw new ApiError("conflict", `call "${params.id!}" ended`);
      }
      media.legs.attach(made.leg);
      const video = media.video?.attachLeg(made.leg) ?? false;
      return { type: "answer", sdp: made.answer, video };
    })
    .add("DELETE", "/calls/:id/webrtc", ({ params }) => {
      const media = mediaFor(deps, book, params.id!);
      const had = media.legs.leg?.kind === "browser";
      if (had) media.legs.release("released");
      return { released: had };
    });
}
