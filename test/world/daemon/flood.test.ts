// World (issue 13 "responsive under a flood"): a slixmpp contact sends the
// daemon 5,000 chat messages in 10 s through Prosody while a loop asks
// GET /status one request after another. Every message is stored once and in
// order, each announced once, and every status request is answered, none
// taking 2 s (before the batching, one took 1.3 s and more on a loaded machine;
// figures: `npm run bench -- flood`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, startSlixPeer, until, useCleanup, type Prosody, type SlixPeer } from "../index.js";
import { startDaemon, writeConfig } from "./daemon-kit.js";
import { openApi, type Api } from "./messaging-kit.js";

const COUNT = 5000;
const track = useCleanup();
let prosody: Prosody;
let api: Api;
let bob: SlixPeer;

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  const kamailio = track(await startKamailio({ users: ["alice"] }));
  const dir = makeWorldDir("daemon-flood");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  const daemon = track(await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio)));
  api = await openApi(daemon.dataDir);
  bob = track(await startSlixPeer(prosody, "bob"));
});

afterAll(async () => api?.stop());

describe("a flood of chat messages", () => {
  it("stores 5,000 messages once and in order while GET /status keeps answering", async () => {
    const bobJid = prosody.users.bob!.jid;
    let flooding = true;
    const latencies: number[] = [];
    const statuses: number[] = [];
    const poller = (async () => {
      while (flooding) {
        const t0 = performance.now();
        const r = await api.call("GET", "/status");
        latencies.push(performance.now() - t0);
        statuses.push(r.status);
      }
    })();
    await bob.command({ cmd: "flood", to: prosody.users.alice!.jid, count: COUNT, rate: 500, prefix: "flood-" });
    await bob.waitEvent((e) => e.type === "flood_done", "the flood sent", 120_000);
    type Item = { kind: string; body?: string; direction?: string };
    const items = await until("every message stored", async () => {
      const r = await api.call<{ items: Item[] }>("GET", `/history?contact=${encodeURIComponent(bobJid)}&limit=10000`);
      const mine = r.body.items.filter((i) => i.kind === "message" && i.direction === "in");
      return mine.length >= COUNT ? mine : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1000 });
    flooding = false;
    await poller;
    expect(items.map((i) => i.body)).toEqual(Array.from({ length: COUNT }, (_, i) => `flood-${String(i).padStart(5, "0")}`));
    const announced = await until("every message announced", () => {
      const n = api.events.events.filter((e) => e.type === "message").length;
      return n >= COUNT ? n : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    expect(announced).toBe(COUNT);
    const ids = new Set(api.events.events.filter((e) => e.type === "message").map((e) => (e.message as { id: number }).id));
    expect(ids.size).toBe(COUNT);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(Math.max(...latencies)).toBeLessThan(2000);
  });
});
