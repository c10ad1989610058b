// Kamailio 5.6 in a private directory on free loopback ports: registrar and
// proxy with digest authentication, GRUU, UDP/TCP/TLS/WS; sipdump keeps every
// message in and out so tests can assert what went over the wire.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "./certs.js";
import { makePassword, makeWorldDir, removeWorldDir } from "./dir.js";
import { kamailioConfig, kamailioTlsConfig, type KamailioPorts } from "./kamailio-cfg.js";
import { freePort, LOOPBACK } from "./ports.js";
import { run, startProcess, type Managed } from "./process.js";
import { randomBytes } from "node:crypto";
import { PROBE_CALL_ID, sipOptionsProbe } from "./sip-probe.js";
import { parseSipdump, type WireRecord } from "./sipdump.js";
import { until } from "./wait.js";

export type SipUser = { name: string; aor: string; password: string };

export type Kamailio = {
  readonly shape: "ours";
  readonly domain: string;
  readonly host: string;
  /** "::1" when started with `ipv6` (the same ports as on `host`). */
  readonly host6?: string;
  readonly ports: KamailioPorts;
  readonly websocketUrl: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly users: Record<string, SipUser>;
  readonly dir: string;
  readonly logFile: string;
  /** Adds (or changes) a user at run time through the control socket. */
  addUser(name: string, password?: string): Promise<SipUser>;
  /** `kamcmd ul.dump` output: the registrations the registrar holds now. */
  registrations(): Promise<string>;
  /** Every SIP message Kamailio received or sent so far (sipdump text, as written by now). */
  wire(): string;
  /**
   * Every SIP message Kamailio received or sent before this call, as records
   * (direction, addresses, text), our own probes left out. sipdump writes from
   * a queue, so this first sends a marker probe and waits until the dump holds
   * it: everything that came before is written by then.
   */
  wireRecords(): Promise<WireRecord[]>;
  log(): string;
  /**
   * Stops Kamailio (SIGTERM; its in-memory registrations go) and starts it again on the same ports
   * and configuration, with every user, including those added at run time; resolves once it answers
   * SIP OPTIONS again. `whileDown` runs in between.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

/**
 * What tests need from any of the world's SIP servers: ours (startKamailio, this file) or Debian's
 * stock kamailio.cfg (startStockKamailio in kamailio-stock.ts, GRUU off or on). Only ours dumps the
 * wire (sipdump) and has WebSocket; a port a server does not listen on is 0.
 */
export type SipServer = Pick<
  Kamailio, "domain" | "host" | "ports" | "users" | "caPem" | "caFile" | "dir" | "logFile" | "addUser" | "registrations" | "log" | "stop"
> & { readonly shape: "ours" | "stock" | "stock-gruu" };

export type KamailioOptions = {
  users?: string[];
  domain?: string;
  digestAlgorithm?: "MD5" | "SHA-256";
  label?: string;
  /** false: in-dialog requests to GRUUs are not looked up (Debian's stock shape, see kamailio-cfg.ts). */
  gruuInDialog?: boolean;
  /** Also listen on ::1, every transport on the same ports (IPv6 world tests). */
  ipv6?: boolean;
  /** Run inside this network namespace, listening on `host` there (the NAT world's internet side). */
  netns?: { name: string; host: string };
};

export async function startKamailio(options: KamailioOptions = {}): Promise<Kamailio> {
  const domain = options.domain ?? "example.test";
  const dir = makeWorldDir(options.label ?? "kamailio");
  mkdirSync(join(dir, "sipdump"));
  const cert = await makeCertificate(dir, domain);
  // UDP and TCP share a port number, as SIP servers usually do.
  const sip = await freePort();
  const ports: KamailioPorts = { udp: sip, tcp: sip, tls: await freePort(), ws: await freePort() };
  const users: Record<string, SipUser> = {};
  const passwords: Record<string, string> = {};
  for (const name of options.users ?? []) {
    passwords[name] = makePassword();
    users[name] = { name, aor: `sip:${name}@${domain}`, password: passwords[name] };
  }
  const cfgFile = join(dir, "kamailio.cfg");
  writeFileSync(join(dir, "tls.cfg"), kamailioTlsConfig(cert.certFile, cert.keyFile));
  writeFileSync(
    cfgFile,
    kamailioConfig({
      dir, domain, ports, users: passwords,
      digestAlgorithm: options.digestAlgorithm ?? "MD5",
      unknownUserPassword: makePassword(),
      ...(options.gruuInDialog === undefined ? {} : { gruuInDialog: options.gruuInDialog }),
      ...(options.ipv6 && { ipv6: true }),
      ...(options.netns && { host: options.netns.host }),
    }),
  );
  await run("kamailio", ["-c", "-f", cfgFile]);
  const logFile = join(dir, "kamailio.log");
  let proc = await spawnKamailio(cfgFile, dir, logFile, ports.udp, domain, options.netns?.name).catch((err: unknown) => {
    removeWorldDir(dir, true);
    throw err;
  });
  const wire = () =>
    readdirSync(join(dir, "sipdump"))
      .sort()
      .map((f) => readFileSync(join(dir, "sipdump", f), "utf8"))
      .join("");
  const kamcmd = (...args: string[]) => run("kamcmd", ["-s", `unix:${dir}/kamailio.ctl`, ...args]);

  return {
    shape: "ours",
    domain,
    host: options.netns?.host ?? LOOPBACK,
    ...(options.ipv6 && { host6: "::1" }),
    ports,
    websocketUrl: `ws://${LOOPBACK}:${ports.ws}`,
    caPem: cert.pem,
    caFile: cert.certFile,
    users,
    dir,
    logFile,
    async addUser(name, password = makePassword()) {
      await kamcmd("htable.sets", "users", name, password);
      const user = { name, aor: `sip:${name}@${domain}`, password };
      users[name] = user;
      return user;
    },
    registrations: () => kamcmd("ul.dump"),
    wire,
    async wireRecords() {
      const marker = randomBytes(6).toString("hex");
      await until("Kamailio's sipdump to catch up", async () => {
        if (!wire().includes(`${PROBE_CALL_ID}${marker}`)) await sipOptionsProbe(LOOPBACK, ports.udp, domain, 500, marker);
        return wire().includes(`${PROBE_CALL_ID}${marker}`);
      }, { intervalMs: 20 });
      return parseSipdump(wire()).filter((r) => !r.text.includes(`Call-ID: ${PROBE_CALL_ID}`));
    },
    log: () => proc.log(),
    async restart(whileDown) {
      await proc.stop();
      await whileDown?.();
      proc = await spawnKamailio(cfgFile, dir, logFile, ports.udp, domain, options.netns?.name);
      await Promise.all(Object.values(users).map((u) => kamcmd("htable.sets", "users", u.name, u.password)));
    },
    async stop({ keepDir = false } = {}) {
      await proc.stop();
      removeWorldDir(dir, keepDir);
    },
  };
}

/**
 * Starts Kamailio on `cfgFile` and resolves once it answers SIP OPTIONS on `udpPort` (stopped again if it
 * never does). In a namespace (not reachable from here) it is ready once its control socket answers.
 */
async function spawnKamailio(cfgFile: string, dir: string, logFile: string, udpPort: number, domain: string, netns?: string): Promise<Managed> {
  const args = ["-f", cfgFile, "-DD", "-E", "-m", "64", "-M", "8", "-P", join(dir, "kamailio.pid"), "-Y", dir];
  const proc: Managed = netns
    ? startProcess("kamailio", "ip", ["netns", "exec", netns, "kamailio", ...args], { logFile, cwd: dir })
    : startProcess("kamailio", "kamailio", args, { logFile, cwd: dir });
  const ready = netns
    ? () => run("kamcmd", ["-s", `unix:${dir}/kamailio.ctl`, "core.uptime"]).then(() => true, () => false)
    : () => sipOptionsProbe(LOOPBACK, udpPort, domain);
  await until("kamailio to answer SIP OPTIONS", async () => {
    if (proc.child.exitCode !== null) throw new Error(`kamailio exited: ${proc.log()}`);
    return ready();
  }).catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  return proc;
}
