// RFC 3263 §4 (NAPTR -> SRV -> A/AAAA, §4.1 transport, §4.2 port and address), RFC 2782 (SRV order
// and weights), RFC 7118 §9 (SIP+D2W / SIPS+D2W). DNS sits behind an injectable interface.
import * as dns from "node:dns/promises";
import { isIP } from "node:net";
import type { SipUri } from "../message/types.js";
import { defaultPort, type SipTarget, type TransportName } from "./types.js";

export type NaptrRecord = { order: number; preference: number; flags: string; service: string; regexp: string; replacement: string };
export type SrvRecord = { priority: number; weight: number; port: number; name: string };

/** The DNS queries RFC 3263 needs. A failed or empty lookup rejects or resolves []: both mean "none". */
export interface SipResolver {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  a(name: string): Promise<string[]>;
  aaaa(name: string): Promise<string[]>;
}

/** Skips DNS: every request goes to this address (an outbound proxy given as an address). */
export type StaticRoute = { host: string; port: number; transport: TransportName };

export type ResolveOptions = {
  resolver: SipResolver;
  /** Transports we may use, in our order of preference (default UDP, TCP, TLS, WS, WSS). */
  supported?: readonly TransportName[];
  override?: StaticRoute;
  /** Random numbers in [0, 1) for RFC 2782 weights (Math.random by default). */
  random?: () => number;
};

const SERVICES: Record<string, TransportName> = {
  "SIP+D2U": "UDP",
  "SIP+D2T": "TCP",
  "SIPS+D2T": "TLS",
  "SIP+D2W": "WS",
  "SIPS+D2W": "WSS",
};

/** RFC 3263 §4.1 SRV prefixes; `_ws` per RFC 7118 §9's NAPTR services (no SRV label is registered for them). */
const SRV_PREFIX: Record<TransportName, string> = {
  UDP: "_sip._udp.",
  TCP: "_sip._tcp.",
  TLS: "_sips._tcp.",
  WS: "_sip._ws.",
  WSS: "_sips._ws.",
};

const ALL: readonly TransportName[] = ["UDP", "TCP", "TLS", "WS", "WSS"];

/** Candidate targets for a URI, best first: hosts are IP addresses, `servername` is the name to verify for TLS. */
export async function resolveSipTargets(uri: SipUri, options: ResolveOptions): Promise<SipTarget[]> {
  if (options.override) return [{ ...options.override, servername: uri.host || options.override.host }];
  const supported = allowed(uri, options.supported ?? ALL);
  const host = uri.host;
  const named = uriTransport(uri, supported);
  // RFC 3263 §4.1 / §4.2: a numeric host or an explicit port skips NAPTR and SRV.
  if (isIpLiteral(host) || uri.port !== undefined) {
    const transport = named ?? (uri.scheme === "sips" ? "TLS" : "UDP");
    return addresses(options.resolver, host, uri.port ?? defaultPort(transport), transport, host);
  }
  const viaSrv = named ? await srvTargets(options, host, [named]) : await naptrTargets(options, host, supported);
  if (viaSrv.length > 0) return viaSrv;
  const fromSrv = named ? [] : await srvTargets(options, host, supported);
  if (fromSrv.length > 0) return fromSrv;
  // §4.1: no NAPTR, no SRV: UDP for sip, TLS for sips (or the transport named); §4.2: A/AAAA, default port.
  const transport = named ?? (uri.scheme === "sips" ? "TLS" : "UDP");
  return addresses(options.resolver, host, defaultPort(transport), transport, host);
}

function allowed(uri: SipUri, supported: readonly TransportName[]): readonly TransportName[] {
  // RFC 3263 §4.1: a SIPS URI is reached over TLS (or WSS) only.
  return uri.scheme === "sips" ? supported.filter((t) => t === "TLS" || t === "WSS") : supported;
}

function uriTransport(uri: SipUri, supported: readonly TransportName[]): TransportName | undefined {
  const p = uri.params.get("transport")?.toUpperCase();
  if (!p) return undefined;
  if (p === "TCP" && uri.scheme === "sips") return "TLS";
  if (p === "WS" && uri.scheme === "sips") return "WSS";
  return (supported as readonly string[]).includes(p) ? (p as TransportName) : undefined;
}

async function naptrTargets(options: ResolveOptions, host: string, supported: readonly TransportName[]): Promise<SipTarget[]> {
  const records = await quiet(options.resolver.naptr(host));
  // §4.1: only "S" records of services we support, by order then preference.
  const usable = records
    .filter((r) => r.flags.toUpperCase() === "S" && supported.includes(SERVICES[r.service.toUpperCase()] as TransportName))
    .sort((x, y) => x.order - y.order || x.preference - y.preference);
  for (const r of usable) {
    const transport = SERVICES[r.service.toUpperCase()] as TransportName;
    const found = await srvRecordTargets(options, r.replacement, transport, host);
    if (found.length > 0) return found;
  }
  return [];
}

async function srvTargets(options: ResolveOptions, host: string, transports: readonly TransportName[]): Promise<SipTarget[]> {
  for (const transport of transports) {
    const found = await srvRecordTargets(options, SRV_PREFIX[transport] + host, transport, host);
    if (found.length > 0) return found;
  }
  return [];
}

async function srvRecordTargets(options: ResolveOptions, name: string, transport: TransportName, domain: string): Promise<SipTarget[]> {
  const records = orderSrv(await quiet(options.resolver.srv(name)), options.random ?? Math.random);
  const out: SipTarget[] = [];
  for (const r of records) out.push(...(await addresses(options.resolver, r.name, r.port, transport, domain)));
  return out;
}

/** RFC 2782: lowest priority first; within one priority, a weighted random order (weight 0 rarely first). */
export function orderSrv(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: SrvRecord[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
    // RFC 2782: zero-weight records first in the list, so that they get a small chance.
    const left = [...byPriority.get(p)!].sort((a, b) => (a.weight === 0 ? -1 : 0) - (b.weight === 0 ? -1 : 0));
    while (left.length > 0) {
      const total = left.reduce((s, r) => s + r.weight, 0);
      const pick = random() * (total + 1);
      let sum = 0;
      let i = left.findIndex((r) => (sum += r.weight) >= pick);
      if (i < 0) i = left.length - 1;
      out.push(left.splice(i, 1)[0]!);
    }
  }
  return out;
}

async function addresses(resolver: SipResolver, host: string, port: number, transport: TransportName, domain: string): Promise<SipTarget[]> {
  // RFC 5922 §7.2: the certificate names the SIP domain; an IP literal has no name to check.
  const named = (t: SipTarget): SipTarget => (isIpLiteral(domain) ? t : { ...t, servername: domain });
  if (isIpLiteral(host)) return [named({ transport, host: bare(host), port })];
  const v4 = await quiet(resolver.a(host));
  const v6 = v4.length > 0 ? [] : await quiet(resolver.aaaa(host));
  return [...v4, ...v6].map((ip) => named({ transport, host: ip, port }));
}

function isIpLiteral(host: string): boolean {
  return isIP(bare(host)) !== 0;
}

function bare(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

async function quiet<T>(p: Promise<T[]>): Promise<T[]> {
  try {
    return await p;
  } catch {
    return []; // RFC 3263 §4: a failed lookup is treated as "no records" and the next step is tried
  }
}

/** The resolver over node:dns/promises (the system's servers). */
export const systemResolver: SipResolver = {
  naptr: (n) => dns.resolveNaptr(n),
  srv: (n) => dns.resolveSrv(n),
  a: (n) => dns.resolve4(n),
  aaaa: (n) => dns.resolve6(n),
};
