// linphonec 5.1 (Debian linphone-cli, liblinphone + belle-sip + mediastreamer2) as a second, independent
// SIP phone of the test world: registers over UDP at a Kamailio-like registrar, plays a WAV file as its
// microphone and records what it hears ("soundcard use files"), driven by typing into its console in a
// private tmux server (with stdin from a pipe its core does not come up); events are read from that console
// (pipe-pane into a file) and from its log (-d 5).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SipUser } from "./kamailio.js";
import { makeWorldDir, removeWorldDir } from "./dir.js";
import { EventLog } from "./event-log.js";
import { FileLines, parseConsoleLine, parseLogLine, type LinphoneEvent, type LogFacts } from "./linphone-console.js";
import { freePort, freePortRange, LOOPBACK } from "./ports.js";
import { run, startProcess, type Managed } from "./process.js";
import { until } from "./wait.js";

export type { LinphoneEvent, LinphoneEventType } from "./linphone-console.js";

const UNDEFINED_ANSWER = "current value: (undef)";

/** What linphonec needs of a registrar: the world's Kamailio, or any server shaped like it (UDP). */
export type LinphoneServer = { domain: string; host: string; ports: { udp: number }; users: Record<string, SipUser> };

export type LinphoneOptions = {
  sip: LinphoneServer;
  user: string;
  /** WAV played as the microphone (linphone resamples it to the codec's rate). */
  play?: string;
  /** Answer incoming calls by itself (linphonec -a); default true. */
  autoAnswer?: boolean;
  /** SDES-SRTP (RFC 4568): "srtp" offers RTP/AVP with a=crypto and accepts it; "srtp-mandatory" RTP/SAVP only. Default none. */
  mediaEncryption?: "none" | "srtp" | "srtp-mandatory";
  label?: string;
};

