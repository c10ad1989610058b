// Prosody 0.12 on Debian's default /etc/prosody/prosody.cfg.lua, read at start
// and changed only where a private test server must differ. Everything else
// (modules, c2s_require_encryption's default of true, authentication
// "internal_hashed", limits, s2s_secure_auth, the certificates directory
// "certs" relative to the config file, the trailing Include) is Debian's.
//
// Changed lines, each found by an exact anchor (a different file fails loudly):
//   pidfile = "/run/prosody/prosody.pid";  -> the world's directory (no /run)
//   log = { ... }  (the whole block)       -> one file in the world's directory
//                                             (not /var/log, not syslog)
//   --"mam";                               -> "mam"; the one module the file
//                                             lists commented that cusax needs
//                                             (carbons, pep, smacks are already on)
//   VirtualHost "localhost"                -> VirtualHost "<the world's domain>"
// Added, just before that VirtualHost line (so they stay global):
//   data_path                              -> the world's directory
//   interfaces, c2s_ports                  -> 127.0.0.1 and a free port
//   s2s_ports = { }                        -> s2s stays loaded but listens nowhere
//   run_as_root = true                     -> only when the tests run as root
//                                             (Prosody refuses root otherwise)
// Not changed but made harmless: `Include "conf.d/*.cfg.lua"` resolves
// relative to the config file, so it reads the world's own (empty) conf.d and
// never /etc/prosody/conf.d. `daemonize` is not in the file; `prosody -F`
// keeps the server in the foreground although mod_posix is loaded.
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:net";
import { makeCertificate } from "./certs.js";
import { makeWorldDir, removeWorldDir } from "./dir.js";
import { freePorts, LOOPBACK } from "./ports.js";
import { startProcess, type Managed } from "./process.js";
import { until } from "./wait.js";
import { prosodyUserAdder, type XmppServer, type XmppUser } from "./prosody.js";

export const STOCK_PROSODY_CONFIG = "/etc/prosody/prosody.cfg.lua";

export type StockProsodyOptions = { users?: string[]; domain?: string; label?: string; stockConfig?: string };

type Edit = { what: string; anchor: RegExp; replace: (match: string) => string };

/** Applies one edit whose anchor must match exactly once. */
function edit(text: string, e: Edit): string {
  const global = new RegExp(e.anchor.source, e.anchor.flags.includes("g") ? e.anchor.flags : `${e.anchor.flags}g`);
  const hits = text.match(global)?.length ?? 0;
  if (hits !== 1) throw new Error(`stock Prosody config: expected one ${e.what}, found ${hits}`);
  return text.replace(e.anchor, e.replace);
}

const lua = (s: string): string => JSON.stringify(s); // a Lua string literal for plain paths and names

/** Debian's stock config with the changes listed in this file's header. */
export function stockConfig(stock: string, o: { dir: string; domain: string; c2s: number; asRoot: boolean }): string {
  const added = [
    "-- cusax test world: private paths and loopback ports (added)",
    `data_path = ${lua(join(o.dir, "data"))}`,
    `interfaces = { ${lua(LOOPBACK)} }`,
    `c2s_ports = { ${o.c2s} }`,
    "s2s_ports = { }",
    ...(o.asRoot ? ["run_as_root = true"] : []),
    "",
  ].join("\n");
  const edits: Edit[] = [
    { what: "pidfile line", anchor: /^pidfile = "\/run\/prosody\/prosody\.pid";$/m, replace: () => `pidfile = ${lua(join(o.dir, "prosody.pid"))}; -- cusax test world (changed)` },
    { what: "log block", anchor: /^log = \{\n(?:.*\n)*?\}$/m, replace: () => `log = { info = ${lua(join(o.dir, "prosody.log"))} } -- cusax test world (changed)` },
    { what: "commented mam module", anchor: /^(\s*)--"mam";/m, replace: (m) => m.replace('--"mam";', '"mam"; -- cusax test world (uncommented)') },
    { what: "VirtualHost \"localhost\"", anchor: /^VirtualHost "localhost"$/m, replace: () => `${added}VirtualHost ${lua(o.domain)} -- cusax test world (changed)` },
  ];
  return edits.reduce(edit, stock);
}

/**
 * A c2s readiness probe (RFC 6120 §4.2-4.3): opens a stream and resolves true
 * once the features offer STARTTLS. A listening port alone is not enough:
 * Prosody opens c2s before the host's certificate is loaded.
 */
export function starttlsOffered(host: string, port: number, domain: string, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let got = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once("error", () => done(false));
    sock.once("close", () => done(false));
    sock.once("connect", () =>
      sock.write(`<?xml version='1.0'?><stream:stream to=${JSON.stringify(domain)} version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`),
    );
    sock.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.includes("</stream:features>")) done(/<starttls[\s>/]/.test(got));
    });
  });
}

export async function startStockProsody(options: StockProsodyOptions = {}): Promise<XmppServer> {
  const domain = options.domain ?? "example.test";
  const dir = makeWorldDir(options.label ?? "prosody-stock");
  for (const sub of ["data", "certs", "conf.d"]) mkdirSync(join(dir, sub));
  const cert = await makeCertificate(join(dir, "certs"), domain);
  const [c2s] = (await freePorts(1)) as [number];
  const cfg = join(dir, "prosody.cfg.lua");
  const asRoot = process.getuid?.() === 0;
  writeFileSync(cfg, stockConfig(readFileSync(options.stockConfig ?? STOCK_PROSODY_CONFIG, "utf8"), { dir, domain, c2s, asRoot }));
  const logFile = join(dir, "prosody.log");
  const users: Record<string, XmppUser> = {};
  const addUser = prosodyUserAdder(cfg, domain, users);

  let proc: Managed | undefined;
  try {
    for (const name of options.users ?? []) await addUser(name);
    proc = startProcess("prosody-stock", "prosody", ["--config", cfg, "-F"], { logFile: join(dir, "prosody.out"), cwd: dir });
    const p = proc;
    await until("stock Prosody to accept c2s connections", async () => {
      if (p.child.exitCode !== null) throw new Error(`prosody exited: ${p.log()}`);
      return starttlsOffered(LOOPBACK, c2s, domain);
    }, { timeoutMs: 60_000 });
  } catch (err) {
    await proc?.stop();
    removeWorldDir(dir, true);
    throw err;
  }

  return {
    shape: "prosody-stock",
    domain,
    host: LOOPBACK,
    ports: { c2s },
    caPem: cert.pem,
    caFile: cert.certFile,
    users,
    dir,
    logFile,
    addUser,
    log: () => readFileSync(logFile, "utf8"),
    async stop({ keepDir = false } = {}) {
      await proc?.stop();
      removeWorldDir(dir, keepDir);
    },
  };
}
