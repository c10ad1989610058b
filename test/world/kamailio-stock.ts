// Debian's stock Kamailio 5.6 script (/etc/kamailio/kamailio.cfg) in the test world (test-world.md §9):
// credentials in the `subscriber` table and registrations in the `location` table of a private MariaDB
// (-A WITH_MYSQL -A WITH_AUTH -A WITH_USRLOCDB), schema by `kamdbctl create`, users by `kamctl add`.
//
// The script is copied unchanged except, with `gruu: true`, one line:
//   modparam("registrar", "gruu_enabled", 0) -> 1     (RFC 5627 GRUUs; the stock file ships them off)
// Everything else a loopback test needs is a documented command-line switch, not an edit:
//   -l udp:/tcp:/tls:127.0.0.1:P   the stock file has no listen= line (it would bind every address)
//   --alias=<domain>               makes the SIP domain "myself" (otherwise 403 Not relaying)
//   -A 'DBURL="mysql://..."'       the stock #!trydef DBURL gives way to a define from the command line
//   -A WITH_TLS plus --subst='|/etc/kamailio/tls\.cfg|<dir>/tls.cfg|': the stock script reads its TLS
//                                  config from that fixed path; the preprocessor's string substitution
//                                  points it at this world's tls.cfg (our certificate), no edited line
//   -Y <dir>/run, -P               runtime dir (ctl/jsonrpcs sockets, FIFO) and pid file private
//   -DD -E -m 64 -M 8              foreground, log to stderr (our log file), memory sizes
// Not listened: WebSocket (the stock script has none), so ports.ws is 0.
// Registrations are what the location table holds: the stock WITH_USRLOCDB is usrloc db_mode 2
// (write-back), so a binding reaches the table on usrloc's next timer run (timer_interval 60 s) and
// readers wait for it. (RPC ul.flush cannot hurry it: in write-back mode the RPC process has no DB
// connection and logs "invalid connection parameter".)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "./certs.js";
import { makePassword, makeWorldDir, removeWorldDir } from "./dir.js";
import type { SipServer, SipUser } from "./kamailio.js";
import { kamailioTlsConfig, type KamailioPorts } from "./kamailio-cfg.js";
import { startMariadb, type Mariadb } from "./mariadb.js";
import { freePort, LOOPBACK } from "./ports.js";
import { run, startProcess, type Managed } from "./process.js";
import { sipOptionsProbe } from "./sip-probe.js";
import { until } from "./wait.js";

export const STOCK_CFG = "/etc/kamailio/kamailio.cfg";
const GRUU_OFF = 'modparam("registrar", "gruu_enabled", 0)';
const GRUU_ON = 'modparam("registrar", "gruu_enabled", 1)';

export type StockKamailioOptions = {
  users?: string[];
  /** gruu_enabled 1 (the one edited line) or the stock 0. */
  gruu: boolean;
  label?: string;
  domain?: string;
  /** A MariaDB to share with other instances (each its own database); default: a private one, stopped with this. */
  mariadb?: Mariadb;
  /** Database name (default kamailio_g0 / kamailio_g1 by `gruu`). */
  database?: string;
  /** -A WITH_TLS with this world's certificate (default true). */
  tls?: boolean;
};

/** One row of the location table (column -> value, NULL as null). */
export type LocationRow = Record<string, string | null>;

export type StockKamailio = SipServer & {
  readonly shape: "stock" | "stock-gruu";
  readonly mariadb: Mariadb;
  readonly database: string;
  /** The script Kamailio runs (the stock file, or it with the GRUU line edited). */
  readonly cfgFile: string;
  /** The location table now (it lags the registrar by up to usrloc's timer_interval, see above). */
  locationRows(): Promise<LocationRow[]>;
  /** A SELECT in this instance's database. */
  rows(sql: string): Promise<Record<string, string | null>[]>;
};

/** The stock script, with gruu_enabled switched on when asked; fails when the stock line is not there exactly once. */
export function stockConfig(gruu: boolean): string {
  const text = readFileSync(STOCK_CFG, "utf8");
  const lines = text.split("\n");
  const at = lines.flatMap((l, i) => (l.trim() === GRUU_OFF ? [i] : []));
  if (at.length !== 1) throw new Error(`${STOCK_CFG}: expected one "${GRUU_OFF}" line, found ${at.length}`);
  if (!gruu) return text;
  lines[at[0]!] = GRUU_ON;
  return lines.join("\n");
}

