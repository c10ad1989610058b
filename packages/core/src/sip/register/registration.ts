// RFC 3261 §10.2 (registering), RFC 5626 §4.2-§4.5 (outbound: instance, reg-id, keep-alive, flow
// recovery), RFC 5627 §4.1-§4.2 (GRUU). The machine:
//
//   unregistered --start--> registering --2xx--> registered --stop--> unregistering --> unregistered
//                              |   ^                 | (flow failure: re-register)
//                    failure   v   | back-off        v
//                             failed <-------- registering
import { randomBytes } from "node:crypto";
import type { Clock, TimerHandle } from "../../util/clock.js";
import { Emitter, type Unsubscribe } from "../../util/events.js";
import { silentLogger, type Logger } from "../../util/log.js";
import { DigestSession, type DigestCredentials } from "../auth/index.js";
import { parseSipUri, serializeUri, type SipResponse, type SipUri } from "../message/index.js";
import type { ClientFailure } from "../transaction/index.js";
import { DEFAULT_BACKOFF, backoffDelay, recoveryDelay, type BackoffConfig } from "./backoff.js";
import { minExpires, readBinding, refreshDelay } from "./binding.js";
import { buildKeepAliveOptions, buildRegister, instanceUrn, registrarFor, type RegisterFields } from "./build.js";
import { CERTIFICATE_RETRY_MS, responseFailure, transportFailure, type RetryMode } from "./failure.js";
import { KeepAlive } from "./keep-alive.js";
import type {
  RegisteredInfo, RegistrationEvents, RegistrationFailure, RegistrationOptions, RegistrationState,
} from "./types.js";

const TRANSITIONS: Readonly<Record<RegistrationState, readonly RegistrationState[]>> = {
  unregistered: ["registering"],
  registering: ["registered", "failed", "unregistering", "unregistered"],
  registered: ["registering", "unregistering", "failed"],
  unregistering: ["unregistered"],
  failed: ["registering", "unregistered"],
};

/** One AoR's registration over one flow (reg-id 1). Expected outcomes are events and data, never throws. */
export class Registration {
  readonly events = new Emitter<RegistrationEvents>();
  private current: RegistrationState = "unregistered";
  private readonly digest: DigestSession;
  private readonly aor: SipUri;
  private readonly registrar: SipUri;
  private readonly instance: string;
  /** RFC 3261 §10.2: one Call-ID for every REGISTER of this UA to this registrar. */
  private readonly callId = randomBytes(12).toString("hex");
  private readonly fromTag = randomBytes(5).toString("hex");
  private cseq = 0;
  private expires: number;
  private timer: TimerHandle | undefined;
  private failures = 0;
  /** A registration succeeded since the last stop: failures now are flow recovery (RFC 5626 §4.5). */
  private recovering = false;
  private binding: RegisteredInfo | undefined;
  private flow: string | undefined;
  private readonly keepAlive: KeepAlive;
  private readonly offs: Unsubscribe[] = [];
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffConfig;
  private stopping: (() => void) | undefined;
  private stopped: Promise<void> | undefined;
  private attempt = 0;

