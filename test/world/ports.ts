// Free loopback ports for the test world: every port is asked from the kernel
// (bound to 0), checked free on both TCP and UDP, and never handed out twice by
// this process. Different worlds (even in parallel test workers) therefore get
// different ports.
import { createServer } from "node:net";
import { createSocket } from "node:dgram";

const given = new Set<number>();
export const LOOPBACK = "127.0.0.1";

function tcpPort(port = 0): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(undefined));
    srv.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      const addr = srv.address();
      const p = typeof addr === "object" && addr ? addr.port : undefined;
      srv.close(() => resolve(p));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket("udp4");
    sock.once("error", () => resolve(false));
    sock.bind({ port, address: LOOPBACK, exclusive: true }, () => sock.close(() => resolve(true)));
  });
}

/** One port free on TCP and UDP at 127.0.0.1. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await tcpPort();
    if (p === undefined || given.has(p)) continue;
    if (!(await udpFree(p))) continue;
    given.add(p);
    return p;
  }
  throw new Error("no free loopback port after 50 attempts");
}

export async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await freePort());
  return out;
}

/**
 * `count` consecutive ports starting at an even number, free on UDP (RTP
 * needs pairs) and, with `tcp`, on TCP too (baresip listens for TLS on its
 * SIP port + 1).
 */
export async function freePortRange(count: number, { tcp = false } = {}): Promise<[number, number]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + 2 * Math.floor(Math.random() * 10000);
    const range = Array.from({ length: count }, (_, i) => base + i);
    if (range.some((p) => given.has(p))) continue;
    const ok = await Promise.all(range.map(async (p) => (await udpFree(p)) && (!tcp || (await tcpPort(p)) === p)));
    if (ok.every(Boolean)) {
      range.forEach((p) => given.add(p));
      return [base, base + count - 1];
    }
  }
  throw new Error(`no free range of ${count} UDP ports`);
}
