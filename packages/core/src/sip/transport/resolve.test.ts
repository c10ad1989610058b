// RFC 3263 §4.1 / §4.2 and RFC 2782 with a fake resolver: no network.
import { describe, expect, it } from "vitest";
import { parseSipUri } from "../message/index.js";
import { orderSrv, resolveSipTargets, type NaptrRecord, type SipResolver, type SrvRecord } from "./resolve.js";

type Zone = { naptr?: Record<string, NaptrRecord[]>; srv?: Record<string, SrvRecord[]>; a?: Record<string, string[]>; aaaa?: Record<string, string[]> };

function fake(zone: Zone): SipResolver & { asked: string[] } {
  const asked: string[] = [];
  const get = <T>(table: Record<string, T[]> | undefined, kind: string, n: string) => {
    asked.push(`${kind} ${n}`);
    const v = table?.[n];
    return v ? Promise.resolve(v) : Promise.reject(new Error("ENOTFOUND"));
  };
  return {
    asked,
    naptr: (n) => get(zone.naptr, "NAPTR", n),
    srv: (n) => get(zone.srv, "SRV", n),
    a: (n) => get(zone.a, "A", n),
    aaaa: (n) => get(zone.aaaa, "AAAA", n),
  };
}

const naptr = (order: number, preference: number, service: string, replacement: string): NaptrRecord => ({ order, preference, flags: "s", service, regexp: "", replacement });

describe("resolveSipTargets", () => {
  it("follows NAPTR order then preference, then SRV, then A", async () => {
    const r = fake({
      naptr: { "example.test": [naptr(20, 10, "SIP+D2U", "_sip._udp.example.test"), naptr(10, 20, "SIP+D2T", "_sip._tcp.example.test"), naptr(10, 10, "SIPS+D2T", "_sips._tcp.example.test")] },
      srv: { "_sips._tcp.example.test": [{ priority: 1, weight: 0, port: 5061, name: "tls.example.test" }] },
      a: { "tls.example.test": ["192.0.2.5"] },
    });
    const t = await resolveSipTargets(parseSipUri("sip:example.test"), { resolver: r });
    expect(t).toEqual([{ transport: "TLS", host: "192.0.2.5", port: 5061, servername: "example.test" }]);
  });

  it("skips NAPTR services we do not support and falls to the next record when SRV is empty", async () => {
    const r = fake({
      naptr: { "example.test": [naptr(10, 10, "SIP+D2S", "_sip._sctp.example.test"), naptr(10, 20, "SIP+D2T", "_sip._tcp.example.test"), naptr(10, 30, "SIP+D2U", "_sip._udp.example.test")] },
      srv: { "_sip._udp.example.test": [{ priority: 1, weight: 1, port: 5070, name: "udp.example.test" }] },
      a: { "udp.example.test": ["192.0.2.7"] },
    });
    const t = await resolveSipTargets(parseSipUri("sip:example.test"), { resolver: r });
    expect(t).toEqual([{ transport: "UDP", host: "192.0.2.7", port: 5070, servername: "example.test" }]);
    expect(r.asked).not.toContain("SRV _sip._sctp.example.test");
  });

  it("without NAPTR, tries SRV per supported transport in our order", async () => {
    const r = fake({ srv: { "_sip._tcp.example.test": [{ priority: 1, weight: 1, port: 5080, name: "p.example.test" }] }, a: { "p.example.test": ["192.0.2.8"] } });
    const t = await resolveSipTargets(parseSipUri("sip:example.test"), { resolver: r, supported: ["TCP", "UDP"] });
    expect(t).toEqual([{ transport: "TCP", host: "192.0.2.8", port: 5080, servername: "example.test" }]);
  });

  it("without NAPTR or SRV, uses A records, UDP and 5060 (TLS and 5061 for sips)", async () => {
    const r = fake({ a: { "example.test": ["192.0.2.9"] } });
    expect(await resolveSipTargets(parseSipUri("sip:example.test"), { resolver: r })).toEqual([{ transport: "UDP", host: "192.0.2.9", port: 5060, servername: "example.test" }]);
    expect(await resolveSipTargets(parseSipUri("sips:example.test"), { resolver: r })).toEqual([{ transport: "TLS", host: "192.0.2.9", port: 5061, servername: "example.test" }]);
  });

  it("falls back to AAAA when there is no A record", async () => {
    const r = fake({ aaaa: { "example.test": ["2001:db8::1"] } });
    expect(await resolveSipTargets(parseSipUri("sip:example.test;transport=tcp"), { resolver: r })).toEqual([{ transport: "TCP", host: "2001:db8::1", port: 5060, servername: "example.test" }]);
  });

  it("a transport parameter skips NAPTR and goes to that transport's SRV", async () => {
    const r = fake({ srv: { "_sip._tcp.example.test": [{ priority: 1, weight: 1, port: 5090, name: "t.example.test" }] }, a: { "t.example.test": ["192.0.2.10"] } });
    const t = await resolveSipTargets(parseSipUri("sip:example.test;transport=tcp"), { resolver: r });
    expect(t[0]).toMatchObject({ transport: "TCP", port: 5090 });
    expect(r.asked.some((q) => q.startsWith("NAPTR"))).toBe(false);
  });

  it("an explicit port or an IP literal skips NAPTR and SRV", async () => {
    const r = fake({ a: { "example.test": ["192.0.2.11"] } });
    expect(await resolveSipTargets(parseSipUri("sip:example.test:5999"), { resolver: r })).toEqual([{ transport: "UDP", host: "192.0.2.11", port: 5999, servername: "example.test" }]);
    expect(await resolveSipTargets(parseSipUri("sip:[2001:db8::2];transport=tls"), { resolver: r })).toEqual([{ transport: "TLS", host: "2001:db8::2", port: 5061 }]);
    expect(r.asked).toEqual(["A example.test"]);
  });

  it("a static override skips DNS entirely", async () => {
    const r = fake({});
    const t = await resolveSipTargets(parseSipUri("sip:example.test"), { resolver: r, override: { host: "127.0.0.1", port: 5555, transport: "WS" } });
    expect(t).toEqual([{ host: "127.0.0.1", port: 5555, transport: "WS", servername: "example.test" }]);
    expect(r.asked).toEqual([]);
  });

  it("resolves nothing when nothing exists", async () => {
    expect(await resolveSipTargets(parseSipUri("sip:nowhere.test"), { resolver: fake({}) })).toEqual([]);
  });
});

describe("orderSrv (RFC 2782)", () => {
  const recs: SrvRecord[] = [
    { priority: 20, weight: 0, port: 1, name: "backup" },
    { priority: 10, weight: 60, port: 2, name: "big" },
    { priority: 10, weight: 40, port: 3, name: "small" },
  ];

  it("puts lower priority first whatever the weights", () => {
    expect(orderSrv(recs, () => 0.99).map((r) => r.name).at(-1)).toBe("backup");
  });

  it("picks by weight within a priority", () => {
    // sum 100 (+1): a low draw lands in the first by running sum, a high one in the second.
    expect(orderSrv(recs, () => 0.1)[0]!.name).toBe("big");
    expect(orderSrv(recs, () => 0.9)[0]!.name).toBe("small");
  });

  it("spreads picks roughly by weight", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let big = 0;
    for (let i = 0; i < 2000; i++) if (orderSrv(recs, rnd)[0]!.name === "big") big++;
    expect(big / 2000).toBeGreaterThan(0.5);
    expect(big / 2000).toBeLessThan(0.7);
  });
});