  constructor(private readonly o: RegistrationOptions) {
    this.clock = o.clock;
    this.log = o.log ?? silentLogger;
    this.random = o.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...o.backoff };
    this.aor = parseSipUri(o.aor);
    this.registrar = o.registrar === undefined ? registrarFor(this.aor) : parseSipUri(o.registrar);
    this.instance = instanceUrn(o.instanceId);
    this.expires = o.expires ?? 600;
    const creds = o.credentials;
    this.digest = new DigestSession({ credentials: typeof creds === "function" ? creds : () => creds });
    this.keepAlive = new KeepAlive({
      clock: this.clock,
      intervalMs: o.keepAliveMs ?? 30_000,
      pongTimeoutMs: o.pongTimeoutMs ?? 10_000,
      random: this.random,
      probe: o.transport.reliable(o.target)
        ? { kind: "ping", send: () => this.flow !== undefined && o.transport.ping(this.flow) }
        : { kind: "options", send: () => this.sendOptions() },
      onDead: (why) => this.flowFailed(why),
    });
  }

  get state(): RegistrationState {
    return this.current;
  }
  /** RFC 5627 public GRUU, once a 200 gave one. */
  get gruu(): string | undefined {
    return this.binding?.gruu;
  }
  get tempGruu(): string | undefined {
    return this.binding?.tempGruu;
  }
  /** The pub-gruu when we have one, else our registered contact. Whether dialogs use the GRUU is the UA's call (protocol.md D23). */
  get contact(): string {
    return this.binding?.gruu ?? serializeUri(this.transportContact());
  }

  /** Starts registering; resolves with the first outcome (later refreshes and recoveries only emit events). */
  start(): Promise<{ ok: true; info: RegisteredInfo } | ({ ok: false } & RegistrationFailure)> {
    return new Promise((resolve) => {
      const offs = [
        this.events.on("registered", (info) => done({ ok: true, info })),
        this.events.on("failed", (f) => done({ ok: false, ...f })),
        this.events.on("state", ({ to }) => to === "unregistering" && done({ ok: false, reason: "stopped" })),
      ];
      const done = (v: Parameters<typeof resolve>[0]) => {
        offs.forEach((off) => off());
        resolve(v);
      };
      this.listen();
      this.halt(); // a pending refresh or back-off would otherwise fire on top of this attempt
      if (this.current === "unregistering") return done({ ok: false, reason: "stopped" });
      if (this.current === "unregistered" || this.current === "failed") this.move("registering");
      this.send(this.expires);
    });
  }

  /** Un-registers (Expires: 0) and resolves on its final response or after `timeoutMs` (default 10 s). */
  stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) return this.stopped;
    this.halt();
    this.recovering = false;
    if (this.current === "unregistered") return Promise.resolve();
    if (this.current === "failed") {
      this.move("unregistered");
      return Promise.resolve();
    }
    this.move("unregistering");
    this.stopped = new Promise((resolve) => {
      this.stopping = resolve;
      this.timer = this.clock.setTimeout(() => this.finishStop(), timeoutMs);
      this.send(0);
    });
    return this.stopped;
  }

  private listen(): void {
    if (this.offs.length > 0) return;
    const t = this.o.transport;
    this.offs.push(
      t.events.on("flow-failure", ({ flow }) => {
        if (flow === this.flow) this.flowFailed("flow failed");
      }),
      t.events.on("pong", ({ flow }) => {
        if (flow === this.flow) this.keepAlive.pong();
      }),
    );
  }

  private halt(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.keepAlive.stop();
  }

  private transportContact(): SipUri {
    return this.o.transport.contactUri(this.o.target.transport, this.aor.user);
  }

  /** Sends one REGISTER for `expires` seconds (0: remove), with credentials for every realm held (§22.3). */
  private send(expires: number): void {
    this.cseq += 1;
    const attempt = ++this.attempt;
    const fields: RegisterFields = {
      registrar: this.registrar, aor: this.aor, callId: this.callId, fromTag: this.fromTag, cseq: this.cseq,
      contact: this.transportContact(), instance: this.instance, regId: 1, expires, transport: this.o.target.transport,
    };
    if (this.o.displayName !== undefined) fields.displayName = this.o.displayName;
    if (this.o.route) fields.route = this.o.route;
    if (this.o.userAgent) fields.userAgent = this.o.userAgent;
    const request = buildRegister(fields);
    this.digest.authorize(request);
    this.o.transactions.request(request, this.o.target, {
      onResponse: (res) => attempt === this.attempt && this.onResponse(res, expires),
      onFailure: (f) => attempt === this.attempt && this.onFailure(f),
    });
  }

  private onResponse(res: SipResponse, expires: number): void {
    if (res.status < 200) return;
    const auth = this.digest.onResponse(res);
    if (res.status === 401 || res.status === 407) {
      if (auth.ok) return this.send(expires);
      if (this.current === "unregistering") return this.finishStop();
      // §22.3: our credentials were refused (or there are none for the realm): trying again cannot help.
      return this.fail(responseFailure(res, auth.reason === "auth-failed" ? "auth-failed" : auth.reason, this.backoff.maxMs));
    }
    if (this.current === "unregistering") return this.finishStop();
    if (res.status >= 200 && res.status < 300) return this.onSuccess(res, expires);
    // §10.2.8 / §21.4.17: 423 Interval Too Brief: retry with at least Min-Expires.
    const min = res.status === 423 ? minExpires(res) : undefined;
    if (min !== undefined && min > this.expires) {
      this.expires = min;
      return this.send(min);
    }
    const reason = res.status === 403 ? "forbidden" : res.status === 404 ? "not-found" : "rejected";
    // RFC 5626 §4.5: server trouble is a failed attempt, retried with back-off (or after its Retry-After); other refusals are final.
    this.fail(responseFailure(res, reason, this.backoff.maxMs));
  }

  private onSuccess(res: SipResponse, requested: number): void {
    const binding = readBinding(res, this.instance, this.transportContact(), requested);
    if (!binding || binding.expires === 0) {
      return this.fail({ failure: { reason: "rejected", status: res.status, detail: `${res.status} without our binding` }, retry: { kind: "backoff" } });
    }
    this.failures = 0;
    this.recovering = true;
    this.flow = this.o.transport.flowFor(this.o.target);
    const info: RegisteredInfo = { contact: binding.gruu ?? serializeUri(this.transportContact()), expires: binding.expires };
    if (binding.gruu) info.gruu = binding.gruu;
    if (binding.tempGruu) info.tempGruu = binding.tempGruu;
    this.binding = info;
    if (this.current !== "registered") this.move("registered");
    this.halt();
    this.timer = this.clock.setTimeout(() => this.send(this.expires), refreshDelay(binding.expires));
    this.keepAlive.start();
    this.events.emit("registered", info);
  }

  private onFailure(f: ClientFailure): void {
    if (this.current === "unregistering") return this.finishStop();
    this.fail(transportFailure(f, this.o.target));
  }

  /** A failed attempt: state failed, `failed` emitted (with the wait when there is a next attempt). */
  private fail({ failure, retry }: { failure: RegistrationFailure; retry: RetryMode }): void {
    this.halt();
    this.binding = undefined;
    if (this.current !== "failed") this.move("failed");
    const delay = this.retryDelay(retry);
    this.events.emit("failed", delay === undefined ? failure : { ...failure, retryInMs: delay });
    if (delay === undefined) return;
    this.log.info("registration failed; retrying", { reason: failure.reason, status: failure.status, detail: failure.detail, delayMs: delay });
    this.timer = this.clock.setTimeout(() => {
      this.move("registering");
      this.send(this.expires);
    }, delay);
  }

  /** The wait before the next attempt, or undefined for none. */
  private retryDelay(retry: RetryMode): number | undefined {
    if (retry.kind === "none") return undefined;
    this.failures += 1;
    if (retry.kind === "after") return retry.ms;
    if (retry.kind === "slow") return Math.round(CERTIFICATE_RETRY_MS * (0.5 + this.random() * 0.5));
    // A flow that worked gets quick first retries (a restarting registrar); otherwise §4.5 as written.
    return this.recovering
      ? recoveryDelay(this.failures, this.random, this.backoff)
      : backoffDelay(this.failures, true, this.random, this.backoff);
  }

  /** RFC 5626 §4.5: the flow is gone: register again at once over a new one. */
  private flowFailed(why: string): void {
    if (this.current !== "registered") return;
    this.log.info("registration flow failed; re-registering", { why });
    this.halt();
    const flow = this.flow;
    this.flow = undefined;
    if (flow !== undefined) this.o.transport.closeFlow(flow, why);
    this.move("registering");
    this.send(this.expires);
  }

  private sendOptions(): Promise<boolean> {
    const request = buildKeepAliveOptions({
      registrar: this.registrar, aor: this.aor, transport: this.o.target.transport,
      contact: this.transportContact(), ...(this.o.route ? { route: this.o.route } : {}),
    });
    return new Promise((resolve) => {
      this.o.transactions.request(request, this.o.target, {
        onResponse: (res) => res.status >= 200 && resolve(true),
        onFailure: () => resolve(false),
      });
    });
  }

  private finishStop(): void {
    this.halt();
    this.binding = undefined;
    this.flow = undefined;
    this.offs.splice(0).forEach((off) => off());
    if (this.current === "unregistering") this.move("unregistered");
    const resolve = this.stopping;
    this.stopping = undefined;
    this.stopped = undefined;
    resolve?.();
  }

  /** The one checked move: an invalid one is a bug and throws. */
  private move(to: RegistrationState): void {
    const from = this.current;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`registration ${serializeUri(this.aor)}: no transition ${from} -> ${to}`);
    this.current = to;
    this.events.emit("state", { from, to });
  }
}

export type { DigestCredentials };
