// The config file's one schema (docs/api.md "Configuration"): every key, its
// type and its allowed values, strict at every level so that a typo is an
// error, not a lost setting. Values are checked here; defaults, environment
// overrides and passwords are applied in config.ts.
import { z } from "zod";

/** A value as an error message shows it (short; never used for secrets). */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Every check of one field fails with the same "expected ..., got ..." message. */
const expected = (what: string) => ({ error: (issue: { input?: unknown }) => `expected ${what}, got ${shown(issue.input)}` });

const text = (what = "a string") => z.string(expected(what));
const list = (what: string) => z.array(z.string(expected(what)), expected(`a list of ${what}`));

/** The checks shared by the file and the environment (the same rule whichever sets the value). */
export const fields = {
  aor: text('"sip:user@domain"').regex(/^sips?:[^@\s]+@[^@\s]+$/, expected('"sip:user@domain"')),
  transport: z.enum(["udp", "tcp", "tls", "ws"], expected("udp, tcp, tls or ws")),
  jid: text('a bare JID "user@domain"').regex(/^[^@/\s]+@[^@/\s]+$/, expected('a bare JID "user@domain"')),
  port: z.number(expected("a port 0-65535")).int(expected("a port 0-65535")).min(0, expected("a port 0-65535")).max(65535, expected("a port 0-65535")),
  level: z.enum(["debug", "info", "warn", "error"], expected("debug, info, warn or error")),
  srtp: z.enum(["off", "offered", "required"], expected("off, offered or required")),
  path: text("a path"),
};

/** A password: the value, or { "file": PATH } (the value is never shown in a message). */
const password = z.union([z.string(), z.strictObject({ file: z.string() })], { error: () => 'expected a string or { "file": PATH }' });

const loopback = z.enum(["127.0.0.1", "::1"], {
  error: (issue) => `the API listens on loopback only (127.0.0.1 or ::1), not ${shown(issue.input)}`,
});

const keepAlive = z
  .number(expected("a whole number of seconds from 5 to 3600"))
  .int(expected("a whole number of seconds from 5 to 3600"))
  .min(5, expected("a whole number of seconds from 5 to 3600"))
  .max(3600, expected("a whole number of seconds from 5 to 3600"));

const sip = z.strictObject({
  aor: fields.aor.optional(),
  username: text().optional(),
  password: password.optional(),
  proxy: text('a SIP URI like "sip:proxy.example.com:5060"').optional(),
  transport: fields.transport.optional(),
  tel: text("an E.164 number").optional(),
  listenHost: text("a host or IP address").optional(),
  keepAliveSeconds: keepAlive.optional(),
});

const xmpp = z.strictObject({
  jid: fields.jid.optional(),
  password: password.optional(),
  service: text('a URI like "xmpp://host:5222", "xmpps://host:5223" or "wss://host/ws"').optional(),
});

const api = z.strictObject({
  host: loopback.optional(),
  port: fields.port.optional(),
  allowedHosts: list('Host header values ("name" or "name:port")').optional(),
});

const device = z.strictObject({
  tool: z.enum(["pulse", "alsa"], expected('"pulse" (parec/pacat) or "alsa" (arecord/aplay)')),
  input: text("a device name").optional(),
  output: text("a device name").optional(),
});

const media = z.strictObject({
  address: text("an IP address").optional(),
  play: fields.path.optional(),
  srtp: fields.srtp.optional(),
  device: device.optional(),
});

const turn = z.strictObject({
  uri: text('"turn:host[:port][?transport=udp|tcp]" or "turns:host[:port]"').regex(/^turns?:\S+$/, expected('"turn:host[:port][?transport=udp|tcp]" or "turns:host[:port]"')),
  username: text("a user name").min(1, expected("a user name")),
  password: password.optional(),
});

const nat = z.strictObject({
  stun: list('"host[:port]"').optional(),
  turn: z.array(turn, expected("a list of { uri, username, password }")).optional(),
  ice: z.boolean(expected("true or false")).optional(),
  relay: z.enum(["auto", "always"], expected('"auto" or "always"')).optional(),
});

export const fileSchema = z.strictObject(
  {
    sip: sip.optional(),
    xmpp: xmpp.optional(),
    api: api.optional(),
    dataDir: fields.path.optional(),
    log: z.strictObject({ level: fields.level.optional() }).optional(),
    ca: list("PEM file paths").optional(),
    media: media.optional(),
    nat: nat.optional(),
  },
  { error: (issue) => (issue.code === "invalid_type" ? `the config must be a JSON object, got ${shown(issue.input)}` : undefined) },
);

export type ConfigFile = z.infer<typeof fileSchema>;
export type PasswordValue = z.infer<typeof password>;
