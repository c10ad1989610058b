// RFC 3261 §18, RFC 5626 §3.5 (flows), RFC 7118 (WebSocket): the shapes the transport layer shares.
import type { SipMessage } from "../message/types.js";

/** Transports this layer speaks, as written in Via (RFC 3261 §18, RFC 7118 §5.1). */
export type TransportName = "UDP" | "TCP" | "TLS" | "WS" | "WSS";

/**
 * Where a message goes or came from. The same shape as the transaction layer's
 * `SipTarget` (structural), plus what only the transport reads.
 */
export type SipTarget = {
  transport: string;
  host: string;
  port: number;
  /** An open connection (RFC 5626 flow token) a message must go back on. */
  flow?: string;
  /** TLS / WSS: the name to verify the certificate against (RFC 5922 §7.2); defaults to the layer's domain or the host. */
  servername?: string;
  /** WS / WSS: the HTTP path of the WebSocket URL ("/" when absent). */
  path?: string;
};

/** The owner of the transport layer (the UA core), injected; every method is required. */
export interface TransportUser {
  /** A message that parsed and passed RFC 3261 §18.1.2 / §18.2.1 checks, with where it came from. */
  onMessage(message: SipMessage, source: SipTarget): void;
}

/** RFC 5626 §4.4: what a flow reports upward. */
export type FlowFailure = { flow: string; target: SipTarget; error: Error };

export type TransportEvents = {
  /** A connection closed or failed that we did not close ourselves (RFC 5626 §4.4: the flow failed). */
  "flow-failure": FlowFailure;
  /** RFC 5626 §4.4.1: a CRLF pong (or WebSocket pong) arrived on a flow. */
  pong: { flow: string; target: SipTarget };
  /** A connection opened (outgoing or accepted). */
  "flow-open": { flow: string; target: SipTarget };
};

/** What a stream or WebSocket connection tells its owner (the transport layer). */
export interface ConnectionUser {
  /** One framed SIP message (bytes); the layer parses it. */
  onData(conn: SipConnection, data: Uint8Array): void;
  onPong(conn: SipConnection): void;
  /** Closed; `error` unless we closed it ourselves. */
  onClose(conn: SipConnection, error: Error | undefined): void;
}

/** One reliable connection: TCP, TLS, WS or WSS. */
export interface SipConnection {
  /** The RFC 5626 flow token: unique for the life of the layer. */
  readonly id: string;
  readonly transport: TransportName;
  readonly remote: { host: string; port: number };
  readonly local: { host: string; port: number };
  send(data: Uint8Array): Promise<void>;
  /** RFC 5626 §4.4.1: a CRLF ping (in a text frame on WS). */
  ping(): void;
  close(): void;
}

export function isReliable(transport: string): boolean {
  return transport.toUpperCase() !== "UDP";
}

/** Default ports: RFC 3261 §19.1.2 (5060, 5061 for TLS); WS/WSS per RFC 6455 §3 (80, 443). */
export function defaultPort(transport: string): number {
  const t = transport.toUpperCase();
  if (t === "WS") return 80;
  if (t === "WSS") return 443;
  return t === "TLS" ? 5061 : 5060;
}
