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

/** What linphonec needs of a registrar: the world's Kamailio, or any server shaped like it (UDP). */
export type LinphoneServer = { domain: string; host: string; ports: { udp: number }; users: Record<string, SipUser> };

export type LinphoneOptions = {
  sip: LinphoneServer;
  user: string;
  /** WAV played as the microphone (linphone resamples it to the codec's rate). */
  play?: string;
  /** Answer incoming calls by itself (linphonec -a); default true. */
  autoAnswer?: boolean;
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
  /** Types one console line; resolves with what linphonec printed in answer (once it took the next line). */
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
  /** What the log told so far: STUN keep-alives sent on RTP and RTCP (mediastreamer2 sends them at each stream start). */
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

function linphonerc(o: { server: LinphoneServer; user: SipUser; sipPort: number; rtpPort: number }): string {
  const proxy = `sip:${o.server.host}:${o.server.ports.udp};transport=udp`;
  const sections: Record<string, [string, string | number][]> = {
    // 0 disables a transport; -1 (the recipe's value) means "a random port" and opens TCP listeners.
    sip: [["sip_port", o.sipPort], ["sip_tcp_port", 0], ["sip_tls_port", 0], ["bind_address", LOOPBACK], ["default_proxy", 0], ["media_encryption", "none"]],
    rtp: [["audio_rtp_port", o.rtpPort], ["video_rtp_port", -1], ["text_rtp_port", -1]],
    video: [["capture", 0], ["display", 0]],
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
  writeFileSync(join(dir, "linphonerc"), linphonerc({ server: options.sip, user, sipPort, rtpPort }), { mode: 0o600 });
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
  const facts: LogFacts = { registration: "LinphoneRegistrationNone", stun: { rtp: 0, rtcp: 0 } };
  const consoleLines = new FileLines(join(o.dir, "console.txt"));
  const logLines = new FileLines(join(o.dir, "linphone.log"));
  const poll = setInterval(() => {
    for (const line of consoleLines.read()) {
      const e = parseConsoleLine(line, log.events.length);
      if (e) log.push(e);
    }
    for (const line of logLines.read()) parseLogLine(line, facts);
    if (!running(o.pid)) log.poke();
  }, 50);
  poll.unref();
  let syncs = 0;
  let recordings = 0;

  const type = (line: string) => o.tmux.exec("send-keys", "-t", "lin", "-l", line, ";", "send-keys", "-t", "lin", "Enter");
  const waitFor: Linphone["waitFor"] = (re, what, { after = 0, timeoutMs = 30_000 } = {}) =>
    log.wait((e) => e.seq >= after && re.test(e.line), what, timeoutMs);

  async function command(line: string): Promise<string[]> {
    // A barrier after it: linphonec's readline takes (and echoes after its prompt) the next line only once
    // it ran this one; reading an unknown parameter prints "current value: (undef)".
    const marker = `param sip cusax_sync_${++syncs}`;
    const start = log.events.length;
    await type(line);
    await type(marker);
    const echo = await log.wait((e) => e.seq >= start && e.prompted && e.line === marker, `linphonec to take "${marker}"`, 30_000);
    await waitFor(/^current value: /, `the answer to "${marker}"`, { after: echo.seq + 1 });
    const before = log.events.slice(start, echo.seq);
    const taken = before.findLastIndex((e) => e.prompted && e.line === line);
    return before.slice(taken + 1).map((e) => e.line);
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
