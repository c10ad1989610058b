// RFC 8445 agents against each other on an in-memory network (FakeClock):
// checks, nomination in both roles, role conflict, consent loss (RFC 7675),
// and bad input (wrong integrity, short datagrams) that never stops ICE.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { createLogger, type LogRecord } from "../../util/log.js";
import { attr, xorAddressAttr } from "../stun/stun-attributes.js";
import { parseStun, serializeStun } from "../stun/stun-message.js";
import { StunAttr, StunMethod } from "../stun/stun-types.js";
import { UdpDemux } from "../udp-demux.js";
import { IceAgent } from "./ice-agent.js";
import { gatherComponent } from "./ice-gather.js";
import { checkRequest } from "./ice-stun.js";
import type { RemoteIce } from "./ice-types.js";

type Rinfo = { address: string; port: number };
type Fn = (msg: Buffer, rinfo: Rinfo) => void;

/** Datagrams between fake sockets by address; `drop` loses what matches. */
class FakeNet {
  readonly sockets = new Map<string, Fn>();
  drop: (from: Rinfo, to: Rinfo) => boolean = () => false;
  socket(address: string, port: number) {
    const me = { address, port };
    return {
      on: (_e: "message", fn: Fn) => void this.sockets.set(`${address}:${port}`, fn),
      send: (msg: Uint8Array, toPort: number, toAddress: string) => {
        const to = { address: toAddress, port: toPort };
        if (this.drop(me, to)) return;
        const copy = Buffer.from(msg);
        queueMicrotask(() => this.sockets.get(`${toAddress}:${toPort}`)?.(copy, me));
      },
    };
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

async function run(clock: FakeClock, ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

function logs() {
  const records: LogRecord[] = [];
  return { records, log: createLogger({ sink: (r) => records.push(r), level: "debug" }) };
}

async function agentOn(net: FakeNet, clock: FakeClock, address: string, port: number) {
  const { records, log } = logs();
  const socket = net.socket(address, port);
  const demux = new UdpDemux(socket, clock, { rtoMs: 100, rc: 4, rm: 4 });
  const g = await gatherComponent({ component: 1, demux, local: { address, port } }, { stun: [], turn: [] }, { clock, log });
  const agent = new IceAgent(g.candidates, { clock, log, components: [1], consent: { intervalMs: 1000, timeoutMs: 5000 } });
  const heard: string[] = [];
  g.host.events.on("data", (d) => heard.push(Buffer.from(d.bytes).toString()));
  return { agent, demux, socket, records, heard, remote: (): RemoteIce => ({ ...agent.local, candidates: agent.candidates.map((c) => c.candidate), lite: false }) };
}

describe("IceAgent", () => {
  it("connects two full agents (offerer controlling, regular nomination) and carries data on the selected pair", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = await agentOn(net, clock, "192.0.2.10", 4000);
    const b = await agentOn(net, clock, "198.51.100.20", 5000);
    a.agent.start(b.remote(), true);
    b.agent.start(a.remote(), false);
    await run(clock, 2000);
    expect(a.agent.state).toBe("connected");
    expect(b.agent.state).toBe("connected");
    expect(a.agent.pairFor(1)?.remote.port).toBe(5000);
    expect(a.agent.send(1, new Uint8Array(Buffer.from("\x80 from a")))).toBe(true);
    expect(b.agent.send(1, new Uint8Array(Buffer.from("\x80 from b")))).toBe(true);
    await run(clock, 20);
    expect(b.heard).toContain("\x80 from a");
    expect(a.heard).toContain("\x80 from b");
  });

  it("answers a check that arrives before the peer's ICE is known, and learns the peer-reflexive address from it", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = await agentOn(net, clock, "192.0.2.10", 4000);
    const b = await agentOn(net, clock, "198.51.100.20", 5000);
    // b knows a's ICE at once (it got the offer); a learns b's only later (the answer is slow).
    b.agent.start(a.remote(), false);
    await run(clock, 300);
    const withoutCandidates = { ...b.remote(), candidates: [] };
    a.agent.start(withoutCandidates, true);
    await run(clock, 2000);
    expect(a.agent.state).toBe("connected");
    expect(a.agent.pairFor(1)?.remote.type).toBe("prflx");
    expect(b.agent.state).toBe("connected");
  });

  it("resolves a role conflict (both controlling) with 487 and connects", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = await agentOn(net, clock, "192.0.2.10", 4000);
    const b = await agentOn(net, clock, "198.51.100.20", 5000);
    a.agent.start(b.remote(), true);
    b.agent.start(a.remote(), true);
    await run(clock, 3000);
    expect([a.agent.controlling, b.agent.controlling].sort()).toEqual([false, true]);
    expect(a.agent.state).toBe("connected");
    expect(b.agent.state).toBe("connected");
  });

  it("refuses a check with a wrong MESSAGE-INTEGRITY (401) and shrugs off short and garbage datagrams", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = await agentOn(net, clock, "192.0.2.10", 4000);
    const b = await agentOn(net, clock, "198.51.100.20", 5000);
    const answers: number[] = [];
    const evil = net.socket("203.0.113.66", 6666);
    evil.on("message", (msg) => {
      const r = parseStun(new Uint8Array(msg));
      if (r.ok && r.stun.message.cls === "error") answers.push(attr(r.stun.message, StunAttr.errorCode)?.[3] ?? -1);
    });
    const forged = checkRequest({ ufrag: "evil", pwd: "x".repeat(22) }, { ufrag: a.agent.local.ufrag, pwd: "not-the-password-at-all" }, { controlling: true, tieBreaker: 1n }, 1, true);
    evil.send(serializeStun(forged.message, forged.options), 4000, "192.0.2.10");
    evil.send(new Uint8Array([0, 1, 0]), 4000, "192.0.2.10");
    evil.send(new Uint8Array([0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42, ...new Array(12).fill(0), 0, 0]), 4000, "192.0.2.10");
    await run(clock, 20);
    expect(answers).toEqual([1]); // 401
    expect(a.records.some((r) => r.msg === "ICE check refused")).toBe(true);
    a.agent.start(b.remote(), true);
    b.agent.start(a.remote(), false);
    await run(clock, 2000);
    expect(a.agent.state).toBe("connected");
    expect(a.agent.pairFor(1)?.remote.address).toBe("198.51.100.20");
  });

