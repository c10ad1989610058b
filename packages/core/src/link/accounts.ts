// protocol.md §2, DECISION(protocol.md D34): both accounts start at once and
// on their own; each is in one of four states, told as events:
//
//   connecting --up--> online --link lost--> retrying --up--> online
//       |                                      ^   |
//       +--failure retrying can help ----------+   +--failure it cannot--> failed
//       +--failure retrying cannot help (wrong password) ----------------> failed
//
// "retrying" carries the problem and when the next attempt goes out; "failed"
// MUST NOT be retried, except a certificate we did not trust: on a slow
// schedule (retryAt set), since the server's admin may fix it.
import type { Clock, TimerHandle } from "../util/clock.js";
import type { CusaxError } from "../util/errors.js";
import { Emitter } from "../util/events.js";
import type { Logger } from "../util/log.js";
import type { RegistrationFailure, SipUserAgent } from "../sip/index.js";
import { backoffDelay, classifyFailure, toCusaxError, type FailureClass, type FailureKind, type XmppClient } from "../xmpp/index.js";

export type AccountState = "connecting" | "online" | "retrying" | "failed";
export type AccountProblem = { kind: FailureKind; message: string; code?: string; status?: number };
/** retryAt: wall-clock ms of the next attempt, when one is scheduled. */
export type AccountStatus = { state: AccountState; problem?: AccountProblem; retryAt?: number };
export type AccountName = "sip" | "xmpp";
export type AccountEvents = { change: { account: AccountName; status: AccountStatus } };

/** D34: the wait before trying a certificate we did not trust again. */
export const SLOW_RETRY_MS = 600_000;

type Hooks = { clock: Clock; log: Logger; now?: () => number; random?: () => number; xmppOnline: (first: boolean) => Promise<void> };

export class Accounts {
  readonly events = new Emitter<AccountEvents>();
  private readonly current: Record<AccountName, AccountStatus> = { sip: { state: "connecting" }, xmpp: { state: "connecting" } };
  private readonly xmppWatch: XmppWatch;
  private readonly sipWatch: SipWatch;

  constructor(sip: SipUserAgent, xmpp: XmppClient, hooks: Hooks) {
    const set = (account: AccountName) => (status: AccountStatus) => this.set(account, status);
    const now = hooks.now ?? Date.now;
    this.xmppWatch = new XmppWatch(xmpp, { ...hooks, now }, set("xmpp"));
    this.sipWatch = new SipWatch(sip, { ...hooks, now }, set("sip"));
  }

  status(account: AccountName): AccountStatus {
    return this.current[account];
  }

  start(): void {
    this.xmppWatch.start();
    this.sipWatch.start();
  }

  stop(): void {
    this.xmppWatch.stop();
    this.sipWatch.stop();
  }

  private set(account: AccountName, status: AccountStatus): void {
    const before = this.current[account];
    if (JSON.stringify(before) === JSON.stringify(status)) return;
    this.current[account] = status;
    this.events.emit("change", { account, status });
  }
}

type WatchHooks = Required<Pick<Hooks, "now">> & Hooks;
type Report = (status: AccountStatus) => void;

const problemOf = (c: FailureClass): AccountProblem => ({ kind: c.kind, message: c.message, ...(c.code ? { code: c.code } : {}) });

/** XMPP: the first login retried here; a session that was up reconnects by itself (session.ts), watched through its states. */
class XmppWatch {
  private timer: TimerHandle | undefined;
  private attempts = 0;
  private everOnline = false;
  private stopping = false;
  private last: FailureClass | undefined;

  constructor(private readonly xmpp: XmppClient, private readonly h: WatchHooks, private readonly report: Report) {
    xmpp.on("error", (err) => (this.last = classifyFailure(err)));
    xmpp.on("state", ({ to }) => this.onState(to));
  }

  start(): void {
    this.stopping = false;
    void this.attempt();
  }

  stop(): void {
    this.stopping = true;
    this.h.clock.clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    try {
      await this.xmpp.start();
    } catch (err) {
      if (this.stopping) return;
      this.failed(classifyFailure(toCusaxError(err as CusaxError)));
      return;
    }
    this.attempts = 0;
    const first = !this.everOnline;
    this.everOnline = true;
    await this.h.xmppOnline(first).catch((err: unknown) => this.h.log.warn("after coming online", { error: String(err) }));
  }

