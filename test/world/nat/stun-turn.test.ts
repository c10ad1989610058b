// RFC 8489 STUN and RFC 8656 TURN through a NAT: a home host behind a router
// namespace that masquerades (full-cone, then symmetric), coturn and a peer on
// the "internet" side (RFC 5737 addresses only, nothing routed out).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoturn, type Coturn } from "../coturn.js";
import { makePassword, makeWorldDir, removeWorldDir } from "../dir.js";
import { NAT_ADDRESSES as A, startNatWorld, type NatWorld } from "../netns.js";
import { until } from "../wait.js";
import { NatAgent } from "./nat-kit.js";

type Addr = { address: string; port: number };
const STUN1 = { address: A.server, port: 3478 };
const STUN2 = { address: A.peer, port: 3478 };
const PEER = { address: A.peer, port: 5000 };

let world: NatWorld;
let coturn: Coturn;
let staleTurn: Coturn;
let dir: string;
let failed = false;
const agents: NatAgent[] = [];
const password = makePassword();
const staleSecretUser = { name: "bob", password: makePassword() };

async function agent(ns: "home" | "internet", name: string, address: string, port = 0): Promise<NatAgent> {
  const a = await NatAgent.start(world, world.ns[ns], name, address, dir, port);
  agents.push(a);
  return a;
}

const turnOf = (server: Addr, username = "alice", pass = password, keepAliveMs?: number) => ({ server, username, password: pass, ...(keepAliveMs !== undefined && { keepAliveMs }) });

beforeAll(async () => {
  dir = makeWorldDir("nat");
  world = await startNatWorld({ nat: "full-cone" });
  coturn = await startCoturn({ netns: world.ns.internet, listen: A.server, alsoListen: [A.peer], realm: "nat.test", users: [{ name: "alice", password }] });
  // A second server with a 3-second nonce lifetime, for 438 Stale Nonce.
  staleTurn = await startCoturn({ netns: world.ns.internet, listen: A.server, port: 3490, realm: "nat.test", users: [staleSecretUser], staleNonceSec: 3 });
});

afterAll(async () => {
  for (const a of agents) await a.stop();
  await staleTurn?.stop({ keepDir: failed });
  await coturn?.stop({ keepDir: failed });
  await world?.stop();
  if (dir) removeWorldDir(dir, failed);
});

describe("STUN and TURN through a NAT (netns world, coturn)", () => {
  it("behind a full-cone NAT: the router's public address, one mapping for every destination", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const home = await agent("home", "home-cone", A.home);
    const m1 = await home.call<Addr>("binding", { server: STUN1 });
    const m2 = await home.call<Addr>("binding", { server: STUN2 });
    expect(m1.address).toBe(A.routerWan);
    expect(m2).toEqual(m1);
  });

  it("behind a symmetric NAT: a different mapping per destination", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    await world.setNat("symmetric");
    const home = await agent("home", "home-sym", A.home);
    const m1 = await home.call<Addr>("binding", { server: STUN1 });
    const m2 = await home.call<Addr>("binding", { server: STUN2 });
    expect(m1.address).toBe(A.routerWan);
    expect(m2.address).toBe(A.routerWan);
    expect(m2.port).not.toBe(m1.port);
    // The same destination keeps its mapping (the NAT's flow is reused).
    expect(await home.call<Addr>("binding", { server: STUN1 })).toEqual(m1);
  });

  it("allocates on coturn through the symmetric NAT and relays both ways, by Send/Data and by ChannelData", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const home = await agent("home", "home-turn", A.home);
    const peer = await agent("internet", "peer", PEER.address, PEER.port);
    const alloc = await home.call<{ relayed: Addr; mapped: Addr }>("allocate", turnOf(STUN1));
    expect(alloc.relayed.address).toBe(A.server);
    expect(alloc.mapped.address).toBe(A.routerWan);
    await home.call("permission", { peer: PEER });
    await home.call("turn-send", { peer: PEER, text: "via-send" });
    await peer.event("udp", (e) => e.text === "via-send" && (e.from as Addr).port === alloc.relayed.port);
    await peer.call("udp-send", { peer: alloc.relayed, text: "via-data" });
    await home.event("turn-data", (e) => e.text === "via-data" && e.via === "indication" && (e.peer as Addr).port === PEER.port);
    await home.call("channel", { peer: PEER });
    await home.call("turn-send", { peer: PEER, text: "via-channel" });
    await peer.event("udp", (e) => e.text === "via-channel");
    await peer.call("udp-send", { peer: alloc.relayed, text: "back-on-channel" });
    await home.event("turn-data", (e) => e.text === "back-on-channel" && e.via === "channel");
    const closed = await home.call<{ dropped: { turn: Record<string, number> } }>("close");
    expect(closed.dropped.turn).toEqual({});
  });

  it("recovers from 438 Stale Nonce with the new nonce", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const home = await agent("home", "home-stale", A.home);
    const server = { address: A.server, port: staleTurn.port };
    await home.call("allocate", turnOf(server, staleSecretUser.name, staleSecretUser.password));
    // Requests go on until the server's nonce has gone stale once (it lives 3 s); each must succeed.
    const stale = await until("a 438 to be recovered", async () => {
      const r = await home.call<{ staleNonces: number }>("permission", { peer: PEER });
      return r.staleNonces > 0 && r;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(stale.staleNonces).toBeGreaterThanOrEqual(1);
  });

  it("refuses wrong credentials with a clear 401", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const home = await agent("home", "home-wrong", A.home);
    await expect(home.call("allocate", turnOf(STUN1, "alice", "not-the-password"))).rejects.toMatchObject({ code: 401, message: expect.stringContaining("wrong username or password") });
  });

  it("survives a NAT binding time-out shorter than the refresh interval thanks to keep-alives", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    await world.setUdpTimeout(3);
    const kept = await agent("home", "home-keepalive", A.home);
    const idle = await agent("home", "home-idle", A.home);
    const peer = agents.find((a) => a.name === "peer") as NatAgent;
    const k = await kept.call<{ relayed: Addr; mapped: Addr }>("allocate", turnOf(STUN1, "alice", password, 1000));
    const i = await idle.call<{ relayed: Addr; mapped: Addr }>("allocate", turnOf(STUN1, "alice", password, 0));
    for (const a of [kept, idle]) await a.call("permission", { peer: PEER });
    // Wait for the router to forget the idle host's binding (its conntrack flow is gone), not for a fixed time.
    // The flow's original direction: "src=<home> dst=<server> sport=<agent's port> dport=3478".
    const routerSide = (a: NatAgent) => (l: string) => l.includes(`src=${A.home}`) && l.includes(`sport=${a.port} `);
    await until("the idle host's NAT binding to expire", async () => !(await world.conntrack()).some(routerSide(idle)), { timeoutMs: 60_000, intervalMs: 250 });
    expect((await world.conntrack()).some(routerSide(kept))).toBe(true);
    await peer.call("udp-send", { peer: k.relayed, text: "after-timeout" });
    await kept.event("turn-data", (e) => e.text === "after-timeout");
    await peer.call("udp-send", { peer: i.relayed, text: "lost" });
    await peer.call("udp-send", { peer: k.relayed, text: "after-lost" });
    await kept.event("turn-data", (e) => e.text === "after-lost");
    expect(idle.events.some((e) => e.text === "lost")).toBe(false);
    await world.setUdpTimeout(30);
  });
});
