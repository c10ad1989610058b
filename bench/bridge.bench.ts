// The browser bridge (protocol.md D27, D33): latency from the page's mouth to
// the SIP leg, with the SIP leg on Opus (relayed) and on PCMU (transcoded),
// and CPU per bridged call side by side with a plain WAV call, in one run
// against baresip through Kamailio (the world harness), the page in headless
// Chromium (test/world/webrtc/page-kit.ts).
//
//   npm run bench -- bridge
//   npx tsx bench/bridge.bench.ts [seconds=15]
//
// Method. The page's fake microphone plays a WAV of silence with a 100 ms
// 1 kHz burst every second. In the page, an AnalyserNode on the *local*
// microphone track notes each burst's onset (Date.now(), polled every 5 ms):
// that is the "mouth". In this process, the audio leaving the bridge
// towards baresip is tapped where it departs: for PCMU the 20 ms frames the
// SIP leg's encoder reads from the call's leg slot, for Opus the relayed
// payloads as the SIP leg takes them (decoded here only to find the onset).
// Each departure onset is matched to the latest mouth onset before it; the
// difference is mouth -> SIP departure: Chromium's capture, Opus encode,
// loopback, the bridge (jitter buffer, decode, resample, the 20 ms tick;
// relay: the wait for the tick). Both clocks are this machine's wall clock.
// The bridge's own share in the relay case (page packet in -> SIP packet
// out) is the leg's relayWait, also shown. What baresip adds after the SIP
// leg (its jitter buffer, playout) and the way back (baresip -> page) are
// not measured here.
//
// CPU: this process's CPU time (process.cpuUsage, user + system) while the
// call runs, minus the same window idle, per second of call: "ms/s" (10 ms/s
// is 1 % of a core). This process is the daemon side: the SIP UA, the call's
// RTP, the page's werift leg; Chromium and baresip are other processes. The
// taps above run in every case (an energy check per frame; an Opus decode
// per relayed packet).
import { join } from "node:path";
import type { Page } from "playwright-core";
import { createOpusCodec, SilenceSource, WavSource, type AudioCallMedia, type PayloadRelay } from "../packages/core/src/media/index.js";
import { BrowserLeg } from "../packages/core/src/media/webrtc/browser-leg.js";
import { makeTone, makeWorldDir, removeWorldDir, startKamailio, until, type Baresip, type Kamailio } from "../test/world/index.js";
import { PHONE_CODECS, startMediaAgent, startPhone, type MediaAgent } from "../test/world/media/media-kit.js";
import { reach } from "../test/world/sip/call-kit.js";
import { launchChromium, startPageServer, type Browser } from "../test/world/webrtc/page-kit.js";
import { run } from "../test/world/process.js";

process.on("uncaughtException", (err: NodeJS.ErrnoException) => {
  if (err.code !== "ERR_STREAM_WRITE_AFTER_END") throw err;
});

const SECONDS = Number(process.argv[2] ?? 15);
const out = (line = "") => process.stdout.write(line + "\n");
const fmt = (n: number | undefined, d = 1) => (n === undefined || !Number.isFinite(n) ? "-" : n.toFixed(d));

/** Onsets of the burst in a stream of frames: the first loud frame after at least 300 ms of quiet. */
class Onsets {
  readonly at: number[] = [];
  private quietSince = -Infinity;
  private loud = false;
  push(frame: Int16Array, now: number): void {
    let sum = 0;
    for (const s of frame) sum += s * s;
    const loud = Math.sqrt(sum / Math.max(1, frame.length)) > 1500;
    if (loud && !this.loud && now - this.quietSince >= 300) this.at.push(now);
    if (!loud && this.loud) this.quietSince = now;
    if (!loud && this.quietSince === -Infinity) this.quietSince = now - 1000;
    this.loud = loud;
  }
}

/** For each departure onset, the delay since the latest mouth onset before it (within 1 s). */
function delays(mouth: number[], departed: number[]): number[] {
  return departed.flatMap((t) => {
    const m = mouth.filter((x) => x <= t).at(-1);
    return m !== undefined && t - m < 1000 ? [t - m] : [];
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], min: s[0], max: s.at(-1) };
};

