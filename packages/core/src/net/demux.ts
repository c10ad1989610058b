// RFC 7983 §7 (updating RFC 5764 §5.1.2): tell STUN, DTLS and RTP/RTCP apart
// on one UDP port by the first byte of each datagram.

export type DatagramKind = "stun" | "zrtp" | "dtls" | "turn-channel" | "rtp" | "unknown";

/** The class of a datagram that arrived on a media port. */
export function classifyDatagram(bytes: Uint8Array): DatagramKind {
  const b = bytes[0];
  if (b === undefined) return "unknown";
  if (b <= 3) return "stun";
  if (b >= 16 && b <= 19) return "zrtp";
  if (b >= 20 && b <= 63) return "dtls";
  // RFC 7983 §7: 64-79 are TURN ChannelData (when a TURN server relays to us).
  if (b >= 64 && b <= 79) return "turn-channel";
  if (b >= 128 && b <= 191) return "rtp";
  return "unknown";
}
