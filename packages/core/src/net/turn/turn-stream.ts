// RFC 8656 §3.1 (TCP and TLS between client and TURN server; the relayed leg
// stays UDP), RFC 8489 §6.2.2 (reliable transport: a request is sent once and
// times out after Ti = 39.5 s), RFC 8656 §12.5 (ChannelData padded over a
// stream), RFC 6125 (the server's certificate checked against its name).
// One connection to one server; it looks like a UdpDemux to TurnAllocation.
import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { Clock } from "../../util/clock.js";
import { TransportError } from "../../util/errors.js";
import { Emitter } from "../../util/events.js";
import { StunTransactions, type StunPeer } from "../stun/stun-transaction.js";
import type { DemuxEvents } from "../udp-demux.js";
import { TurnStreamFramer } from "./stream-framing.js";

export type TurnStreamTransport = "tcp" | "tls";

export type TurnStreamOptions = {
  transport: TurnStreamTransport;
  server: StunPeer;
  clock: Clock;
  /** TLS: the name the certificate must carry (default: the server's address). */
  servername?: string;
  /** TLS: trusted CA certificates as PEM (the system's when absent). */
  ca?: string[];
  connectTimeoutMs?: number;
  signal?: AbortSignal;
};

export type TurnStreamEvents = DemuxEvents & {
  /** The connection ended without our asking: the allocation on it is gone (RFC 8656 §3.1). */
  closed: { error: Error };
};

/** RFC 8489 §6.2.2: Ti, the one wait of a request over a reliable transport. */
const RELIABLE_TIMEOUT_MS = 39_500;

/** What TurnAllocation needs of the path to its server: UdpDemux and TurnStream both fit. */
export interface TurnLink {
  readonly events: Pick<Emitter<DemuxEvents>, "on">;
  readonly transactions: StunTransactions;
  send(bytes: Uint8Array, to: StunPeer): void;
}

export class TurnStream implements TurnLink {
  readonly events = new Emitter<TurnStreamEvents>();
  readonly transactions: StunTransactions;
  private readonly framer = new TurnStreamFramer();
  private closing = false;
  /** Why the connection ended, when the server or the network ended it. */
  lastError: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly transport: TurnStreamTransport,
    private readonly server: StunPeer,
    clock: Clock,
  ) {
    this.transactions = new StunTransactions((bytes) => this.write(bytes), clock, { rc: 1, rtoMs: RELIABLE_TIMEOUT_MS, rm: 1 });
    let failure: Error | undefined;
    socket.on("data", (chunk: Buffer) => this.onChunk(new Uint8Array(chunk)));
    socket.on("error", (err) => (failure ??= new TransportError(`${this.label()} connection error: ${err.message}`, { cause: err })));
    socket.on("close", () => {
      if (!this.closing) {
        this.lastError = failure ?? new TransportError(`${this.label()} closed the connection`);
        this.events.emit("closed", { error: this.lastError });
      }
      this.transactions.close();
    });
  }

  /** Connects (and for TLS, completes the handshake); rejects with a TransportError that says why. */
  static connect(o: TurnStreamOptions): Promise<TurnStream> {
    const what = `TURN server ${o.server.address}:${o.server.port} over ${o.transport.toUpperCase()}`;
    return new Promise((resolve, reject) => {
      const socket = openSocket(o);
      const timer = o.clock.setTimeout(() => socket.destroy(new Error(`no connection within ${o.connectTimeoutMs ?? 10_000} ms`)), o.connectTimeoutMs ?? 10_000);
      const onAbort = () => socket.destroy(new Error("aborted"));
      o.signal?.addEventListener("abort", onAbort, { once: true });
      const fail = (err: Error) => {
        o.clock.clearTimeout(timer);
        o.signal?.removeEventListener("abort", onAbort);
        reject(new TransportError(`${what} unreachable: ${describe(err, o.transport)}`, { cause: err }));
      };
      socket.once("error", fail);
      socket.once(o.transport === "tls" ? "secureConnect" : "connect", () => {
        o.clock.clearTimeout(timer);
        o.signal?.removeEventListener("abort", onAbort);
        socket.off("error", fail);
        socket.setNoDelay(true);
        resolve(new TurnStream(socket, o.transport, o.server, o.clock));
      });
    });
  }

  private label(): string {
    return `TURN server ${this.server.address}:${this.server.port} (${this.transport.toUpperCase()})`;
  }

  /** Writes one STUN message or ChannelData frame (already padded) to the server; `to` is always the server. */
  send(bytes: Uint8Array): void {
    this.write(bytes);
  }

  private write(bytes: Uint8Array): void {
    if (this.socket.writable) this.socket.write(bytes);
  }

  private onChunk(chunk: Uint8Array): void {
    for (const f of this.framer.push(chunk)) {
      if (f.kind === "error") {
        this.socket.destroy(new Error(`bad framing from the server (${f.reason})`));
        return;
      }
      if (f.kind === "channel") {
        this.events.emit("datagram", { bytes: f.bytes, from: this.server, kind: "turn-channel" });
        continue;
      }
      const unsolicited = this.transactions.receive(f.bytes);
      if (unsolicited) this.events.emit("stun", { stun: unsolicited, from: this.server });
    }
  }

  close(): void {
    this.closing = true;
    this.transactions.close();
    this.socket.end();
    this.socket.destroySoon();
  }
}

function openSocket(o: TurnStreamOptions): Socket {
  const { address: host, port } = o.server;
  if (o.transport === "tcp") return netConnect({ host, port });
  // RFC 6066 §3: SNI carries names only; an IP address is checked against the certificate as it is.
  const servername = o.servername ?? (isIP(host) ? undefined : host);
  return tlsConnect({ host, port, ...(servername && { servername }), ...(o.ca && { ca: o.ca }), rejectUnauthorized: true });
}

/** Node's error text, with a hint for the TLS failures people meet (unknown CA, wrong name). */
function describe(err: Error & { code?: string }, transport: TurnStreamTransport): string {
  if (transport !== "tls") return err.message;
  const code = err.code ?? "";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `TLS certificate does not name the server (${err.message})`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS certificate not trusted (${err.message}); configure the server's CA`;
  return err.message;
}
