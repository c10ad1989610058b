// ejabberd 23.01 (Debian) as a private XMPP server of the test world
// (test-world.md §9): the Erlang node started directly, without ejabberdctl
// (which switches user and reads /etc/ejabberd) and without distribution (no
// -sname, so no epmd). c2s with STARTTLS required and direct TLS (XEP-0368),
// mod_http_api on loopback for /api/register, and the modules a client of
// ours meets on ordinary servers: roster versioning, disco, caps, PEP,
// carbons, MAM (default always), stream management, offline, vcard-temp,
// ping, blocking, private storage.
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "./certs.js";
import { makePassword, makeWorldDir, removeWorldDir } from "./dir.js";
import { freePorts, LOOPBACK } from "./ports.js";
import { startProcess, type Managed } from "./process.js";
import { tcpAccepts, until } from "./wait.js";
import type { XmppServer, XmppUser } from "./prosody.js";
import { starttlsOffered } from "./prosody-stock.js";

export type EjabberdOptions = { users?: string[]; domain?: string; label?: string };

/** Debian installs ejabberd's OTP applications here (what ejabberdctl sets as ERL_LIBS). */
const ERL_LIBS = "/usr/lib/x86_64-linux-gnu";

type Ports = { c2s: number; directTls: number; api: number };

/** YAML is a superset of JSON for flow values: strings quoted by JSON cannot break the file. */
const q = (s: string): string => JSON.stringify(s);

function config(dir: string, domain: string, ports: Ports): string {
  return `# cusax test world: one private ejabberd
hosts: [${q(domain)}]
# warning, not info: at info, mod_http_api logs every call with its arguments,
# the passwords given to /api/register included.
loglevel: warning
log_rotate_count: 0
certfiles: [${q(join(dir, "cert.pem"))}]
listen:
  - {port: ${ports.c2s}, ip: ${q(LOOPBACK)}, module: ejabberd_c2s, starttls: true, starttls_required: true}
  - {port: ${ports.directTls}, ip: ${q(LOOPBACK)}, module: ejabberd_c2s, tls: true}
  - {port: ${ports.api}, ip: ${q(LOOPBACK)}, module: ejabberd_http, request_handlers: {/api: mod_http_api}}
# Only the world harness on loopback may use the API, and only to create users
# and ask whether the server is up.
api_permissions:
  "world harness":
    from: [mod_http_api]
    who: {ip: "127.0.0.1/32"}
    what: [register, status]
auth_method: [internal]
auth_password_format: scram
s2s_access: none
acl:
  local: {user_regexp: ""}
access_rules:
  local: {allow: local}
  c2s: {allow: all}
modules:
  mod_roster: {versioning: true}
  mod_disco: {}
  mod_caps: {}
  mod_pubsub: {plugins: [flat, pep]}
  mod_carboncopy: {}
  mod_mam: {db_type: mnesia, default: always}
  mod_stream_mgmt: {resume_timeout: 300}
  mod_offline: {}
  mod_vcard: {}
  mod_ping: {}
  mod_http_api: {}
  mod_private: {}
  mod_privacy: {}
  mod_blocking: {}
  mod_last: {}
`;
}

/** POSTs a command to mod_http_api; resolves with the HTTP status and body. */
async function api(port: number, command: string, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://${LOOPBACK}:${port}/api/${command}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

function launch(dir: string): Managed {
  const spool = join(dir, "spool");
  return startProcess(
    "ejabberd",
    "erl",
    // +K: kernel poll; no -sname/-name: a node without distribution starts no epmd.
    ["+K", "true", "-noinput", "-noshell", "-mnesia", "dir", q(spool), "-s", "ejabberd"],
    {
      cwd: dir,
      logFile: join(dir, "ejabberd.out"),
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: dir,
        ERL_LIBS,
        EJABBERD_CONFIG_PATH: join(dir, "ejabberd.yml"),
        EJABBERD_LOG_PATH: join(dir, "logs", "ejabberd.log"),
      },
    },
  );
}

async function waitReady(proc: Managed, ports: Ports, domain: string): Promise<void> {
  await until(
    "ejabberd's API to answer and c2s to accept connections",
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`ejabberd exited: ${proc.log()}`);
      if (!(await tcpAccepts(LOOPBACK, ports.api))) return false;
      const status = await api(ports.api, "status", {});
      return status.status === 200 && (await starttlsOffered(LOOPBACK, ports.c2s, domain)) && (await tcpAccepts(LOOPBACK, ports.directTls));
    },
    // An Erlang node boots in ~2.5 s on an idle machine, 12-18 s at load 15 on two cores.
    { timeoutMs: 90_000, intervalMs: 100 },
  );
}

export async function startEjabberd(options: EjabberdOptions = {}): Promise<XmppServer> {
  const domain = options.domain ?? "example.test";
  const dir = makeWorldDir(options.label ?? "ejabberd");
  for (const sub of ["spool", "logs", "certs"]) mkdirSync(join(dir, sub));
  const cert = await makeCertificate(join(dir, "certs"), domain);
  // ejabberd wants certificate and key in one PEM file.
  writeFileSync(join(dir, "cert.pem"), cert.pem + readFileSync(cert.keyFile, "utf8"), { mode: 0o600 });
  const [c2s, directTls, apiPort] = (await freePorts(3)) as [number, number, number];
  const ports = { c2s, directTls, api: apiPort };
  writeFileSync(join(dir, "ejabberd.yml"), config(dir, domain, ports));

  const proc = launch(dir);
  try {
    await waitReady(proc, ports, domain);
  } catch (err) {
    await proc.stop();
    removeWorldDir(dir, true);
    throw err;
  }

  const users: Record<string, XmppUser> = {};
  const addUser = async (name: string, password = makePassword()): Promise<XmppUser> => {
    const res = await api(ports.api, "register", { user: name, host: domain, password });
    if (res.status !== 200) throw new Error(`ejabberd /api/register ${name}: HTTP ${res.status} ${res.text}`);
    const user = { name, jid: `${name}@${domain}`, password };
    users[name] = user;
    return user;
  };
  const server: XmppServer = {
    shape: "ejabberd",
    domain,
    host: LOOPBACK,
    ports: { c2s, directTls },
    caPem: cert.pem,
    caFile: cert.certFile,
    users,
    dir,
    logFile: join(dir, "logs", "ejabberd.log"),
    addUser,
    log: () => readFileSync(join(dir, "logs", "ejabberd.log"), "utf8"),
    async stop({ keepDir = false } = {}) {
      // Mnesia flushes on SIGTERM within ~3 s; the directory goes anyway, so do not wait longer.
      await proc.stop(5000);
      removeWorldDir(dir, keepDir);
    },
  };
  try {
    for (const name of options.users ?? []) await addUser(name);
  } catch (err) {
    await server.stop({ keepDir: true });
    throw err;
  }
  return server;
}
