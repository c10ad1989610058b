// World-test kit for call media (RFC 3264 offer/answer, RFC 3550 RTP, RFC 3711
// SRTP, RFC 4733 DTMF): our SipUserAgent with createMediaHooks at the world's
// Kamailio, and baresip phones forced to one codec.
import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import {
  createMediaHooks, MemorySink, ToneSource, type AudioCallMedia, type CallCodecName, type CallMediaOptions,
} from "../../../packages/core/src/media/index.js";
import { dominantFrequency } from "../../../packages/core/src/media/analysis.js";
import { SipUserAgent, type MediaHooks, type SipCall } from "../../../packages/core/src/sip/index.js";
import { audioStat, freePortRange, makeTone, startBaresip, until, type Baresip, type BaresipOptions, type Kamailio, type SipServer } from "../index.js";
import { run } from "../process.js";

export type CallAudio = { media: AudioCallMedia; sink: MemorySink };

export type MediaAgent = {
  ua: SipUserAgent;
  /** Media of each call by Call-ID, as the hooks created it. */
  calls: Map<string, CallAudio>;
  /** Options for the calls created from now on (codecs, srtp). */
  configure(options: Partial<CallMediaOptions>): void;
  audioOf(call: SipCall): CallAudio;
  stop(): Promise<void>;
};

/** Our user agent registered as `user`, playing a `hz` tone into every call, keeping what it hears at 8 kHz. */
export async function startMediaAgent(k: SipServer, user: string, options: { transport?: "udp" | "tls"; hz?: number } = {}): Promise<MediaAgent> {
  const u = k.users[user]!;
  const transport = options.transport ?? "udp";
  const [min, max] = await freePortRange(40);
  const calls = new Map<string, CallAudio>();
  let current: Partial<CallMediaOptions> = {};
  const hooks: MediaHooks = {
    create(call) {
      const sink = new MemorySink(8000);
      const media = createMediaHooks({
        portRange: { min, max }, source: () => new ToneSource(8000, options.hz ?? 440, 12000), sink: () => sink, statsIntervalMs: 0, rtcpIntervalMs: 400, ...current,
      }).create(call);
      calls.set(call.callId, { media, sink });
      return media;
    },
  };
  const port = transport === "tls" ? k.ports.tls : k.ports.udp;
  const ua = new SipUserAgent({
    aor: u.aor, password: u.password, instanceId: `urn:uuid:${randomUUID()}`, transport, ca: [k.caPem],
    outboundProxy: `sip:${k.host}:${port};transport=${transport}`, listen: { host: k.host }, mediaHooks: hooks, expires: 120,
  });
  const started = await ua.start();
  if (!started.ok) throw new Error(`registration failed: ${JSON.stringify(started)}`);
  return {
    ua,
    calls,
    configure: (o) => void (current = o),
    audioOf(call) {
      const a = calls.get(call.id);
      if (!a) throw new Error(`no media for call ${call.id}`);
      return a;
    },
    stop: () => ua.stop(),
  };
}

export type PhoneCodec = { codec: CallCodecName; rate: 8000 | 48000; baresip: Partial<BaresipOptions> };

/** baresip forced to one codec (its account's audio_codecs), with its source at the codec's rate. */
export const PHONE_CODECS: Record<CallCodecName, PhoneCodec> = {
  PCMU: { codec: "PCMU", rate: 8000, baresip: { accountParams: ";audio_codecs=PCMU/8000/1" } },
  PCMA: { codec: "PCMA", rate: 8000, baresip: { accountParams: ";audio_codecs=PCMA/8000/1" } },
  opus: { codec: "opus", rate: 48000, baresip: { modules: ["opus"], accountParams: ";audio_codecs=opus/48000/2", sampleRate: 48000 } },
};

