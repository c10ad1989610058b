// RFC 8656 §7 (Allocate, REQUESTED-TRANSPORT UDP), §8 (Refresh; lifetime 0
// deletes), §9 (permissions: CreatePermission, 5-minute lifetime), §10-11
// (Send and Data indications), §12 (ChannelBind, 10-minute lifetime,
// ChannelData). One allocation over one UDP socket shared through UdpDemux,
// or over its own TCP/TLS connection to the server (§3.1, turn-stream.ts).
import type { Clock, TimerHandle } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import { attr, decodeAddress, decodeU32, mappedAddress, u32, xorAddressAttr } from "../stun/stun-attributes.js";
import { newTransactionId, serializeStun, type ParsedStun } from "../stun/stun-message.js";
import type { StunPeer } from "../stun/stun-transaction.js";
import { isComprehensionRequired, StunAttr, StunMethod, type StunAttribute, type StunMessage, type TransportAddress } from "../stun/stun-types.js";
import type { Datagram, UdpDemux } from "../udp-demux.js";
import { TurnStream, type TurnLink, type TurnStreamTransport } from "./turn-stream.js";
import { CHANNEL_MIN, parseChannelData, serializeChannelData } from "./channel-data.js";
import { TurnAuth, type TurnCredentials } from "./turn-auth.js";
import { TurnError } from "./turn-error.js";

/** Over UDP: the socket's demux (shared with RTP). Over TCP/TLS: the allocation opens its own connection. */
export type TurnPath =
  | { transport?: "udp"; demux: UdpDemux }
  | { transport: TurnStreamTransport; /** TLS: certificate name and trusted CAs (PEM). */ tls?: { servername?: string; ca?: string[] }; connectTimeoutMs?: number };

export type TurnAllocationOptions = TurnPath & {
  server: StunPeer;
  credentials: TurnCredentials;
  clock: Clock;
  /** Requested allocation lifetime in seconds (the server may grant less). */
  lifetimeSec?: number;
  /** Binding indications to the server keep NAT bindings open between refreshes (0: none). */
  keepAliveMs?: number;
  signal?: AbortSignal;
};

export type TurnEvents = {
  data: { peer: StunPeer; bytes: Uint8Array; via: "indication" | "channel" };
  /** A refresh failed: the allocation is gone. */
  failed: { error: Error };
};

const KNOWN = new Set<number>(Object.values(StunAttr));
const PERMISSION_REFRESH_MS = 240_000; // §9: permissions last 300 s
const CHANNEL_REFRESH_MS = 540_000; // §12: channel bindings last 600 s

/** §6.3.1 / §6.3.2: a message with an unknown comprehension-required attribute is not processed. */
function unknownRequired(m: StunMessage): number[] {
  return m.attributes.map((a) => a.type).filter((t) => isComprehensionRequired(t) && !KNOWN.has(t));
}

function peerKey(p: StunPeer): string {
  return `${p.address}|${p.port}`;
}

export class TurnAllocation {
  readonly events = new Emitter<TurnEvents>();
  readonly dropped: Record<string, number> = {};
  private readonly permissions = new Set<string>();
  private readonly channels = new Map<string, number>();
  private readonly byChannel = new Map<number, StunPeer>();
  private readonly timers: Record<"refresh" | "permissions" | "channels" | "keepAlive", TimerHandle | undefined> = {
    refresh: undefined,
    permissions: undefined,
    channels: undefined,
    keepAlive: undefined,
  };
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  private constructor(
    private readonly o: TurnAllocationOptions,
    private readonly link: TurnLink,
    private readonly stream: TurnStream | undefined,
    private readonly auth: TurnAuth,
    readonly relayedAddress: TransportAddress,
    readonly mappedAddress: TransportAddress | undefined,
    public lifetimeSec: number,
  ) {
    this.unsubscribe.push(link.events.on("stun", (e) => this.onStun(e.stun, e.from)));
    this.unsubscribe.push(link.events.on("datagram", (d) => d.kind === "turn-channel" && this.onChannelData(d)));
    if (stream) this.unsubscribe.push(stream.events.on("closed", (e) => this.fail(e.error)));
    this.scheduleRefresh();
    this.scheduleKeepAlive();
  }

