// RFC 3550 §11: a video RTP session on a UDP port pair (RTP even, RTCP odd),
// sending to the negotiated remote and, as symmetric RTP (RFC 4961), to
// wherever the peer's packets come from once one has arrived.
import { bindUdpPair, type PortRange } from "../rtp/udp-pair.js";
import type { RtpEndpoint } from "../rtp/rtp-session.js";
import { VideoSession, type VideoSessionOptions } from "./video-session.js";

export type UdpVideoOptions = Omit<VideoSessionOptions, "transport"> & {
  address?: string;
  portRange?: PortRange;
  remote?: { rtp: RtpEndpoint; rtcp?: RtpEndpoint };
};

export type UdpVideoSession = { session: VideoSession; localPort: number; setRemote(rtp: RtpEndpoint, rtcp?: RtpEndpoint): void; close(): void };

export async function openUdpVideoSession(options: UdpVideoOptions): Promise<UdpVideoSession> {
  const pair = await bindUdpPair(options.address ?? "127.0.0.1", options.portRange ?? { min: 31000, max: 31999 });
  let remote = options.remote && { rtp: options.remote.rtp, rtcp: options.remote.rtcp ?? { ...options.remote.rtp, port: options.remote.rtp.port + 1 } };
  const session = new VideoSession({
    ...options,
    transport: {
      sendRtp: (b) => remote && pair.rtp.send(b, remote.rtp.port, remote.rtp.address),
      sendRtcp: (b) => remote && pair.rtcp.send(b, remote.rtcp.port, remote.rtcp.address),
    },
  });
  pair.rtp.on("message", (msg, from) => {
    // DEVIATION(RFC 4961): latch once, to the first source, as RtpSession does.
    remote ??= { rtp: { address: from.address, port: from.port }, rtcp: { address: from.address, port: from.port + 1 } };
    session.receiveRtp(new Uint8Array(msg));
  });
  pair.rtcp.on("message", (msg) => session.receiveRtcp(new Uint8Array(msg)));
  return {
    session,
    localPort: pair.port,
    setRemote(rtp, rtcp) {
      remote = { rtp, rtcp: rtcp ?? { ...rtp, port: rtp.port + 1 } };
    },
    close() {
      session.close();
      pair.rtp.close();
      pair.rtcp.close();
    },
  };
}