type Db = { mariadb: Mariadb; database: string; rwUser: string; rwPassword: string; home: string };

/** kamctl/kamdbctl read ~/.kamctlrc: a private HOME pointing them at this world's database over TCP (they ignore sockets). */
function writeKamctlrc(db: Db, domain: string): void {
  mkdirSync(db.home, { recursive: true });
  const lines = [
    `SIP_DOMAIN=${domain}`, "DBENGINE=MYSQL", `DBHOST=${db.mariadb.host}`, `DBPORT=${db.mariadb.port}`, `DBNAME=${db.database}`,
    // Database users are server-wide: one pair per database, so instances can share a server.
    `DBRWUSER=${db.rwUser}`, `DBRWPW="${db.rwPassword}"`, `DBROUSER=${db.database}_ro`, `DBROPW="${makePassword()}"`,
    "DBROOTUSER=root", 'DBROOTPW=""', "CHARSET=latin1",
    "INSTALL_EXTRA_TABLES=no", "INSTALL_PRESENCE_TABLES=no", "INSTALL_DBUID_TABLES=no",
  ];
  writeFileSync(join(db.home, ".kamctlrc"), lines.join("\n") + "\n", { mode: 0o600 });
}

function kamctlEnv(db: Db): NodeJS.ProcessEnv {
  return { ...process.env, HOME: db.home };
}

async function createDatabase(db: Db, domain: string): Promise<void> {
  writeKamctlrc(db, domain);
  const out = await run("kamdbctl", ["create"], { env: kamctlEnv(db) });
  if (!out.includes("Core Kamailio tables successfully created")) throw new Error(`kamdbctl create: ${out}`);
}

function kamailioArgs(o: { cfgFile: string; dir: string; domain: string; ports: KamailioPorts; db: Db; tls: boolean }): string[] {
  const { db, ports } = o;
  const dbUrl = `mysql://${db.rwUser}:${db.rwPassword}@${db.mariadb.host}:${db.mariadb.port}/${db.database}`;
  const args = [
    "-f", o.cfgFile, "-DD", "-E", "-m", "64", "-M", "8", "-Y", join(o.dir, "run"), "-P", join(o.dir, "run", "kamailio.pid"),
    `--alias=${o.domain}`, "-A", "WITH_MYSQL", "-A", "WITH_AUTH", "-A", "WITH_USRLOCDB", "-A", `DBURL="${dbUrl}"`,
    "-l", `udp:${LOOPBACK}:${ports.udp}`, "-l", `tcp:${LOOPBACK}:${ports.tcp}`,
  ];
  if (o.tls) args.push("-A", "WITH_TLS", `--subst=|/etc/kamailio/tls\\.cfg|${join(o.dir, "tls.cfg")}|`, "-l", `tls:${LOOPBACK}:${ports.tls}`);
  return args;
}

/** ul.dump-like text of location rows, so ul.dump readers (bindingOf, baresip's registered()) read both servers. */
export function renderLocation(rows: LocationRow[]): string {
  return rows
    .map((r) => [
      `AoR: ${r.username ?? ""}`,
      `\tContact: ${r.contact ?? ""}`,
      `\tInstance: ${r.instance ?? ""}`,
      `\tReceived: ${r.received ?? ""}`,
      `\tExpires: ${r.expires ?? ""}`,
      `\tUser-Agent: ${r.user_agent ?? ""}`,
      "",
    ].join("\n"))
    .join("");
}

async function startDb(o: StockKamailioOptions, domain: string, dir: string): Promise<{ db: Db; own: boolean }> {
  const own = o.mariadb === undefined;
  const mariadb = o.mariadb ?? (await startMariadb({ label: `${o.label ?? "kamailio-stock"}-db` }));
  const database = o.database ?? `kamailio_g${o.gruu ? 1 : 0}`;
  const db: Db = { mariadb, database, rwUser: `${database}_rw`, rwPassword: makePassword(), home: join(dir, "home") };
  try {
    await createDatabase(db, domain);
  } catch (err) {
    if (own) await mariadb.stop({ keepDir: true });
    throw err;
  }
  return { db, own };
}

