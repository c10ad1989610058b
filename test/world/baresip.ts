// baresip 1.0 as a headless SIP phone of the test world: registers at the
// world's Kamailio, plays a WAV file as its microphone, records what it
// receives and sends (sndfile), optionally shows fakevideo's VP8 test picture
// as its camera (snapshot_recv saves what it decodes), and is driven over ctrl_tcp (JSON in
// netstrings) with its events pushed back on the same socket.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import type { SipServer, SipUser } from "./kamailio.js";
import { makeWorldDir, removeWorldDir } from "./dir.js";
import { freePort, freePortRange, LOOPBACK } from "./ports.js";
import { EventLog } from "./event-log.js";
import { startProcess } from "./process.js";
import { tcpAccepts, until } from "./wait.js";

export type BaresipEvent = { type: string; class?: string; param?: string; peeruri?: string; id?: string; [k: string]: unknown };
export type BaresipResponse = { ok: boolean; data?: string; token?: string };

export type BaresipOptions = {
  /** WAV (16-bit mono) played as the microphone. */
  source: string;
  transport?: "udp" | "tcp" | "tls";
  answer?: "auto" | "manual";
  /** Audio/video codec and extra modules, e.g. ["opus", "srtp", "vp8", "fakevideo"]. g711 is always loaded. */
  modules?: string[];
  /** Extra lines for the account (e.g. ";mediaenc=srtp"). */
  accountParams?: string;
  sampleRate?: 8000 | 16000 | 48000;
  /** Video (VP8): fakevideo's test picture as the camera, its null display, snapshot of what arrives. */
  video?: BaresipVideo;
  label?: string;
  /** SIP, RTP and the outbound proxy on ::1 (the server must listen there: startKamailio({ ipv6: true })). */
  ipv6?: boolean;
};

export type BaresipVideo = { source?: "fakevideo"; width?: number; height?: number; fps?: number; bitrate?: number };

/** Config lines and modules for video (baresip 1.0: vp8.so codec, fakevideo.so source and display). */
function videoConfig(v: BaresipVideo | undefined): { lines: [string, string][]; modules: string[] } {
  if (!v) return { lines: [], modules: [] };
  const lines: [string, string][] = [
    ["video_source", `${v.source ?? "fakevideo"},nil`],
    ["video_display", "fakevideo,nil"],
    ["video_size", `${v.width ?? 352}x${v.height ?? 288}`],
    ["video_fps", String(v.fps ?? 15)],
    ["video_bitrate", String(v.bitrate ?? 500_000)],
  ];
  return { lines, modules: ["vp8", "fakevideo", "snapshot"] };
}

export type Baresip = {
  readonly user: SipUser;
  readonly dir: string;
  readonly sipPort: number;
  /** The baresip process id (benchmarks read its CPU time from /proc). */
  readonly pid: number;
  readonly events: BaresipEvent[];
  command(command: string, params?: string): Promise<BaresipResponse>;
  /** Resolves with the first event (already received or future) that matches. */
  waitEvent(match: (e: BaresipEvent) => boolean, what: string, timeoutMs?: number): Promise<BaresipEvent>;
  /** Recorded WAV files: "dec" (received audio) and "enc" (sent audio). */
  /** Waits until the world's registrar holds this instance's binding. */
  registered(timeoutMs?: number): Promise<void>;
  recordings(): { dec: string[]; enc: string[] };
  log(): string;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

function netstring(obj: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(obj));
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(",")]);
}

/** Splits complete netstrings off the front of `buf`; returns them and the rest. */
export function takeNetstrings(buf: Buffer): { items: string[]; rest: Buffer } {
  const items: string[] = [];
  let pos = 0;
  for (;;) {
    const colon = buf.indexOf(0x3a, pos);
    if (colon < 0) break;
    const len = Number(buf.subarray(pos, colon).toString());
    if (!Number.isInteger(len)) throw new Error(`bad netstring length at ${pos}`);
    if (buf.length < colon + 1 + len + 1) break;
    items.push(buf.subarray(colon + 1, colon + 1 + len).toString());
    pos = colon + 1 + len + 1;
  }
  return { items, rest: buf.subarray(pos) };
}

function config(o: { host: string; dir: string; sipPort: number; ctrlPort: number; rtp: [number, number]; source: string; modules: string[]; rate: number; video?: BaresipVideo }): string {
  const video = videoConfig(o.video);
  const lines: [string, string][] = [
    ["poll_method", "epoll"],
    ["sip_listen", `${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.sipPort}`],
    ["sip_verify_server", "no"],
    ["call_local_timeout", "120"],
    ["call_max_calls", "4"],
    ["audio_player", "null,null"],
    ["audio_source", `aufile,${o.source}`],
    ["audio_alert", "null,null"],
    ["ausrc_srate", String(o.rate)],
    ["auplay_srate", String(o.rate)],
    ["ausrc_channels", "1"],
    ["auplay_channels", "1"],
    ["rtp_ports", `${o.rtp[0]}-${o.rtp[1]}`],
    ["rtp_stats", "yes"],
    ["net_interface", o.host],
    ["module_path", "/usr/lib/baresip/modules"],
    ["snd_path", join(o.dir, "rec")],
    ["ctrl_tcp_listen", `${LOOPBACK}:${o.ctrlPort}`],
    ...video.lines,
  ];
  const modules = ["g711", ...new Set([...o.modules, ...video.modules]), "aufile", "sndfile", "uuid", "ctrl_tcp"];
  const text = lines.map(([k, v]) => `${k}\t${v}`);
  text.push(...modules.map((m) => `module\t${m}.so`));
  text.push("module_app\taccount.so", "module_app\tmenu.so");
  return text.join("\n") + "\n";
}

