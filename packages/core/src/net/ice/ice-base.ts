// RFC 8445 §5.1.1: a candidate's base, the path its datagrams take. A host or
// server-reflexive candidate sends from our UDP socket (through UdpDemux);
// a relayed one through its TURN allocation (RFC 8656 §10-12), with its own
// STUN client transactions for the checks that travel inside the relay.
import type { Clock } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import { classifyDatagram } from "../demux.js";
import type { ParsedStun } from "../stun/stun-message.js";
import { StunTransactions, type RetransmitOptions, type StunPeer } from "../stun/stun-transaction.js";
import type { TurnAllocation } from "../turn/turn-allocation.js";
import type { UdpDemux } from "../udp-demux.js";
import { isBindingRequest } from "./ice-stun.js";

export type BaseEvents = {
  /** A Binding request (a peer's check) that arrived on this base. */
  check: { stun: ParsedStun; from: StunPeer };
  /** Anything that is not STUN (RTP, RTCP, DTLS). */
  data: { bytes: Uint8Array; from: StunPeer };
};

export interface IceBase {
  readonly kind: "host" | "relay";
  readonly component: number;
  readonly events: Emitter<BaseEvents>;
  readonly transactions: StunTransactions;
  send(bytes: Uint8Array, to: StunPeer): void;
  /** Relayed bases: permissions for the peer's addresses (RFC 8656 §9); host bases need none. */
  permit(peers: StunPeer[]): Promise<void>;
  /** Relayed bases: a channel for the selected pair (RFC 8656 §12), cheaper than Send indications. */
  channel(peer: StunPeer): Promise<void>;
  close(): void;
}

/** The socket's own path. */
export function hostBase(component: number, demux: UdpDemux): IceBase {
  const events = new Emitter<BaseEvents>();
  const offs = [
    demux.events.on("stun", (e) => isBindingRequest(e.stun) && events.emit("check", e)),
    // ChannelData is the TURN allocation's (it listens on the same demux).
    demux.events.on("datagram", (d) => d.kind !== "turn-channel" && events.emit("data", { bytes: d.bytes, from: d.from })),
  ];
  return {
    kind: "host",
    component,
    events,
    transactions: demux.transactions,
    send: (bytes, to) => demux.send(bytes, to),
    permit: async () => undefined,
    channel: async () => undefined,
    close: () => offs.forEach((off) => off()),
  };
}

/** The TURN allocation's path: what the relay hands us is demultiplexed again (RFC 7983). */
export function relayBase(component: number, turn: TurnAllocation, clock: Clock, retransmit?: RetransmitOptions): IceBase {
  const events = new Emitter<BaseEvents>();
  const transactions = new StunTransactions((bytes, to) => turn.send(to, bytes), clock, retransmit);
  const permitted = new Set<string>();
  const off = turn.events.on("data", ({ peer, bytes }) => {
    if (classifyDatagram(bytes) !== "stun") return events.emit("data", { bytes, from: peer });
    const request = transactions.receive(bytes);
    if (request && isBindingRequest(request)) events.emit("check", { stun: request, from: peer });
  });
  return {
    kind: "relay",
    component,
    events,
    transactions,
    send: (bytes, to) => turn.send(to, bytes),
    async permit(peers) {
      const fresh = peers.filter((p) => !permitted.has(p.address));
      if (fresh.length === 0) return;
      fresh.forEach((p) => permitted.add(p.address));
      await turn.createPermission(fresh);
    },
    channel: async (peer) => void (await turn.bindChannel(peer)),
    close() {
      off();
      transactions.close();
    },
  };
}
