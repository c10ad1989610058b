// The baresip half of bench/media-calls.bench.ts: N calls between pairs of
// baresip 1.0 processes through the test world's Kamailio, each playing a
// tone WAV (aufile) and, as the harness configures it, recording both
// directions (sndfile). CPU is utime + stime of the in-call baresip
// processes, read from /proc/<pid>/stat (proc(5): fields 14 and 15).
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, type Baresip, type Kamailio } from "../test/world/index.js";
import type { BenchCodec } from "./media-calls-ours.js";

export type BaresipRun = { calls: number; seconds: number; cpuMsPerCallSecond?: number; error?: string; note?: string };

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU ms (user + system) a process has used so far. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count fields after its ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

/** Bytes of received audio a phone has recorded (sndfile's "-dec.wav"): proof that RTP flows. */
function receivedBytes(phone: Baresip): number {
  return phone.recordings().dec.reduce((n, f) => n + statSync(f).size, 0);
}

async function placeCall(caller: Baresip, callee: Baresip): Promise<void> {
  const r = await caller.command("dial", callee.user.aor);
  if (!r.ok) throw new Error(`dial ${callee.user.aor} refused: ${r.data ?? ""}`);
  await caller.waitEvent((e) => e.type === "CALL_ESTABLISHED", `call to ${callee.user.name} established`, 20_000);
  await callee.waitEvent((e) => e.type === "CALL_ESTABLISHED", `call from ${caller.user.name} established`, 20_000);
}

/**
 * Starts 2 x max(steps) baresip phones, then for each step places calls up
 * to that many, waits a second and measures `seconds` of CPU of the phones in calls.
 */
export async function runBaresipCalls(codec: BenchCodec, steps: number[], seconds: number, log: (line: string) => void): Promise<BaresipRun[]> {
  const maxCalls = Math.max(...steps);
  const names = Array.from({ length: 2 * maxCalls }, (_, i) => `${codec === "PCMU" ? "g" : "o"}${i}`);
  const rate = codec === "PCMU" ? 8000 : 48000;
  const dir = makeWorldDir(`bench-media-${codec}`);
  let kamailio: Kamailio | undefined;
  const phones: Baresip[] = [];
  const results: BaresipRun[] = [];
  try {
    kamailio = await startKamailio({ users: names, label: `bench-media-${codec}` });
    const tone = await makeTone(join(dir, "tone.wav"), 440, { seconds: 20 + steps.length * (seconds + 12), rate });
    for (const name of names) {
      const phone = await startBaresip(kamailio, name, { source: tone, answer: "auto", modules: codec === "opus" ? ["opus"] : [], sampleRate: rate, label: `bench-${name}` });
      phones.push(phone);
    }
    await Promise.all(phones.map((p) => p.registered()));
    log(`  baresip ${codec}: ${phones.length} phones registered`);
    let inCall = 0;
    for (const calls of steps) {
      try {
        for (; inCall < calls; inCall++) await placeCall(phones[2 * inCall] as Baresip, phones[2 * inCall + 1] as Baresip);
        await sleep(1000);
        const pids = phones.slice(0, 2 * calls).map((p) => p.pid);
        const talking = phones.slice(0, 2 * calls);
        const rx0 = talking.map(receivedBytes);
        const cpu0 = pids.map(processCpuMs);
        const t0 = performance.now();
        await sleep(seconds * 1000);
        const used = pids.map(processCpuMs).reduce((a, b, i) => a + b - (cpu0[i] as number), 0);
        const wall = (performance.now() - t0) / 1000;
        const silent = talking.filter((p, i) => receivedBytes(p) <= (rx0[i] as number)).map((p) => p.user.name);
        const note = silent.length ? `no received audio recorded by ${silent.join(", ")}` : undefined;
        results.push({ calls, seconds: wall, cpuMsPerCallSecond: used / wall / calls, ...(note && { note }) });
      } catch (err) {
        results.push({ calls, seconds: 0, error: (err as Error).message.split("\n")[0] });
        break;
      }
    }
  } catch (err) {
    const message = (err as Error).message.split("\n")[0] ?? String(err);
    for (const calls of steps.filter((n) => !results.some((r) => r.calls === n))) results.push({ calls, seconds: 0, error: message });
  } finally {
    await Promise.all(phones.map((p) => p.stop().catch(() => undefined)));
    await kamailio?.stop();
    removeWorldDir(dir, false);
  }
  return results;
}
