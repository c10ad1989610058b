// Prosody 0.12 in a private directory on free loopback ports: c2s with
// STARTTLS, direct TLS (XEP-0368), WebSocket (RFC 7395), MAM, carbons, PEP,
// vCard (legacy and vCard4), smacks; full stanza logging for wire assertions.
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "./certs.js";
import { makePassword, makeWorldDir, removeWorldDir } from "./dir.js";
import { freePorts, LOOPBACK } from "./ports.js";
import { run, startProcess, type Managed } from "./process.js";
import { tcpAccepts, until } from "./wait.js";

export type XmppUser = { name: string; jid: string; password: string };

/** Which server a world runs: ours (prosody.ts), Debian's stock Prosody config, ejabberd. */
export type XmppServerShape = "prosody" | "prosody-stock" | "ejabberd";

/**
 * What a test needs to connect to and act on any of the world's XMPP servers
 * (startProsody, startStockProsody, startEjabberd). Only our Prosody logs
 * stanzas and restarts in place, so those stay optional here.
 */
export type XmppServer = {
  readonly shape: XmppServerShape;
  readonly domain: string;
  readonly host: string;
  /** c2s with STARTTLS; directTls (XEP-0368) where the server has it. */
  readonly ports: { readonly c2s: number; readonly directTls?: number };
  readonly caPem: string;
  readonly caFile: string;
  readonly users: Record<string, XmppUser>;
  readonly dir: string;
  readonly logFile: string;
  addUser(name: string, password?: string): Promise<XmppUser>;
  log?(): string;
  restart?(): Promise<void>;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

/** `addUser` for a Prosody run from `cfg`: registers through prosodyctl and records the user in `users`. */
export function prosodyUserAdder(cfg: string, domain: string, users: Record<string, XmppUser>) {
  return async (name: string, password = makePassword()): Promise<XmppUser> => {
    await run("prosodyctl", ["--config", cfg, "register", name, domain, password]);
    const user = { name, jid: `${name}@${domain}`, password };
    users[name] = user;
    return user;
  };
}

export type Prosody = {
  readonly shape: "prosody";
  readonly domain: string;
  readonly host: string;
  readonly ports: { c2s: number; directTls: number; http: number };
  readonly websocketUrl: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly users: Record<string, XmppUser>;
  readonly dir: string;
  readonly logFile: string;
  addUser(name: string, password?: string): Promise<XmppUser>;
  /** Full log text (stanzas are logged at debug level by mod_stanza_debug). */
  log(): string;
  /** Stops the server and starts it again on the same ports and data. */
  restart(): Promise<void>;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

export type ProsodyOptions = {
  users?: string[];
  domain?: string;
  label?: string;
  /**
   * "both" (default): vCard4 over PEP and vcard-temp, mirrored into each other
   * (mod_vcard4 + mod_vcard_legacy); "temp-only": a server of the older kind,
   * vcard-temp stored on its own (mod_vcard), nothing mirrored.
   */
  vcard?: "both" | "temp-only";
  /** XEP-0215 via mod_turn_external: a TURN server sharing `secret` with coturn's static-auth-secret. */
  turnExternal?: { secret: string; host: string; port: number };
  /** c2s (STARTTLS and direct TLS) on ::1 as well as 127.0.0.1, the same ports (IPv6 world tests). */
  ipv6?: boolean;
};

function config(dir: string, domain: string, ports: Prosody["ports"], vcard: "both" | "temp-only", turn?: ProsodyOptions["turnExternal"], ipv6 = false): string {
  const vcardModules = vcard === "both" ? `"vcard4"; "vcard_legacy";` : `"vcard";`;
  const turnModule = turn ? `"turn_external";` : "";
  const turnOptions = turn ? `turn_external_secret = "${turn.secret}"\nturn_external_host = "${turn.host}"\nturn_external_port = ${turn.port}\n` : "";
  return `-- cusax test world: one private Prosody
run_as_root = true
daemonize = false
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
certificates = "${dir}/certs"
log = { debug = "${dir}/prosody.log"; error = "*console" }
interfaces = { "${LOOPBACK}"${ipv6 ? `, "::1"` : ""} }
c2s_ports = { ${ports.c2s} }
c2s_direct_tls_ports = { ${ports.directTls} }
s2s_ports = { }
http_ports = { ${ports.http} }
http_interfaces = { "${LOOPBACK}" }
https_ports = { }
https_interfaces = { }
component_ports = { }
c2s_require_encryption = true
-- Loopback only: a WebSocket to 127.0.0.1 counts as secure so SASL may run over ws://.
consider_websocket_secure = true
cross_domain_websocket = true
authentication = "internal_hashed"
storage = "internal"
archive_expires_after = "1d"
default_archive_policy = true
smacks_hibernation_time = 60
modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "private"; ${vcardModules}
  "carbons"; "pep"; "blocklist"; "version"; "uptime"; "time"; "ping";
  "mam"; "csi_simple"; "smacks"; "websocket"; "http"; "offline";
  "stanza_debug"; ${turnModule}
}
${turnOptions}
modules_disabled = { "s2s" }
VirtualHost "${domain}"
`;
}

export async function startProsody(options: ProsodyOptions = {}): Promise<Prosody> {
  const domain = options.domain ?? "example.test";
  const dir = makeWorldDir(options.label ?? "prosody");
  mkdirSync(join(dir, "data"));
  mkdirSync(join(dir, "certs"));
  const cert = await makeCertificate(join(dir, "certs"), domain);
  const [c2s, directTls, http] = (await freePorts(3)) as [number, number, number];
  const ports = { c2s, directTls, http };
  const cfg = join(dir, "prosody.cfg.lua");
  writeFileSync(cfg, config(dir, domain, ports, options.vcard ?? "both", options.turnExternal, options.ipv6 ?? false));
  const logFile = join(dir, "prosody.log");
  const users: Record<string, XmppUser> = {};

  const addUser = prosodyUserAdder(cfg, domain, users);
  for (const name of options.users ?? []) await addUser(name);

  let proc: Managed | undefined;
  const launch = async () => {
    proc = startProcess("prosody", "prosody", ["--config", cfg, "-F"], { logFile: join(dir, "prosody.out"), cwd: dir });
    const p = proc;
    await until("prosody to accept c2s connections", async () => {
      if (p.child.exitCode !== null) throw new Error(`prosody exited: ${p.log()}`);
      return (await tcpAccepts(LOOPBACK, ports.c2s)) && (await tcpAccepts(LOOPBACK, ports.http));
    }).catch(async (err: unknown) => {
      await p.stop();
      throw err;
    });
  };
  await launch().catch((err: unknown) => {
    removeWorldDir(dir, true);
    throw err;
  });

  return {
    shape: "prosody",
    domain,
    host: LOOPBACK,
    ports,
    websocketUrl: `ws://${LOOPBACK}:${http}/xmpp-websocket`,
    caPem: cert.pem,
    caFile: cert.certFile,
    users,
    dir,
    logFile,
    addUser,
    log: () => readFileSync(logFile, "utf8"),
    async restart() {
      await proc?.stop();
      await launch();
    },
    async stop({ keepDir = false } = {}) {
      await proc?.stop();
      removeWorldDir(dir, keepDir);
    },
  };
}
