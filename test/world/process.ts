// Child processes of the test world: started with their output in a log file,
// stopped by PID (SIGTERM, then SIGKILL), never left behind when the test
// process exits.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) signalGroup(child, "SIGKILL");
  });
}

export type Managed = {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited (code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(graceMs?: number): Promise<void>;
  log(): string;
};

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { logFile: string; stdin?: "pipe" | "ignore" },
): Managed {
  installExitHook();
  const out = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(command, args, {
    ...options,
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    // Its own process group, so that stopping it also stops what it forked
    // (Kamailio's children) even when the main process has to be killed.
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  live.add(child);
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  // The log closes once both pipes have closed (not when stop() returns: the
  // child may still flush output after its exit event).
  let openPipes = (child.stdout ? 1 : 0) + (child.stderr ? 1 : 0);
  const pipeClosed = () => {
    if (--openPipes === 0) out.end();
  };
  child.stdout?.once("close", pipeClosed);
  child.stderr?.once("close", pipeClosed);
  out.on("error", () => undefined); // a full disk must not take the test process down
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const managed: Managed = {
    name,
    child,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // Forked children that outlive their parent go with the group.
      signalGroup(child, "SIGKILL");
    },
    log: () => readFileSync(options.logFile, "utf8"),
  };
  return managed;
}

/** Signals the child's whole process group; quiet when it is already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

/** Runs a command to completion; rejects with its output when it fails. */
export async function run(command: string, args: string[], options: SpawnOptions = {}): Promise<string> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  // "close", not "exit": exit may come before the pipes are drained, and the output would be cut short.
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`);
  return output;
}
