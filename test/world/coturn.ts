// coturn (Debian's turnserver) as the test world's STUN/TURN server (RFC
// 8489/8656): no config file, no CLI, no DTLS, TLS only when a certificate is
// given (RFC 8656 §3.1), its user database in the world's directory, listening
// on UDP and TCP only on the address given (loopback or a namespace host).
// Ready once a STUN binding to it is answered (and the TLS port accepts).
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
  /** TURN over TLS on `port` (default 5349) with this certificate (test/world/certs.ts). */
  tls?: { certFile: string; keyFile: string; port?: number };
};

export type Coturn = {
  readonly address: string;
  readonly port: number;
  /** The TLS port (0 without TLS); TCP shares `port` with UDP. */
  readonly tlsPort: number;
  readonly realm: string;
  readonly dir: string;
  readonly process: Managed;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

function coturnArgs(o: CoturnOptions, port: number, dir: string): string[] {
  const args = ["-c", "/dev/null", "-n", "--no-cli", "--no-dtls", "--log-file", "stdout", "--simple-log"];
  if (o.tls) args.push("--cert", o.tls.certFile, "--pkey", o.tls.keyFile, "--tls-listening-port", String(o.tls.port ?? 5349));
  else args.push("--no-tls");
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
    if (o.tls) await acceptsTcp(o.netns, o.listen, o.tls.port ?? 5349);
  } catch (err) {
    await stop({ keepDir: true });
    throw err;
  }
  return { address: o.listen, port, tlsPort: o.tls ? (o.tls.port ?? 5349) : 0, realm: o.realm, dir, process: proc, stop };
}

/** Waits until a TCP connect to host:port succeeds from where the server runs. */
function acceptsTcp(netns: string | undefined, host: string, port: number): Promise<unknown> {
  const [cmd, args] = inNs(netns, "timeout", ["3", "bash", "-c", `exec 3<>/dev/tcp/${host}/${port}`]);
  return until(`coturn to accept TCP on ${host}:${port}`, () => run(cmd, args).then(() => true, () => false), { timeoutMs: 30_000, intervalMs: 200 });
}
