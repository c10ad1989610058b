// Structured logs with levels; secrets never reach a sink.

export type LogLevel = "debug" | "info" | "warn" | "error";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogRecord = {
  level: LogLevel;
  scope: string;
  msg: string;
  time: string;
  fields?: Record<string, unknown>;
};

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
  /** Whether a line at `level` would be written (lets costly lines, e.g. the protocol trace, be skipped). */
  enabled?(level: LogLevel): boolean;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|credential|nonce|response|cnonce|key/i;
/** RFC 7616 §3.4 / RFC 3261 §22.4: digest parameters that prove or bind a password. */
const DIGEST_SECRET_PARAMS = /\b(response|nonce|cnonce|opaque|nextnonce|rspauth)\s*=\s*("[^"]*"|[^\s,]*)/gi;

/** A credentials header value: Digest keeps its names (username, realm, uri), other schemes lose the whole value. */
function redactCredentials(_all: string, head: string, value: string): string {
  if (/^\s*Digest\s/i.test(value)) return head + value.replace(DIGEST_SECRET_PARAMS, "$1=[redacted]");
  const scheme = /^\s*\S+/.exec(value)?.[0] ?? "";
  return `${head}${scheme} [redacted]`;
}

// Secrets inside free text: SIP credentials headers, SDES keys (RFC 4568
// §6.1 inline:), XMPP SASL payloads (RFC 6120 §6.4), XEP-0077 / XEP-0078 password elements.
const SECRET_TEXT: [RegExp, string | ((...m: string[]) => string)][] = [
  [/\b((?:Proxy-|WWW-)?(?:Authorization|Authenticate|Authentication-Info)\s*:\s*)([^\r\n]*)/gi, redactCredentials],
  [/(inline:)[^\s|"']+/gi, "$1[redacted]"],
  [/(<(auth|response|challenge|success)\b[^>]*>)[^<]*(<\/\2>)/g, "$1[redacted]$3"],
  [/(<password\b[^>]*>)[^<]*(<\/password>)/g, "$1[redacted]$2"],
];

export function redactText(text: string): string {
  return SECRET_TEXT.reduce((t, [re, by]) => t.replace(re, by as never), text);
}

/** Copies `fields`, replacing values under secret-looking keys and secrets inside strings. */
export function redact(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEY.test(k)) out[k] = "[redacted]";
    else if (typeof v === "string") out[k] = redactText(v);
    else if (v && typeof v === "object" && !Array.isArray(v) && depth < 4)
      out[k] = redact(v as Record<string, unknown>, depth + 1);
    else out[k] = v;
  }
  return out;
}

export function createLogger(options: { scope?: string; level?: LogLevel; sink?: LogSink } = {}): Logger {
  const min = order[options.level ?? "info"];
  const sink = options.sink ?? jsonLineSink;
  const make = (scope: string): Logger => {
    const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
      if (order[level] < min) return;
      const record: LogRecord = { level, scope, msg: redactText(msg), time: new Date().toISOString() };
      if (fields) record.fields = redact(fields);
      sink(record);
    };
    return {
      debug: (m, f) => write("debug", m, f),
      info: (m, f) => write("info", m, f),
      warn: (m, f) => write("warn", m, f),
      error: (m, f) => write("error", m, f),
      child: (s) => make(scope ? `${scope}.${s}` : s),
      enabled: (level) => order[level] >= min,
    };
  };
  return make(options.scope ?? "");
}

export const jsonLineSink: LogSink = (r) => {
  process.stderr.write(JSON.stringify(r) + "\n");
};

/** A logger that drops everything: the default for library users who pass none. */
export const silentLogger: Logger = createLogger({ sink: () => {}, level: "error" });
