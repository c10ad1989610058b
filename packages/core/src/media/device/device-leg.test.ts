// protocol.md D33: the sound-device leg with stand-in tools on PATH (shell
// scripts running sox, cat, or a node process that ignores SIGTERM): capture
// and playback over the pipes, started on the first active flow, stopped
// with SIGTERM then SIGKILL, bounded when a tool stalls, and a missing or
// dying tool reported (naming media.device) while the leg goes on silent.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dominantFrequency } from "../analysis.js";
import { ToneGenerator } from "../tone.js";
import { DeviceLeg } from "./device-leg.js";
import { deviceCommands } from "./tools.js";

const root = mkdtempSync(join(tmpdir(), "cusax-device-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SYSTEM_PATH = "/usr/bin:/bin";
const ON = { send: true, recv: true };

/** A directory holding `tools` (name -> script body), first on PATH. */
function toolDir(name: string, tools: Record<string, string>): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [tool, body] of Object.entries(tools)) {
    writeFileSync(join(dir, tool), body);
    chmodSync(join(dir, tool), 0o755);
  }
  return { env: { PATH: `${dir}:${dirname(process.execPath)}:${SYSTEM_PATH}` }, dir };
}

/** Resolves when `check` holds (polled on events of the loop, never a fixed sleep), or fails after `ms`. */
async function until<T>(what: string, check: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
  }
}

// sox synthesises faster than real time: 100 ms at a time keeps the pace of a microphone.
const TONE = "#!/bin/sh\nwhile :; do sox -q -n -t raw -r 48000 -e signed -b 16 -c 1 --buffer 1920 - synth 0.1 sine 440 vol 0.5 || exit 1; sleep 0.09; done\n";

