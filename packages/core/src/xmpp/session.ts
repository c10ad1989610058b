// RFC 6120 §3-7 connection life cycle on top of @xmpp/client: start, XEP-0198
// resumption, reconnect with back-off, XEP-0199 keep-alive, stop.
//
//   idle --start--> connecting --session--> online --link lost--> disconnected
//                      |  ^                    |                      |
//                      |  +-----back-off timer-+----------------------+
//                      +--permanent error / stop--> stopped <--stop---+
import type { Entity, Element } from "@xmpp/client";
import type { Clock, TimerHandle } from "../util/clock.js";
import type { Logger } from "../util/log.js";
import { AbortedError, TransportError, type CusaxError } from "../util/errors.js";
import { createEntity, type EntityOptions } from "./connection/entity.js";
import { traceXmpp } from "./connection/trace.js";
import { firstReachable, resolveXmppServices, type SrvResolver } from "./connection/srv.js";
import { toCusaxError, isPermanent } from "./connection/errors.js";
import { backoffDelay, type BackoffOptions } from "./connection/backoff.js";
import { KeepAlive } from "./connection/keepalive.js";
import { xml } from "./xml.js";
import type { ClientState } from "./client-events.js";

const MOVES: Record<ClientState, readonly ClientState[]> = {
  idle: ["connecting", "stopped"],
  connecting: ["online", "disconnected", "stopped"],
  online: ["disconnected", "stopped"],
  disconnected: ["connecting", "stopped"],
  stopped: ["connecting"],
};

export interface SessionOwner {
  /** Once per entity, before it connects: register IQ handlers. */
  entityCreated(entity: Entity): void;
  /** A new session (not resumed) is up: send roster query, presence, carbons... */
  sessionStarted(jid: string): Promise<void>;
  sessionResumed(jid: string): void;
  linkLost(willReconnect: boolean, error?: CusaxError): void;
  stanza(el: Element): void;
  /** XEP-0198: stanzas the server never acknowledged before resumption failed. */
  unacked(el: Element): void;
  stateChanged(from: ClientState, to: ClientState): void;
  error(err: CusaxError): void;
}

export type SessionOptions = Omit<EntityOptions, "service"> & {
  /** The static service; without it, found by DNS SRV at start. */
  service?: string;
  srvResolver?: SrvResolver;
  clock: Clock;
  logger: Logger;
  backoff?: BackoffOptions;
  ping?: { intervalMs: number; timeoutMs: number };
  /** A reconnect attempt that is not online by then is abandoned. */
  attemptTimeoutMs?: number;
  /** For tests: builds the @xmpp entity. */
  createEntity?: (o: EntityOptions) => Entity;
};

export class Session {
  state: ClientState = "idle";
  entity: Entity | undefined;
  private attempt = 0;
  private retry: TimerHandle | undefined;
  private attemptTimer: TimerHandle | undefined;
  private readonly keepAlive: KeepAlive;
  private sessionReady: (() => void) | undefined;

  constructor(
    private readonly options: SessionOptions,
    private readonly owner: SessionOwner,
  ) {
    const ping = options.ping ?? { intervalMs: 60_000, timeoutMs: 30_000 };
    this.keepAlive = new KeepAlive(options.clock, ping, () => this.ping(ping.timeoutMs), () => this.dead());
  }

  get jid(): string {
    return this.entity?.jid?.toString() ?? "";
  }

  get online(): boolean {
    return this.state === "online";
  }

  private move(to: ClientState): void {
    const from = this.state;
    if (from === to) return;
    if (!MOVES[from].includes(to)) throw new Error(`XMPP session: invalid move ${from} -> ${to}`);
    this.state = to;
    this.owner.stateChanged(from, to);
  }

  async start(signal?: AbortSignal): Promise<string> {
    if (this.state === "online" || this.state === "connecting") throw new TransportError(`already ${this.state}`);
    this.move("connecting");
    let service: string;
    try {
      service = await this.findService();
    } catch (e) {
      this.move("stopped");
      throw e;
    }
    const entity = (this.options.createEntity ?? createEntity)({ ...this.options, service });
    this.entity = entity;
    traceXmpp(entity, this.options.logger);
    this.wire(entity);
    this.owner.entityCreated(entity);
    const ready = new Promise<void>((resolve) => (this.sessionReady = resolve));
    try {
      await abortable(entity.start(), signal);
      await abortable(ready, signal);
      return this.jid;
    } catch (e) {
      const err = toCusaxError(e);
      await this.shutdown();
      throw err;
    }
  }

  /** RFC 6120 §3.2.1: the configured service, else the first SRV candidate that answers. */
  private async findService(): Promise<string> {
    if (this.options.service) return this.options.service;
    const candidates = await resolveXmppServices(this.options.domain, this.options.srvResolver ? { resolver: this.options.srvResolver } : {});
    const service = await firstReachable(candidates);
    if (!service) throw new TransportError(`no reachable XMPP service for ${this.options.domain} (tried: ${candidates.join(", ") || "none: SRV says no service"})`);
    this.options.logger.info("xmpp service found by DNS", { service });
    return service;
  }

