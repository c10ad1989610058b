// DECISION(protocol.md D33): one sound-device tool (parec, pacat, arecord,
// aplay) as a child process over a pipe. Started when the call's media
// starts, stopped with SIGTERM and, after `killAfterMs`, SIGKILL. A tool that
// cannot start or exits on its own is a warning (naming the config key), never
// an exception: the call goes on with silence.
import { spawn, type ChildProcess } from "node:child_process";
import { realClock, type Clock } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import { packageOf, type ToolCommand } from "./tools.js";

export type ToolProcessOptions = {
  /** The tools' environment (PATH decides which parec runs); default process.env. */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** SIGKILL this long after SIGTERM (default 2000 ms). */
  killAfterMs?: number;
  /** The setting named in warnings (default "media.device"). */
  label?: string;
};

export type ToolProcessEvents = {
  /** Could not start, or exited while still wanted. */
  warning: { command: string; message: string };
  /** Bytes from the tool's stdout (capture). */
  data: Uint8Array;
  /** Its stdin takes more again (playback). */
  drain: Record<string, never>;
};

const STDERR_TAIL = 300;

export class ToolProcess {
  readonly events = new Emitter<ToolProcessEvents>();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private warned = false;
  private stderr = "";
  running = false;

  constructor(
    readonly role: "capture" | "playback",
    readonly tool: ToolCommand,
    private readonly o: ToolProcessOptions = {},
  ) {}

  start(): void {
    if (this.child || this.stopping) return;
    const capture = this.role === "capture";
    const child = spawn(this.tool.command, this.tool.args, { stdio: capture ? ["ignore", "pipe", "pipe"] : ["pipe", "ignore", "pipe"], env: this.o.env ?? process.env });
    this.child = child;
    this.running = true;
    let settle: () => void = () => undefined;
    this.exited = new Promise<void>((r) => (settle = r));
    const ended = (message: string | undefined) => {
      this.running = false;
      if (message !== undefined && !this.stopping) this.warn(message);
      settle();
    };
    child.once("error", (err: NodeJS.ErrnoException) => ended(err.code === "ENOENT" ? `"${this.tool.command}" was not found on PATH (Debian package ${packageOf(this.tool.command)})` : `"${this.tool.command}" could not start: ${err.message}`));
    child.once("exit", (code, signal) => ended(`"${this.tool.command}" exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim()}` : ""}`));
    child.stderr?.on("data", (d: Buffer) => void (this.stderr = (this.stderr + d.toString()).slice(-STDERR_TAIL)));
    child.stdout?.on("data", (d: Buffer) => this.events.emit("data", d));
    child.stdin?.on("drain", () => this.events.emit("drain", {}));
    // EPIPE and the like once the tool is gone: the exit says why.
    for (const s of [child.stdin, child.stdout, child.stderr]) s?.on("error", () => undefined);
  }

  /** Whether stdin takes a write now (false while the tool is gone or its pipe is full). */
  get writable(): boolean {
    const stdin = this.child?.stdin;
    return this.running && !!stdin && !stdin.writableNeedDrain && !stdin.destroyed;
  }

  write(bytes: Uint8Array): void {
    if (this.running) this.child?.stdin?.write(bytes);
  }

  /** SIGTERM, then SIGKILL after killAfterMs; resolves once the tool has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || !this.running) return this.exited;
    const clock = this.o.clock ?? realClock;
    child.stdin?.end();
    child.kill("SIGTERM");
    const timer = clock.setTimeout(() => child.kill("SIGKILL"), this.o.killAfterMs ?? 2000);
    await this.exited;
    clock.clearTimeout(timer);
  }

  private warn(what: string): void {
    if (this.warned) return;
    this.warned = true;
    const message = `${this.o.label ?? "media.device"}: the ${this.role === "capture" ? "microphone" : "speaker"} tool ${what}; the call goes on with silence`;
    this.events.emit("warning", { command: this.tool.command, message });
  }
}