export async function startBaresip(kamailio: SipServer, userName: string, options: BaresipOptions): Promise<Baresip> {
  const user = kamailio.users[userName];
  if (!user) throw new Error(`no SIP user ${userName} in this world`);
  const dir = makeWorldDir(options.label ?? `baresip-${userName}`);
  mkdirSync(join(dir, "rec"));
  // SIP on UDP/TCP at sipPort, TLS at sipPort + 1 (baresip's rule).
  const [sipPort] = await freePortRange(2, { tcp: true });
  const ctrlPort = await freePort();
  const rtp = await freePortRange(20);
  const transport = options.transport ?? "udp";
  const proxyPort = transport === "tls" ? kamailio.ports.tls : kamailio.ports.udp;
  const host = options.ipv6 ? "::1" : LOOPBACK;
  const proxyHost = options.ipv6 ? "[::1]" : kamailio.host;
  writeFileSync(join(dir, "config"), config({ host, dir, sipPort, ctrlPort, rtp, source: options.source, modules: options.modules ?? [], rate: options.sampleRate ?? 8000, ...(options.video && { video: options.video }) }));
  writeFileSync(
    join(dir, "accounts"),
    `<${user.aor}>;auth_pass=${user.password};outbound="sip:${proxyHost}:${proxyPort};transport=${transport}";` +
      `regint=600;answermode=${options.answer ?? "auto"}${options.accountParams ?? ""}\n`,
  );
  const proc = startProcess("baresip", "baresip", ["-f", dir], { logFile: join(dir, "baresip.log"), cwd: dir });
  let sock: Socket;
  try {
    await until("baresip control socket", async () => {
      if (proc.child.exitCode !== null) throw new Error(`baresip exited: ${proc.log()}`);
      return tcpAccepts(LOOPBACK, ctrlPort);
    });
    sock = connect({ host: LOOPBACK, port: ctrlPort });
    await new Promise<void>((resolve, reject) => sock.once("connect", resolve).once("error", reject));
  } catch (err) {
    // Nobody holds this instance yet: stop it here, keep its logs.
    await proc.stop();
    removeWorldDir(dir, true);
    throw err;
  }
  const log = new EventLog<BaresipEvent>(`baresip ${userName}`);
  const events = log.events;
  const pending = new Map<string, (r: BaresipResponse) => void>();
  let buf: Buffer = Buffer.alloc(0);
  let nextToken = 1;
  sock.on("data", (chunk: Buffer) => {
    const { items, rest } = takeNetstrings(Buffer.concat([buf, chunk]));
    buf = rest;
    for (const item of items) {
      const msg = JSON.parse(item) as Record<string, unknown>;
      if (msg.event) log.push(msg as BaresipEvent);
      else if (msg.response && typeof msg.token === "string") pending.get(msg.token)?.(msg as BaresipResponse);
    }
  });
  sock.on("error", () => undefined); // a dead control socket shows as time-outs of the waits, with the events so far

  function sendCommand(command: string, params = ""): Promise<BaresipResponse> {
    const token = String(nextToken++);
    return new Promise((resolve) => {
      pending.set(token, (r) => {
        pending.delete(token);
        resolve(r);
      });
      sock.write(netstring({ command, params, token }));
    });
  }

  const self: Baresip = {
    user,
    dir,
    sipPort,
    pid: proc.pid,
    events,
    command: sendCommand,
    waitEvent: (match, what, timeoutMs) => log.wait(match, what, timeoutMs),
    async registered(timeoutMs = 30_000) {
      // REGISTER_OK may be pushed before this control connection exists, so
      // ask the registrar instead: a binding with this instance's UUID (the
      // uuid module writes it at start-up) under this AoR.
      const uuid = readFileSync(join(dir, "uuid"), "utf8").trim();
      await until(`baresip ${userName} registered at Kamailio`, async () => {
        const dump = await kamailio.registrations();
        return dump.includes(`AoR: ${user.name}\n`) && dump.includes(`Instance: <urn:uuid:${uuid}>`);
      }, { timeoutMs, intervalMs: 100 });
    },
    recordings() {
      const files = readdirSync(join(dir, "rec")).sort();
      return {
        dec: files.filter((f) => f.endsWith("-dec.wav")).map((f) => join(dir, "rec", f)),
        enc: files.filter((f) => f.endsWith("-enc.wav")).map((f) => join(dir, "rec", f)),
      };
    },
    log: () => proc.log(),
    async stop({ keepDir = false } = {}) {
      sock.destroy();
      await proc.stop();
      removeWorldDir(dir, keepDir);
    },
  };
  return self;
}
