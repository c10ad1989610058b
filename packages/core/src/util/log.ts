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
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|credential|nonce|response|cnonce|key/i;
// Digest Authorization headers and SASL payloads inside free text.
const SECRET_TEXT: [RegExp, string][] = [
  [/((?:Proxy-)?Authorization\s*:\s*)[^\r\n]*/gi, "$1[redacted]"],
  [/(<auth [^>]*>)[^<]*(<\/auth>)/g, "$1[redacted]$2"],
  [/(<response [^>]*>)[^<]*(<\/response>)/g, "$1[redacted]$2"],
];

export function redactText(text: string): string {
  return SECRET_TEXT.reduce((t, [re, by]) => t.replace(re, by), text);
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
    };
  };
  return make(options.scope ?? "");
}

export const jsonLineSink: LogSink = (r) => {
  process.stderr.write(JSON.stringify(r) + "\n");
};

/** A logger that drops everything: the default for library users who pass none. */
export const silentLogger: Logger = createLogger({ sink: () => {}, level: "error" });