  async stop(): Promise<void> {
    if (this.state === "stopped" || this.state === "idle") return;
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    this.clearTimers();
    this.keepAlive.stop();
    const was = this.state;
    if (was !== "stopped") this.move("stopped");
    const entity = this.entity;
    // Online: close the stream politely (the server then ends the session, no XEP-0198 hibernation).
    // Otherwise the link is broken or hostile: don't wait for the server's </stream>.
    if (entity && was !== "online") this.dropLink();
    if (entity) await entity.stop().catch(() => undefined);
    // Everyone who saw us online (or waiting to come back) hears that we are gone for good.
    const everOnline = was === "online" || was === "disconnected" || (was === "connecting" && this.attempt > 0);
    if (everOnline) this.owner.linkLost(false);
  }

  private wire(entity: Entity): void {
    const on = (event: string, fn: (...args: never[]) => unknown) => entity.on(event, fn);
    on("error", (e: unknown) => this.onError(toCusaxError(e)));
    const session = (resumed: boolean) =>
      this.onSession(resumed).catch((e: unknown) => this.options.logger.error("xmpp session set-up failed", { error: String(e) }));
    on("online", () => void session(false));
    entity.streamManagement.on("resumed", () => void session(true));
    entity.streamManagement.on("fail", (el: Element) => this.owner.unacked(el));
    on("disconnect", () => this.onDisconnect());
    on("element", () => this.keepAlive.activity());
    on("stanza", (el: Element) => this.owner.stanza(el));
  }

  private onError(err: CusaxError): void {
    this.options.logger.warn("xmpp error", { error: err.message, kind: err.kind });
    this.owner.error(err);
    // A reconnect that meets a failure retrying cannot fix (password changed, bad certificate) gives up.
    if (isPermanent(err) && this.state === "connecting" && this.attempt > 0)
      this.shutdown().catch((e: unknown) => this.options.logger.error("xmpp shutdown failed", { error: String(e) }));
  }

  private async onSession(resumed: boolean): Promise<void> {
    if (this.state !== "connecting") return;
    this.clearTimers();
    this.attempt = 0;
    this.move("online");
    this.keepAlive.start();
    if (resumed) this.owner.sessionResumed(this.jid);
    else await this.owner.sessionStarted(this.jid);
    this.sessionReady?.();
    this.sessionReady = undefined;
  }

  private onDisconnect(): void {
    if (this.state === "stopped" || this.state === "idle") return;
    // The first start() reports its own failure; later drops reconnect.
    if (this.state === "connecting" && this.attempt === 0) return;
    this.keepAlive.stop();
    if (this.state === "online") this.owner.linkLost(true);
    if (this.state !== "disconnected") this.move("disconnected");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retry || this.state !== "disconnected") return;
    const delay = backoffDelay(this.attempt, this.options.backoff);
    this.options.logger.info("xmpp reconnect scheduled", { delayMs: delay, attempt: this.attempt + 1 });
    this.retry = this.options.clock.setTimeout(() => {
      this.retry = undefined;
      this.reconnect().catch((e: unknown) => this.options.logger.error("xmpp reconnect failed", { error: String(e) }));
    }, delay);
  }

  private async reconnect(): Promise<void> {
    const entity = this.entity;
    if (!entity || this.state !== "disconnected") return;
    this.attempt++;
    this.move("connecting");
    this.attemptTimer = this.options.clock.setTimeout(() => void entity.disconnect().catch(() => undefined), this.options.attemptTimeoutMs ?? 30_000);
    try {
      const { service, domain } = entity.options;
      await entity.connect(service);
      await entity.open({ domain });
    } catch (e) {
      this.options.logger.info("xmpp reconnect attempt failed", { error: toCusaxError(e).message });
      if ((this.state as ClientState) === "connecting") this.move("disconnected");
      this.scheduleReconnect();
    }
  }

  private clearTimers(): void {
    this.options.clock.clearTimeout(this.retry);
    this.options.clock.clearTimeout(this.attemptTimer);
    this.retry = this.attemptTimer = undefined;
  }

  /** XEP-0199 §4.2: ping our server. */
  private ping(timeoutMs: number): Promise<unknown> {
    const entity = this.entity;
    if (!entity || !this.online) return Promise.resolve();
    return entity.iqCaller.request(xml("iq", { type: "get", to: this.options.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })), timeoutMs);
  }

  private dead(): void {
    this.options.logger.warn("xmpp server did not answer a ping: reconnecting");
    this.dropLink();
  }

  /**
   * Drops the link as a network failure would: the socket is destroyed without
   * closing the stream, so the server keeps the session for XEP-0198 resumption.
   */
  dropLink(): void {
    const socket = this.entity?.socket as { destroy?: () => void } | null | undefined;
    if (socket?.destroy) socket.destroy();
    else void this.entity?.disconnect().catch(() => undefined);
  }
}

export function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new AbortedError("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
