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
