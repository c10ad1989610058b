// RFC 3264: createOffer (§5), createAnswer (§6), applyAnswer (§7), with the
// o= line kept per RFC 3264 §8 / RFC 8866 §5.2. SDP text via sdp-transform.
import { parse, write, type MediaDescription, type SessionDescription } from "sdp-transform";
import { ParseError } from "../util/errors.js";
import { answerMedia, offerMedia } from "./media-lines.js";
import { inheritSessionLevel, negotiate } from "./negotiate.js";
import { stampVersion, type SdpLocalState } from "./local-state.js";
import type { LocalCapabilities, MediaCapability, NegotiatedMedia } from "./types.js";

function ipVer(address: string): number {
  return address.includes(":") ? 6 : 4;
}

function render(local: LocalCapabilities, state: SdpLocalState, media: MediaDescription[]): string {
  return stampVersion(state, (version) =>
    write({
      version: 0,
      origin: { username: local.username ?? "-", sessionId: state.sessionId, sessionVersion: version, netType: "IN", ipVer: ipVer(local.address), address: local.address },
      name: local.sessionName ?? "cusax",
      connection: { version: ipVer(local.address), ip: local.address },
      timing: { start: 0, stop: 0 },
      media,
    } as SessionDescription),
  );
}

export function parseSdp(text: string): SessionDescription {
  const sdp = parse(text);
  if (sdp.version === undefined || !sdp.origin || !Array.isArray(sdp.media)) throw new ParseError("SDP without v=, o= or m= lines", 0);
  for (const m of sdp.media) {
    if (typeof m.port !== "number" || Number.isNaN(m.port) || !m.protocol) throw new ParseError("malformed m= line", 0);
    m.rtp ??= [];
    m.fmtp ??= [];
  }
  return inheritSessionLevel(sdp);
}

/** §5: our offer, one m-line per capability, in order. */
export function createOffer(local: LocalCapabilities, state: SdpLocalState): string {
  return render(local, state, local.media.map((cap, i) => offerMedia(cap, i, state)));
}

/** Matches offered m-lines to our capabilities: the n-th audio line to our n-th audio capability. */
function capabilityFor(local: LocalCapabilities, offer: SessionDescription, index: number): MediaCapability | undefined {
  const kind = offer.media[index]?.type;
  const nth = offer.media.slice(0, index).filter((m) => m.type === kind).length;
  return local.media.filter((c) => c.kind === kind)[nth];
}

export type SdpAnswer = { sdp: string; media: NegotiatedMedia[] };

/** §6: the answer to `offer`, same m-line count and order, and what it agrees. */
export function createAnswer(offer: string, local: LocalCapabilities, state: SdpLocalState): SdpAnswer {
  const parsed = parseSdp(offer);
  const media = parsed.media.map((m, i) => answerMedia(m, capabilityFor(local, parsed, i), i, state));
  const sdp = render(local, state, media);
  return { sdp, media: negotiate(parsed, parseSdp(sdp), false) };
}

/** §7: what our `offer` and the peer's `answer` agree. */
export function applyAnswer(offer: string, answer: string): NegotiatedMedia[] {
  const o = parseSdp(offer);
  const a = parseSdp(answer);
  if (a.media.length !== o.media.length) throw new ParseError(`answer has ${a.media.length} m-lines, offer had ${o.media.length}`, 0);
  return negotiate(o, a, true);
}
