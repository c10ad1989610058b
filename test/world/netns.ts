// The NAT test world: network namespaces joined by veth pairs, documentation
// addresses only (RFC 5737), no route to the host's interfaces, and a router
// namespace that masquerades with nft (full-cone or symmetric) and a settable
// UDP binding time-out (conntrack's UDP time-outs are per namespace).
//
//   home 192.0.2.10 ── 192.0.2.1 router 203.0.113.1 ── internet 203.0.113.2 (server), .3 (peer)
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { run, startProcess, type Managed } from "./process.js";

export type NatKind = "full-cone" | "symmetric";

export const NAT_ADDRESSES = { home: "192.0.2.10", routerLan: "192.0.2.1", routerWan: "203.0.113.1", server: "203.0.113.2", peer: "203.0.113.3" } as const;

export type NatWorld = {
  readonly id: string;
  readonly ns: { home: string; router: string; internet: string };
  nat: NatKind;
  /** Conntrack's UDP time-outs in the router (a NAT binding's lifetime when idle). */
  setUdpTimeout(seconds: number): Promise<void>;
  /** Replaces the router's NAT rules (new flows get the new behaviour). */
  setNat(nat: NatKind): Promise<void>;
  /** The router's conntrack table (/proc/net/nf_conntrack inside its namespace), one flow a line. */
  conntrack(): Promise<string[]>;
  /** Starts a process inside a namespace (own process group, log in `logFile`). */
  spawn(ns: string, name: string, command: string, args: string[], logFile: string, stdin?: "pipe"): Managed;
  stop(): Promise<void>;
};

const liveNamespaces = new Set<string>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // A test that failed or was interrupted must not leave namespaces behind.
  process.on("exit", () => {
    for (const ns of liveNamespaces) deleteNamespaceSync(ns);
  });
}

function deleteNamespaceSync(ns: string): void {
  try {
    execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" });
  } catch {
    // already gone
  }
  liveNamespaces.delete(ns);
}

const ip = (...args: string[]) => run("ip", args);
const inNs = (ns: string, command: string, args: string[], input?: string) =>
  input === undefined ? run("ip", ["netns", "exec", ns, command, ...args]) : runWithInput(ns, command, args, input);

async function runWithInput(ns: string, command: string, args: string[], input: string): Promise<string> {
  const { spawn } = await import("node:child_process");
  const child = spawn("ip", ["netns", "exec", ns, command, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} in ${ns} exited with ${code}:\n${output}`);
  return output;
}

async function addNamespace(ns: string): Promise<void> {
  await ip("netns", "add", ns);
  liveNamespaces.add(ns);
  await ip("-n", ns, "link", "set", "lo", "up");
}

/** A veth pair from `a` to `b`, each end up with its addresses. */
async function link(a: { ns: string; dev: string; addrs: string[] }, b: { ns: string; dev: string; addrs: string[] }): Promise<void> {
  await ip("link", "add", a.dev, "netns", a.ns, "type", "veth", "peer", "name", b.dev, "netns", b.ns);
  for (const end of [a, b]) {
    for (const addr of end.addrs) await ip("-n", end.ns, "addr", "add", addr, "dev", end.dev);
    await ip("-n", end.ns, "link", "set", end.dev, "up");
  }
}

/** nft rules: masquerade out of the WAN; symmetric maps each destination to a new random port, full-cone forwards any inbound UDP to the home host. */
function natRules(nat: NatKind, wan: string): string {
  const masq = nat === "symmetric" ? "masquerade random" : "masquerade";
  const cone = nat === "full-cone" ? `chain pre { type nat hook prerouting priority dstnat; iifname "${wan}" meta l4proto udp dnat to ${NAT_ADDRESSES.home}; }` : "";
  return `table ip nat {\n chain post { type nat hook postrouting priority srcnat; oifname "${wan}" ${masq}; }\n ${cone}\n}\n`;
}

export async function startNatWorld(options: { nat: NatKind; udpTimeoutSec?: number }): Promise<NatWorld> {
  installExitHook();
  const id = `cx${randomBytes(3).toString("hex")}`;
  const ns = { home: `${id}-home`, router: `${id}-router`, internet: `${id}-inet` };
  try {
    for (const n of Object.values(ns)) await addNamespace(n);
    const a = NAT_ADDRESSES;
    await link({ ns: ns.home, dev: `${id}h0`, addrs: [`${a.home}/24`] }, { ns: ns.router, dev: `${id}r0`, addrs: [`${a.routerLan}/24`] });
    await link({ ns: ns.router, dev: `${id}r1`, addrs: [`${a.routerWan}/24`] }, { ns: ns.internet, dev: `${id}i0`, addrs: [`${a.server}/24`, `${a.peer}/24`] });
    // The home host's default route ends at the router; the router and the internet have none: nothing leaves the world.
    await ip("-n", ns.home, "route", "add", "default", "via", a.routerLan);
    await inNs(ns.router, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
    await inNs(ns.router, "nft", ["-f", "-"], natRules(options.nat, `${id}r1`));
    await inNs(ns.router, "cat", ["/proc/net/nf_conntrack"]);
  } catch (err) {
    for (const n of Object.values(ns)) deleteNamespaceSync(n);
    throw err;
  }
  const world: NatWorld = {
    id,
    ns,
    nat: options.nat,
    async setUdpTimeout(seconds) {
      // Both: a flow seen in both directions moves to the _stream time-out.
      for (const key of ["nf_conntrack_udp_timeout", "nf_conntrack_udp_timeout_stream"]) await inNs(ns.router, "sysctl", ["-qw", `net.netfilter.${key}=${seconds}`]);
    },
    async setNat(nat) {
      await inNs(ns.router, "nft", ["-f", "-"], `flush ruleset\n${natRules(nat, `${id}r1`)}`);
      world.nat = nat;
    },
    conntrack: async () => (await inNs(ns.router, "cat", ["/proc/net/nf_conntrack"])).split("\n").filter((l) => l.trim()),
    spawn: (n, name, command, args, logFile, stdin) => startProcess(name, "ip", ["netns", "exec", n, command, ...args], { logFile, ...(stdin && { stdin }) }),
    async stop() {
      for (const n of Object.values(ns)) deleteNamespaceSync(n);
    },
  };
  if (options.udpTimeoutSec !== undefined) await world.setUdpTimeout(options.udpTimeoutSec);
  return world;
}

/** Namespaces this process created and has not deleted yet (for tests of the cleanup). */
export function liveNatNamespaces(): string[] {
  return [...liveNamespaces];
}