const LOCAL_ONSETS = `(() => {
  const ctx = new AudioContext({ sampleRate: 48000 });
  const an = ctx.createAnalyser(); an.fftSize = 256;
  const track = window.pc.getSenders().find((s) => s.track && s.track.kind === "audio").track;
  ctx.createMediaStreamSource(new MediaStream([track])).connect(an);
  const buf = new Float32Array(an.fftSize); let loud = false, quietSince = -1e12;
  window.mouth = [];
  setInterval(() => {
    an.getFloatTimeDomainData(buf); let sum = 0; for (const v of buf) sum += v * v;
    const now = Date.now(), isLoud = Math.sqrt(sum / buf.length) > 0.045;
    if (isLoud && !loud && now - quietSince >= 300) window.mouth.push(now);
    if (!isLoud && loud) quietSince = now;
    loud = isLoud;
  }, 5);
})()`;

type World = { wav: string; k: Kamailio; alice: MediaAgent; phones: { PCMU: Baresip; opus: Baresip }; browser: Browser; legs: BrowserLeg[]; target: { media?: AudioCallMedia }; stop(): Promise<void> };

async function startWorld(): Promise<World> {
  const stops: (() => Promise<void>)[] = [];
  const k = await startKamailio({ users: ["alice", "pcmu", "opus"], label: "bench-bridge" });
  stops.push(() => k.stop());
  const dir = makeWorldDir("bench-bridge");
  stops.push(async () => removeWorldDir(dir, false));
  const [pcmu, opus] = await Promise.all([startPhone(k, "pcmu", dir, PHONE_CODECS.PCMU), startPhone(k, "opus", dir, PHONE_CODECS.opus)]);
  stops.push(() => pcmu!.stop(), () => opus!.stop());
  const alice = await startMediaAgent(k, "alice");
  stops.push(() => alice.stop());
  const legs: BrowserLeg[] = [];
  const target: { media?: AudioCallMedia } = {};
  const server = await startPageServer(async (sdp) => {
    const { leg, answer } = await BrowserLeg.answer(sdp);
    legs.push(leg);
    target.media!.legs.attach(leg);
    return answer;
  });
  stops.push(() => server.stop());
  const burst = join(dir, "burst.wav");
  await run("sox", ["-n", "-r", "48000", "-c", "1", "-b", "16", burst, "synth", "0.1", "sine", "1000", "vol", "0.5", "pad", "0", "0.9", "repeat", "59"]);
  const wav = await makeTone(join(dir, "tone.wav"), 440, { seconds: 10 });
  const browser = await launchChromium(join(dir, "chromium"), burst);
  stops.push(() => browser.stop());
  (world as { url?: string }).url = server.url;
  return { wav, k, alice, phones: { PCMU: pcmu!, opus: opus! }, browser, legs, target, stop: async () => { for (const s of stops.reverse()) await s().catch(() => undefined); } };
}
const world: { url?: string } = {};

/** Taps the audio leaving the bridge towards the SIP peer (see the header). */
function tapDeparture(media: AudioCallMedia, leg: BrowserLeg | undefined, onsets: Onsets): void {
  const src = media.legs.source as { read(): Int16Array | undefined };
  const read = src.read.bind(src);
  src.read = () => {
    const f = read();
    if (f && !(leg && media.negotiated?.codec?.name.toLowerCase() === "opus")) onsets.push(f, Date.now());
    return f;
  };
  if (!leg) return;
  const decoder = createOpusCodec({ sampleRate: 48000 });
  const relayFor = leg.relayFor.bind(leg);
  leg.relayFor = (codec: string): PayloadRelay | undefined => {
    const r = relayFor(codec);
    if (!r) return r;
    return { codec: r.codec, forward: (p) => r.forward(p), take: () => {
      const p = r.take();
      if (p) onsets.push(decoder.decode(p), Date.now());
      return p;
    } };
  };
}

