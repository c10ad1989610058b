// RFC 3261 §18 over TCP and TLS (node:net, node:tls): one connection, framed per §18.3, with RFC 5626
// §3.5.1 / §4.4.1 CRLF keep-alives; RFC 5922 §7 (certificate checked against the SIP domain).
import { connect as netConnect, createServer, type Server, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { TransportError } from "../../util/errors.js";
import { CRLF_PING, CRLF_PONG, StreamFramer } from "./framing.js";
import { rawStatelessReply } from "./reply.js";
import type { ConnectionUser, SipConnection, TransportName } from "./types.js";

let counter = 0;
/** A flow token: unique per process, no meaning outside it. */
export function newFlowId(transport: string): string {
  counter += 1;
  return `${transport.toLowerCase()}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export class StreamConnection implements SipConnection {
  readonly id: string;
  private readonly framer: StreamFramer;
  private closing = false;
  private failure: Error | undefined;

  constructor(
    private readonly socket: Socket,
    readonly transport: "TCP" | "TLS",
    side: "client" | "server",
    private readonly user: ConnectionUser,
  ) {
    this.id = newFlowId(transport);
    this.framer = new StreamFramer({ side });
    socket.on("data", (chunk: Buffer) => this.onChunk(chunk));
    socket.on("error", (err) => {
      this.failure ??= new TransportError(`${transport} connection error: ${err.message}`, { cause: err });
    });
    socket.on("close", () => this.user.onClose(this, this.closing ? undefined : (this.failure ?? new TransportError(`${transport} connection closed by peer`))));
  }

  get remote(): { host: string; port: number } {
    return { host: this.socket.remoteAddress ?? "", port: this.socket.remotePort ?? 0 };
  }

  get local(): { host: string; port: number } {
    return { host: this.socket.localAddress ?? "", port: this.socket.localPort ?? 0 };
  }

  send(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed || !this.socket.writable) {
        reject(new TransportError(`${this.transport} connection ${this.id} is closed`));
        return;
      }
      this.socket.write(data, (err) => (err ? reject(new TransportError(`${this.transport} write failed: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  ping(): void {
    if (this.socket.writable) this.socket.write(CRLF_PING);
  }

  close(): void {
    this.closing = true;
    this.socket.end();
    this.socket.destroySoon();
  }

  private onChunk(chunk: Buffer): void {
    for (const ev of this.framer.push(chunk)) {
      if (ev.kind === "message") this.user.onData(this, ev.data);
      else if (ev.kind === "ping") this.socket.write(CRLF_PONG); // RFC 5626 §3.5.1
      else if (ev.kind === "pong") this.user.onPong(this);
      else {
        // Garbage on a stream: answer where we can (§21.5.7, §21.4.1), then close the connection.
        const reply = rawStatelessReply(ev.head, ev.status, ev.reason);
        this.failure = new TransportError(`${this.transport} stream from ${this.remote.host}:${this.remote.port}: ${ev.reason}`);
        if (reply) this.socket.end(reply);
        else this.socket.end();
        this.socket.destroySoon();
      }
    }
  }
}

export type StreamConnectOptions = {
  transport: "TCP" | "TLS";
  host: string;
  port: number;
  /** TLS: the name the certificate must carry (RFC 5922 §7.2). */
  servername?: string;
  /** TLS: trusted CA certificates (PEM); the system's when absent. */
  ca?: string[];
  /** TLS: verify the server certificate (default true). */
  verify?: boolean;
  timeoutMs?: number;
};

/** Opens a TCP or TLS connection; resolves once it is usable (after the TLS handshake). */
export function connectStream(o: StreamConnectOptions, user: ConnectionUser): Promise<StreamConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      o.transport === "TLS"
        ? tlsConnect({
            host: o.host,
            port: o.port,
            servername: o.servername,
            ca: o.ca,
            rejectUnauthorized: o.verify ?? true,
          })
        : netConnect({ host: o.host, port: o.port });
    const timer = setTimeout(() => socket.destroy(new Error("connect timed out")), o.timeoutMs ?? 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(new TransportError(`${o.transport} connect to ${o.host}:${o.port} failed: ${err.message}`, { cause: err }));
    };
    socket.once("error", fail);
    socket.once(o.transport === "TLS" ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.off("error", fail);
      socket.setNoDelay(true);
      resolve(new StreamConnection(socket, o.transport, "client", user));
    });
  });
}

/** Listens for TCP connections (so peers can reach our Contact); each becomes a server-side connection. */
export function listenTcp(host: string, port: number, onConnection: (conn: StreamConnection) => void, user: ConnectionUser): Promise<Server> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    onConnection(new StreamConnection(socket, "TCP", "server", user));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      server.on("error", () => undefined);
      resolve(server);
    });
  });
}

export type StreamTransport = Extract<TransportName, "TCP" | "TLS">;
