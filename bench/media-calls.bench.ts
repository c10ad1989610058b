// CPU per call for G.711 (PCMU) and Opus calls, cusax against baresip in the
// same run, and the most calls our one process carries with under 1 % late
// packets. RFC 3550 RTP on loopback UDP, 20 ms frames on the real clock.
//
//   npm run bench -- media-calls
//   npx tsx bench/media-calls.bench.ts [seconds=10] [steps=1,5,10,20]
//   BENCH_SKIP_BARESIP=1 / BENCH_SKIP_CAPACITY=1 leave a part out.
//
// A "call" is both ends: two of our RtpSessions in this process, or two
// baresip processes (caller and callee through Kamailio). CPU figures are
// CPU milliseconds per call per second of call time (10 ms/s = 1 % of a core).
import { cpus, loadavg } from "node:os";
import { runBaresipCalls, type BaresipRun } from "./media-calls-baresip.js";
import { LATE_DEFINITION, measureIdle, runOurCalls, type BenchCodec, type CallRun } from "./media-calls-ours.js";

// The world harness (test/world/process.ts) ends a child's log stream when the
// child exits, but output still buffered in its pipe can arrive afterwards and
// raise ERR_STREAM_WRITE_AFTER_END with no listener. Only that error is
// tolerated here (the lines are lost from the child's log); any other still crashes.
process.on("uncaughtException", (err: NodeJS.ErrnoException) => {
  if (err.code !== "ERR_STREAM_WRITE_AFTER_END") throw err;
  process.stderr.write(`[bench] ignored a world-harness log write after end (${err.message})\n`);
});

const SECONDS = Number(process.argv[2] ?? 10);
const STEPS = (process.argv[3] ?? "1,5,10,20").split(",").map(Number);
const CAPACITY_SECONDS = 5;
const CODECS: BenchCodec[] = ["PCMU", "opus"];

const out = (line = "") => process.stdout.write(line + "\n");
const fmt = (n: number | undefined, digits = 2) => (n === undefined || !Number.isFinite(n) ? "-" : n.toFixed(digits));

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  out(line(header));
  out(widths.map((w) => "-".repeat(w)).join("  "));
  rows.forEach((r) => out(line(r)));
}

async function ours(codec: BenchCodec, calls: number, seconds: number): Promise<CallRun | string> {
  try {
    return await runOurCalls(codec, calls, seconds);
  } catch (err) {
    return `failed: ${(err as Error).message.split("\n")[0]}`;
  }
}

/**
 * Searches the largest N with late < 1 %: from 20, doubling while it passes
 * (up to 640) or halving while it fails, then bisecting between the highest
 * pass and the lowest failure until they are within an eighth; 8 tries at most.
 */
async function capacity(codec: BenchCodec): Promise<{ best?: CallRun; firstFail?: CallRun; tried: (CallRun | string)[] }> {
  const tried: (CallRun | string)[] = [];
  let best: CallRun | undefined;
  let firstFail: CallRun | undefined;
  let n = 20;
  for (let i = 0; i < 8; i++) {
    const r = await ours(codec, n, CAPACITY_SECONDS);
    tried.push(r);
    if (typeof r === "string") break;
    if (r.latePercent < 1) best = !best || r.calls > best.calls ? r : best;
    else firstFail = !firstFail || r.calls < firstFail.calls ? r : firstFail;
    if (!firstFail) n *= 2;
    else if (!best) n = Math.floor(n / 2);
    else n = Math.round((best.calls + firstFail.calls) / 2);
    if ((!firstFail && n > 640) || n < 1) break;
    if (best && firstFail && firstFail.calls - best.calls <= Math.max(1, best.calls / 8)) break;
  }
  return { best, firstFail, tried };
}

out(`media-calls: ${SECONDS} s per step, calls ${STEPS.join(", ")}; ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} at start; node ${process.version}`);
out(`definition: ${LATE_DEFINITION}`);
out();

const idleMsPerSecond = await measureIdle(Math.min(SECONDS, 5));
out(`our process idle (no calls): ${fmt(idleMsPerSecond)} CPU ms/s; "net" below subtracts it before dividing by the calls`);
const ourRuns = new Map<string, CallRun | string>();
for (const codec of CODECS) for (const n of STEPS) ourRuns.set(`${codec}/${n}`, await ours(codec, n, SECONDS));

const bareRuns = new Map<string, BaresipRun>();
const bareSkipped = process.env.BENCH_SKIP_BARESIP ? "skipped (BENCH_SKIP_BARESIP)" : undefined;
if (!bareSkipped) {
  for (const codec of CODECS) {
    const runs = await runBaresipCalls(codec, STEPS, SECONDS, out);
    runs.forEach((r) => bareRuns.set(`${codec}/${r.calls}`, r));
  }
}

out();
out("CPU ms per call per second of call (both ends), cusax RtpSession pairs in one Node process vs baresip process pairs");
const rows: string[][] = [];
for (const codec of CODECS) {
  for (const n of STEPS) {
    const o = ourRuns.get(`${codec}/${n}`);
    const b = bareRuns.get(`${codec}/${n}`);
    const bCell = bareSkipped ?? (b ? (b.error ? `failed: ${b.error}` : fmt(b.cpuMsPerCallSecond) + (b.note ? ` (${b.note})` : "")) : "not measured (an earlier step failed)");
    const ratio = typeof o !== "string" && o && b?.cpuMsPerCallSecond ? fmt(o.cpuMsPerCallSecond / b.cpuMsPerCallSecond) : "-";
    if (typeof o === "string" || !o) rows.push([codec, String(n), o ?? "not run", "-", bCell, "-", "-", "-", "-", "-"]);
    else rows.push([codec, String(n), fmt(o.cpuMsPerCallSecond), fmt(o.cpuMsPerCallSecond - idleMsPerSecond / n), bCell, ratio, String(o.packetsSent), `${o.lateSends}+${o.lateArrivals}`, fmt(o.latePercent, 3), fmt(o.lossPercent, 3)]);
  }
}
table(["codec", "calls", "cusax", "cusax net", "baresip", "cusax/baresip", "pkts sent", "late (send+rx)", "late %", "loss %"], rows);

if (process.env.BENCH_SKIP_CAPACITY) {
  out("\ncapacity search skipped (BENCH_SKIP_CAPACITY)");
} else {
  out(`\nLargest N our one process (one event loop, one core at most) holds with under 1 % late packets (${CAPACITY_SECONDS} s per try)`);
  const capRows: string[][] = [];
  for (const codec of CODECS) {
    const c = await capacity(codec);
    for (const r of c.tried) {
      if (typeof r === "string") capRows.push([codec, "-", r, "-", "-", "-", "-"]);
      else capRows.push([codec, String(r.calls), fmt(r.cpuMsPerCallSecond), fmt((r.cpuMsPerCallSecond * r.calls) / 10, 1), fmt(r.latePercent, 3), fmt(r.lossPercent, 3), r.latePercent < 1 ? "pass" : "fail"]);
    }
    const verdict = c.best ? `${c.best.calls}${c.firstFail ? ` (fails at ${c.firstFail.calls})` : " (or more: the search cap was reached)"}` : "none found (every try failed)";
    capRows.push([codec, "=>", `largest N under 1 %: ${verdict}`, "", "", "", ""]);
  }
  table(["codec", "calls", "cpu ms/call/s", "process % of a core", "late %", "loss %", "verdict"], capRows);
}
out(`\nload average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
process.exit(0);
