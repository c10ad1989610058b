// RFC 6120 §3.2.1 and XEP-0368 §3: where to connect when no service is
// configured. SRV records for _xmpps-client._tcp (direct TLS) and
// _xmpp-client._tcp (STARTTLS) are merged by priority, direct TLS first on a
// tie, weighted within a priority (RFC 2782); without records, the domain on
// port 5222 (RFC 6120 §3.2.2 fallback).
import { connect } from "node:net";
import { Resolver } from "node:dns/promises";

export type SrvRecord = { name: string; port: number; priority: number; weight: number };

/** The DNS look-up, injectable for tests. */
export interface SrvResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
}

export type Candidate = { service: string; priority: number; weight: number; directTls: boolean };

async function lookup(resolver: SrvResolver, name: string): Promise<SrvRecord[]> {
  try {
    return await resolver.resolveSrv(name);
  } catch {
    // ENOTFOUND / ENODATA / SERVFAIL: no usable records under this name.
    return [];
  }
}

/** RFC 2782: within one priority, pick by weight (random draws from `random`). */
function weightedOrder(group: Candidate[], random: () => number): Candidate[] {
  const left = [...group];
  const out: Candidate[] = [];
  while (left.length > 0) {
    const total = left.reduce((s, c) => s + c.weight, 0);
    let draw = random() * total;
    let idx = left.findIndex((c) => (draw -= c.weight) < 0);
    if (idx < 0 || total === 0) idx = 0;
    out.push(left.splice(idx, 1)[0]!);
  }
  return out;
}

export async function resolveXmppServices(
  domain: string,
  options: { resolver?: SrvResolver; random?: () => number } = {},
): Promise<string[]> {
  const resolver = options.resolver ?? new Resolver();
  const random = options.random ?? Math.random;
  const [tls, starttls] = await Promise.all([
    lookup(resolver, `_xmpps-client._tcp.${domain}`),
    lookup(resolver, `_xmpp-client._tcp.${domain}`),
  ]);
  const all: Candidate[] = [
    ...tls.map((r) => ({ service: `xmpps://${r.name}:${r.port}`, priority: r.priority, weight: r.weight, directTls: true, target: r.name })),
    ...starttls.map((r) => ({ service: `xmpp://${r.name}:${r.port}`, priority: r.priority, weight: r.weight, directTls: false, target: r.name })),
  ].filter((c) => c.target !== "." && c.target !== ""); // RFC 2782: "." means the service is decidedly not available
  if (all.length === 0) {
    // A lone "." answer means no XMPP service at all; no answer means try the domain itself.
    const refused = [...tls, ...starttls].some((r) => r.name === "." || r.name === "");
    return refused ? [] : [`xmpp://${domain}:5222`];
  }
  const priorities = [...new Set(all.map((c) => c.priority))].sort((a, b) => a - b);
  return priorities.flatMap((p) => {
    const group = all.filter((c) => c.priority === p);
    // XEP-0368 §3.1: on equal priority prefer direct TLS.
    return [...weightedOrder(group.filter((c) => c.directTls), random), ...weightedOrder(group.filter((c) => !c.directTls), random)];
  }).map((c) => c.service);
}

/** The first candidate whose host accepts a TCP connection, tried in order. */
export async function firstReachable(services: string[], timeoutMs = 10_000): Promise<string | undefined> {
  for (const service of services) {
    const url = new URL(service);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: url.hostname, port: Number(url.port) });
      const done = (v: boolean) => {
        clearTimeout(t);
        s.destroy();
        resolve(v);
      };
      const t = setTimeout(() => done(false), timeoutMs);
      s.once("connect", () => done(true)).once("error", () => done(false));
    });
    if (ok) return service;
  }
  return undefined;
}