  static async allocate(o: TurnAllocationOptions): Promise<TurnAllocation> {
    const stream = o.transport === "tcp" || o.transport === "tls" ? await TurnStream.connect(streamOptions(o)) : undefined;
    const link: TurnLink = stream ?? (o as { demux: UdpDemux }).demux;
    try {
      return await TurnAllocation.allocateOn(o, link, stream);
    } catch (err) {
      stream?.close();
      // A request cut short by the connection's end: the connection's error says why.
      throw stream?.lastError ?? err;
    }
  }

  private static async allocateOn(o: TurnAllocationOptions, link: TurnLink, stream: TurnStream | undefined): Promise<TurnAllocation> {
    const auth = new TurnAuth(link.transactions, o.server, o.credentials);
    // §7.1: REQUESTED-TRANSPORT carries the protocol number (17 = UDP) in its first byte.
    const attrs: StunAttribute[] = [{ type: StunAttr.requestedTransport, value: u32(17 << 24) }];
    if (o.lifetimeSec !== undefined) attrs.push({ type: StunAttr.lifetime, value: u32(o.lifetimeSec) });
    const r = await auth.request(StunMethod.allocate, attrs, o.signal);
    checkKnown(r, StunMethod.allocate);
    const relayedRaw = attr(r.message, StunAttr.xorRelayedAddress);
    const relayed = relayedRaw && decodeAddress(relayedRaw, r.message);
    if (!relayed) throw new TurnError(0, "Allocate success without XOR-RELAYED-ADDRESS", StunMethod.allocate);
    const lifetime = decodeU32(attr(r.message, StunAttr.lifetime) ?? new Uint8Array()) ?? 600;
    return new TurnAllocation(o, link, stream, auth, relayed, mappedAddress(r.message), lifetime);
  }

  /** The transport to the server (the relayed leg to peers is UDP in every case). */
  get transport(): "udp" | TurnStreamTransport {
    return this.stream?.transport ?? "udp";
  }

  /** 438 answers recovered from so far. */
  get staleNonces(): number {
    return this.auth.staleNonces;
  }

  private count(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }

  private peerAttr(peer: StunPeer, transactionId: Uint8Array) {
    const family = peer.address.includes(":") ? 6 : 4;
    return xorAddressAttr(StunAttr.xorPeerAddress, { family, address: peer.address, port: peer.port }, transactionId);
  }

  /** §9.1: lets `peers` (their IP addresses; ports do not matter) send to the relayed address. */
  async createPermission(peers: StunPeer[], signal?: AbortSignal): Promise<void> {
    await this.auth.request(StunMethod.createPermission, (id) => peers.map((p) => this.peerAttr(p, id)), signal);
    for (const p of peers) this.permissions.add(p.address);
    this.timers.permissions ??= this.o.clock.setTimeout(() => this.refreshPermissions(), PERMISSION_REFRESH_MS);
  }

  private refreshPermissions(): void {
    this.timers.permissions = undefined;
    if (this.closed) return;
    const peers = [...this.permissions].map((address) => ({ address, port: 0 }));
    this.createPermission(peers).catch((error: Error) => this.fail(error));
  }

  /** §12.1: binds a channel to `peer` (also installing its permission); returns the channel number. */
  async bindChannel(peer: StunPeer, signal?: AbortSignal): Promise<number> {
    const channel = this.channels.get(peerKey(peer)) ?? CHANNEL_MIN + this.channels.size;
    await this.auth.request(StunMethod.channelBind, (id) => [{ type: StunAttr.channelNumber, value: u32(channel << 16) }, this.peerAttr(peer, id)], signal);
    this.channels.set(peerKey(peer), channel);
    this.byChannel.set(channel, peer);
    this.permissions.add(peer.address);
    this.timers.channels ??= this.o.clock.setTimeout(() => this.refreshChannels(), CHANNEL_REFRESH_MS);
    return channel;
  }

  private refreshChannels(): void {
    this.timers.channels = undefined;
    if (this.closed) return;
    Promise.all([...this.byChannel.values()].map((p) => this.bindChannel(p))).catch((error: Error) => this.fail(error));
  }

  /** §11.1 / §12.4: sends through the relay, as ChannelData when a channel is bound, else in a Send indication. */
  send(peer: StunPeer, bytes: Uint8Array): void {
    if (this.closed) return;
    const channel = this.channels.get(peerKey(peer));
    // §12.5: over a stream ChannelData is padded to a multiple of 4 bytes.
    if (channel !== undefined) return this.link.send(serializeChannelData({ channel, data: bytes }, this.stream !== undefined), this.o.server);
    const transactionId = newTransactionId();
    const m: StunMessage = { method: StunMethod.send, cls: "indication", transactionId, attributes: [this.peerAttr(peer, transactionId), { type: StunAttr.data, value: bytes }] };
    this.link.send(serializeStun(m), this.o.server);
  }

