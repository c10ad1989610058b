// The daemon's configuration: a JSON file (--config PATH, else
// $XDG_CONFIG_HOME/cusax/config.json, else ~/.config/cusax/config.json),
// then environment overrides. Passwords come from the file, the environment
// or a file named by either, and are held as Secrets.
import { homedir } from "node:os";
import { join } from "node:path";
import { Secret } from "./secret.js";

export type SipTransportName = "udp" | "tcp" | "tls" | "ws";

export type DaemonConfig = {
  /** keepAliveSeconds: interval of the outbound flow keep-alives (RFC 5626 §4.4), default: the library's. */
  sip: { aor: string; username: string; password: Secret; proxy?: string; transport: SipTransportName; tel?: string; listenHost?: string; keepAliveSeconds?: number };
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
  media: { address?: string; play?: string; srtp: "off" | "offered" | "required"; device?: SoundDeviceConfig };
  /** NAT traversal (RFC 8445 ICE, RFC 8489 STUN, RFC 8656 TURN; protocol.md D29: none configured = ask the XMPP server). */
  nat: NatConfig;
};

/** A sound device run through the system's audio tools (raw 16-bit PCM over a pipe): PulseAudio's parec/pacat or ALSA's arecord/aplay. */
export type SoundDeviceConfig = { tool: "pulse" | "alsa"; input?: string; output?: string };

/** A TURN server: uri "turn:host[:port][?transport=udp|tcp]" or "turns:host[:port]". */
export type TurnServerConfig = { uri: string; username: string; password: Secret };

/** stun: "host[:port]" entries; ice: offer and answer ICE (default true); relay "always": only relayed candidates. */
export type NatConfig = { stun: string[]; turn: TurnServerConfig[]; ice: boolean; relay: "auto" | "always" };

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
  const device = soundDeviceOf(obj(raw.media).device, problems);
  const nat = natOf(raw.nat, problems, (where, value) => secret(where, value, "CUSAX_TURN_PASSWORD"));
  const keepAlive = sip.keepAliveSeconds;
  if (keepAlive !== undefined && (typeof keepAlive !== "number" || !Number.isInteger(keepAlive) || keepAlive < 5 || keepAlive > 3600)) problems.push(`sip.keepAliveSeconds: expected a whole number of seconds from 5 to 3600, got ${JSON.stringify(keepAlive)}`);
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
      ...(typeof keepAlive === "number" ? { keepAliveSeconds: keepAlive } : {}),
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
      ...(device ? { device } : {}),
    },
    nat,
  };
  if (problems.length > 0) throw new ConfigProblem(problems);
  return config;
}

function soundDeviceOf(value: unknown, problems: string[]): SoundDeviceConfig | undefined {
  if (value === undefined) return undefined;
  const d = obj(value);
  const tool = d.tool;
  if (tool !== "pulse" && tool !== "alsa") {
    problems.push(`media.device.tool: expected "pulse" (parec/pacat) or "alsa" (arecord/aplay), got ${JSON.stringify(tool ?? null)}`);
    return undefined;
  }
  return { tool, ...(str(d.input) ? { input: str(d.input)! } : {}), ...(str(d.output) ? { output: str(d.output)! } : {}) };
}

function natOf(value: unknown, problems: string[], secret: (where: string, value: unknown) => Secret): NatConfig {
  const n = obj(value);
  const stun = n.stun === undefined ? [] : Array.isArray(n.stun) ? n.stun.filter((s): s is string => typeof s === "string" && s !== "") : [];
  if (n.stun !== undefined && !Array.isArray(n.stun)) problems.push(`nat.stun: expected a list of "host[:port]", got ${JSON.stringify(n.stun)}`);
  const turns = n.turn === undefined ? [] : Array.isArray(n.turn) ? n.turn : [];
  if (n.turn !== undefined && !Array.isArray(n.turn)) problems.push(`nat.turn: expected a list of { uri, username, password }, got ${JSON.stringify(n.turn)}`);
  const turn = turns.map((t, i): TurnServerConfig => {
    const o = obj(t);
    const uri = str(o.uri) ?? "";
    if (!/^turns?:[^\s]+$/.test(uri)) problems.push(`nat.turn[${i}].uri: expected "turn:host[:port][?transport=udp|tcp]" or "turns:host[:port]", got ${JSON.stringify(o.uri ?? null)}`);
    if (!str(o.username)) problems.push(`nat.turn[${i}].username: missing`);
    return { uri, username: str(o.username) ?? "", password: secret(`nat.turn[${i}].password`, o.password) };
  });
  if (n.ice !== undefined && typeof n.ice !== "boolean") problems.push(`nat.ice: expected true or false, got ${JSON.stringify(n.ice)}`);
  const relay = n.relay ?? "auto";
  if (relay !== "auto" && relay !== "always") problems.push(`nat.relay: expected "auto" or "always", got ${JSON.stringify(relay)}`);
  return { stun, turn, ice: n.ice !== false, relay: relay === "always" ? "always" : "auto" };
}
