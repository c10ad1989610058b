// coturn (Debian's turnserver) as the test world's STUN/TURN server (RFC
// 8489/8656): no config file, no CLI, no TLS/DTLS, its user database in the
// world's directory, listening only on the address given (loopback or a
// namespace host). Ready once a STUN binding to it is answered.
import { join } from "node:path";
import { makeWorldDir, removeWorldDir } from "./dir.js";
import { run, startProcess, type Managed } from "./process.js";
import { until } from "./wait.js";

export type CoturnOptions = {
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  listen: string;
  /** More listening addresses on the same port (a second STUN destination). */
  alsoListen?: string[];
  port?: number;
  /** Relay address (default: the listening address). */
  relay?: string;
  realm: string;
  users?: { name: string; password: string }[];
  /** TURN REST API shared secret (XEP-0215 / mod_turn_external credentials). */
  staticAuthSecret?: string;
  /** Nonce lifetime in seconds (coturn's --stale-nonce): short values provoke 438 answers. */
  staleNonceSec?: number;
};

export type Coturn = {
  readonly address: string;
  readonly port: number;
  readonly realm: string;
  readonly dir: string;
  readonly process: Managed;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

function coturnArgs(o: CoturnOptions, port: number, dir: string): string[] {
  const args = ["-c", "/dev/null", "-n", "--no-cli", "--no-tls", "--no-dtls", "--log-file", "stdout", "--simple-log"];
  for (const extra of o.alsoListen ?? []) args.push("--listening-ip", extra);
  args.push("--listening-ip", o.listen, "--relay-ip", o.relay ?? o.listen, "-p", String(port));
  args.push("--min-port", "49152", "--max-port", "49452", "--realm", o.realm, "--userdb", join(dir, "turndb"), "--pidfile", join(dir, "turnserver.pid"));
  args.push("--no-software-attribute", "--fingerprint");
  if (o.listen.startsWith("127.")) args.push("--allow-loopback-peers");
  if (o.staticAuthSecret) args.push("--use-auth-secret", "--static-auth-secret", o.staticAuthSecret);
  else args.push("--lt-cred-mech");
  for (const u of o.users ?? []) args.push("--user", `${u.name}:${u.password}`);
  if (o.staleNonceSec !== undefined) args.push(`--stale-nonce=${o.staleNonceSec}`);
  return args;
}

const inNs = (netns: string | undefined, command: string, args: string[]): [string, string[]] =>
  netns ? ["ip", ["netns", "exec", netns, command, ...args]] : [command, args];

export async function startCoturn(o: CoturnOptions): Promise<Coturn> {
  const dir = makeWorldDir("coturn");
  const port = o.port ?? 3478;
  const [cmd, args] = inNs(o.netns, "turnserver", coturnArgs(o, port, dir));
  const proc = startProcess("coturn", cmd, args, { logFile: join(dir, "coturn.log") });
  const stop = async (options?: { keepDir?: boolean }) => {
    await proc.stop();
    removeWorldDir(dir, options?.keepDir ?? false);
  };
  try {
    // coturn's own STUN client, from where the server is reachable: a binding answered means ready.
    // `timeout`: the client retries forever while nothing answers.
    const [pcmd, pargs] = inNs(o.netns, "timeout", ["3", "turnutils_stunclient", "-p", String(port), o.listen]);
    await until("coturn to answer a STUN binding", async () => {
      if (proc.child.exitCode !== null) throw new Error(`coturn exited: ${proc.log().slice(-2000)}`);
      return /reflexive addr/i.test(await run(pcmd, pargs).catch((e: Error) => e.message));
    }, { timeoutMs: 30_000, intervalMs: 200 });
  } catch (err) {
    await stop({ keepDir: true });
    throw err;
  }
  return { address: o.listen, port, realm: o.realm, dir, process: proc, stop };
}
