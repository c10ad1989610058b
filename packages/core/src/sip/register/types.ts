// RFC 3261 §10, RFC 5626, RFC 5627: what a Registration needs from the layers below and what it tells.
import type { Clock } from "../../util/clock.js";
import type { Emitter } from "../../util/events.js";
import type { Logger } from "../../util/log.js";
import type { DigestCredentials } from "../auth/index.js";
import type { SipRequest, SipUri } from "../message/index.js";
import type { ClientTransactionUser } from "../transaction/index.js";
import type { SipTarget, TransportEvents } from "../transport/index.js";
import type { BackoffConfig } from "./backoff.js";

export type RegistrationState = "unregistered" | "registering" | "registered" | "unregistering" | "failed";

export type FailureReason =
  | "auth-failed"
  | "no-credentials"
  | "unsupported-challenge"
  | "forbidden"
  | "not-found"
  | "rejected"
  | "timeout"
  | "transport-error"
  /** stop() was called before the first outcome (start()'s promise only). */
  | "stopped";

export type RegisteredInfo = { contact: string; gruu?: string; tempGruu?: string; expires: number };

/** A failed attempt, as data for the user (failure.ts). */
export type RegistrationFailure = {
  reason: FailureReason;
  status?: number;
  /** In words: "no answer from 127.0.0.1:5999 over udp", "403 Forbidden", the transport's error. */
  detail?: string;
  /** The transport's error code: ECONNREFUSED, a TLS verification code (UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  code?: string;
  /** The server's TLS certificate was not accepted (retried on a slow schedule only). */
  certificate?: boolean;
  /** When set, the next attempt goes out after this many ms; absent, none will (retrying cannot help). */
  retryInMs?: number;
};

export type RegistrationEvents = {
  state: { from: RegistrationState; to: RegistrationState };
  registered: RegisteredInfo;
  failed: RegistrationFailure;
};

/** The transaction layer, as registration uses it (TransactionLayer fits). */
export interface RegistrationTransactions {
  request(request: SipRequest, target: SipTarget, user: ClientTransactionUser): unknown;
}

/** The transport layer, as registration uses it (TransportLayer fits). */
export interface RegistrationTransport {
  readonly events: Pick<Emitter<TransportEvents>, "on">;
  reliable(target: SipTarget): boolean;
  contactUri(transport: string, user?: string): SipUri;
  flowFor(target: SipTarget): string | undefined;
  ping(flow: string): boolean;
  closeFlow(flow: string, reason?: string): void;
}

export type RegistrationOptions = {
  transactions: RegistrationTransactions;
  transport: RegistrationTransport;
  clock: Clock;
  /** "sip:alice@example.test" */
  aor: string;
  /** Where REGISTERs go (the outbound proxy or the registrar), already resolved. */
  target: SipTarget;
  /** A UUID (or urn:uuid:...) kept for the installation: +sip.instance (RFC 5626 §4.1). */
  instanceId: string;
  credentials: DigestCredentials | ((realm: string) => DigestCredentials | undefined);
  /** Requested binding time, seconds (default 600). */
  expires?: number;
  /** Request-URI; default sip:<domain of the AoR>. */
  registrar?: string;
  displayName?: string;
  /** Route header values (e.g. "<sip:proxy.example;lr>") for an outbound proxy. */
  route?: readonly string[];
  userAgent?: string;
  /** RFC 5626 §4.4.1 keep-alive interval (default 30 s; 0: none) and pong time-out (10 s). */
  keepAliveMs?: number;
  pongTimeoutMs?: number;
  backoff?: Partial<BackoffConfig>;
  random?: () => number;
  log?: Logger;
};
