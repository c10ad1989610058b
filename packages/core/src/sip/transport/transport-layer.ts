// RFC 3261 §18 (transport layer: §18.1 client, §18.2 server, §18.3 framing), RFC 3581 (rport),
// RFC 5923 (connection reuse), RFC 5626 §4.4 (flows, keep-alive), RFC 7118 (WebSocket).
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { lookup } from "node:dns/promises";
import type { Server } from "node:net";
import { realClock, type Clock } from "../../util/clock.js";
import { TransportError } from "../../util/errors.js";
import { Emitter } from "../../util/events.js";
import { silentLogger, type Logger } from "../../util/log.js";
import { serializeSipMessage, type SipMessage, type SipUri } from "../message/index.js";
import { ingest, type Reply } from "./ingest.js";
import { connectStream, listenTcp } from "./stream.js";
import { SipTrace, type SipTraceOptions } from "./trace.js";
import { UdpEndpoint } from "./udp.js";
import { connectWs } from "./ws.js";
import { bareHost, responseTarget, stampVia, type SentBy } from "./via.js";
import { isReliable, type ConnectionUser, type SipConnection, type SipTarget, type TransportEvents, type TransportUser } from "./types.js";

export type TransportLayerOptions = {
  user: TransportUser;
  /** Where we listen so peers can reach our Contact: host (default 0.0.0.0), ports (0 = any free one). */
  listen?: { host?: string; udpPort?: number; tcpPort?: number; udp?: boolean; tcp?: boolean };
  /** Host written in Via sent-by and Contact; default the listen host, or this machine's first outside IPv4. */
  advertise?: string;
  /** The SIP domain: the TLS/WSS servername when a target names none (RFC 5922 §7.2). */
  domain?: string;
  /** TLS/WSS: trusted CA certificates as PEM (system CAs when absent); `verify: false` only for tests. */
  tls?: { ca?: string[]; verify?: boolean };
  connectTimeoutMs?: number;
  /** For rate-limiting warnings (realClock by default). */
  clock?: Clock;
  log?: Logger;
  /** The protocol trace: debug lines on `log` for every message in and out (trace.ts). */
  trace?: SipTraceOptions;
};

/** Implements the transaction layer's TransactionTransport (structurally) and owns every socket. */
export class TransportLayer {
  readonly events = new Emitter<TransportEvents>();
  private udp: UdpEndpoint | undefined;
  private tcp: Server | undefined;
  private readonly flows = new Map<string, SipConnection>();
  private readonly byRemote = new Map<string, string>();
  private readonly connecting = new Map<string, Promise<SipConnection>>();
  /** RFC 7118 §5.2: a random .invalid host for Via and Contact on WebSocket. */
  private readonly wsHost = `${Math.random().toString(36).slice(2, 12)}.invalid`;
  private readonly log: Logger;
  private readonly advertised: string;
  private readonly connUser: ConnectionUser;
  private readonly clock: Clock;
  private readonly warned = new Map<string, number>();
  private readonly trace: SipTrace;

  constructor(private readonly options: TransportLayerOptions) {
    this.log = options.log ?? silentLogger;
    this.clock = options.clock ?? realClock;
    this.trace = new SipTrace(this.log, options.trace);
    this.advertised = options.advertise ?? pickHost(options.listen?.host ?? "0.0.0.0");
    this.connUser = {
      onData: (conn, data) => this.onData(conn, data),
      onPong: (conn) => this.safeEmit("pong", { flow: conn.id, target: targetOf(conn) }),
      onClose: (conn, error) => this.onClose(conn, error),
    };
  }

  /** Binds the UDP socket and the TCP listener (each unless disabled). */
  async start(): Promise<void> {
    const l = this.options.listen ?? {};
    const host = l.host ?? "0.0.0.0";
    if (l.udp !== false) {
      this.udp = await UdpEndpoint.bind(host, l.udpPort ?? 0, (data, from) => this.onDatagram(data, from), (err) => this.log.warn("UDP socket error", { error: err.message }));
    }
    if (l.tcp !== false) {
      this.tcp = await listenTcp(host, l.tcpPort ?? 0, (conn) => this.adopt(conn), this.connUser);
    }
  }

  /** Closes every connection and socket; no flow failures are reported for them. */
  async stop(): Promise<void> {
    for (const conn of this.flows.values()) conn.close();
    this.flows.clear();
    this.byRemote.clear();
    await this.udp?.close();
    this.udp = undefined;
    const tcp = this.tcp;
    this.tcp = undefined;
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }

  /** The bound ports (after start). */
  get ports(): { udp?: number; tcp?: number } {
    const out: { udp?: number; tcp?: number } = {};
    if (this.udp) out.udp = this.udp.port;
    const addr = this.tcp?.address();
    if (addr && typeof addr === "object") out.tcp = addr.port;
    return out;
  }

  get host(): string {
    return this.advertised;
  }

  reliable(target: SipTarget): boolean {
    return isReliable(target.transport);
  }

  /** §18.1.1: our sent-by on a transport (WS: the .invalid host, no port). */
  sentBy(transport: string, conn?: SipConnection): SentBy {
    const t = transport.toUpperCase();
    if (t === "WS" || t === "WSS") return { host: this.wsHost };
    const port = t === "UDP" ? this.ports.udp : (this.ports.tcp ?? conn?.local.port);
    // §25.1: an IPv6 address is written as a reference ("[2001:db8::1]") in Via and URIs.
    const host = isIP(this.advertised) === 6 ? `[${this.advertised}]` : this.advertised;
    return port === undefined ? { host } : { host, port };
  }

  /** The URI peers reach us at over `transport` (a Contact before any GRUU): sip:user@host:port;transport=x. */
  contactUri(transport: string, user?: string): SipUri {
    const t = transport.toUpperCase();
    const { host, port } = this.sentBy(t);
    const uri: SipUri = { scheme: "sip", host, params: new Map(), headers: [] };
    if (user !== undefined) uri.user = user;
    if (port !== undefined) uri.port = port;
    if (t !== "UDP") uri.params.set("transport", t.toLowerCase());
    return uri;
  }

  /**
   * Sends a message. Requests get their top Via stamped (§18.1.1, RFC 3581 §3); responses go back on
   * the connection the request came on, else per §18.2.2 / RFC 3581 §4. Failures reject with TransportError.
   */
  async send(message: SipMessage, target: SipTarget): Promise<void> {
    // RFC 5118 §4.1: a target taken from a URI may hold "[::1]"; sockets and flow keys use the bare address.
    const to = target.host.startsWith("[") ? { ...target, host: bareHost(target.host) } : target;
    const dest = message.kind === "response" ? responseTarget(message, to) : to;
    if (!this.reliable(dest)) {
      if (message.kind === "request") stampVia(message, "UDP", this.sentBy("UDP"));
      const data = serializeSipMessage(message);
      this.trace.out(data, dest);
      await this.sendDatagram(data, dest);
      return;
    }
    const conn = await this.connectionFor(dest);
    if (message.kind === "request") stampVia(message, conn.transport, this.sentBy(conn.transport, conn));
    const data = serializeSipMessage(message);
    this.trace.out(data, targetOf(conn));
    await conn.send(data);
  }

  /** The open connection (flow) to a target, if any. */
  flowFor(target: SipTarget): string | undefined {
    if (target.flow !== undefined && this.flows.has(target.flow)) return target.flow;
    return this.byRemote.get(remoteKey(target.transport, target.host, target.port));
  }

  /** RFC 5626 §4.4.1: a CRLF ping on a flow (a text frame on WS); false when it is not open. */
  ping(flow: string): boolean {
    const conn = this.flows.get(flow);
    if (!conn) return false;
    conn.ping();
    return true;
  }

  /** Closes a flow we consider dead (e.g. no pong); reported as a flow failure like any other loss. */
  closeFlow(flow: string, reason = "closed by the user"): void {
    const conn = this.flows.get(flow);
    if (!conn) return;
    this.forget(conn);
    conn.close();
    this.safeEmit("flow-failure", { flow, target: targetOf(conn), error: new TransportError(reason) });
  }

  private async sendDatagram(data: Uint8Array, dest: SipTarget): Promise<void> {
    if (!this.udp) throw new TransportError("UDP is not listening (start() first)");
    // TODO(RFC 3261 §18.1.1): a request over 1300 bytes should go over TCP; the caller picks the target.
    const host = isIP(dest.host) ? dest.host : (await lookup(dest.host)).address;
    await this.udp.send(data, host, dest.port);
  }

  private async connectionFor(target: SipTarget): Promise<SipConnection> {
    const open = this.flowFor(target);
    if (open !== undefined) return this.flows.get(open)!;
    const t = target.transport.toUpperCase();
    const key = remoteKey(t, target.host, target.port);
    const pending = this.connecting.get(key);
    if (pending) return pending;
    const p = this.open(t, target).finally(() => this.connecting.delete(key));
    this.connecting.set(key, p);
    const conn = await p;
    this.adopt(conn, key);
    return conn;
  }

