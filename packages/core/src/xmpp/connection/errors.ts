// Maps what @xmpp/client and Node reject with onto the project's errors
// (RFC 6120 §4.9 stream errors, §6.5 SASL failures, §8.3 stanza errors).
import { CusaxError, SaslError, StanzaError, StreamError, TimeoutError, TransportError } from "../../util/errors.js";
import { XmlGuardError } from "./xml-guard.js";

type Loose = Error & { code?: string; condition?: string; text?: string; type?: string };

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH)/;

export function isTlsFailure(err: Loose): boolean {
  return (err.code !== undefined && TLS_CODE.test(err.code)) || /SSL routines|certificate/i.test(err.message);
}

export function toCusaxError(value: unknown): CusaxError {
  if (value instanceof CusaxError) return value;
  const err = (value instanceof Error ? value : new Error(String(value))) as Loose;
  if (err instanceof XmlGuardError) return new StreamError(err.violation.condition, err.violation.reason);
  switch (err.name) {
    case "SASLError":
      return new SaslError(err.condition ?? "not-authorized", err.text || undefined);
    case "StreamError":
      return new StreamError(err.condition ?? "undefined-condition", err.text || undefined);
    case "StanzaError":
      return new StanzaError(err.condition ?? "undefined-condition", err.type ?? "cancel", err.text || undefined);
    case "TimeoutError":
      return new TimeoutError(err.message || "timed out", { cause: err });
  }
  if (isTlsFailure(err)) return new TransportError(`TLS: ${err.code ?? "handshake failed"}: ${err.message}`, { cause: err });
  return new TransportError(err.code ? `${err.code}: ${err.message}` : err.message, { cause: err });
}

/** Failures that reconnecting cannot fix: wrong credentials, refused mechanisms, bad certificates. */
export function isPermanent(err: CusaxError): boolean {
  if (err.kind === "sasl" || err.kind === "config") return true;
  if (err.kind === "transport") return err.message.startsWith("TLS:") || err.message.includes("STARTTLS");
  if (err.kind === "stream") return ["host-unknown", "not-authorized", "conflict"].includes((err as StreamError).condition);
  return false;
}

/** What went wrong, for a person: the part of the set-up to look at (the daemon names its config key). */
export type FailureKind = "credentials" | "unreachable" | "certificate" | "server" | "refused" | "address" | "local";

/**
 * One failure classified: its kind, words, the TLS or socket code, and
 * whether trying again can help (DECISION(protocol.md D34): "backoff" for the
 * network and the server, "slow" for a certificate, "none" for credentials).
 */
export type FailureClass = { kind: FailureKind; message: string; code?: string; retry: "backoff" | "slow" | "none" };

function causeCode(err: Error): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as Loose).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

const SASL_WORDS: Record<string, string> = {
  "not-authorized": "the server refused the password",
  "account-disabled": "the account is disabled",
  "credentials-expired": "the password has expired",
  "temporary-auth-failure": "the server could not check the password just now",
};

/** RFC 6120 §6.5 (SASL), §4.9.3 (stream errors), §5 (TLS), and the socket's own failures. */
export function classifyFailure(err: CusaxError): FailureClass {
  if (err instanceof SaslError) {
    const words = SASL_WORDS[err.condition] ?? "the server refused to log us in";
    const retry = err.condition === "temporary-auth-failure" ? "backoff" : "none";
    return { kind: err.condition === "temporary-auth-failure" ? "server" : "credentials", message: `${words} (SASL ${err.condition})`, retry };
  }
  if (err instanceof StreamError) {
    const message = `the server ended the stream (${err.condition}${err.text ? `: ${err.text}` : ""})`;
    if (err.condition === "host-unknown") return { kind: "address", message: `the server does not serve this domain (${err.condition})`, retry: "none" };
    if (err.condition === "not-authorized") return { kind: "credentials", message, retry: "none" };
    return { kind: err.condition === "conflict" ? "refused" : "server", message, retry: err.condition === "conflict" ? "none" : "backoff" };
  }
  if (err.kind === "config") return { kind: "local", message: err.message, retry: "none" };
  if (err.kind === "timeout") return { kind: "unreachable", message: `no answer from the server (${err.message})`, retry: "backoff" };
  const code = causeCode(err);
  const withCode = code ? { code } : {};
  if (isTlsFailure(err) || (code !== undefined && TLS_CODE.test(code))) {
    return { kind: "certificate", message: `the XMPP server's certificate is not trusted (${code ?? "TLS handshake failed"})`, ...withCode, retry: "slow" };
  }
  if (err.message.includes("STARTTLS")) return { kind: "server", message: err.message, retry: "slow" };
  return { kind: "unreachable", message: `cannot reach the server (${err.message})`, ...withCode, retry: "backoff" };
}
