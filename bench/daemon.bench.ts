// The daemon as people run it: start-to-online time and idle memory of one
// `cusax daemon` (both accounts), side by side with the two plain apps it
// replaces (baresip registered at the same Kamailio, slixmpp online at the
// same Prosody), measured in the same run; and memory per additional account
// when one process holds many endpoints (library use, createClient()).
// Run: node --expose-gc --import tsx bench/daemon.bench.ts
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient, type CusaxClient } from "../packages/core/src/index.js";
import { MemoryStore } from "../packages/core/src/store/memory-store.js";
import { createMediaHooks } from "../packages/core/src/media/index.js";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startProsody, startSlixPeer } from "../test/world/index.js";
import { startDaemon, writeConfig } from "../test/world/daemon/daemon-kit.js";

const ACCOUNTS = [1, 5, 10, 20];
const users = ["alice", "bob", "carol", ...Array.from({ length: Math.max(...ACCOUNTS) }, (_, i) => `u${i}`)];

/** Resident memory of a process in MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A pause so that start-up allocations settle before memory is read (a benchmark, not a test). */
const settle = (ms = 2000) => new Promise((r) => setTimeout(r, ms));

const prosody = await startProsody({ users, label: "bench-daemon-prosody" });
const kamailio = await startKamailio({ users, label: "bench-daemon-kamailio" });
const dir = makeWorldDir("bench-daemon");
const rows: [string, string, string][] = [];
try {
  // One cusax daemon: spawn -> both accounts online (api-url written).
  let t0 = performance.now();
  const daemon = await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio));
  const daemonStart = performance.now() - t0;
  await settle();
  const daemonRss = rssMiB(daemon.pid);
  // The two plain apps: slixmpp online, baresip registered.
  t0 = performance.now();
  const slix = await startSlixPeer(prosody, "bob");
  const slixStart = performance.now() - t0;
  t0 = performance.now();
  const phone = await startBaresip(kamailio, "carol", { source: await makeTone(join(dir, "t.wav"), 440, { seconds: 2 }) });
  await phone.registered();
  const phoneStart = performance.now() - t0;
  await settle();
  const slixRss = rssMiB(slix.pid);
  const phoneRss = rssMiB(phone.pid);
  rows.push(["start to online (ms)", daemonStart.toFixed(0), `slixmpp ${slixStart.toFixed(0)} + baresip ${phoneStart.toFixed(0)} (sequential)`]);
  rows.push(["idle RSS (MiB)", daemonRss.toFixed(1), `slixmpp ${slixRss.toFixed(1)} + baresip ${phoneRss.toFixed(1)} = ${(slixRss + phoneRss).toFixed(1)}`]);
  await Promise.all([daemon.stop(), slix.stop(), phone.stop()]);

  // Library use: N endpoints in this process.
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => (gc?.(), process.memoryUsage());
  const base = heap();
  const clients: CusaxClient[] = [];
  const perStep: string[] = [];
  for (const n of ACCOUNTS) {
    while (clients.length < n) {
      const u = `u${clients.length}`;
      const c = createClient({
        store: new MemoryStore(),
        xmpp: { service: `xmpp://${prosody.host}:${prosody.ports.c2s}`, domain: prosody.domain, username: u, password: prosody.users[u]!.password, ca: prosody.caPem },
        sip: { aor: kamailio.users[u]!.aor, password: kamailio.users[u]!.password, outboundProxy: `sip:${kamailio.host}:${kamailio.ports.udp}`, listen: { host: kamailio.host }, mediaHooks: createMediaHooks() },
        publishCards: false,
      });
      await c.start();
      clients.push(c);
    }
    await settle(1000);
    const now = heap();
    const perAccountRss = (now.rss - base.rss) / n / 1024 / 1024;
    const perAccountHeap = (now.heapUsed - base.heapUsed) / n / 1024 / 1024;
    perStep.push(`${n} accounts: +${perAccountRss.toFixed(2)} MiB RSS, +${perAccountHeap.toFixed(2)} MiB heap per account`);
  }
  await Promise.all(clients.map((c) => c.stop()));
  rows.push(["memory per additional account (library)", perStep.at(-1)!.split(": ")[1]!, "(no peer: baresip and slixmpp hold one account per process)"]);
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  process.stdout.write(`${"measure".padEnd(w[0]!)}  ${"cusax".padEnd(w[1]!)}  peers (same run)\n`);
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c}\n`);
  process.stdout.write(perStep.map((s) => `  library: ${s}`).join("\n") + "\n");
  if (!gc) process.stdout.write("  (run with --expose-gc for heap figures after a collection)\n");
} finally {
  await Promise.all([prosody.stop(), kamailio.stop()]);
  removeWorldDir(dir, false);
}
