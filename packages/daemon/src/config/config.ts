// The daemon's configuration: a JSON file (--config PATH, else
// $XDG_CONFIG_HOME/cusax/config.json, else ~/.config/cusax/config.json),
// then environment overrides. Passwords come from the file, the environment
// or a file named by either, and are held as Secrets.
import { homedir } from "node:os";
import { join } from "node:path";
import { Secret } from "./secret.js";

export type SipTransportName = "udp" | "tcp" | "tls" | "ws";

export type DaemonConfig = {
  sip: { aor: string; username: string; password: Secret; proxy?: string; transport: SipTransportName; tel?: string; listenHost?: string };
  xmpp: { jid: string; password: Secret; service?: string };
  /** allowedHosts: Host header values answered besides the loopback names ("name" or "name:port"). */
  api: { host: "127.0.0.1" | "::1"; port: number; allowedHosts?: string[] };
  dataDir: string;
  log: { level: "debug" | "info" | "warn" | "error" };
  /** PEM files trusted in addition to the system CAs. */
  ca: string[];
  /**
   * Call audio: our RTP address, a WAV file played on calls that name none, and
   * SRTP (RFC 4568 SDES): "off", "offered" (default: plain RTP still accepted) or
   * "required" (a plain offer is refused with 488, our offers are RTP/SAVP).
   */
  media: { address?: string; play?: string; srtp: "off" | "offered" | "required" };
};

export class ConfigProblem extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

export type ConfigSources = {
  /** Parsed JSON of the config file, or undefined when there is none. */
  file: unknown;
  env: Record<string, string | undefined>;
  readSecretFile: (path: string) => string;
};

export function defaultConfigPath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "cusax", "config.json");
}

export function defaultDataDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(base, "cusax");
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Builds the configuration; every problem found is reported at once. */
export function resolveConfig({ file, env, readSecretFile }: ConfigSources): DaemonConfig {
  const problems: string[] = [];
  const raw = obj(file);
  const sip = obj(raw.sip);
  const xmpp = obj(raw.xmpp);
  const api = obj(raw.api);

  // Precedence: the environment (value, then _FILE), then the file (a string,
  // or { "file": PATH }).
  const secret = (where: string, value: unknown, envName: string): Secret => {
    const fromFile = (path: string): Secret => {
      try {
        return new Secret(readSecretFile(path).replace(/\r?\n$/, ""));
      } catch (err) {
        problems.push(`${where}: cannot read password file ${path}: ${(err as Error).message}`);
        return new Secret("");
      }
    };
    const envValue = str(env[envName]);
    if (envValue) return new Secret(envValue);
    const envFile = str(env[`${envName}_FILE`]);
    if (envFile) return fromFile(envFile);
    if (str(value)) return new Secret(value as string);
    const cfgFile = str(obj(value).file);
    if (cfgFile) return fromFile(cfgFile);
    problems.push(`${where}: no password (set it in the file, in ${envName}, or a file path in ${envName}_FILE)`);
    return new Secret("");
  };

  const aor = str(env.CUSAX_SIP_AOR) ?? str(sip.aor);
  if (!aor || !/^sips?:[^@\s]+@[^@\s]+$/.test(aor)) problems.push(`sip.aor: expected "sip:user@domain", got ${JSON.stringify(aor ?? null)}`);
  const transport = (str(env.CUSAX_SIP_TRANSPORT) ?? str(sip.transport) ?? "udp") as SipTransportName;
  if (!["udp", "tcp", "tls", "ws"].includes(transport)) problems.push(`sip.transport: expected udp, tcp, tls or ws, got "${transport}"`);
  const jid = str(env.CUSAX_XMPP_JID) ?? str(xmpp.jid);
  if (!jid || !/^[^@/\s]+@[^@/\s]+$/.test(jid)) problems.push(`xmpp.jid: expected a bare JID "user@domain", got ${JSON.stringify(jid ?? null)}`);
  const host = str(api.host) ?? "127.0.0.1";
  if (host !== "127.0.0.1" && host !== "::1") problems.push(`api.host: the API listens on loopback only (127.0.0.1 or ::1), not "${host}"`);
  const port = Number(env.CUSAX_API_PORT ?? api.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`api.port: expected 0-65535, got ${JSON.stringify(api.port)}`);
  const level = str(env.CUSAX_LOG_LEVEL) ?? str(obj(raw.log).level) ?? "info";
  if (!["debug", "info", "warn", "error"].includes(level)) problems.push(`log.level: expected debug, info, warn or error, got "${level}"`);
  const srtp = str(env.CUSAX_MEDIA_SRTP) ?? str(obj(raw.media).srtp) ?? "offered";
  if (!["off", "offered", "required"].includes(srtp)) problems.push(`media.srtp: expected off, offered or required, got "${srtp}"`);
  const ca = Array.isArray(raw.ca) ? raw.ca.filter((c): c is string => typeof c === "string") : [];

  const config: DaemonConfig = {
    sip: {
      aor: aor ?? "",
      username: str(sip.username) ?? (aor ? aor.replace(/^sips?:/, "").split("@")[0]! : ""),
      password: secret("sip.password", sip.password, "CUSAX_SIP_PASSWORD"),
      transport,
      ...(str(sip.proxy) ? { proxy: str(sip.proxy)! } : {}),
      ...(str(sip.tel) ? { tel: str(sip.tel)! } : {}),
      ...(str(sip.listenHost) ? { listenHost: str(sip.listenHost)! } : {}),
    },
    xmpp: {
      jid: jid ?? "",
      password: secret("xmpp.password", xmpp.password, "CUSAX_XMPP_PASSWORD"),
      ...(str(xmpp.service) ? { service: str(xmpp.service)! } : {}),
    },
    api: { host: host as "127.0.0.1" | "::1", port, ...(Array.isArray(api.allowedHosts) ? { allowedHosts: api.allowedHosts.filter((h): h is string => typeof h === "string" && h.trim() !== "") } : {}) },
    dataDir: str(env.CUSAX_DATA_DIR) ?? str(raw.dataDir) ?? defaultDataDir(env),
    log: { level: level as DaemonConfig["log"]["level"] },
    ca,
    media: {
      ...(str(obj(raw.media).address) ? { address: str(obj(raw.media).address)! } : {}),
      ...(str(obj(raw.media).play) ? { play: str(obj(raw.media).play)! } : {}),
      srtp: srtp as DaemonConfig["media"]["srtp"],
    },
  };
  if (problems.length > 0) throw new ConfigProblem(problems);
  return config;
}
