// RFC 8445 ICE for a call's audio stream (RTP component 1, RTCP component 2,
// RFC 8839 SDP): the call's port pair gathers host, server-reflexive and
// relayed candidates once, offers them (no trickle), and its sessions send
// on the selected pair. A peer without ICE gets the default candidate in
// c=/m= and symmetric RTP, as before. DECISION(protocol.md D35, D36).
import type { Clock } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import type { Logger } from "../../util/log.js";
import type { IceBase } from "../../net/ice/ice-base.js";
import { IceAgent, type IceAgentOptions } from "../../net/ice/ice-agent.js";
import { gatherComponent, type GatherOptions, type IceServers, type LocalCandidate } from "../../net/ice/ice-gather.js";
import type { IceCandidate } from "../../net/ice/ice-types.js";
import type { TurnAllocation } from "../../net/turn/turn-allocation.js";
import { UdpDemux, type DemuxSocket } from "../../net/udp-demux.js";
import { remoteIceOf, type SdpIce } from "../../sdp/ice-attributes.js";
import type { LocalCapabilities } from "../../sdp/types.js";
import { RtpSession } from "../rtp/rtp-session.js";
import type { DatagramSocket } from "../rtp/rtp-session-types.js";
import { bindUdpPair, type PortRange } from "../rtp/udp-pair.js";
import type { BindCallTransport, CallTransport } from "./call-transport.js";

export type CallIceOptions = {
  /** protocol.md D29: configured servers, else the XMPP server's (XEP-0215); asked once per call. */
  servers: () => Promise<IceServers>;
  /** "always": only relayed candidates, the relayed address as default (protocol.md D36). */
  relay?: "auto" | "always";
  clock: Clock;
  log: Logger;
  gather?: Partial<Omit<GatherOptions, "clock" | "log">>;
  agent?: Partial<Omit<IceAgentOptions, "clock" | "log">>;
};

export type LocalIce = SdpIce & { default: { address: string; port: number; rtcpPort: number } };

export type CallIceFailure = "ice-failed" | "ice-consent-lost";

/** The ICE side of a call transport. */
export interface CallIce {
  readonly events: Emitter<{ failed: { reason: CallIceFailure } }>;
  /** Our credentials, candidates and default candidate (gathered on first use, then kept for the call). */
  local(): Promise<LocalIce>;
  /** The peer's SDP (offer or answer) for the audio m-line: starts ICE, or, without ICE in it, media goes to c=/m=. */
  remote(sdp: string, index: number, controlling: boolean): void;
  readonly agent: IceAgent | undefined;
}

export type IceSocket = DemuxSocket & { close(): void };
type Listener = (msg: Buffer, rinfo: { address: string; port: number }) => void;

/** DECISION(protocol.md D36): relayed when "always" (if any), else server-reflexive, else host. */
function defaultOf(list: IceCandidate[], relay: "auto" | "always"): IceCandidate | undefined {
  const of = (t: IceCandidate["type"]) => list.filter((c) => c.type === t).sort((a, b) => b.priority - a.priority)[0];
  return (relay === "always" ? of("relay") : undefined) ?? of("srflx") ?? of("host");
}

class Component {
  listener: Listener | undefined;
  readonly bases: IceBase[] = [];
  count = 0;
  constructor(
    readonly id: number,
    readonly socket: IceSocket,
    readonly demux: UdpDemux,
  ) {
    socket.on("message", () => this.count++);
  }
  deliver(bytes: Uint8Array, from: { address: string; port: number }): void {
    this.listener?.(Buffer.from(bytes), { address: from.address, port: from.port });
  }
}

class IceCallTransport implements CallTransport {
  readonly ice: CallIce;
  private readonly components: Component[];
  private gathered: Promise<LocalIce> | undefined;
  private candidates: LocalCandidate[] = [];
  private allocations: TurnAllocation[] = [];
  private agent: IceAgent | undefined;
  private iceOn = false;
  private readonly events = new Emitter<{ failed: { reason: CallIceFailure } }>();

  constructor(
    sockets: { rtp: IceSocket; rtcp: IceSocket; port: number },
    private readonly address: string,
    private readonly o: CallIceOptions,
  ) {
    this.port = sockets.port;
    const retransmit = o.gather?.retransmit;
    this.components = [sockets.rtp, sockets.rtcp].map((s, i) => new Component(i + 1, s, new UdpDemux(s, o.clock, retransmit)));
    const agent = () => this.agent;
    this.ice = {
      events: this.events,
      local: () => (this.gathered ??= this.gather()),
      remote: (sdp, index, controlling) => this.remote(sdp, index, controlling),
      get agent() {
        return agent();
      },
    };
  }

  readonly port: number;

  get datagrams(): number {
    return this.components[0]?.count ?? 0;
  }

  private async servers(): Promise<IceServers> {
    try {
      return await this.o.servers();
    } catch (err) {
      this.o.log.warn("no STUN/TURN servers for ICE; host candidates only", { error: String(err) });
      return { stun: [], turn: [] };
    }
  }