  /** A login that failed (or a session that gave up): retried when that can help, else failed. */
  private failed(c: FailureClass): void {
    this.last = c;
    if (c.retry === "none") return this.report({ state: "failed", problem: problemOf(c) });
    const delay = c.retry === "slow" ? SLOW_RETRY_MS * (0.5 + (this.h.random ?? Math.random)() * 0.5) : backoffDelay(this.attempts++);
    this.report({ state: c.retry === "slow" ? "failed" : "retrying", problem: problemOf(c), retryAt: Math.round(this.h.now() + delay) });
    this.timer = this.h.clock.setTimeout(() => void this.attempt(), delay);
  }

  private onState(to: string): void {
    if (this.stopping) return;
    if (to === "online") {
      this.last = undefined;
      return this.report({ state: "online" });
    }
    if (to === "connecting" && this.attempts === 0 && !this.everOnline) return this.report({ state: "connecting" });
    if (to === "disconnected") {
      const lost: FailureClass = { kind: "unreachable", message: "the connection to the server was lost; reconnecting", retry: "backoff" };
      const c = this.last?.retry === "backoff" ? this.last : lost;
      return this.report({ state: "retrying", problem: problemOf(c) });
    }
    // A session that was up and met a failure reconnecting cannot fix (session.ts gives up).
    if (to === "stopped" && this.everOnline && this.timer === undefined && this.last && this.last.retry !== "backoff") this.failed(this.last);
  }
}

/** SIP: the registration retries by itself (registration.ts); the start (DNS, sockets) is retried here. */
class SipWatch {
  private timer: TimerHandle | undefined;
  private attempts = 0;
  private stopping = false;

  constructor(private readonly sip: SipUserAgent, private readonly h: WatchHooks, private readonly report: Report) {
    sip.events.on("registrationFailed", (f) => this.onFailure(f));
    sip.events.on("registration", ({ from, to }) => {
      if (to === "registered") this.report({ state: "online" });
      else if (to === "registering" && (from === "unregistered" || from === "registered")) this.report({ state: "connecting" });
    });
  }

  start(): void {
    this.stopping = false;
    void this.attempt();
  }

  stop(): void {
    this.stopping = true;
    this.h.clock.clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    try {
      await this.sip.start();
    } catch (err) {
      if (this.stopping) return;
      // The proxy's name did not resolve, or our socket could not listen.
      const e = toCusaxError(err);
      const local = /listen|EADDRINUSE|EADDRNOTAVAIL|EACCES/.test(e.message);
      if (local) return this.report({ state: "failed", problem: { kind: "local", message: e.message } });
      const delay = backoffDelay(this.attempts++, { baseMs: 2_000, maxMs: 300_000 });
      this.report({ state: "retrying", problem: { kind: "unreachable", message: e.message }, retryAt: Math.round(this.h.now() + delay) });
      this.timer = this.h.clock.setTimeout(() => void this.attempt(), delay);
    }
  }

  private onFailure(f: RegistrationFailure): void {
    const problem = sipProblem(f);
    const retryAt = f.retryInMs === undefined ? {} : { retryAt: Math.round(this.h.now() + f.retryInMs) };
    const state: AccountState = f.retryInMs === undefined || f.certificate ? "failed" : "retrying";
    this.report({ state, problem, ...retryAt });
  }
}

/** RFC 3261 §10.2 answers and transport failures as a problem for a person. */
export function sipProblem(f: RegistrationFailure): AccountProblem {
  const status = f.status === undefined ? {} : { status: f.status };
  const code = f.code ? { code: f.code } : {};
  const detail = f.detail ?? f.reason;
  switch (f.reason) {
    case "auth-failed":
    case "forbidden":
      return { kind: "credentials", message: `the registrar refused our credentials (${detail})`, ...status };
    case "no-credentials":
    case "unsupported-challenge":
      return { kind: "credentials", message: `the registrar asks for credentials we cannot give (${f.reason}${f.detail ? `, ${f.detail}` : ""})`, ...status };
    case "not-found":
      return { kind: "address", message: `the registrar does not know this address (${detail})`, ...status };
    case "rejected":
      return { kind: f.status !== undefined && f.status >= 500 ? "server" : "refused", message: `the registrar refused the registration (${detail})`, ...status };
    case "timeout":
      return { kind: "unreachable", message: detail };
    default:
      if (f.certificate) return { kind: "certificate", message: `the SIP server's certificate is not trusted (${f.code})`, ...code };
      return { kind: "unreachable", message: `cannot reach the SIP server (${detail})`, ...code };
  }
}
