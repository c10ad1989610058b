// Errors: one base class with a `kind` discriminant; leaves shaped like each
// wire model (docs/architecture.md "Errors").

export type ErrorKind =
  | "parse"
  | "timeout"
  | "transport"
  | "sip-status"
  | "stanza"
  | "stream"
  | "sasl"
  | "aborted"
  | "config";

export abstract class CusaxError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not follow its grammar. `offset` is where parsing stopped. */
export class ParseError extends CusaxError {
  readonly kind = "parse" as const;
  constructor(
    message: string,
    readonly offset = 0,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class TimeoutError extends CusaxError {
  readonly kind = "timeout" as const;
}

export class AbortedError extends CusaxError {
  readonly kind = "aborted" as const;
}

export class TransportError extends CusaxError {
  readonly kind = "transport" as const;
}

export class ConfigError extends CusaxError {
  readonly kind = "config" as const;
}

/** A final SIP response that ends a request in failure, as data for callers. */
export class SipStatusError extends CusaxError {
  readonly kind = "sip-status" as const;
  constructor(
    readonly status: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${status} ${reason}`, options);
  }
}

/** RFC 6120 §8.3 stanza error. */
export class StanzaError extends CusaxError {
  readonly kind = "stanza" as const;
  constructor(
    readonly condition: string,
    readonly type: string,
    readonly text?: string,
  ) {
    super(text ? `${condition} (${type}): ${text}` : `${condition} (${type})`);
  }
}

/** RFC 6120 §4.9 stream error. */
export class StreamError extends CusaxError {
  readonly kind = "stream" as const;
  constructor(
    readonly condition: string,
    readonly text?: string,
  ) {
    super(text ? `${condition}: ${text}` : condition);
  }
}

/** RFC 6120 §6.5 SASL failure. */
export class SaslError extends CusaxError {
  readonly kind = "sasl" as const;
  constructor(
    readonly condition: string,
    readonly text?: string,
  ) {
    super(text ? `${condition}: ${text}` : condition);
  }
}
