// RFC 5626 §4.4.2 / RFC 3581 through a NAT: cusax registers over UDP from behind the symmetric NAT of
// the netns world to Kamailio on the internet side, with a UDP binding time-out (12 s) far below the
// registration interval (300 s). With sip.keepAliveSeconds (5 s, as the daemon passes it) below the
// time-out, in-dialog requests and new calls still reach it after several time-outs; a second cusax
// on the same NAT with keep-alives off loses both, so the test shows what the keep-alives do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir } from "../dir.js";
import { startKamailio, type Kamailio } from "../kamailio.js";
import { NAT_ADDRESSES as A, startNatWorld, type NatWorld } from "../netns.js";
import { until } from "../wait.js";
import { NatAgent, type AgentEvent } from "./nat-kit.js";

const NAT_UDP_TIMEOUT_SEC = 12;
const KEEPALIVE_SEC = 5;
const PORTS = { alice: 5071, carol: 5072, bob: 5073 };

let world: NatWorld;
let k: Kamailio;
let dir: string;
let failed = false;
const agents: NatAgent[] = [];

async function sipAgent(user: "alice" | "bob" | "carol", ns: "home" | "internet", keepAliveSeconds: number): Promise<NatAgent> {
  const host = ns === "home" ? A.home : A.peer;
  const u = k.users[user]!;
  const setup = { aor: u.aor, password: u.password, proxy: `sip:${A.server}:${k.ports.udp};transport=udp`, host, keepAliveSeconds, expires: 300 };
  const a = await NatAgent.startScript(world, world.ns[ns], user, "sip-nat-agent.ts", [JSON.stringify(setup), String(PORTS[user])], dir);
  agents.push(a);
  const ready = a.events.find((e) => e.event === "ready");
  if (!ready?.ok) throw new Error(`${user} did not register: ${JSON.stringify(a.events)}`);
  return a;
}

/** The router's flow for a home host's SIP port towards Kamailio (its NAT binding), if it is still there. */
async function binding(port: number): Promise<string | undefined> {
  return (await world.conntrack()).find((l) => l.includes(`src=${A.home} dst=${A.server} sport=${port} dport=${k.ports.udp} `));
}

/** Keep-alive OPTIONS Kamailio received from behind the NAT so far (its request log line). */
const keepAlivesSeen = () => (k.log().match(new RegExp(`request OPTIONS \\S+ from ${A.routerWan.replace(/\./g, "\\.")}:`, "g")) ?? []).length;

const established = (a: NatAgent, callId: string) => a.event("state", (e) => e.callId === callId && e.state === "established", 30_000);
const incoming = (a: NatAgent, n: number) => until(`${a.name}'s incoming call #${n}`, () => a.events.filter((e) => e.event === "incoming")[n - 1], { timeoutMs: 30_000, intervalMs: 50 });

beforeAll(async () => {
  dir = makeWorldDir("signalling-nat");
  world = await startNatWorld({ nat: "symmetric", udpTimeoutSec: NAT_UDP_TIMEOUT_SEC });
  k = await startKamailio({ users: ["alice", "bob", "carol"], label: "kamailio-nat", netns: { name: world.ns.internet, host: A.server } });
}, 120_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await k?.stop({ keepDir: failed });
  await world?.stop();
  if (dir) removeWorldDir(dir, failed);
});

describe("SIP signalling through a NAT binding time-out shorter than the registration interval", () => {
  it("keep-alives below the time-out keep calls and in-dialog requests reaching us; without them they are lost", async (ctx) => {
    ctx.onTestFailed(() => void (failed = true));
    const bob = await sipAgent("bob", "internet", 0);
    // A call to each as soon as it has registered, while its NAT binding is fresh.
    const carol = await sipAgent("carol", "home", 0);
    const toCarol = (await bob.call<{ callId: string }>("dial", { uri: `sip:carol@${k.domain}` })).callId;
    const alice = await sipAgent("alice", "home", KEEPALIVE_SEC);
    const toAlice = (await bob.call<{ callId: string }>("dial", { uri: `sip:alice@${k.domain}` })).callId;
    await established(bob, toCarol);
    await established(bob, toAlice);
    const aliceCall = (await incoming(alice, 1)).callId as string;
    const carolCall = (await incoming(carol, 1)).callId as string;
    // Kamailio learned both through the NAT (RFC 3581 received/rport): the router's public address.
    expect((await k.registrations()).split(`Received: sip:${A.routerWan}:`).length).toBe(3);

    // Carol's binding expires (nothing keeps it); alice's stays, refreshed by her OPTIONS keep-alives.
    await until("carol's NAT binding to expire", async () => !(await binding(PORTS.carol)), { timeoutMs: 60_000, intervalMs: 250 });
    expect(await binding(PORTS.alice)).toBeDefined();
    // Several time-outs: three more keep-alives (about 15 s) after carol's went, over two binding lifetimes in all.
    const seen = keepAlivesSeen();
    await until("three more keep-alives from alice", () => keepAlivesSeen() >= seen + 3, { timeoutMs: 60_000, intervalMs: 250 });
    expect(await binding(PORTS.alice)).toBeDefined();

    // In-dialog: bob's BYEs. Alice's arrives; carol's cannot.
    await bob.call("hangup");
    const aliceEnd = await alice.event("ended", (e) => e.callId === aliceCall, 30_000);
    expect(aliceEnd).toMatchObject({ reason: "hangup", by: "remote" });

    // Out of dialog: a new call reaches alice; the one to carol fails (the registrar's INVITE dies at the NAT).
    const again = (await bob.call<{ callId: string }>("dial", { uri: `sip:alice@${k.domain}` })).callId;
    expect((await incoming(alice, 2)).callId).toBeDefined();
    await established(bob, again);
    const lost = (await bob.call<{ callId: string }>("dial", { uri: `sip:carol@${k.domain}` })).callId;
    const lostEnd = await bob.event("ended", (e: AgentEvent) => e.callId === lost, 60_000);
    expect(lostEnd.reason).not.toBe("hangup");
    // By now (the registrar's 10 s transaction time-out later) carol has heard neither the BYE nor the INVITE.
    expect(carol.events.filter((e) => e.event === "incoming")).toHaveLength(1);
    expect(carol.events.some((e) => e.event === "ended" && e.callId === carolCall)).toBe(false);
  });
});
