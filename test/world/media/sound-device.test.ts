// World: the sound device (protocol.md D33) with sox standing in for it: a
// directory first on the tools' PATH holds parec/pacat (or arecord/aplay)
// wrappers running sox (the "microphone" a 440 Hz synth as raw s16le on
// stdout, the "speaker" stdin written to a WAV). Our SipUserAgent, its calls
// on the device leg by default, calls baresip through Kamailio: baresip
// hears 440 Hz and the speaker WAV holds baresip's 1 kHz. A missing tool and
// one that dies mid-call are warnings naming media.device; the call goes on.
// And the daemon with media.device in its config: a call placed through the
// CLI (no media named) talks through the device.
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMediaHooks, MemorySink, type AudioCallMedia, type DeviceLeg, type SoundDeviceSpec } from "../../../packages/core/src/media/index.js";
import { SipUserAgent } from "../../../packages/core/src/sip/index.js";
import { audioStat, freePortRange, makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup, type Baresip, type Kamailio } from "../index.js";
import { ok, startDaemon, writeConfig } from "../daemon/daemon-kit.js";
import { reach } from "../sip/call-kit.js";
import { PHONE_CODECS, phoneHeard, startPhone } from "./media-kit.js";

const track = useCleanup();
const SOX_RAW = "-t raw -r 48000 -e signed -b 16 -c 1 --buffer 1920";

type Agent = { ua: SipUserAgent; legs: DeviceLeg[]; warnings: string[]; media: AudioCallMedia[] };
type World = { k: Kamailio; dir: string; phone: Baresip };
let shared: Promise<World> | undefined;

function world(): Promise<World> {
  shared ??= (async () => {
    const k = track(await startKamailio({ users: ["alice", "carol", "dave", "pcmu"], label: "sound-device" }));
    const dir = makeWorldDir("sound-device");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const phone = track(await startPhone(k, "pcmu", dir, PHONE_CODECS.PCMU));
    return { k, dir, phone };
  })();
  return shared;
}

