// RFC 4028: session timers, honoured when the peer asks (Session-Expires / Min-SE; refresh at half; BYE when none came).
import type { Clock, TimerHandle } from "../../util/clock.js";
import { ParseError } from "../../util/errors.js";
import { parseTokenWithParams, type SipMessage } from "../message/index.js";

export type Refresher = "uac" | "uas";
export type SessionExpires = { interval: number; refresher?: Refresher };

/** RFC 4028 §4: `Session-Expires: delta-seconds [;refresher=uac|uas]`; undefined when absent or malformed. */
export function readSessionExpires(message: SipMessage): SessionExpires | undefined {
  const value = message.headers.get("Session-Expires");
  if (!value) return undefined;
  try {
    const { value: delta, params } = parseTokenWithParams(value);
    const interval = Number(delta);
    if (!Number.isInteger(interval) || interval <= 0) return undefined;
    const r = params.get("refresher")?.toLowerCase();
    return { interval, refresher: r === "uac" || r === "uas" ? r : undefined };
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
}

export function serializeSessionExpires(se: Required<SessionExpires>): string {
  return `${se.interval};refresher=${se.refresher}`;
}

/** RFC 4028 §3: "timer" in Supported / Require. */
export function supportsTimer(message: SipMessage): boolean {
  return message.headers.getAll("Supported").some((t) => t.trim().toLowerCase() === "timer");
}

export type SessionTimerHooks = {
  /** We are the refresher: send a re-INVITE or UPDATE now (§7.4, §9). */
  refresh(): void;
  /** We are not, and no refresh came: send BYE (§10). */
  expire(): void;
};

/** One dialog's session timer; `reset` after each successful refresh either way. */
export class SessionTimer {
  private timer: TimerHandle | undefined;
  private current: { interval: number; weRefresh: boolean } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly hooks: SessionTimerHooks,
  ) {}

  get interval(): number | undefined {
    return this.current?.interval;
  }

  get weRefresh(): boolean {
    return this.current?.weRefresh ?? false;
  }

  reset(interval: number, weRefresh: boolean): void {
    this.stop();
    this.current = { interval, weRefresh };
    const ms = interval * 1000;
    // RFC 4028 §10: the refresher refreshes at half the interval; the other side sends BYE
    // at the interval minus min(32 s, interval/3) if nothing came.
    if (weRefresh) this.timer = this.clock.setTimeout(() => this.hooks.refresh(), ms / 2);
    else this.timer = this.clock.setTimeout(() => this.hooks.expire(), ms - Math.min(32_000, ms / 3));
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export type SessionExpiresAnswer =
  | { status: 422; headers: [string, string][] }
  | { status: 200; headers: [string, string][]; timer?: Required<SessionExpires> };

/**
 * RFC 4028 §9: what the UAS puts in its 2xx to a request that may carry Session-Expires: 422 with
 * Min-SE when the interval is too small (§6), else the interval echoed with the refresher chosen
 * (the request's, or "uac" when it supports timers) and Require: timer when it does.
 */
export function answerSessionExpires(request: SipMessage, minSE: number): SessionExpiresAnswer {
  const se = readSessionExpires(request);
  if (!se) return { status: 200, headers: [] };
  if (se.interval < minSE) return { status: 422, headers: [["Min-SE", String(minSE)]] };
  const supported = supportsTimer(request);
  const timer = { interval: se.interval, refresher: se.refresher ?? (supported ? "uac" : "uas") } as const;
  const headers: [string, string][] = [["Session-Expires", serializeSessionExpires(timer)]];
  if (supported) headers.push(["Require", "timer"]);
  return { status: 200, headers, timer };
}
