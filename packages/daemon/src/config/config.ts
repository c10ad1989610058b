// The daemon's configuration: a JSON file (--config PATH, else
// $XDG_CONFIG_HOME/cusax/config.json, else ~/.config/cusax/config.json)
// checked against one schema (schema.ts), then environment overrides (env.ts). Passwords come from the file, the environment
// or a file named by either, and are held as Secrets.
import { homedir } from "node:os";
import { join } from "node:path";
import { envOverrides, type EnvOverrides } from "./env.js";
import { describeIssues, salvage } from "./issues.js";
import { fileSchema, type ConfigFile, type PasswordValue } from "./schema.js";
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

/** Every problem found, with the file read (or the path looked in when there was none). */
export class ConfigProblem extends Error {
  constructor(
    readonly problems: string[],
    readonly source?: { path: string; found: boolean },
  ) {
    const where = source ? (source.found ? ` in ${source.path}` : ` (no config file at ${source.path})`) : "";
    super(`invalid configuration${where}:\n  - ${problems.join("\n  - ")}`);
  }
}

export type ConfigSources = {
  /** Parsed JSON of the config file, or undefined when there is none. */
  file: unknown;
  env: Record<string, string | undefined>;
  readSecretFile: (path: string) => string;
  /** The file read, or the path looked in when there is none (named in the problems). */
  path?: string;
};

export function defaultConfigPath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "cusax", "config.json");
}

export function defaultDataDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share");
  return join(base, "cusax");
}


const nz = (s: string | undefined): string | undefined => (s === "" ? undefined : s);

/** Builds the configuration: the file checked against its schema, then the environment; every problem at once. */
export function resolveConfig(sources: ConfigSources): DaemonConfig {
  const problems: string[] = [];
  const parsed = fileSchema.safeParse(sources.file ?? {});
  if (!parsed.success) problems.push(...describeIssues(fileSchema, parsed.error.issues));
  const file = (parsed.success ? parsed.data : salvage(fileSchema, sources.file) ?? {}) as ConfigFile;
  const env = envOverrides(sources.env, problems);
  const secret = passwordReader(sources, problems);
  const config = build(file, env, sources.env, secret, problems);
  if (problems.length > 0) {
    if (sources.file === undefined && sources.path) problems.unshift(`no config at ${sources.path} (--config PATH or $XDG_CONFIG_HOME); the environment alone is not enough`);
    throw new ConfigProblem(problems, sources.path ? { path: sources.path, found: sources.file !== undefined } : undefined);
  }
  return config;
}

type PasswordReader = (where: string, value: PasswordValue | undefined, envName: string) => Secret;

/** Precedence: the environment (value, then _FILE), then the file (a string, or { "file": PATH }). */
function passwordReader({ env, readSecretFile }: ConfigSources, problems: string[]): PasswordReader {
  return (where, value, envName) => {
    const fromFile = (path: string): Secret => {
      try {
        return new Secret(readSecretFile(path).replace(/\r?\n$/, ""));
      } catch (err) {
        problems.push(`${where}: cannot read password file ${path}: ${(err as Error).message}`);
        return new Secret("");
      }
    };
    const envValue = nz(env[envName]);
    if (envValue) return new Secret(envValue);
    const envFile = nz(env[`${envName}_FILE`]);
    if (envFile) return fromFile(envFile);
    if (typeof value === "string" && value !== "") return new Secret(value);
    if (typeof value === "object" && value.file !== "") return fromFile(value.file);
    // A value of the wrong type was reported already.
    if (!problems.some((p) => p.startsWith(`${where}: `))) problems.push(`${where}: no password (set it in the file, in ${envName}, or a file path in ${envName}_FILE)`);
    return new Secret("");
  };
}

function build(file: ConfigFile, env: EnvOverrides, rawEnv: ConfigSources["env"], secret: PasswordReader, problems: string[]): DaemonConfig {
  const aor = env.aor ?? nz(file.sip?.aor);
  const reported = (key: string) => problems.some((p) => p.startsWith(`${key}: `));
  if (!aor && !reported("sip.aor")) problems.push(`sip.aor: expected "sip:user@domain", got nothing (set it in the file or in CUSAX_SIP_AOR)`);
  const jid = env.jid ?? nz(file.xmpp?.jid);
  if (!jid && !reported("xmpp.jid")) problems.push(`xmpp.jid: expected a bare JID "user@domain", got nothing (set it in the file or in CUSAX_XMPP_JID)`);
  return {
    sip: sipOf(file.sip ?? {}, aor ?? "", env, secret),
    xmpp: {
      jid: jid ?? "",
      password: secret("xmpp.password", file.xmpp?.password, "CUSAX_XMPP_PASSWORD"),
      ...(nz(file.xmpp?.service) ? { service: file.xmpp!.service! } : {}),
    },
    api: {
      host: file.api?.host ?? "127.0.0.1",
      port: env.port ?? file.api?.port ?? 0,
      ...(file.api?.allowedHosts ? { allowedHosts: file.api.allowedHosts.filter((h) => h.trim() !== "") } : {}),
    },
    dataDir: env.dataDir ?? nz(file.dataDir) ?? defaultDataDir(rawEnv),
    log: { level: env.level ?? file.log?.level ?? "info" },
    ca: file.ca ?? [],
    media: mediaOf(file.media ?? {}, env),
    nat: natOf(file.nat ?? {}, secret),
  };
}

function sipOf(sip: NonNullable<ConfigFile["sip"]>, aor: string, env: EnvOverrides, secret: PasswordReader): DaemonConfig["sip"] {
  return {
    aor,
    username: nz(sip.username) ?? (aor ? aor.replace(/^sips?:/, "").split("@")[0]! : ""),
    password: secret("sip.password", sip.password, "CUSAX_SIP_PASSWORD"),
    transport: env.transport ?? sip.transport ?? "udp",
    ...(nz(sip.proxy) ? { proxy: sip.proxy! } : {}),
    ...(nz(sip.tel) ? { tel: sip.tel! } : {}),
    ...(nz(sip.listenHost) ? { listenHost: sip.listenHost! } : {}),
    ...(sip.keepAliveSeconds !== undefined ? { keepAliveSeconds: sip.keepAliveSeconds } : {}),
  };
}

function mediaOf(media: NonNullable<ConfigFile["media"]>, env: EnvOverrides): DaemonConfig["media"] {
  const d = media.device;
  return {
    ...(nz(media.address) ? { address: media.address! } : {}),
    ...(nz(media.play) ? { play: media.play! } : {}),
    srtp: env.srtp ?? media.srtp ?? "offered",
    ...(d ? { device: { tool: d.tool, ...(nz(d.input) ? { input: d.input! } : {}), ...(nz(d.output) ? { output: d.output! } : {}) } } : {}),
  };
}

function natOf(nat: NonNullable<ConfigFile["nat"]>, secret: PasswordReader): NatConfig {
  const turn = (nat.turn ?? []).map((t, i): TurnServerConfig => ({
    uri: t.uri, username: t.username, password: secret(`nat.turn[${i}].password`, t.password, "CUSAX_TURN_PASSWORD"),
  }));
  return { stun: (nat.stun ?? []).filter((s) => s !== ""), turn, ice: nat.ice !== false, relay: nat.relay ?? "auto" };
}