  private async gather(): Promise<LocalIce> {
    const servers = await this.servers();
    const options = { clock: this.o.clock, log: this.o.log, ...this.o.gather };
    const results = await Promise.all(this.components.map((c) => gatherComponent({ component: c.id, demux: c.demux, local: { address: this.address, port: c.socket === this.components[0]?.socket ? this.port : this.port + 1 } }, servers, options)));
    this.allocations = results.flatMap((r) => r.allocations);
    let locals = results.flatMap((r) => r.candidates);
    const relay = this.o.relay ?? "auto";
    if (relay === "always") {
      const relayed = locals.filter((l) => l.candidate.type === "relay");
      if (relayed.length > 0) locals = relayed;
      else this.o.log.warn("nat.relay is \"always\" but no TURN allocation was made; offering the other candidates");
    }
    results.forEach((r, i) => this.listen(this.components[i] as Component, [r.host, ...r.allocations.length ? locals.filter((l) => l.base.kind === "relay" && l.base.component === i + 1).map((l) => l.base) : []]));
    this.candidates = locals;
    this.agent = new IceAgent(locals, { clock: this.o.clock, log: this.o.log, ...this.o.agent });
    this.agent.events.on("failed", ({ reason }) => this.events.emit("failed", { reason: reason === "consent-lost" ? "ice-consent-lost" : "ice-failed" }));
    const list = locals.map((l) => l.candidate);
    const d1 = defaultOf(list.filter((c) => c.component === 1), relay);
    const d2 = defaultOf(list.filter((c) => c.component === 2), relay);
    const params = this.agent.local;
    return { ...params, candidates: list, default: { address: d1?.address ?? this.address, port: d1?.port ?? this.port, rtcpPort: d2?.port ?? this.port + 1 } };
  }

  private listen(c: Component, bases: IceBase[]): void {
    for (const base of bases) {
      c.bases.push(base);
      base.events.on("data", (d) => c.deliver(d.bytes, d.from));
    }
  }

  private remote(sdp: string, index: number, controlling: boolean): void {
    const r = remoteIceOf(sdp, index);
    if (!r.ice) {
      if (this.iceOn || r.why === "mismatch") this.o.log.info("the peer's SDP has no usable ICE; media goes to its c=/m= address", { why: r.why });
      this.iceOn = false;
      return;
    }
    this.iceOn = true;
    this.agent?.start(r.ice, controlling);
  }

  /** What a session's socket does: ICE's pair when ICE runs, else the default candidate's base to the SDP's address. */
  private send(c: Component, msg: Uint8Array, to: { address: string; port: number }): void {
    if (this.iceOn && this.agent) {
      this.agent.send(c.id, msg);
      return;
    }
    const relayed = this.candidates.find((l) => l.base.kind === "relay" && l.base.component === c.id && this.o.relay === "always");
    if (!relayed) return c.demux.send(msg, to);
    const base = relayed.base;
    void base.permit([to]).then(() => base.send(msg, to), (err: unknown) => this.o.log.debug("TURN permission refused", { error: String(err) }));
  }

  private view(c: Component): DatagramSocket {
    let mine: Listener | undefined;
    return {
      on: (_event: "message", fn: Listener) => {
        mine = fn;
        c.listener = fn;
      },
      send: (msg, port, address) => this.send(c, msg, { address, port }),
      close: () => {
        if (c.listener === mine) c.listener = undefined;
      },
    };
  }

  openSession: CallTransport["openSession"] = (options) => {
    const [rtp, rtcp] = this.components as [Component, Component];
    return RtpSession.fromSockets(options, this.view(rtp), this.view(rtcp), this.port);
  };

  close(): void {
    this.agent?.close();
    for (const c of this.components) {
      c.bases.forEach((b) => b.close());
      c.demux.close();
      c.listener = undefined;
    }
    const sockets = this.components.map((c) => c.socket);
    void Promise.all(this.allocations.map((a) => a.close())).finally(() => sockets.forEach((s) => s.close()));
  }
}

/** A call transport with ICE on sockets the caller made (or fakes, in unit tests). */
export function iceTransport(sockets: { rtp: IceSocket; rtcp: IceSocket; port: number }, address: string, o: CallIceOptions): CallTransport & { ice: CallIce } {
  return new IceCallTransport(sockets, address, o);
}

/** Binds a pair in `range` on `address` (udp-pair.ts) and runs ICE on it. */
export function bindIceCallTransport(o: CallIceOptions): BindCallTransport {
  return async (address: string, range: PortRange) => {
    const pair = await bindUdpPair(address, range);
    for (const s of [pair.rtp, pair.rtcp]) s.on("error", (err) => o.log.debug("media socket error", { error: err.message }));
    return iceTransport(pair, address, o);
  };
}

/** Our audio m-line with ICE: its c=/m= are the default candidate's, and the candidates go with it. */
export function withIce(caps: LocalCapabilities, ice: LocalIce | undefined): LocalCapabilities {
  if (!ice) return caps;
  const d = ice.default;
  const media = caps.media.map((m, i) => (i === caps.media.findIndex((x) => x.kind === "audio") ? { ...m, port: d.port, rtcpPort: d.rtcpPort, ice, connection: d.address } : m));
  return { ...caps, media };
}
