// Issue 13 "Responsive under a flood": GET /status latency (p50/p99/max) of
// one cusax daemon while a slixmpp contact sends it 500 chat messages per
// second through Prosody, side by side with the same daemon idle in the same
// run; and how long until every message is in the store.
// Run: npm run bench -- flood   (CUSAX_FLOOD_COUNT, CUSAX_FLOOD_RATE to change the flood)
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, startSlixPeer, until } from "../test/world/index.js";
import { startDaemon, writeConfig } from "../test/world/daemon/daemon-kit.js";

const COUNT = Number(process.env.CUSAX_FLOOD_COUNT ?? 5000);
const RATE = Number(process.env.CUSAX_FLOOD_RATE ?? 500);

type Api = { url: string; headers: Record<string, string> };

function apiOf(dataDir: string): Api {
  const url = readFileSync(join(dataDir, "api-url"), "utf8").trim();
  return { url, headers: { authorization: `Bearer ${readFileSync(join(dataDir, "api-token"), "utf8").trim()}` } };
}

async function call<T>(api: Api, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api.url}${path}`, {
    method, headers: { ...api.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as T;
}

/** GET /status one after another until `stop()` is true; the latency of each, in ms. */
async function pollStatus(api: Api, stop: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  while (!stop()) {
    const t0 = performance.now();
    await call(api, "GET", "/status");
    samples.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  }
  return samples;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

const summary = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)}  p99 ${pct(xs, 99).toFixed(1)}  max ${Math.max(...xs).toFixed(1)}  (n=${xs.length})`;

const prosody = await startProsody({ users: ["alice", "bob"], label: "bench-flood-prosody" });
const kamailio = await startKamailio({ users: ["alice"], label: "bench-flood-kamailio" });
const dir = makeWorldDir("bench-flood");
try {
  const daemon = await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio));
  const api = apiOf(daemon.dataDir);
  await until("alice online", async () => (await call<{ xmpp: { state: string } }>(api, "GET", "/status")).xmpp.state === "online", { timeoutMs: 60_000 });
  const bob = await startSlixPeer(prosody, "bob");
  const bobJid = prosody.users.bob!.jid;
  // Idle baseline: the same daemon, the same poll, nothing arriving.
  const idleEnd = performance.now() + 5000;
  const idle = await pollStatus(api, () => performance.now() > idleEnd);
  const t0 = performance.now();
  await bob.command({ cmd: "flood", to: prosody.users.alice!.jid, count: COUNT, rate: RATE, prefix: "flood-" });
  let sent = false;
  void bob.waitEvent((e) => e.type === "flood_done", "flood sent", 300_000).then(() => (sent = true));
  const stored = async () => {
    const r = await call<{ items: unknown[] }>(api, "GET", `/history?contact=${encodeURIComponent(bobJid)}&limit=1`);
    return r.items.length > 0 ? (await call<{ contacts: { jids: string[]; unread?: number }[] }>(api, "GET", "/contacts")).contacts.find((c) => c.jids.includes(bobJid))?.unread ?? 0 : 0;
  };
  let done = false;
  const during = pollStatus(api, () => done);
  await until("every flood message stored", async () => (await stored()) >= COUNT, { timeoutMs: 300_000, intervalMs: 500 });
  done = true;
  const stormMs = performance.now() - t0;
  const flood = await during;
  if (!sent) await bob.waitEvent((e) => e.type === "flood_done", "flood sent", 60_000);
  process.stdout.write(`flood: ${COUNT} messages at ${RATE}/s from slixmpp through Prosody; all stored after ${(stormMs / 1000).toFixed(1)} s\n`);
  process.stdout.write(`GET /status latency (ms)\n`);
  process.stdout.write(`  idle (same daemon, same run):  ${summary(idle)}\n`);
  process.stdout.write(`  during the flood:              ${summary(flood)}\n`);
  if (existsSync(join(daemon.dataDir, "api-url"))) await daemon.stop();
  await bob.stop();
} finally {
  await Promise.allSettled([prosody.stop(), kamailio.stop()]);
  removeWorldDir(dir, false);
}
