// RFC 8656 §3.1: TURN with TCP and TLS between the client and the server (the
// relayed leg stays UDP), through the symmetric NAT of the netns world:
// allocate, refresh, permission, Send/Data, ChannelData (padded on the
// stream) both ways with a peer on the internet side; and the readable errors
// of an unreachable server and of TLS that cannot be trusted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCertificate, type Certificate } from "../certs.js";
import { startCoturn, type Coturn } from "../coturn.js";
import { makePassword, makeWorldDir, removeWorldDir } from "../dir.js";
import { NAT_ADDRESSES as A, startNatWorld, type NatWorld } from "../netns.js";
import { NatAgent } from "./nat-kit.js";

type Addr = { address: string; port: number };
const PEER = { address: A.peer, port: 5000 };
const TLS_PORT = 5349;

let world: NatWorld;
let coturn: Coturn;
let cert: Certificate;
let dir: string;
let failed = false;
const agents: NatAgent[] = [];
const password = makePassword();

async function agent(ns: "home" | "internet", name: string, address: string, port = 0): Promise<NatAgent> {
  const a = await NatAgent.start(world, world.ns[ns], name, address, dir, port);
  agents.push(a);
  return a;
}

const server = (transport: "tcp" | "tls") => ({ address: A.server, port: transport === "tls" ? TLS_PORT : 3478 });
const allocateArgs = (transport: "tcp" | "tls", extra: Record<string, unknown> = {}) => ({
  server: server(transport), username: "alice", password, transport, keepAliveMs: 0,
  ...(transport === "tls" && { servername: "turn.nat.test", ca: cert.pem }), ...extra,
});

beforeAll(async () => {
  dir = makeWorldDir("turn-tcp");
  cert = await makeCertificate(dir, "nat.test");
  world = await startNatWorld({ nat: "symmetric" });
  coturn = await startCoturn({ netns: world.ns.internet, listen: A.server, realm: "nat.test", users: [{ name: "alice", password }], tls: { certFile: cert.certFile, keyFile: cert.keyFile, port: TLS_PORT } });
}, 120_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await coturn?.stop({ keepDir: failed });
  await world?.stop();
  if (dir) removeWorldDir(dir, failed);
});

describe("TURN over TCP and TLS through a symmetric NAT (netns world, coturn)", () => {
  for (const transport of ["tcp", "tls"] as const) {
    it(`over ${transport.toUpperCase()}: allocates, refreshes, and relays both ways by Send/Data and ChannelData`, async (ctx) => {
      ctx.onTestFailed(() => void (failed = true));
      const home = await agent("home", `home-${transport}`, A.home);
      const peer = await agent("internet", `peer-${transport}`, PEER.address, PEER.port + (transport === "tls" ? 1 : 0));
      const peerAddr = { address: PEER.address, port: peer.port };
      const alloc = await home.call<{ relayed: Addr; mapped: Addr; transport: string }>("allocate", allocateArgs(transport));
      expect(alloc.transport).toBe(transport);
      expect(alloc.relayed.address).toBe(A.server);
      // The server saw the connection come from the router's public side.
      expect(alloc.mapped.address).toBe(A.routerWan);
      expect((await home.call<{ lifetime: number }>("refresh")).lifetime).toBeGreaterThan(0);
      await home.call("permission", { peer: peerAddr });
      await home.call("turn-send", { peer: peerAddr, text: `send-${transport}` });
      await peer.event("udp", (e) => e.text === `send-${transport}` && (e.from as Addr).port === alloc.relayed.port);
      await peer.call("udp-send", { peer: alloc.relayed, text: `data-${transport}` });
      await home.event("turn-data", (e) => e.text === `data-${transport}` && e.via === "indication");
      await home.call("channel", { peer: peerAddr });
      // Odd lengths: the ChannelData frames on the stream carry padding both ways (§12.5).
      await home.call("turn-send", { peer: peerAddr, text: `chan-${transport}-x` });
      await peer.event("udp", (e) => e.text === `chan-${transport}-x`);
      await peer.call("udp-send", { peer: alloc.relayed, text: `back-${transport}-y` });
      await home.event("turn-data", (e) => e.text === `back-${transport}-y` && e.via === "channel");
      await peer.call("udp-send", { peer: alloc.relayed, text: `again-${transport}` });
      await home.event("turn-data", (e) => e.text === `again-${transport}` && e.via === "channel");
      const closed = await home.call<{ dropped: { turn: Record<string, number> } }>("close");
      expect(closed.dropped.turn).toEqual({});
      expect(home.events.some((e) => e.event === "turn-failed")).toBe(false);
    });
  }

  it("an unreachable TURN server over TCP is a readable error", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const home = await agent("home", "home-unreachable", A.home);
    await expect(home.call("allocate", { ...allocateArgs("tcp"), server: { address: A.server, port: 3999 } })).rejects.toThrow(
      /TURN server 203\.0\.113\.2:3999 over TCP unreachable: .*ECONNREFUSED/,
    );
  });

  it("TLS: a certificate that names another server, or one from an unknown CA, is refused with the reason", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const home = await agent("home", "home-badtls", A.home);
    await expect(home.call("allocate", allocateArgs("tls", { servername: "turn.other.test" }))).rejects.toThrow(/over TLS unreachable: TLS certificate does not name the server/);
    await expect(home.call("allocate", allocateArgs("tls", { ca: undefined }))).rejects.toThrow(/over TLS unreachable: TLS certificate not trusted .*configure the server's CA/);
    // Wrong credentials over TLS are still TURN's 401.
    await expect(home.call("allocate", allocateArgs("tls", { password: "wrong" }))).rejects.toMatchObject({ code: 401 });
  });
});
