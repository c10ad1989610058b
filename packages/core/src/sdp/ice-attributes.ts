// RFC 8839 (SDP for ICE): §5.1 a=candidate, §5.4 a=ice-ufrag / a=ice-pwd
// (media level, or session level inherited), §5.3 a=ice-lite, §5.6
// a=ice-options, §4.2.3 the default destination (c=/m=) that must be one of
// the candidates (else an ALG rewrote it: "ICE mismatch", ICE is not used),
// RFC 8840 §8.2 a=end-of-candidates (we gather fully before offering).
import { isIP } from "node:net";
import { parse, type MediaDescription, type SessionDescription } from "sdp-transform";
import type { CandidateType, IceCandidate, IceParameters, RemoteIce } from "../net/ice/ice-types.js";

/** Our ICE for one m-line: credentials, every candidate, and the default candidate of each component. */
export type SdpIce = IceParameters & { candidates: IceCandidate[] };

type SdpCandidate = NonNullable<MediaDescription["candidates"]>[number];

const TYPES = new Set<string>(["host", "srflx", "prflx", "relay"]);

function toSdp(c: IceCandidate): SdpCandidate {
  return {
    foundation: c.foundation,
    component: c.component,
    transport: "UDP",
    priority: c.priority,
    ip: c.address,
    port: c.port,
    type: c.type,
    ...(c.relatedAddress !== undefined && { raddr: c.relatedAddress, rport: c.relatedPort ?? 0 }),
  };
}

/** Writes our ICE attributes into an m-line (offer or answer). */
export function addIceAttributes(m: Pick<MediaDescription, "iceUfrag" | "icePwd" | "candidates" | "endOfCandidates">, ice: SdpIce): void {
  m.iceUfrag = ice.ufrag;
  m.icePwd = ice.pwd;
  m.candidates = ice.candidates.map(toSdp);
  m.endOfCandidates = "end-of-candidates";
}

/** A usable candidate: UDP, an IP literal (no mDNS names), component 1 or 2, a known type. */
function fromSdp(c: SdpCandidate): IceCandidate | undefined {
  if (String(c.transport).toLowerCase() !== "udp" || !isIP(String(c.ip)) || !TYPES.has(c.type)) return undefined;
  if (c.component !== 1 && c.component !== 2) return undefined;
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535 || !Number.isFinite(c.priority)) return undefined;
  return {
    foundation: String(c.foundation),
    component: c.component,
    transport: "udp",
    priority: c.priority,
    address: c.ip,
    port: c.port,
    type: c.type as CandidateType,
    ...(c.raddr !== undefined && { relatedAddress: c.raddr, relatedPort: Number(c.rport) }),
  };
}

export type RemoteIceResult = { ice: RemoteIce } | { ice: undefined; why: "no-ice" | "rejected" | "mismatch" };

/** The peer's ICE for m-line `index` of its SDP, or why there is none (then c=/m= and symmetric RTP carry the media). */
export function remoteIceOf(sdp: string | SessionDescription, index: number): RemoteIceResult {
  const s = typeof sdp === "string" ? parse(sdp) : sdp;
  const m = s.media?.[index];
  if (!m || m.port === 0) return { ice: undefined, why: "rejected" };
  const ufrag = m.iceUfrag ?? s.iceUfrag;
  const pwd = m.icePwd ?? s.icePwd;
  const candidates = (m.candidates ?? []).map(fromSdp).filter((c): c is IceCandidate => c !== undefined);
  if (!ufrag || !pwd || candidates.length === 0) return { ice: undefined, why: "no-ice" };
  const address = m.connection?.ip ?? s.connection?.ip;
  // §4.2.3: the default destination is a candidate of component 1; 0.0.0.0 (hold, RFC 3264 §8.4) is not checked.
  const matches = address === "0.0.0.0" || candidates.some((c) => c.component === 1 && c.address === address && c.port === m.port);
  if (!matches) return { ice: undefined, why: "mismatch" };
  return { ice: { ufrag, pwd, candidates, lite: s.icelite === "ice-lite" } };
}