/** A directory of stand-in tools (name -> shell script), put first on PATH. */
function tools(dir: string, scripts: Record<string, string>): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return { ...process.env, PATH: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}` };
}

/** Our user agent as `user`; every call's audio on the sound device (media.device's default). */
async function startDeviceAgent(w: World, user: string, spec: SoundDeviceSpec, env: NodeJS.ProcessEnv): Promise<Agent> {
  const u = w.k.users[user]!;
  const [min, max] = await freePortRange(20);
  const agent = { legs: [], warnings: [], media: [] } as unknown as Agent;
  const hooks = createMediaHooks({
    portRange: { min, max }, codecs: ["PCMU"], srtp: "off", statsIntervalMs: 0, rtcpIntervalMs: 400,
    sink: () => new MemorySink(8000), audio: "device",
    device: { spec, options: { env }, onLeg: (leg) => (agent.legs.push(leg), leg.events.on("warning", (x) => void agent.warnings.push(x.message))) },
  });
  hooks.events.on("call", (m) => void agent.media.push(m));
  agent.ua = new SipUserAgent({
    aor: u.aor, password: u.password, instanceId: `urn:uuid:${randomUUID()}`, transport: "udp",
    outboundProxy: `sip:${w.k.host}:${w.k.ports.udp};transport=udp`, listen: { host: w.k.host }, mediaHooks: hooks, expires: 120,
  });
  const started = await agent.ua.start();
  if (!started.ok) throw new Error(`registration failed: ${JSON.stringify(started)}`);
  track({ stop: () => agent.ua.stop() });
  return agent;
}

async function sent(media: AudioCallMedia, packets: number): Promise<void> {
  const from = media.stats()?.packetsSent ?? 0;
  await until(`${packets} packets sent`, () => (media.stats()?.packetsSent ?? 0) - from >= packets, { timeoutMs: 60_000 });
}

describe("the sound device (sox standing in for parec/pacat and arecord/aplay)", () => {
  it("pulse: baresip hears the microphone's 440 Hz, the speaker's WAV holds baresip's 1 kHz", async () => {
    const w = await world();
    const speaker = join(w.dir, "speaker.wav");
    const env = tools(join(w.dir, "pulse-tools"), {
      // sox synthesises faster than real time: 100 ms at a time keeps the pace of a microphone.
      parec: `while :; do sox -q -n ${SOX_RAW} - synth 0.1 sine 440 vol 0.5 || exit 1; sleep 0.09; done`,
      pacat: `exec sox -q ${SOX_RAW} - "${speaker}"`,
    });
    const alice = await startDeviceAgent(w, "alice", { tool: "pulse" }, env);
    const before = w.phone.recordings().dec;
    const call = alice.ua.call(`sip:pcmu@${w.k.domain}`);
    await reach(call, "established", 30_000);
    const leg = alice.legs[0]!;
    expect(leg.kind).toBe("device");
    await until("the tools run", () => leg.running.capture && leg.running.playback, { timeoutMs: 30_000 });
    await sent(alice.media[0]!, 150);
    await until("the speaker played 150 frames", () => leg.counters.playedFrames >= 150, { timeoutMs: 60_000 });
    call.hangup();
    await reach(call, "ended");
    await leg.whenStopped();
    expect(leg.running).toEqual({ capture: false, playback: false });
    expect(alice.warnings).toEqual([]);
    expect(Math.abs((await phoneHeard(w.phone, before)) - 440)).toBeLessThan(30);
    const heard = await audioStat(speaker);
    expect(heard.seconds).toBeGreaterThan(1);
    expect(Math.abs(heard.frequency - 1000)).toBeLessThan(30);
  });

  it("alsa: a microphone tool that dies mid-call and a missing speaker tool are reported; the call goes on", async () => {
    const w = await world();
    // arecord plays a second of tone, then fails; there is no aplay on PATH at all.
    const bin = join(w.dir, "alsa-tools");
    const env = tools(bin, { arecord: `sox -q -n ${SOX_RAW} - synth 1 sine 440 vol 0.5\necho "arecord: device disappeared" >&2\nexit 1` });
    const alice = await startDeviceAgent(w, "carol", { tool: "alsa" }, env);
    const call = alice.ua.call(`sip:pcmu@${w.k.domain}`);
    await reach(call, "established", 30_000);
    await until("two warnings", () => alice.warnings.length >= 2, { timeoutMs: 60_000 });
    expect(alice.warnings.some((m) => /^media\.device: the microphone tool "arecord" exited \(code 1\): arecord: device disappeared; the call goes on with silence$/.test(m))).toBe(true);
    expect(alice.warnings.some((m) => /^media\.device: the speaker tool "aplay" (was not found on PATH|exited)/.test(m))).toBe(true);
    await sent(alice.media[0]!, 100); // silence keeps the call going
    expect(call.state).toBe("established");
    call.hangup();
    await reach(call, "ended");
  });

  it("the daemon with media.device: a call placed through the CLI talks through the device by default", async () => {
    const w = await world();
    const prosody = track(await startProsody({ users: ["dave"] }));
    const speaker = join(w.dir, "daemon-speaker.wav");
    const bin = join(w.dir, "daemon-tools");
    tools(bin, {
      parec: `while :; do sox -q -n ${SOX_RAW} - synth 0.1 sine 440 vol 0.5 || exit 1; sleep 0.09; done`,
      pacat: `exec sox -q ${SOX_RAW} - "${speaker}"`,
    });
    // The daemon inherits this process's environment: the stand-in tools come first on its PATH.
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? "/usr/bin:/bin"}`;
    const paths = writeConfig(w.dir, "dave", prosody, w.k, { device: { tool: "pulse" } } as unknown as Record<string, string>);
    const dave = await startDaemon("dave", paths).finally(() => (process.env.PATH = path));
    track(dave);
    const before = w.phone.recordings().dec;
    const placed = await ok<{ call: { id: string } }>(dave.dataDir, ["call", `sip:pcmu@${w.k.domain}`]);
    const poll = { timeoutMs: 60_000, intervalMs: 200 };
    await until("the device started", () => dave.log().includes("sound device started"), poll);
    // Two seconds of baresip's audio played into the "speaker" (48 kHz, 16-bit, after a 44-byte header).
    await until("the speaker WAV grew", () => existsSync(speaker) && statSync(speaker).size > 2 * 48000 * 2, poll);
    await ok(dave.dataDir, ["hangup", "--call", placed.call.id]);
    await until("dave has no call left", async () => (await ok<{ calls: unknown[] }>(dave.dataDir, ["calls"])).calls.length === 0, poll);
    expect(dave.log()).not.toContain("media.device:");
    expect(Math.abs((await phoneHeard(w.phone, before)) - 440)).toBeLessThan(30);
    const heard = await until("the speaker WAV finished", async () => {
      const st = await audioStat(speaker).catch(() => undefined);
      return st && st.seconds > 1 ? st : undefined;
    }, poll);
    expect(Math.abs(heard.frequency - 1000)).toBeLessThan(30);
  });
});
