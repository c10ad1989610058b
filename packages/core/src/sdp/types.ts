// RFC 3264 offer/answer: what we can do (capabilities) and what was agreed
// (negotiated media), per m-line.
import type { SrtpKeyMaterial } from "../media/srtp/srtp-context.js";
import type { SrtpSuiteName } from "../media/srtp/suites.js";
import type { SdpIce } from "./ice-attributes.js";

export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";
export type MediaKind = "audio" | "video";

export type CodecCapability = {
  /** rtpmap encoding name (`PCMU`, `opus`, `VP8`); compared case-insensitively. */
  name: string;
  clockRate: number;
  /** rtpmap channels; omitted means 1. Opus is 2 (RFC 7587 §7). */
  channels?: number;
  /** The payload type we offer (static PTs keep their number). */
  payloadType: number;
  fmtp?: string;
};

export type TelephoneEventCapability = { payloadType: number; clockRate: number; events?: string };

/** `off`: plain RTP; `offer`: a=crypto on RTP/AVP (best effort); `require`: RTP/SAVP only. */
export type SrtpPolicy = "off" | "offer" | "require";

export type MediaCapability = {
  kind: MediaKind;
  port: number;
  /** RTCP port (RFC 3605 a=rtcp); default port + 1. */
  rtcpPort?: number;
  /** In preference order. */
  codecs: CodecCapability[];
  telephoneEvents?: TelephoneEventCapability[];
  /** What we want to do: `sendonly` puts the peer on hold (RFC 3264 §8.4). */
  direction?: Direction;
  ptime?: number;
  srtp?: SrtpPolicy;
  /** SDES suites in preference order; default both AES_CM_128 suites, _80 first. */
  cryptoSuites?: SrtpSuiteName[];
  /** RFC 8839 ICE attributes for this m-line (its port and rtcpPort are then the default candidate's). */
  ice?: SdpIce;
  /** The m-line's own c= address (the default candidate's, when it differs from the session's). */
  connection?: string;
};

export type LocalCapabilities = {
  /** Our media address (c= and o=). */
  address: string;
  username?: string;
  sessionName?: string;
  media: MediaCapability[];
};

export type NegotiatedCodec = {
  name: string;
  clockRate: number;
  channels: number;
  /** The PT we send with: the one in the peer's SDP. */
  sendPayloadType: number;
  /** The PT we receive with: the one in our SDP. */
  receivePayloadType: number;
  /** The peer's fmtp for this codec (what it wants to receive). */
  fmtp?: string;
};

export type NegotiatedSrtp = {
  suite: SrtpSuiteName;
  /** Our key: protects what we send. */
  localKey: SrtpKeyMaterial;
  /** The peer's key: what we unprotect. */
  remoteKey: SrtpKeyMaterial;
};

export type NegotiatedMedia = {
  index: number;
  kind: string;
  /** Port 0 on either side (RFC 3264 §6, §8.2). */
  rejected: boolean;
  protocol: string;
  localPort: number;
  localRtcpPort: number;
  remoteAddress: string;
  remotePort: number;
  remoteRtcpPort: number;
  /** What we do, after masking with what the peer does. */
  direction: Direction;
  /** What we send; the first common codec in the answer. */
  codec?: NegotiatedCodec;
  /** Every common codec, for receiving. */
  codecs: NegotiatedCodec[];
  telephoneEvent?: NegotiatedCodec;
  /** Packetisation the peer asked for (its a=ptime), default 20. */
  ptime: number;
  localSsrc?: number;
  remoteSsrc?: number;
  srtp?: NegotiatedSrtp;
};