  it("stops sending when consent lapses (RFC 7675) and says so", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = await agentOn(net, clock, "192.0.2.10", 4000);
    const b = await agentOn(net, clock, "198.51.100.20", 5000);
    a.agent.start(b.remote(), true);
    b.agent.start(a.remote(), false);
    await run(clock, 2000);
    expect(a.agent.state).toBe("connected");
    const failures: string[] = [];
    a.agent.events.on("failed", (f) => failures.push(f.reason));
    // Consent requests are answered: after many intervals, still connected.
    await run(clock, 8000, 50);
    expect(a.agent.state).toBe("connected");
    net.drop = (from) => from.address === "198.51.100.20";
    await run(clock, 8000, 50);
    expect(failures).toEqual(["consent-lost"]);
    expect(a.agent.send(1, new Uint8Array([0x80]))).toBe(false);
    expect(a.records.some((r) => r.level === "warn" && r.msg.includes("consent lost"))).toBe(true);
  });

  it("fails when no pair works, and says why", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = await agentOn(net, clock, "192.0.2.10", 4000);
    const b = await agentOn(net, clock, "198.51.100.20", 5000);
    net.drop = () => true;
    const failures: string[] = [];
    a.agent.events.on("failed", (f) => failures.push(f.reason));
    a.agent.start(b.remote(), true);
    await run(clock, 5000, 50);
    expect(failures).toEqual(["no-pair"]);
    expect(a.agent.state).toBe("failed");
    expect(a.records.some((r) => r.msg.startsWith("ICE failed"))).toBe(true);
  });
});

describe("gatherComponent", () => {
  it("goes on with the host candidate when the STUN and TURN servers do not answer, and logs why", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const { records, log } = logs();
    const demux = new UdpDemux(net.socket("192.0.2.10", 4000), clock);
    const gathering = gatherComponent(
      { component: 1, demux, local: { address: "192.0.2.10", port: 4000 } },
      { stun: [{ address: "203.0.113.9", port: 3478 }], turn: [{ server: { address: "203.0.113.9", port: 3478 }, credentials: { username: "u", password: "p" } }] },
      { clock, log, timeoutMs: 3000 },
    );
    await run(clock, 3100, 100);
    const g = await gathering;
    expect(g.candidates.map((c) => c.candidate.type)).toEqual(["host"]);
    expect(records.filter((r) => r.level === "warn").map((r) => r.msg)).toEqual([
      "STUN server gave no server-reflexive candidate; going on without it",
      "TURN server gave no relayed candidate; going on without it",
    ]);
    expect(JSON.stringify(records)).not.toContain('"p"');
  });

  it("takes the server-reflexive address from a STUN answer, with the host as related address", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const { log } = logs();
    const server = net.socket("203.0.113.9", 3478);
    server.on("message", (msg, from) => {
      const r = parseStun(new Uint8Array(msg));
      if (!r.ok || r.stun.message.method !== StunMethod.binding) return;
      const id = r.stun.message.transactionId;
      const mapped = { family: 4 as const, address: "203.0.113.1", port: 61000 };
      server.send(serializeStun({ method: StunMethod.binding, cls: "success", transactionId: id, attributes: [xorAddressAttr(StunAttr.xorMappedAddress, mapped, id)] }), from.port, from.address);
    });
    const demux = new UdpDemux(net.socket("192.0.2.10", 4000), clock);
    const g = gatherComponent({ component: 1, demux, local: { address: "192.0.2.10", port: 4000 } }, { stun: [{ address: "203.0.113.9", port: 3478 }], turn: [] }, { clock, log });
    await run(clock, 50);
    const got = (await g).candidates.map((c) => c.candidate);
    expect(got.map((c) => [c.type, c.address, c.port, c.relatedAddress])).toEqual([
      ["host", "192.0.2.10", 4000, undefined],
      ["srflx", "203.0.113.1", 61000, "192.0.2.10"],
    ]);
  });
});
