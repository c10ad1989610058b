// World kit for the browser leg (protocol.md D27, D28): a tiny page served on
// loopback that does getUserMedia + RTCPeerConnection and posts its complete
// offer to /offer, and headless Debian Chromium whose fake microphone plays
// a WAV. The page measures what it hears with a WebAudio AnalyserNode.
import { createServer, type Server } from "node:http";
import { mkdirSync } from "node:fs";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { run } from "../process.js";

const PAGE = `<!doctype html><meta charset="utf-8"><title>cusax webrtc test</title><script>
window.digits = [];
window.start = async () => {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  const mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  for (const t of mic.getTracks()) pc.addTrack(t, mic);
  const ch = pc.createDataChannel("cusax");
  window.channel = ch;
  ch.onmessage = (e) => { try { window.digits.push(JSON.parse(e.data).dtmf); } catch {} };
  pc.ontrack = (e) => {
    const stream = e.streams[0] || new MediaStream([e.track]);
    // Chromium feeds a remote track to WebAudio only while a media element plays it.
    const el = new Audio(); el.srcObject = stream; el.muted = true; el.play();
    const ctx = new AudioContext({ sampleRate: 48000 });
    const an = ctx.createAnalyser(); an.fftSize = 16384;
    ctx.createMediaStreamSource(stream).connect(an);
    window.analyser = an; window.audioCtx = ctx;
  };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === "complete") r(); pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()); });
  const res = await fetch("/offer", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sdp: pc.localDescription.sdp }) });
  if (!res.ok) throw new Error("offer refused: " + res.status + " " + await res.text());
  await pc.setRemoteDescription(await res.json());
};
window.heard = () => {
  const an = window.analyser; if (!an) return { hz: 0, db: -200 };
  const bins = new Float32Array(an.frequencyBinCount); an.getFloatFrequencyData(bins);
  let best = 1; for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  return { hz: best * an.context.sampleRate / an.fftSize, db: bins[best] };
};
window.inbound = async () => {
  let n = 0; (await window.pc.getStats()).forEach((s) => { if (s.type === "inbound-rtp" && s.kind === "audio") n = s.packetsReceived; });
  return n;
};
// Video (protocol.md D32): microphone and camera, the remote video played muted in a <video>.
window.startVideo = async () => {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
  for (const t of media.getTracks()) pc.addTrack(t, media);
  pc.createDataChannel("cusax");
  pc.ontrack = (e) => {
    if (e.track.kind !== "video") return;
    const el = document.createElement("video"); el.muted = true; el.autoplay = true; el.srcObject = new MediaStream([e.track]);
    document.body.appendChild(el); el.play();
  };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === "complete") r(); pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()); });
  const res = await fetch("/offer", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sdp: pc.localDescription.sdp }) });
  if (!res.ok) throw new Error("offer refused: " + res.status + " " + await res.text());
  const answer = await res.json();
  await pc.setRemoteDescription(answer);
  return answer.sdp;
};
window.videoStats = async () => {
  const out = { framesDecoded: 0, pliCount: 0, firCount: 0, framesSent: 0 };
  (await window.pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") Object.assign(out, { framesDecoded: s.framesDecoded || 0, pliCount: s.pliCount || 0, firCount: s.firCount || 0 });
    if (s.type === "outbound-rtp" && s.kind === "video") out.framesSent = s.framesSent || 0;
  });
  return out;
};
window.sendDtmf = (tones) => window.pc.getSenders().find((s) => s.track && s.track.kind === "audio").dtmf.insertDTMF(tones, 100, 70);
</script>`;

export type PageServer = { url: string; stop(): Promise<void> };

/** Serves the page at / and hands each posted offer to `answer` (its answer SDP goes back). */
export async function startPageServer(answer: (sdp: string) => Promise<string>): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/") return void res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    if (req.method !== "POST" || req.url !== "/offer") return void res.writeHead(404).end();
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      answer((JSON.parse(body) as { sdp: string }).sdp).then(
        (sdp) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ type: "answer", sdp })),
        (err: unknown) => res.writeHead(400).end(String(err)),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, stop: () => new Promise((r) => server.close(() => r())) };
}

export type Browser = { context: BrowserContext; open(url: string): Promise<Page>; stop(): Promise<void> };

/** Chromium once per file, its fake microphone playing `wav` (looped), its fake camera `y4m` when given (looped). */
export async function launchChromium(profileDir: string, wav: string, y4m?: string): Promise<Browser> {
  mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${wav}`, "--autoplay-policy=no-user-gesture-required",
      ...(y4m ? [`--use-file-for-fake-video-capture=${y4m}`] : []),
    ],
  });
  return {
    context,
    async open(url) {
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    stop: () => context.close(),
  };
}

type Heard = { hz: number; db: number };

/** What the page hears now (dominant frequency of the remote track). */
export const pageHears = (page: Page): Promise<Heard> => page.evaluate(() => (globalThis as unknown as { heard(): Heard }).heard());

export type PageVideo = { framesDecoded: number; pliCount: number; firCount: number; framesSent: number };

/** The page's video figures now (getStats: inbound-rtp and outbound-rtp of kind video). */
export const pageVideo = (page: Page): Promise<PageVideo> => page.evaluate(() => (globalThis as unknown as { videoStats(): Promise<PageVideo> }).videoStats());

/** A Y4M test picture (ffmpeg's testsrc) for Chromium's fake camera, which loops it. */
export async function makeY4m(file: string, o: { width: number; height: number; fps: number; seconds: number }): Promise<string> {
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc=size=${o.width}x${o.height}:rate=${o.fps}`, "-t", String(o.seconds), "-pix_fmt", "yuv420p", file]);
  return file;
}
