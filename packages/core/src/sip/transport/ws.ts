// RFC 7118 (SIP over WebSocket) on the `ws` package: the "sip" subprotocol (§4.1), one SIP message per
// frame (§5.1), ws:// and wss:// with the certificate checked (RFC 6455 §4.1 / RFC 5922 §7.2).
import WebSocket from "ws";
import { TransportError } from "../../util/errors.js";
import { newFlowId } from "./stream.js";
import type { ConnectionUser, SipConnection } from "./types.js";

export type WsConnectOptions = {
  transport: "WS" | "WSS";
  host: string;
  port: number;
  path?: string;
  servername?: string;
  ca?: string[];
  verify?: boolean;
  timeoutMs?: number;
};

export class WsConnection implements SipConnection {
  readonly id: string;
  private closing = false;
  private failure: Error | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly transport: "WS" | "WSS",
    readonly remote: { host: string; port: number },
    readonly local: { host: string; port: number },
    private readonly user: ConnectionUser,
  ) {
    this.id = newFlowId(transport);
    ws.on("message", (data: WebSocket.RawData) => this.onFrame(toBytes(data)));
    ws.on("pong", () => this.user.onPong(this));
    ws.on("error", (err) => {
      this.failure ??= new TransportError(`${transport} error: ${err.message}`, { cause: err });
    });
    ws.on("close", (code) => this.user.onClose(this, this.closing ? undefined : (this.failure ?? new TransportError(`${transport} closed by peer (${code})`))));
  }


  send(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState !== WebSocket.OPEN) {
        reject(new TransportError(`${this.transport} connection ${this.id} is not open`));
        return;
      }
      // RFC 7118 §5.1: text frames for UTF-8 messages; we send every message as text (SIP heads are UTF-8).
      this.ws.send(Buffer.from(data).toString("utf8"), (err) => (err ? reject(new TransportError(`${this.transport} send failed: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  /**
   * RFC 5626 §4.4.1 CRLF ping in a text frame (what browsers can send, and Kamailio answers with a
   * "\r\n" frame). A WebSocket pong frame (RFC 6455 §5.5.3) also counts as a pong.
   */
  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send("\r\n\r\n");
  }

  close(): void {
    this.closing = true;
    this.ws.close(1000);
  }

  private onFrame(data: Uint8Array): void {
    // A frame of CRLFs only is a keep-alive (RFC 5626 §4.4.1 style): "\r\n\r\n" ping, "\r\n" pong.
    if (data.length > 0 && data.every((b) => b === 13 || b === 10)) {
      if (data.length >= 4) this.ws.send("\r\n");
      else this.user.onPong(this);
      return;
    }
    this.user.onData(this, data);
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** Opens ws:// or wss:// with the "sip" subprotocol; fails if the server does not agree to it (RFC 7118 §4.1). */
export function connectWs(o: WsConnectOptions, user: ConnectionUser): Promise<WsConnection> {
  const scheme = o.transport === "WSS" ? "wss" : "ws";
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  const url = `${scheme}://${host}:${o.port}${o.path ?? "/"}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, "sip", {
      handshakeTimeout: o.timeoutMs ?? 10_000,
      maxPayload: 65536,
      perMessageDeflate: false,
      ...(o.transport === "WSS" ? { ca: o.ca, servername: o.servername, rejectUnauthorized: o.verify ?? true } : {}),
    });
    const fail = (err: Error) => reject(new TransportError(`${o.transport} connect to ${url} failed: ${err.message}`, { cause: err }));
    let local = { host: "", port: 0 };
    ws.once("upgrade", (res) => (local = { host: res.socket.localAddress ?? "", port: res.socket.localPort ?? 0 }));
    ws.once("error", fail);
    ws.once("open", () => {
      ws.off("error", fail);
      if (ws.protocol !== "sip") {
        ws.terminate();
        reject(new TransportError(`${url} did not accept the "sip" subprotocol`));
        return;
      }
      resolve(new WsConnection(ws, o.transport, { host: o.host, port: o.port }, local, user));
    });
  });
}
