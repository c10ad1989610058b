// RFC 3261 §18.1.1 (sent-by), §18.1.2 (responses to us), §18.2.1 (received), §18.2.2 (where responses go);
// RFC 3581 §3-§4 (rport); RFC 7118 §5.2 (a random .invalid sent-by on WebSocket).
import { isIP } from "node:net";
import { serializeVia } from "../message/index.js";
import type { SipRequest, SipResponse, Via } from "../message/types.js";
import { defaultPort, isReliable, type SipTarget } from "./types.js";

/** Our sent-by for one transport. */
export type SentBy = { host: string; port?: number };

/**
 * §18.1.1: the transport writes the top Via of a request it sends: its transport, our sent-by,
 * and a bare `rport` (RFC 3581 §3). The branch and other params stay.
 */
export function stampVia(request: SipRequest, transport: string, sentBy: SentBy): void {
  const vias = request.headers.getAll("via");
  const top = request.headers.via()[0];
  const params = new Map(top?.params ?? []);
  if (!params.has("rport")) params.set("rport", null);
  const via: Via = { protocol: "SIP/2.0", transport: transport.toUpperCase(), host: sentBy.host, params };
  if (sentBy.port !== undefined) via.port = sentBy.port;
  request.headers.set("Via", [serializeVia(via), ...vias.slice(1)]);
}

/**
 * §18.2.1 + RFC 3581 §4: on a request we received, add `received` when sent-by is not the source
 * address, and fill a bare `rport` with the source port (then `received` is added always).
 */
export function markReceived(request: SipRequest, source: { host: string; port: number }): void {
  const vias = request.headers.getAll("via");
  const top = request.headers.via()[0];
  if (!top || vias.length === 0) return;
  const params = new Map(top.params);
  const wantsRport = params.has("rport");
  if (wantsRport) params.set("rport", String(source.port));
  if (wantsRport || !sameHost(top.host, source.host)) params.set("received", bareHost(source.host));
  request.headers.set("Via", [serializeVia({ ...top, params }), ...vias.slice(1)]);
}

/** One IPv6 address written one way: eight groups, no leading zeros, a dotted IPv4 tail as two groups. */
function expandIPv6(a: string): string {
  let text = a;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [b1, b2, b3, b4] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((b1 << 8) | b2).toString(16)}:${((b3 << 8) | b4).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16).toString(16)).join(":");
}

/** RFC 5118 §4.1 / RFC 5952: two hosts are the same when equal as text, or as IPv6 addresses however written. */
export function sameHost(a: string, b: string): boolean {
  const x = bareHost(a);
  const y = bareHost(b);
  if (x === y) return true;
  return isIP(x) === 6 && isIP(y) === 6 && expandIPv6(x) === expandIPv6(y);
}

/** RFC 5118 §4.1: an IPv6 reference "[::1]" as the bare address "::1" (lower case) that sockets take. */
export function bareHost(h: string): string {
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1).toLowerCase() : h.toLowerCase();
}

/**
 * §18.2.2 + RFC 3581 §4: where a response goes when the connection it came on is gone (reliable),
 * or always (unreliable): received:rport, else received:sent-by-port, else sent-by.
 */
export function responseTarget(response: SipResponse, fallback: SipTarget): SipTarget {
  let top: Via | undefined;
  try {
    top = response.headers.via()[0];
  } catch {
    top = undefined; // unreadable Via: answer the source address
  }
  if (!top) return fallback;
  const received = top.params.get("received") ?? undefined;
  const rport = top.params.get("rport");
  const transport = top.transport;
  // DEVIATION(RFC 3261 §18.2.2): maddr (multicast) is not honoured; we answer the source.
  const host = received ?? top.host;
  // RFC 3581 §4: rport is for unreliable transports; over a lost connection §18.2.2 uses sent-by's port.
  const reliable = isReliable(transport);
  const port = rport && !reliable ? Number(rport) : (top.port ?? defaultPort(transport));
  if (!isIP(bareHost(host))) return { ...fallback, flow: fallback.flow };
  const target: SipTarget = { transport, host: bareHost(host), port };
  if (reliable && fallback.flow !== undefined) target.flow = fallback.flow;
  return target;
}

/** §18.1.2: a response whose top Via sent-by is not ours is discarded. */
export function isOurVia(response: SipResponse, ours: readonly string[]): boolean {
  let top: Via | undefined;
  try {
    top = response.headers.via()[0];
  } catch {
    return false;
  }
  if (!top) return false;
  return ours.length === 0 || ours.some((h) => sameHost(h, top.host));
}
