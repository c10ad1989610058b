// Message round-trip latency through Prosody (RFC 6121 §5 chat to an echoing
// slixmpp peer): our XmppClient and a slixmpp client measured in the same run.
// Run: npx tsx bench/xmpp-rtt.bench.ts [count]
import { startProsody } from "../test/world/prosody.js";
import { startSlixPeer } from "../test/world/slix.js";
import { XmppClient } from "../packages/core/src/xmpp/index.js";
import { waitFor } from "../packages/core/src/util/events.js";

const COUNT = Number(process.argv[2] ?? 300);
const WARMUP = 20;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

function summary(samples: number[]): { n: number; p50: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function ours(client: XmppClient, to: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const body = `rtt-ours-${i}`;
    const echoed = waitFor(client, "message", (m) => m.body === body, { timeoutMs: 10_000 });
    const t0 = performance.now();
    await client.sendMessage({ to, body });
    await echoed;
    samples.push(performance.now() - t0);
  }
  return samples;
}

const prosody = await startProsody({ users: ["alice", "bob", "carol"], label: "bench-xmpp" });
try {
  const echo = await startSlixPeer(prosody, "bob", { resource: "echo" });
  await echo.command({ cmd: "echo", on: true });
  const slix = await startSlixPeer(prosody, "carol", { resource: "rtt" });
  const alice = new XmppClient({
    service: `xmpp://${prosody.host}:${prosody.ports.c2s}`,
    domain: prosody.domain,
    username: "alice",
    password: prosody.users.alice!.password,
    resource: "bench",
    ca: prosody.caPem,
  });
  await alice.start();

  await ours(alice, echo.jid, WARMUP);
  const oursSamples = await ours(alice, echo.jid, COUNT);
  await slix.command({ cmd: "rtt", to: echo.jid, count: WARMUP + COUNT });
  const rtt = await slix.waitEvent((e) => e.type === "rtt", "slixmpp's samples", 120_000);
  const slixSamples = (rtt.samples as number[]).slice(WARMUP);

  const a = summary(oursSamples);
  const b = summary(slixSamples);
  const row = (name: string, s: typeof a) =>
    `${name.padEnd(24)} ${String(s.n).padStart(5)} ${s.p50.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)} ${s.mean.toFixed(2).padStart(8)}`;
  console.log(`XMPP message round trip through Prosody to an echoing slixmpp peer (ms), ${COUNT} messages after ${WARMUP} warm-up`);
  console.log(`${"client".padEnd(24)} ${"n".padStart(5)} ${"p50".padStart(8)} ${"p99".padStart(8)} ${"mean".padStart(8)}`);
  console.log(row("cusax XmppClient (node)", a));
  console.log(row("slixmpp 1.8.3 (python)", b));
  await alice.stop();
  await slix.stop();
  await echo.stop();
} finally {
  await prosody.stop();
}
