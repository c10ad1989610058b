// RFC 7983 §7: one UDP socket carrying STUN, TURN ChannelData, DTLS and
// RTP/RTCP. STUN answers go to this socket's client transactions; everything
// else is handed on by class.
import type { Clock } from "../util/clock.js";
import { Emitter } from "../util/events.js";
import { classifyDatagram, type DatagramKind } from "./demux.js";
import { StunTransactions, type RetransmitOptions, type StunPeer } from "./stun/stun-transaction.js";
import type { ParsedStun } from "./stun/stun-message.js";

export type Datagram = { bytes: Uint8Array; from: StunPeer };

export type DemuxEvents = {
  /** A STUN request or indication (answers are consumed by `transactions`). */
  stun: { stun: ParsedStun; from: StunPeer };
  /** A datagram of another class (RTP/RTCP, DTLS, ChannelData, ...). */
  datagram: Datagram & { kind: DatagramKind };
};

/** What the demux needs of a socket: node's dgram.Socket fits. */
export interface DemuxSocket {
  on(event: "message", fn: (msg: Buffer, rinfo: { address: string; port: number }) => void): unknown;
  send(msg: Uint8Array, port: number, address: string): void;
}

export class UdpDemux {
  readonly events = new Emitter<DemuxEvents>();
  readonly transactions: StunTransactions;

  constructor(
    private readonly socket: DemuxSocket,
    clock: Clock,
    retransmit?: RetransmitOptions,
  ) {
    this.transactions = new StunTransactions((bytes, to) => this.send(bytes, to), clock, retransmit);
    socket.on("message", (msg, rinfo) => this.receive(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port }));
  }

  send(bytes: Uint8Array, to: StunPeer): void {
    this.socket.send(bytes, to.port, to.address);
  }

  receive(bytes: Uint8Array, from: StunPeer): void {
    const kind = classifyDatagram(bytes);
    if (kind !== "stun") return this.events.emit("datagram", { bytes, from, kind });
    const unsolicited = this.transactions.receive(bytes);
    if (unsolicited) this.events.emit("stun", { stun: unsolicited, from });
  }

  close(): void {
    this.transactions.close();
  }
}
