// Glue for the daemon world tests: a daemon per user as a child process
// (`cusax daemon --config`), and the CLI run as a child process with
// CUSAX_DATA_DIR, exactly as a person would use it.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Kamailio, Prosody } from "../index.js";
import { until } from "../index.js";

/** The TypeScript sources (never a stale dist/); CUSAX_BIN=packages/daemon/bin/cusax.mjs runs the compiled CLI (benches, npm start). */
export const CUSAX = resolve(process.env.CUSAX_BIN ?? resolve(import.meta.dirname, "../../../packages/daemon/bin/cusax-source.mjs"));

export type CliResult = { code: number; stdout: string; stderr: string; json: unknown };

export function cli(dataDir: string, args: string[]): Promise<CliResult> {
  return cliLive(dataDir, args).done;
}

/** A command still running (e.g. `tail`): what it wrote so far, and its end. */
export function cliLive(dataDir: string, args: string[]): { stderr: () => string; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CUSAX, ...args], { env: { ...process.env, CUSAX_DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, fail) => {
    child.on("error", fail);
    child.on("close", (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
  return { stderr: () => stderr, done };
}

/** Runs a command that must succeed and returns its --json output. */
export async function ok<T = Record<string, unknown>>(dataDir: string, args: string[]): Promise<T> {
  const r = await cli(dataDir, [...args, "--json"]);
  if (r.code !== 0) throw new Error(`cusax ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
  return r.json as T;
}

export type Daemon = { user: string; pid: number; dataDir: string; config: string; log: () => string; exitCode: () => Promise<number | null>; stop(): Promise<void> };

export function writeConfig(dir: string, user: string, prosody: Prosody, kamailio: Kamailio, media: Record<string, string> = {}): { config: string; dataDir: string } {
  const x = prosody.users[user]!;
  const s = kamailio.users[user]!;
  const dataDir = join(dir, `${user}-data`);
  mkdirSync(dataDir, { recursive: true });
  const config = join(dir, `${user}.json`);
  writeFileSync(config, JSON.stringify({
    sip: { aor: s.aor, password: s.password, proxy: `sip:${kamailio.host}:${kamailio.ports.udp}`, transport: "udp" },
    xmpp: { jid: x.jid, password: x.password, service: `xmpp://${prosody.host}:${prosody.ports.c2s}` },
    ca: [prosody.caFile],
    dataDir,
    media,
  }, null, 2));
  return { config, dataDir };
}

/** The daemon's GET /status, read with its token file (undefined while it does not answer). */
export async function daemonStatus<T = Record<string, unknown>>(dataDir: string): Promise<T | undefined> {
  try {
    const url = readFileSync(join(dataDir, "api-url"), "utf8").trim();
    const token = readFileSync(join(dataDir, "api-token"), "utf8").trim();
    const r = await fetch(`${url}/status`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    return r.ok ? ((await r.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

type AccountsSeen = { sip: { account?: { state: string } }; xmpp: { account?: { state: string } } };

/**
 * `startTimeoutMs`: how long the daemon may take to write api-url (default 90 s: it loads TypeScript through tsx, which takes tens of seconds on two loaded cores).
 * `accounts`: "settled" (default) also waits, as long again, for XMPP online and SIP past its first attempt (the API comes up before the accounts, protocol.md D34); "any": the API only.
 */
export async function startDaemon(user: string, paths: { config: string; dataDir: string }, options: { startTimeoutMs?: number; accounts?: "settled" | "any" } = {}): Promise<Daemon> {
  const child: ChildProcess = spawn(process.execPath, [CUSAX, "daemon", "--config", paths.config, "--log-level", "info"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const logFile = `${paths.config}.log`;
  child.stderr!.on("data", (d: Buffer) => {
    log += d.toString();
    appendFileSync(logFile, d);
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  let ended = false;
  void exited.then(() => (ended = true));
  await until(`${user}'s daemon to write api-url`, () => {
    if (ended) throw new Error(`${user}'s daemon exited:\n${log}`);
    return existsSync(join(paths.dataDir, "api-url"));
  }, { timeoutMs: options.startTimeoutMs ?? 90_000, intervalMs: 100 });
  if (options.accounts !== "any") {
    await until(`${user}'s accounts: XMPP online, SIP past its first attempt`, async () => {
      if (ended) throw new Error(`${user}'s daemon exited:\n${log}`);
      const s = await daemonStatus<AccountsSeen>(paths.dataDir);
      return s?.xmpp.account?.state === "online" && s.sip.account?.state !== "connecting";
    }, { timeoutMs: options.startTimeoutMs ?? 90_000, intervalMs: 200 });
  }
  return {
    user, pid: child.pid!, ...paths,
    log: () => log,
    exitCode: () => exited,
    async stop() {
      if (!ended) child.kill("SIGTERM");
      await exited;
    },
  };
}