export type Linphone = {
  readonly user: SipUser;
  readonly dir: string;
  readonly sipPort: number;
  readonly rtpPort: number;
  /** linphonec's process id (its own process group: the tmux pane's session). */
  readonly pid: number;
  readonly events: LinphoneEvent[];
  /**
   * Types one console line (one command at a time); resolves with what linphonec printed once it ran it.
   * Reading a parameter that is not set is the barrier's own answer: not as a command here.
   */
  command(line: string): Promise<string[]>;
  /** The first console event (already printed or still to come) that matches. */
  waitEvent(match: (e: LinphoneEvent) => boolean, what: string, timeoutMs?: number): Promise<LinphoneEvent>;
  /** The first console line from index `after` on (default: any) matching `re`. */
  waitFor(re: RegExp, what: string, options?: { after?: number; timeoutMs?: number }): Promise<LinphoneEvent>;
  /** Waits until its log says the account's registration is LinphoneRegistrationOk. */
  registered(timeoutMs?: number): Promise<void>;
  /** Places a call; resolves with linphonec's call id. */
  call(uri: string): Promise<number>;
  answer(id?: number): Promise<void>;
  hangup(id?: number): Promise<void>;
  pause(id?: number): Promise<void>;
  resume(id?: number): Promise<void>;
  /** Sets a fresh file for the next call's received audio (WAV at the codec's rate); returns its path. */
  nextRecording(): Promise<string>;
  /** What the log told so far: registration, each call's media encryption, STUN keep-alives sent on RTP and RTCP (at each stream start). */
  logFacts(): Readonly<LogFacts>;
  log(): string;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

/** Process groups of running linphonecs: killed if the test process exits before stop(). */
const panes = new Set<number>();
let exitHook = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

/** True while `pid` runs (a zombie nobody reaped yet counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function linphonerc(o: { server: LinphoneServer; user: SipUser; sipPort: number; rtpPort: number; encryption: LinphoneOptions["mediaEncryption"] }): string {
  const proxy = `sip:${o.server.host}:${o.server.ports.udp};transport=udp`;
  const sections: Record<string, [string, string | number][]> = {
    // 0 disables a transport; -1 (the recipe's value) means "a random port" and opens TCP listeners.
    sip: [["sip_port", o.sipPort], ["sip_tcp_port", 0], ["sip_tls_port", 0], ["bind_address", LOOPBACK], ["default_proxy", 0],
      ["media_encryption", o.encryption === "srtp-mandatory" ? "srtp" : (o.encryption ?? "none")], ["media_encryption_mandatory", o.encryption === "srtp-mandatory" ? 1 : 0]],
    rtp: [["audio_rtp_port", o.rtpPort], ["video_rtp_port", -1], ["text_rtp_port", -1]],
    video: [["capture", 0], ["display", 0], ["automatically_initiate", 0], ["automatically_accept", 0]],
    sound: [["echocancellation", 0]],
    // Without reg_route linphone resolves the domain (DNS) instead of sending to the proxy.
    proxy_0: [["reg_proxy", `<${proxy}>`], ["reg_route", `<${proxy};lr>`], ["reg_identity", o.user.aor], ["reg_expires", 300], ["reg_sendregister", 1], ["publish", 0]],
    auth_info_0: [["username", o.user.name], ["passwd", o.user.password], ["realm", o.server.domain], ["domain", o.server.domain]],
  };
  return Object.entries(sections).map(([name, keys]) => `[${name}]\n${keys.map(([k, v]) => `${k}=${v}`).join("\n")}\n`).join("\n");
}

type Tmux = { server: Managed; socket: string; exec(...args: string[]): Promise<string> };

/** A private tmux server in the foreground (-D: our child, own process group), no user config. */
async function startTmux(dir: string): Promise<Tmux> {
  const socket = join(dir, "tmux.sock");
  const server = startProcess("tmux", "tmux", ["-S", socket, "-f", "/dev/null", "-D"], { logFile: join(dir, "tmux.log"), cwd: dir });
  const exec = (...args: string[]) => run("tmux", ["-S", socket, ...args]);
  await until("the tmux server's socket", () => {
    if (server.child.exitCode !== null) throw new Error(`tmux exited: ${server.log()}`);
    return existsSync(socket);
  }, { timeoutMs: 20_000 });
  return { server, socket, exec };
}

/** linphonec in a tmux pane, its console piped into console.txt; resolves with its pid. */
async function startPane(tmux: Tmux, dir: string, autoAnswer: boolean): Promise<number> {
  const argv = ["env", `HOME=${dir}`, "linphonec", "-c", join(dir, "linphonerc"), "-d", "5", "-l", join(dir, "linphone.log"), ...(autoAnswer ? ["-a"] : [])];
  await tmux.exec(
    "new-session", "-d", "-s", "lin", "-x", "300", "-y", "50", "-c", dir, ...argv,
    ";", "pipe-pane", "-t", "lin", "-o", `cat >> '${join(dir, "console.txt")}'`,
  );
  const pid = Number((await tmux.exec("list-panes", "-t", "lin", "-F", "#{pane_pid}")).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pane pid from tmux in ${dir}`);
  panes.add(pid);
  if (!exitHook) {
    exitHook = true;
    process.on("exit", () => panes.forEach((p) => killGroup(p, "SIGKILL")));
  }
  return pid;
}

export async function startLinphone(options: LinphoneOptions): Promise<Linphone> {
  const user = options.sip.users[options.user];
  if (!user) throw new Error(`no SIP user ${options.user} at this server`);
  const dir = makeWorldDir(options.label ?? `linphone-${options.user}`);
  mkdirSync(join(dir, ".local", "share", "linphone"), { recursive: true });
  mkdirSync(join(dir, "rec"));
  const sipPort = await freePort();
  const [rtpPort] = await freePortRange(2);
  writeFileSync(join(dir, "linphonerc"), linphonerc({ server: options.sip, user, sipPort, rtpPort, encryption: options.mediaEncryption }), { mode: 0o600 });
  const tmux = await startTmux(dir);
  let pid = 0;
  try {
    pid = await startPane(tmux, dir, options.autoAnswer ?? true);
  } catch (err) {
    await tmux.server.stop();
    removeWorldDir(dir, true);
    throw err;
  }
  const self = drive({ user, dir, sipPort, rtpPort, pid, tmux });
  try {
    await self.command("soundcard use files");
    if (options.play) await self.command(`play ${options.play}`);
    await self.nextRecording();
  } catch (err) {
    await self.stop({ keepDir: true });
    throw err;
  }
  return self;
}

function drive(o: { user: SipUser; dir: string; sipPort: number; rtpPort: number; pid: number; tmux: Tmux }): Linphone {
  const name = `linphonec ${o.user.name}`;
  const log = new EventLog<LinphoneEvent>(name, () => (running(o.pid) ? undefined : "linphonec exited"));
  const facts: LogFacts = { registration: "LinphoneRegistrationNone", encryptions: [], stun: { rtp: 0, rtcp: 0 } };
  const consoleLines = new FileLines(join(o.dir, "console.txt"));
  const logLines = new FileLines(join(o.dir, "linphone.log"));
  /** seq of each "current value: (undef)" line: the answers to the barriers, in order. */
  const answers: number[] = [];
  const poll = setInterval(() => {
    for (const line of consoleLines.read()) {
      const e = parseConsoleLine(line, log.events.length);
      if (e?.line === UNDEFINED_ANSWER) answers.push(e.seq);
      if (e) log.push(e);
    }
    for (const line of logLines.read()) parseLogLine(line, facts);
    if (!running(o.pid)) log.poke();
  }, 50);
  poll.unref();
  let syncs = 0;
  let recordings = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const type = (line: string) => o.tmux.exec("send-keys", "-t", "lin", "-l", line, ";", "send-keys", "-t", "lin", "Enter");
  const waitFor: Linphone["waitFor"] = (re, what, { after = 0, timeoutMs = 30_000 } = {}) =>
    log.wait((e) => e.seq >= after && re.test(e.line), what, timeoutMs);

  /**
   * Types `line`, then a barrier: reading an unknown parameter, which linphonec answers with
   * "current value: (undef)" once it ran everything typed before. The n-th such answer belongs to the n-th
   * barrier (commands go one at a time; a line echo is no marker: keys typed before linphonec reads, and
   * messages printed over its prompt, show without the prompt).
   */
  async function runCommand(line: string): Promise<string[]> {
    const n = ++syncs;
    const marker = `param sip cusax_sync_${n}`;
    const start = log.events.length;
    await type(line);
    await type(marker);
    const answer = await log.wait((e) => answers[n - 1] === e.seq, `linphonec's answer to "${marker}" (after "${line}")`, 30_000);
    return log.events.slice(start, answer.seq).map((e) => e.line).filter((l) => l !== line && !l.endsWith(marker));
  }
  function command(line: string): Promise<string[]> {
    const run = queue.then(() => runCommand(line));
    queue = run.catch(() => undefined);
    return run;
  }

  const withId = (verb: string, id?: number) => command(id === undefined ? verb : `${verb} ${id}`).then(() => undefined);
  return {
    user: o.user, dir: o.dir, sipPort: o.sipPort, rtpPort: o.rtpPort, pid: o.pid, events: log.events,
    command,
    waitEvent: (match, what, timeoutMs) => log.wait(match, what, timeoutMs),
    waitFor,
    async registered(timeoutMs = 30_000) {
      await until(`${name} registered (log: ${facts.registration})`, () => facts.registration === "LinphoneRegistrationOk", { timeoutMs, intervalMs: 50 });
    },
    async call(uri) {
      const start = log.events.length;
      await command(`call ${uri}`);
      const e = await log.wait((x) => x.seq >= start && x.type === "calling", `the call to ${uri} placed`, 30_000);
      return e.call!;
    },
    answer: (id) => withId("answer", id),
    hangup: (id) => withId("terminate", id),
    pause: (id) => withId("pause", id),
    resume: (id) => withId("resume", id),
    async nextRecording() {
      const file = join(o.dir, "rec", `call-${++recordings}.wav`);
      await command(`record ${file}`);
      return file;
    },
    logFacts: () => facts,
    log: () => readFileSync(join(o.dir, "linphone.log"), "utf8"),
    stop: (options) => stopLinphone(o, () => clearInterval(poll), type, options?.keepDir ?? false),
  };
}

/** quit (it un-registers), then the tmux server, then whatever is left of linphonec's process group. */
async function stopLinphone(o: { dir: string; pid: number; tmux: Tmux }, stopPolling: () => void, type: (line: string) => Promise<string>, keepDir: boolean): Promise<void> {
  stopPolling();
  if (running(o.pid)) {
    await type("quit").catch(() => undefined);
    await until("linphonec to quit", () => !running(o.pid), { timeoutMs: 15_000, intervalMs: 50 }).catch(() => undefined);
  }
  await o.tmux.exec("kill-server").catch(() => undefined);
  await o.tmux.server.stop();
  killGroup(o.pid, "SIGKILL");
  await until("linphonec gone", () => !running(o.pid), { timeoutMs: 10_000, intervalMs: 50 });
  panes.delete(o.pid);
  removeWorldDir(o.dir, keepDir);
}
