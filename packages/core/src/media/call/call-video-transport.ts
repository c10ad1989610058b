// RFC 3550 §11: the video stream of a call on its own RTP/RTCP port pair,
// bound once (its port goes into every offer and answer) and handed to the
// VideoSession of the moment. Plain RTP only (no SRTP for video yet). Hold
// (RFC 3264 §8.4) is applied here: no RTP leaves while we must not send, and
// nothing received reaches the session while we must not receive.
import type { MediaFlow } from "../../sdp/direction.js";
import type { DatagramSocket, RtpEndpoint } from "../rtp/rtp-session-types.js";
import { bindUdpPair, type PortRange } from "../rtp/udp-pair.js";
import type { VideoSession, VideoTransport } from "../video/video-session.js";

export type VideoPortPair = { rtp: DatagramSocket; rtcp: DatagramSocket; port: number };
/** Binds a pair (tests inject fake sockets). */
export type BindVideoPair = (address: string, range: PortRange) => Promise<VideoPortPair>;

export const bindVideoPair: BindVideoPair = async (address, range) => {
  const pair = await bindUdpPair(address, range);
  // RTP is best effort: a send error (ICMP unreachable) must not crash the process.
  for (const s of [pair.rtp, pair.rtcp]) s.on("error", () => undefined);
  return pair;
};

/** Where a session's packets go and which payload types it speaks. */
type Attached = { session: VideoSession; sendPayloadType: number; receivePayloadType: number };

/**
 * RFC 3264 §6.1 lets the answerer pick its own payload type numbers, while a
 * VideoSession speaks one: incoming packets with our receive PT are renumbered
 * to the send PT before the session sees them.
 */
export function renumberPayloadType(bytes: Uint8Array, from: number, to: number): Uint8Array {
  if (from === to || bytes.length < 12 || (bytes[1]! & 0x7f) !== from) return bytes;
  const out = new Uint8Array(bytes);
  out[1] = (bytes[1]! & 0x80) | to;
  return out;
}

export class VideoCallTransport {
  private attached: Attached | undefined;
  private remote: { rtp: RtpEndpoint; rtcp: RtpEndpoint } | undefined;
  /** Datagrams that reached the RTP port, good or bad. */
  datagrams = 0;
  /** Sequence number and timestamp of the last RTP packet sent (a relay continues from it). */
  lastSent: { sequenceNumber: number; timestamp: number } | undefined;
  /** Each datagram passed to the session, after it (a video leg relay listens here). */
  tap: ((bytes: Uint8Array) => void) | undefined;

  constructor(
    private readonly pair: VideoPortPair,
    private readonly flow: () => MediaFlow,
  ) {
    pair.rtp.on("message", (msg) => {
      this.datagrams++;
      const a = this.attached;
      if (!a || !this.flow().recv) return;
      const bytes = renumberPayloadType(new Uint8Array(msg), a.receivePayloadType, a.sendPayloadType);
      a.session.receiveRtp(bytes);
      this.tap?.(bytes);
    });
    // RTCP flows on hold too (RFC 3264 §8.4): reports and key frame requests keep the session alive.
    pair.rtcp.on("message", (msg) => this.attached?.session.receiveRtcp(new Uint8Array(msg)));
  }

  get port(): number {
    return this.pair.port;
  }

  /** The VideoTransport a new VideoSession is built with. */
  readonly transport: VideoTransport = {
    sendRtp: (bytes) => {
      if (!this.remote || !this.flow().send) return;
      if (bytes.length >= 12) this.lastSent = { sequenceNumber: (bytes[2]! << 8) | bytes[3]!, timestamp: ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0 };
      this.pair.rtp.send(bytes, this.remote.rtp.port, this.remote.rtp.address);
    },
    sendRtcp: (bytes) => {
      if (this.remote) this.pair.rtcp.send(bytes, this.remote.rtcp.port, this.remote.rtcp.address);
    },
  };

  attach(attached: Attached | undefined): void {
    this.attached = attached;
  }

  setRemote(rtp: RtpEndpoint, rtcp: RtpEndpoint): void {
    this.remote = { rtp, rtcp };
  }

  close(): void {
    this.attached = undefined;
    this.pair.rtp.close();
    this.pair.rtcp.close();
  }
}