type Row = { name: string; cpuMsPerS: number; delays?: ReturnType<typeof stats>; relayWait?: { mean: number; worst: number }; sent: number };

async function oneCall(w: World, name: string, codec: "PCMU" | "opus", page: boolean, idleMsPerS: number, wav: string): Promise<Row> {
  w.alice.configure({ codecs: [codec], srtp: "off", source: () => (page ? new SilenceSource(48000) : new WavSource(wav, { loop: true })) });
  const call = w.alice.ua.call(`sip:${codec === "PCMU" ? "pcmu" : "opus"}@${w.k.domain}`);
  const audio = w.alice.audioOf(call);
  w.target.media = audio.media;
  let tab: Page | undefined;
  let leg: BrowserLeg | undefined;
  if (page) {
    const before = w.legs.length;
    tab = await w.browser.open(world.url!);
    await tab.evaluate(() => (globalThis as unknown as { start(): Promise<void> }).start());
    leg = w.legs[before]!;
    await until("the page's leg connected", () => leg!.connected, { timeoutMs: 60_000 });
    await tab.evaluate(LOCAL_ONSETS);
  }
  await reach(call, "established", 60_000);
  const onsets = new Onsets();
  tapDeparture(audio.media, leg, onsets);
  const sent0 = audio.media.stats()?.packetsSent ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await until(`${SECONDS} s of call`, () => performance.now() - t0 >= SECONDS * 1000, { timeoutMs: SECONDS * 1000 + 60_000, intervalMs: 200 });
  const cpu = process.cpuUsage(cpu0);
  const secs = (performance.now() - t0) / 1000;
  const mouth = tab ? ((await tab.evaluate(() => (globalThis as unknown as { mouth: number[] }).mouth)) ?? []) : [];
  const row: Row = {
    name, sent: (audio.media.stats()?.packetsSent ?? 0) - sent0,
    cpuMsPerS: (cpu.user + cpu.system) / 1000 / secs - idleMsPerS,
    ...(tab && { delays: stats(delays(mouth, onsets.at)) }),
    ...(leg && codec === "opus" && { relayWait: { mean: leg.relayWait.meanMs, worst: leg.relayWait.worstMs } }),
  };
  call.hangup();
  await reach(call, "ended", 30_000);
  await tab?.close();
  return row;
}

async function idle(): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await until("an idle window", () => performance.now() - t0 >= SECONDS * 1000, { timeoutMs: SECONDS * 1000 + 60_000, intervalMs: 200 });
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const w = await startWorld();
  try {
    const wav = w.wav;
    const idleMsPerS = await idle();
    const rows = [
      await oneCall(w, "plain WAV call, PCMU", "PCMU", false, idleMsPerS, wav),
      await oneCall(w, "page bridged, PCMU (transcode)", "PCMU", true, idleMsPerS, wav),
      await oneCall(w, "page bridged, Opus (relay)", "opus", true, idleMsPerS, wav),
    ];
    out(`${SECONDS} s per call; idle process ${fmt(idleMsPerS, 2)} ms/s subtracted; mouth -> SIP departure in ms (median / p90 / min-max over n bursts)`);
    out("");
    const header = ["call", "CPU ms/s", "mouth->SIP median", "p90", "min-max", "n", "relay wait mean/worst", "packets sent"];
    const cells = rows.map((r) => [
      r.name, fmt(r.cpuMsPerS, 2), fmt(r.delays?.median), fmt(r.delays?.p90), r.delays ? `${fmt(r.delays.min)}-${fmt(r.delays.max)}` : "-", String(r.delays?.n ?? "-"),
      r.relayWait ? `${fmt(r.relayWait.mean)}/${fmt(r.relayWait.worst)}` : "-", String(r.sent),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ");
    out(line(header));
    out(widths.map((n) => "-".repeat(n)).join("  "));
    cells.forEach((c) => out(line(c)));
  } finally {
    await w.stop();
  }
}

await main();
