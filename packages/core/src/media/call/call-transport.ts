// RFC 3550 §11: one RTP/RTCP port pair per call, bound once and kept for the
// whole call. RtpSessions come and go on it (a re-offer may change the codec
// or the SRTP keys) through socket views whose close() only detaches.
import type { RtpStreamCounters } from "../call-stats.js";
import type { Emitter } from "../../util/events.js";
import { RtpSession } from "../rtp/rtp-session.js";
import type { DatagramSocket, RtpEndpoint, RtpSessionEvents, RtpSessionOptions } from "../rtp/rtp-session-types.js";
import { bindUdpPair, type PortRange } from "../rtp/udp-pair.js";
import type { CallIce } from "./call-ice.js";

/** What a call needs of an RtpSession (unit tests pass a fake). */
export interface CallRtpSession {
  readonly events: Emitter<RtpSessionEvents>;
  start(): void;
  setRemote(rtp: RtpEndpoint, rtcp?: RtpEndpoint): void;
  sendDigit(digit: string, durationMs?: number): void;
  streamStats(): RtpStreamCounters;
  close(): void;
}

/** A call's bound port pair, and a way to run a session on it. */
export interface CallTransport {
  readonly port: number;
  /** Datagrams that reached the RTP port, good or bad. */
  readonly datagrams: number;
  openSession(options: RtpSessionOptions): CallRtpSession;
  /** RFC 8445 ICE on this pair (call-ice.ts), when the call uses it. */
  readonly ice?: CallIce;
  close(): void;
}

export type BindCallTransport = (address: string, range: PortRange) => Promise<CallTransport>;

type Listener = (msg: Buffer, rinfo: { address: string; port: number }) => void;

/** One real socket, handed to one session at a time. */
class SocketRelay {
  private listener: Listener | undefined;
  count = 0;

  constructor(private readonly socket: DatagramSocket) {
    socket.on("message", (msg, rinfo) => {
      this.count++;
      this.listener?.(msg, rinfo);
    });
  }

  view(): DatagramSocket {
    let mine: Listener | undefined;
    return {
      on: (_event: "message", fn: Listener) => {
        mine = fn;
        this.listener = fn;
      },
      send: (msg, port, address) => this.socket.send(msg, port, address),
      close: () => {
        if (this.listener === mine) this.listener = undefined;
      },
    };
  }

  close(): void {
    this.listener = undefined;
    this.socket.close();
  }
}

/** A transport on a bound pair (or on fakes, in unit tests): sessions share its sockets one at a time. */
export function relayTransport(pair: { rtp: DatagramSocket; rtcp: DatagramSocket; port: number }): CallTransport {
  const rtp = new SocketRelay(pair.rtp);
  const rtcp = new SocketRelay(pair.rtcp);
  return {
    port: pair.port,
    get datagrams() {
      return rtp.count;
    },
    openSession: (options) => RtpSession.fromSockets(options, rtp.view(), rtcp.view(), pair.port),
    close() {
      rtp.close();
      rtcp.close();
    },
  };
}

/** Binds a pair in `range` on `address` (udp-pair.ts). */
export const bindCallTransport: BindCallTransport = async (address, range) => {
  const pair = await bindUdpPair(address, range);
  // A send error (e.g. ICMP unreachable on some systems) must not crash the process: RTP is best effort.
  for (const s of [pair.rtp, pair.rtcp]) s.on("error", () => undefined);
  return relayTransport(pair);
};