describe("DeviceLeg", () => {
  it("builds the tools' command lines for pulse and alsa, with the devices named", () => {
    const pulse = deviceCommands({ tool: "pulse", input: "mic0", output: "spk0" });
    expect(pulse.capture.command).toBe("parec");
    expect(pulse.capture.args).toEqual(expect.arrayContaining(["--raw", "--format=s16le", "--rate=48000", "--channels=1", "--device=mic0"]));
    expect(pulse.playback).toMatchObject({ command: "pacat", args: expect.arrayContaining(["--playback", "--device=spk0"]) });
    const alsa = deviceCommands({ tool: "alsa", input: "hw:1" });
    expect(alsa.capture).toEqual({ command: "arecord", args: ["-q", "-t", "raw", "-f", "S16_LE", "-r", "48000", "-c", "1", "-D", "hw:1"] });
    expect(alsa.playback).toEqual({ command: "aplay", args: ["-q", "-t", "raw", "-f", "S16_LE", "-r", "48000", "-c", "1"] });
  });

  it("captures the microphone tool's audio and plays to the speaker tool once the flow starts; close stops both", async () => {
    const { env } = toolDir("ok", { parec: TONE, pacat: `#!/bin/sh\nexec cat > "${join(root, "speaker.raw")}"\n` });
    const leg = new DeviceLeg({ tool: "pulse" }, { env });
    const warnings: string[] = [];
    leg.events.on("warning", (w) => void warnings.push(w.message));
    leg.flow({ send: false, recv: false });
    expect(leg.started).toBe(false);
    expect(leg.source!.read()).toBeUndefined();
    leg.flow(ON);
    await until("the tools run", () => leg.running.capture && leg.running.playback);
    const frames: Int16Array[] = [];
    await until("25 captured frames", () => {
      const f = leg.source!.read();
      if (f) frames.push(f);
      return frames.length >= 25;
    });
    const all = new Int16Array(frames.length * 960);
    frames.forEach((f, i) => all.set(f, i * 960));
    expect(Math.abs(dominantFrequency(all, 48000) - 440)).toBeLessThan(30);
    const gen = new ToneGenerator(48000, 1000, 8000);
    for (let i = 0; i < 50; i++) leg.sink!.write(gen.next(960));
    const speaker = join(root, "speaker.raw");
    await until("the speaker wrote 50 frames", () => existsSync(speaker) && statSync(speaker).size >= 50 * 960 * 2);
    leg.close("call-ended");
    await leg.whenStopped();
    expect(leg.running).toEqual({ capture: false, playback: false });
    const raw = readFileSync(speaker);
    expect(raw.length).toBe(50 * 960 * 2);
    const heard = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
    expect(Math.abs(dominantFrequency(heard, 48000) - 1000)).toBeLessThan(30);
    expect(warnings).toEqual([]); // a stop we asked for is no warning
  });

  it("a missing tool is a warning naming media.device and the Debian package; the leg stays silent and safe", async () => {
    const { dir } = toolDir("missing", {});
    const leg = new DeviceLeg({ tool: "alsa" }, { env: { PATH: dir } });
    const warnings: string[] = [];
    leg.events.on("warning", (w) => void warnings.push(w.message));
    leg.flow(ON);
    await until("two warnings", () => warnings.length >= 2);
    expect(warnings.sort()).toEqual([
      'media.device: the microphone tool "arecord" was not found on PATH (Debian package alsa-utils); the call goes on with silence',
      'media.device: the speaker tool "aplay" was not found on PATH (Debian package alsa-utils); the call goes on with silence',
    ]);
    expect(leg.source!.read()).toBeUndefined();
    leg.sink!.write(new Int16Array(960));
    leg.close();
    await leg.whenStopped();
  });

  it("a tool that dies mid-call is reported with its exit and what it said; the other one goes on", async () => {
    const dying = `#!/bin/sh\nhead -c 19200 /dev/zero\necho "device busy" >&2\nexit 3\n`;
    const { env } = toolDir("dying", { parec: dying, pacat: `#!/bin/sh\nexec cat > /dev/null\n` });
    const leg = new DeviceLeg({ tool: "pulse" }, { env });
    const warnings: string[] = [];
    leg.events.on("warning", (w) => void warnings.push(w.message));
    leg.flow(ON);
    await until("the warning", () => warnings[0]);
    expect(warnings).toEqual(['media.device: the microphone tool "parec" exited (code 3): device busy; the call goes on with silence']);
    expect(leg.running).toEqual({ capture: false, playback: true });
    for (let i = 0; i < 5; i++) leg.sink!.write(new Int16Array(960));
    await until("the speaker still plays", () => leg.counters.playedFrames >= 5);
    leg.close();
    await leg.whenStopped();
  });

  it("a speaker that stalls costs a bounded queue (oldest dropped); one ignoring SIGTERM is killed", async () => {
    // Each says it is ready (its SIGTERM handler installed) in a file named after itself.
    const stubborn = `#!${process.execPath}\nprocess.on("SIGTERM", () => undefined);\nrequire("node:fs").writeFileSync(process.argv[1] + ".ready", "");\nsetInterval(() => undefined, 1000);\n`;
    const { env, dir } = toolDir("stall", { parec: stubborn, pacat: stubborn });
    const leg = new DeviceLeg({ tool: "pulse" }, { env, killAfterMs: 300, maxQueueMs: 100 });
    leg.flow(ON);
    await until("both tools ready", () => existsSync(join(dir, "parec.ready")) && existsSync(join(dir, "pacat.ready")));
    for (let i = 0; i < 400; i++) leg.sink!.write(new Int16Array(960));
    // The pipe and the stream's buffer take some; the rest waits in a queue of 5 frames at most.
    expect(leg.counters.playDropped).toBeGreaterThan(300);
    expect(leg.counters.playedFrames + 5 + leg.counters.playDropped).toBeGreaterThanOrEqual(400);
    const t0 = Date.now();
    leg.close();
    await leg.whenStopped();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(leg.running).toEqual({ capture: false, playback: false });
  });
});