  private open(t: string, target: SipTarget): Promise<SipConnection> {
    const servername = target.servername ?? this.options.domain ?? (isIP(target.host) ? undefined : target.host);
    const common = { host: target.host, port: target.port, servername, ca: this.options.tls?.ca, verify: this.options.tls?.verify, timeoutMs: this.options.connectTimeoutMs };
    if (t === "TCP" || t === "TLS") return connectStream({ ...common, transport: t }, this.connUser);
    if (t === "WS" || t === "WSS") return connectWs({ ...common, transport: t, path: target.path }, this.connUser);
    return Promise.reject(new TransportError(`unsupported transport ${target.transport}`));
  }

  private adopt(conn: SipConnection, key = remoteKey(conn.transport, conn.remote.host, conn.remote.port)): void {
    this.flows.set(conn.id, conn);
    this.byRemote.set(key, conn.id);
    this.safeEmit("flow-open", { flow: conn.id, target: targetOf(conn) });
  }

  private forget(conn: SipConnection): void {
    this.flows.delete(conn.id);
    for (const [k, id] of this.byRemote) if (id === conn.id) this.byRemote.delete(k);
  }

  private onClose(conn: SipConnection, error: Error | undefined): void {
    const known = this.flows.has(conn.id);
    this.forget(conn);
    if (known && error) this.safeEmit("flow-failure", { flow: conn.id, target: targetOf(conn), error });
  }

  private onDatagram(data: Buffer, from: { host: string; port: number }): void {
    const source: SipTarget = { transport: "UDP", host: from.host, port: from.port };
    // RFC 5626 §4.4.1 over UDP uses STUN, not CRLF; stray CRLFs are ignored (§7.5).
    if (data.every((b) => b === 13 || b === 10)) return;
    const reply: Reply = (text) => {
      this.trace.out(text, source);
      void this.udp?.send(Buffer.from(text), from.host, from.port).catch(() => undefined);
    };
    this.deliver(data, source, reply, () => undefined);
  }

  private onData(conn: SipConnection, data: Uint8Array): void {
    const source = targetOf(conn);
    const reply: Reply = (text) => {
      this.trace.out(text, source);
      void conn.send(Buffer.from(text)).catch(() => undefined);
    };
    this.deliver(data, source, reply, () => conn.close());
  }

  /** Bad input never escapes: a throw here (our bug or the owner's) is logged, and the socket lives on. */
  private deliver(data: Uint8Array, source: SipTarget, reply: Reply, closeStream: () => void): void {
    try {
      this.trace.in(data, source);
      const outcome = ingest(data, source, reply, { ours: [this.advertised, this.wsHost], log: this.log, shouldLog: (s) => this.shouldLog(s) });
      if (outcome.kind === "garbage" && this.reliable(source)) closeStream();
      if (outcome.kind === "message") this.options.user.onMessage(outcome.message, source);
    } catch (err) {
      this.log.error("failed to handle a received message", { error: String(err), source: `${source.host}:${source.port}` });
    }
  }

  /** One warning per source address per minute: a flood of garbage is logged once, not once a packet. */
  private shouldLog(source: SipTarget): boolean {
    const now = this.clock.now();
    const last = this.warned.get(source.host);
    if (last !== undefined && now - last < 60_000) return false;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.set(source.host, now);
    return true;
  }

  private safeEmit<K extends keyof TransportEvents>(event: K, payload: TransportEvents[K]): void {
    try {
      this.events.emit(event, payload);
    } catch (err) {
      this.log.error(`a ${event} listener threw`, { error: String(err) });
    }
  }
}

function remoteKey(transport: string, host: string, port: number): string {
  return `${transport.toUpperCase()}|${host.toLowerCase()}|${port}`;
}

function targetOf(conn: SipConnection): SipTarget {
  return { transport: conn.transport, host: conn.remote.host, port: conn.remote.port, flow: conn.id };
}

/**
 * A host others can reach for a wildcard listen address: the first non-internal address of the
 * wildcard's family (for "::", no link-local one: it needs a zone), else that family's loopback.
 * DECISION(protocol.md D37): "0.0.0.0" advertises IPv4, "::" IPv6.
 */
function pickHost(listen: string): string {
  if (listen !== "0.0.0.0" && listen !== "::") return listen;
  const family = listen === "::" ? "IPv6" : "IPv4";
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === family && !a.internal && !a.address.toLowerCase().startsWith("fe80:")) return a.address;
  }
  return family === "IPv6" ? "::1" : "127.0.0.1";
}
