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
  /** SDES-SRTP (RFC 4568), default none. "srtp" offers RTP/SAVP and keys RTP/SAVP offers only; "srtp-mandatory" refuses others (488). */
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
  const self = new LinphonePhone({ user, dir, sipPort, rtpPort, pid, tmux });
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

type PhoneParts = { user: SipUser; dir: string; sipPort: number; rtpPort: number; pid: number; tmux: Tmux };

class LinphonePhone implements Linphone {
  readonly user: SipUser;
  readonly dir: string;
  readonly sipPort: number;
  readonly rtpPort: number;
  readonly pid: number;
  readonly events: LinphoneEvent[];
  private readonly tmux: Tmux;
  private readonly name: string;
  private readonly lines: EventLog<LinphoneEvent>;
  private readonly facts: LogFacts = { registration: "LinphoneRegistrationNone", encryptions: [], stun: { rtp: 0, rtcp: 0 } };
  private readonly consoleFile: FileLines;
  private readonly logFile: FileLines;
  /** seq of each "current value: (undef)" line: the answers to the barriers, in order. */
  private readonly answers: number[] = [];
  private readonly poll: NodeJS.Timeout;
  private syncs = 0;
  private recordings = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(o: PhoneParts) {
    ({ user: this.user, dir: this.dir, sipPort: this.sipPort, rtpPort: this.rtpPort, pid: this.pid, tmux: this.tmux } = o);
    this.name = `linphonec ${o.user.name}`;
    this.lines = new EventLog<LinphoneEvent>(this.name, () => (running(o.pid) ? undefined : "linphonec exited"));
    this.events = this.lines.events;
    this.consoleFile = new FileLines(join(o.dir, "console.txt"));
    this.logFile = new FileLines(join(o.dir, "linphone.log"));
    this.poll = setInterval(() => this.readNew(), 50);
    this.poll.unref();
  }

  private readNew(): void {
    for (const line of this.consoleFile.read()) {
      const e = parseConsoleLine(line, this.events.length);
      if (e?.line === UNDEFINED_ANSWER) this.answers.push(e.seq);
      if (e) this.lines.push(e);
    }
    for (const line of this.logFile.read()) parseLogLine(line, this.facts);
    if (!running(this.pid)) this.lines.poke();
  }

  private type(line: string): Promise<string> {
    return this.tmux.exec("send-keys", "-t", "lin", "-l", line, ";", "send-keys", "-t", "lin", "Enter");
  }

  command(line: string): Promise<string[]> {
    const run = this.queue.then(() => this.runCommand(line));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Types `line`, then a barrier: reading an unknown parameter, which linphonec answers with
   * "current value: (undef)" once it ran everything typed before. The n-th such answer belongs to the n-th
   * barrier (commands go one at a time; a line echo is no marker: keys typed before linphonec reads, and
   * messages printed over its prompt, show without the prompt).
   */
  private async runCommand(line: string): Promise<string[]> {
    const n = ++this.syncs;
    const marker = `param sip cusax_sync_${n}`;
    const start = this.events.length;
    await this.type(line);
    await this.type(marker);
    const answer = await this.lines.wait((e) => this.answers[n - 1] === e.seq, `linphonec's answer to "${marker}" (after "${line}")`, 30_000);
    return this.events.slice(start, answer.seq).map((e) => e.line).filter((l) => l !== line && !l.endsWith(marker));
  }

  waitEvent(match: (e: LinphoneEvent) => boolean, what: string, timeoutMs?: number): Promise<LinphoneEvent> {
    return this.lines.wait(match, what, timeoutMs);
  }

  waitFor(re: RegExp, what: string, { after = 0, timeoutMs = 30_000 }: { after?: number; timeoutMs?: number } = {}): Promise<LinphoneEvent> {
    return this.lines.wait((e) => e.seq >= after && re.test(e.line), what, timeoutMs);
  }

  async registered(timeoutMs = 30_000): Promise<void> {
    await until(`${this.name} registered (log: ${this.facts.registration})`, () => this.facts.registration === "LinphoneRegistrationOk", { timeoutMs, intervalMs: 50 });
  }

  async call(uri: string): Promise<number> {
    const start = this.events.length;
    await this.command(`call ${uri}`);
    const e = await this.lines.wait((x) => x.seq >= start && x.type === "calling", `the call to ${uri} placed`, 30_000);
    return e.call!;
  }

  private async verb(verb: string, id?: number): Promise<void> {
    await this.command(id === undefined ? verb : `${verb} ${id}`);
  }
  answer(id?: number): Promise<void> {
    return this.verb("answer", id);
  }
  hangup(id?: number): Promise<void> {
    return this.verb("terminate", id);
  }
  pause(id?: number): Promise<void> {
    return this.verb("pause", id);
  }
  resume(id?: number): Promise<void> {
    return this.verb("resume", id);
  }

  async nextRecording(): Promise<string> {
    const file = join(this.dir, "rec", `call-${++this.recordings}.wav`);
    await this.command(`record ${file}`);
    return file;
  }

  logFacts(): Readonly<LogFacts> {
    return this.facts;
  }

  log(): string {
    return readFileSync(join(this.dir, "linphone.log"), "utf8");
  }

  /** quit (it un-registers), then the tmux server, then whatever is left of linphonec's process group. */
  async stop({ keepDir = false }: { keepDir?: boolean } = {}): Promise<void> {
    clearInterval(this.poll);
    if (running(this.pid)) {
      await this.type("quit").catch(() => undefined);
      await until("linphonec to quit", () => !running(this.pid), { timeoutMs: 15_000, intervalMs: 50 }).catch(() => undefined);
    }
    await this.tmux.exec("kill-server").catch(() => undefined);
    await this.tmux.server.stop();
    killGroup(this.pid, "SIGKILL");
    await until("linphonec gone", () => !running(this.pid), { timeoutMs: 10_000, intervalMs: 50 });
    panes.delete(this.pid);
    removeWorldDir(this.dir, keepDir);
  }
}