/** A baresip phone for `user` playing 1 kHz, answering by itself, with `extra` account parameters (e.g. SRTP). */
export async function startPhone(k: Kamailio, user: string, dir: string, phone: PhoneCodec, extra: { modules?: string[]; accountParams?: string } = {}): Promise<Baresip> {
  const tone = await makeTone(join(dir, `${user}-1000.wav`), 1000, { seconds: 30, rate: phone.rate });
  const b = await startBaresip(k, user, {
    ...phone.baresip, source: tone, answer: "auto", label: `baresip-${user}`,
    modules: [...(phone.baresip.modules ?? []), ...(extra.modules ?? [])],
    accountParams: `${phone.baresip.accountParams ?? ""}${extra.accountParams ?? ""}`,
  });
  await b.registered();
  return b;
}

/** Waits until we received `packets` RTP packets on the call, then checks we hear ~1 kHz. */
export async function hearTone(audio: CallAudio, packets = 60): Promise<number> {
  await until(`${packets} RTP packets`, () => (audio.media.stats()?.packetsReceived ?? 0) >= packets, { timeoutMs: 30_000 });
  // Nothing the peer sent (RTP, RTCP, their SRTP/SRTCP forms) was dropped, except that baresip, calling
  // with SRTP, first sends a plain 16-byte RTCP APP "PING"/"PONG" (a NAT keep-alive) that SRTCP refuses.
  const { "srtcp-short": _ping, ...rejected } = audio.media.stats()?.rejected ?? {};
  if ((_ping ?? 0) > 1 || Object.keys(rejected).length > 0) throw new Error(`packets dropped: ${JSON.stringify(audio.media.stats()?.rejected)}`);
  // The last second the sink holds (the first frames may be jitter-buffer silence).
  const all = audio.sink.samples();
  return dominantFrequency(all.subarray(Math.max(0, all.length - 8000)), 8000);
}

/** The recording of the received audio baresip made for its latest call, once finished (after the call closed). */
export async function phoneHeard(b: Baresip, before: readonly string[]): Promise<number> {
  const file = await until("baresip's new recording", () => b.recordings().dec.find((f) => !before.includes(f)));
  const stat = await until("a finished recording", async () => {
    if (statSync(file).size < 8000) return undefined;
    const s = await audioStat(file).catch(() => undefined);
    return s && s.seconds > 0.5 ? s : undefined;
  });
  return stat.frequency;
}

// --- Video (RFC 7741 VP8 over RTP) ------------------------------------------

export type VideoProbe = { codec: string; width: number; height: number; frames: number };

/** ffprobe (Debian's ffmpeg) decodes every frame of `file`: codec, size and how many frames it read. */
export async function probeVideo(file: string): Promise<VideoProbe> {
  const out = await run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", file]);
  const stream = (JSON.parse(out) as { streams?: { codec_name: string; width: number; height: number; nb_read_frames: string }[] }).streams?.[0];
  if (!stream) throw new Error(`ffprobe found no video stream in ${file}: ${out}`);
  return { codec: stream.codec_name, width: stream.width, height: stream.height, frames: Number(stream.nb_read_frames) };
}

/** A VP8 IVF of ffmpeg's test picture (libvpx), `seconds` long at `fps`, a key frame every second. */
export async function makeVp8Ivf(file: string, o: { width: number; height: number; fps: number; seconds: number }): Promise<string> {
  await run("ffmpeg", [
    "-v", "error", "-y", "-f", "lavfi", "-i", `testsrc=size=${o.width}x${o.height}:rate=${o.fps}`, "-t", String(o.seconds),
    "-c:v", "libvpx", "-b:v", "300k", "-g", String(o.fps), "-f", "ivf", file,
  ]);
  return file;
}

/** A baresip phone for `user` with audio (PCMU) and fakevideo's VP8 camera, answering by itself; `extra` as for startPhone. */
export async function startVideoPhone(k: Kamailio, user: string, dir: string, video: NonNullable<BaresipOptions["video"]>, extra: { modules?: string[]; accountParams?: string } = {}): Promise<Baresip> {
  const tone = await makeTone(join(dir, `${user}-1000.wav`), 1000, { seconds: 30, rate: 8000 });
  const b = await startBaresip(k, user, {
    source: tone, answer: "auto", label: `baresip-${user}`, video, modules: extra.modules ?? [], accountParams: `;audio_codecs=PCMU/8000/1${extra.accountParams ?? ""}`,
  });
  await b.registered();
  return b;
}