  private fromServer(from: StunPeer): boolean {
    return from.address === this.o.server.address && from.port === this.o.server.port;
  }

  private onStun(stun: ParsedStun, from: StunPeer): void {
    const m = stun.message;
    if (this.closed || m.method !== StunMethod.data || m.cls !== "indication") return;
    if (!this.fromServer(from)) return this.count("not-from-server");
    if (unknownRequired(m).length) return this.count("unknown-attribute");
    const peerRaw = attr(m, StunAttr.xorPeerAddress);
    const peer = peerRaw && decodeAddress(peerRaw, m);
    const data = attr(m, StunAttr.data);
    if (!peer || !data) return this.count("data-indication");
    this.events.emit("data", { peer: { address: peer.address, port: peer.port }, bytes: data, via: "indication" });
  }

  private onChannelData(d: Datagram): void {
    if (this.closed) return;
    if (!this.fromServer(d.from)) return this.count("not-from-server");
    const r = parseChannelData(d.bytes);
    if (!r.ok) return this.count(`channel-${r.reason}`);
    const peer = this.byChannel.get(r.frame.channel);
    if (!peer) return this.count("channel-unbound");
    this.events.emit("data", { peer, bytes: r.frame.data, via: "channel" });
  }

  private scheduleRefresh(): void {
    // Refresh a minute before expiry, or at half the lifetime when it is short.
    const ms = Math.max(1, this.lifetimeSec - Math.min(60, this.lifetimeSec / 2)) * 1000;
    this.timers.refresh = this.o.clock.setTimeout(() => {
      if (this.closed) return;
      this.refresh().then(() => this.scheduleRefresh(), (error: Error) => this.fail(error));
    }, ms);
  }

  private scheduleKeepAlive(): void {
    const ms = this.o.keepAliveMs ?? 15_000;
    if (!ms) return;
    this.timers.keepAlive = this.o.clock.setTimeout(() => {
      if (this.closed) return;
      // RFC 8489 §6.2: an indication gets no answer; it only refreshes the NAT's binding.
      this.link.send(serializeStun({ method: StunMethod.binding, cls: "indication", transactionId: newTransactionId(), attributes: [] }, { fingerprint: true }), this.o.server);
      this.scheduleKeepAlive();
    }, ms);
  }

  /** §8: refreshes the allocation (lifetime 0 deletes it). */
  async refresh(lifetimeSec = this.o.lifetimeSec ?? 600, signal?: AbortSignal): Promise<void> {
    const r = await this.auth.request(StunMethod.refresh, [{ type: StunAttr.lifetime, value: u32(lifetimeSec) }], signal);
    this.lifetimeSec = decodeU32(attr(r.message, StunAttr.lifetime) ?? new Uint8Array()) ?? lifetimeSec;
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.stopTimers();
    this.stream?.close();
    this.events.emit("failed", { error });
  }

  private stopTimers(): void {
    for (const t of Object.values(this.timers)) this.o.clock.clearTimeout(t);
  }

  /** Deletes the allocation on the server (Refresh with lifetime 0) and stops listening. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopTimers();
    this.closed = true;
    this.unsubscribe.forEach((u) => u());
    // Bounded: a server that is gone must not hold close() for the full §6.2.1 schedule.
    const abort = new AbortController();
    const t = this.o.clock.setTimeout(() => abort.abort(), 5000);
    await this.refresh(0, abort.signal).catch(() => undefined);
    this.o.clock.clearTimeout(t);
    this.stream?.close();
  }
}

function streamOptions(o: TurnAllocationOptions & { transport: TurnStreamTransport }) {
  return {
    transport: o.transport,
    server: o.server,
    clock: o.clock,
    ...(o.tls?.servername !== undefined && { servername: o.tls.servername }),
    ...(o.tls?.ca && { ca: o.tls.ca }),
    ...(o.connectTimeoutMs !== undefined && { connectTimeoutMs: o.connectTimeoutMs }),
    ...(o.signal && { signal: o.signal }),
  };
}

function checkKnown(r: ParsedStun, method: number): void {
  const unknown = unknownRequired(r.message);
  if (unknown.length) throw new TurnError(0, `answer has unknown comprehension-required attributes ${unknown.map((t) => `0x${t.toString(16)}`).join(", ")}`, method);
}