export async function startStockKamailio(options: StockKamailioOptions): Promise<StockKamailio> {
  const domain = options.domain ?? "example.test";
  const tls = options.tls ?? true;
  const dir = makeWorldDir(options.label ?? `kamailio-stock-g${options.gruu ? 1 : 0}`);
  mkdirSync(join(dir, "run"));
  const { db, own } = await startDb(options, domain, dir);
  const cert = await makeCertificate(dir, domain);
  writeFileSync(join(dir, "tls.cfg"), kamailioTlsConfig(cert.certFile, cert.keyFile));
  const cfgFile = join(dir, "kamailio.cfg");
  writeFileSync(cfgFile, stockConfig(options.gruu));
  const sip = await freePort();
  const ports: KamailioPorts = { udp: sip, tcp: sip, tls: tls ? await freePort() : 0, ws: 0 };
  const args = kamailioArgs({ cfgFile, dir, domain, ports, db, tls });
  const stopDb = (keepDir: boolean) => (own ? db.mariadb.stop({ keepDir }) : Promise.resolve());
  const users: Record<string, SipUser> = {};
  const addUser = async (name: string, password = makePassword()): Promise<SipUser> => {
    // kamctl add refuses an existing user: a changed password is kamctl passwd.
    const verb = users[name] ? "passwd" : "add";
    await run("kamctl", [verb, `${name}@${domain}`, password], { env: kamctlEnv(db) });
    users[name] = { name, aor: `sip:${name}@${domain}`, password };
    return users[name];
  };
  let proc: Managed | undefined;
  try {
    await Promise.all((options.users ?? []).map((name) => addUser(name)));
    await run("kamailio", ["-c", ...args]);
    proc = await runKamailio(args, dir, ports.udp, domain);
  } catch (err) {
    await proc?.stop();
    await stopDb(true);
    removeWorldDir(dir, true);
    throw err;
  }
  return stockHandle({ dir, domain, ports, cert, users, addUser, db, cfgFile, proc, gruu: options.gruu, stopDb });
}

async function runKamailio(args: string[], dir: string, port: number, domain: string): Promise<Managed> {
  const proc = startProcess("kamailio-stock", "kamailio", args, { logFile: join(dir, "kamailio.log"), cwd: dir });
  try {
    await until("stock Kamailio to answer SIP OPTIONS", async () => {
      if (proc.child.exitCode !== null) throw new Error(`kamailio exited: ${proc.log()}`);
      return sipOptionsProbe(LOOPBACK, port, domain);
    }, { timeoutMs: 60_000 });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

type HandleInput = {
  dir: string; domain: string; ports: KamailioPorts; cert: { pem: string; certFile: string }; users: Record<string, SipUser>;
  addUser: (name: string, password?: string) => Promise<SipUser>; db: Db; cfgFile: string; proc: Managed; gruu: boolean;
  stopDb: (keepDir: boolean) => Promise<void>;
};

function stockHandle(h: HandleInput): StockKamailio {
  const rows = (sql: string) => h.db.mariadb.rows(sql, h.db.database);
  const locationRows = () => rows("SELECT * FROM location ORDER BY id");
  return {
    shape: h.gruu ? "stock-gruu" : "stock",
    domain: h.domain,
    host: LOOPBACK,
    ports: h.ports,
    caPem: h.cert.pem,
    caFile: h.cert.certFile,
    users: h.users,
    dir: h.dir,
    logFile: h.proc.logFile,
    mariadb: h.db.mariadb,
    database: h.db.database,
    cfgFile: h.cfgFile,
    addUser: h.addUser,
    locationRows,
    rows,
    registrations: async () => renderLocation(await locationRows()),
    log: () => h.proc.log(),
    async stop({ keepDir = false } = {}) {
      await h.proc.stop();
      await h.stopDb(keepDir);
      removeWorldDir(h.dir, keepDir);
    },
  };
}
