// Sockets for @xmpp/connection: TCP (RFC 6120 §3), TLS with our trust anchors
// and the XMPP domain as reference identity (RFC 6120 §13.7.2, RFC 6125), and
// WebSocket (RFC 7395) on the `ws` package (Node 20 has no global WebSocket).
import { EventEmitter } from "node:events";
import net from "node:net";
import tls from "node:tls";
import { WebSocket, type ClientOptions } from "ws";
import { sharedSecureContext } from "../../util/tls-context.js";

export type TlsTrust = { domain: string; ca?: readonly string[] };

/**
 * Node's roots plus the caller's PEM certificates ("added to trust", not
 * replacing it), as one secure context shared by every connection with the
 * same CAs (util/tls-context.ts); no option at all without extra CAs.
 */
export function trustOptions(ca: readonly string[] | undefined): { secureContext?: tls.SecureContext } {
  const secureContext = sharedSecureContext(ca);
  return secureContext ? { secureContext } : {};
}

/** @xmpp/connection waits for "close" after end(): say it at once when there is nothing left to close. */
function closedAlready(socket: EventEmitter): void {
  setImmediate(() => socket.emit("close", false));
}

/** What TCP and TLS share: relaying the raw socket's events, writing, closing. */
abstract class StreamSocket<S extends net.Socket> extends EventEmitter {
  raw: S | undefined;

  /** Adopts `raw`; `connected` is the event that means the stream is ready. */
  protected adopt(raw: S, connected: "connect" | "secureConnect"): void {
    // Stanzas are small and interactive: Nagle + delayed ACK would add ~40 ms per round trip.
    raw.setNoDelay(true);
    this.raw = raw;
    raw.on(connected, () => this.emit("connect"));
    raw.on("data", (d: Buffer) => this.emit("data", d));
    raw.on("error", (e) => this.emit("error", e));
    raw.on("close", (hadError: boolean) => this.emit("close", hadError));
  }

  write(data: string, fn?: (err?: Error | null) => void): void {
    if (!this.raw) return fn?.(new Error("socket closed"));
    this.raw.write(data, fn);
  }

  end(): void {
    if (this.raw && !this.raw.destroyed) this.raw.end();
    else closedAlready(this);
  }

  /** Abrupt close, as a network failure (no stream close: XEP-0198 can resume). */
  destroy(): void {
    this.raw?.destroy();
  }
}

/** Emits connect / data / close / error like @xmpp's sockets; not a net.Socket (see starttls.ts). */
export class TcpSocket extends StreamSocket<net.Socket> {
  readonly secure = false;

  connect(params: { host: string; port: number | null }): void {
    this.adopt(net.connect({ host: params.host, port: params.port ?? 5222 }), "connect");
  }

  /** Hands the raw socket over (to TLS) and stops relaying its events. */
  release(): net.Socket | undefined {
    const raw = this.raw;
    raw?.removeAllListeners("connect");
    raw?.removeAllListeners("data");
    raw?.removeAllListeners("close");
    raw?.removeAllListeners("error");
    this.raw = undefined;
    return raw;
  }
}

export class TlsSocket extends StreamSocket<tls.TLSSocket> {
  readonly secure = true;
  constructor(private readonly trust: TlsTrust) {
    super();
  }

  /** Direct TLS (XEP-0368) with `{ host, port }`, or STARTTLS over an existing `{ socket }`. */
  connect(params: { host?: string; port?: number; socket?: net.Socket }): void {
    const { domain } = this.trust;
    const raw = tls.connect({
      ...params,
      servername: domain,
      ...trustOptions(this.trust.ca),
      // RFC 6120 §13.7.2.1: the reference identity is the XMPP domain, not the host we dialled.
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(domain, cert),
    });
    this.adopt(raw, "secureConnect");
  }
}

export class WsSocket extends EventEmitter {
  secure = false;
  private ws: WebSocket | undefined;
  constructor(private readonly trust: TlsTrust) {
    super();
  }

  connect(url: string): void {
    this.secure = url.startsWith("wss:");
    // `servername` is passed through to tls.connect (RFC 6125 reference identity = XMPP domain).
    const options = { ...trustOptions(this.trust.ca), ...(this.secure ? { servername: this.trust.domain } : {}) } as ClientOptions;
    const ws = new WebSocket(url, ["xmpp"], options);
    this.ws = ws;
    ws.on("open", () => this.emit("connect"));
    ws.on("message", (data: Buffer | string) => this.emit("data", data.toString()));
    ws.on("error", (e) => this.emit("error", e));
    ws.on("close", (code: number) => {
      this.ws = undefined;
      this.emit("close", code !== 1000);
    });
  }

  write(data: string, fn?: (err?: Error | null) => void): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return fn?.(new Error("socket closed"));
    this.ws.send(data, (err) => fn?.(err ?? null));
  }

  end(): void {
    if (this.ws) this.ws.close();
    else closedAlready(this);
  }

  destroy(): void {
    this.ws?.terminate();
  }
}
