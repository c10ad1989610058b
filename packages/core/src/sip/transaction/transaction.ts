// RFC 3261 §17, §17.1.4, §17.2.4: what the four machines share: transport, timers, the checked state move.
import type { Clock } from "../../util/clock.js";
import { TransportError } from "../../util/errors.js";
import { Emitter } from "../../util/events.js";
import type { SipMessage, SipRequest, SipResponse } from "../message/types.js";
import { TransactionTimers, type TimerConfig } from "./timers.js";

/** Where a message goes. Opaque to this layer: the transport reads it. */
export type SipTarget = {
  /** As in Via: "UDP", "TCP", "TLS", "WS", "WSS"... */
  transport: string;
  host: string;
  port: number;
  /** An existing connection or RFC 5626 flow a response must go back on. */
  flow?: string;
};

/** The transport as the transaction layer needs it (RFC 3261 §18), injected. */
export interface TransactionTransport {
  /** A throw or a rejected promise is a transport error (RFC 3261 §17.1.4, §17.2.4). */
  send(message: SipMessage, target: SipTarget): void | Promise<void>;
  /** Reliable (TCP, TLS, SCTP, WS): no retransmissions, zero wait timers. */
  reliable(target: SipTarget): boolean;
}

export type TransactionContext = {
  transport: TransactionTransport;
  clock: Clock;
  timers: TimerConfig;
  /** Requests go there (client); responses go there (server: where the request came from). */
  target: SipTarget;
};

export type StateChange<S extends string> = { from: S; to: S };
export type TransactionEvents<S extends string> = { state: StateChange<S> };
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/** One machine: state, checked moves, timers, and sends whose failures come back as transport errors. */
export abstract class Transaction<S extends string> {
  /** `state` fires after each move, once the entry actions ran. */
  readonly events = new Emitter<TransactionEvents<S>>();
  protected readonly timers: TransactionTimers;
  protected readonly reliable: boolean;
  private current: S;
  private disposed = false;

  protected constructor(
    /** The matching key (matching.ts). */
    readonly id: string,
    private readonly kind: string,
    private readonly table: TransitionTable<S>,
    initial: S,
    protected readonly ctx: TransactionContext,
  ) {
    this.current = initial;
    this.timers = new TransactionTimers(ctx.clock);
    this.reliable = ctx.transport.reliable(ctx.target);
  }

  get state(): S {
    return this.current;
  }

  get terminated(): boolean {
    return this.current === "terminated";
  }

  /** Stops every timer without a state change: the layer is shutting down. */
  dispose(): void {
    this.disposed = true;
    this.timers.stopAll();
  }

  /** Checks the move against the table, runs the entry actions, emits `{ from, to }`. An invalid move is a bug: it throws. */
  protected transition(to: S): void {
    const from = this.current;
    if (!this.table[from].includes(to)) throw new Error(`${this.kind} ${this.id}: no transition ${from} -> ${to}`);
    this.current = to;
    if (this.terminated) this.timers.stopAll();
    this.enter(to, from);
    this.events.emit("state", { from, to });
  }

  /** Entry actions: stop the timers the old state ran, start the new state's, send what entering it sends. */
  protected abstract enter(to: S, from: S): void;

  /** RFC 3261 §17.1.4 / §17.2.4: a failed send ends up in `onTransportError`, always asynchronously, never inside a move. */
  protected send(message: SipMessage): void {
    let pending: void | Promise<void>;
    try {
      pending = this.ctx.transport.send(message, this.ctx.target);
    } catch (err) {
      queueMicrotask(() => this.transportFailed(err));
      return;
    }
    if (pending) pending.then(undefined, (err: unknown) => this.transportFailed(err));
  }

  private transportFailed(err: unknown): void {
    // A send that fails after the transaction ended (or the layer closed) has nobody left to tell.
    if (this.terminated || this.disposed) return;
    const error = err instanceof TransportError ? err : new TransportError(`send failed: ${String(err)}`, { cause: err });
    this.onTransportError(error);
  }

  protected abstract onTransportError(error: TransportError): void;

  /** Starts a retransmission timer (A, E, G): fires `resend`, then restarts with the next interval. */
  protected retransmit(name: "A" | "E" | "G", interval: number, resend: () => void, next: (current: number) => number): void {
    this.timers.start(name, interval, () => {
      resend();
      this.retransmit(name, next(interval), resend, next);
    });
  }
}

/** RFC 4320 §4.2 / RFC 3261 §17.1.4: a request that got no final response; never a made-up 408. */
export type ClientFailure = { reason: "timeout"; timer: "B" | "F" } | { reason: "transport-error"; error: TransportError };

/** The owner of a client transaction (the TU that started it), injected. */
export interface ClientTransactionUser {
  /** Each provisional and final response passed up; for INVITE every 2xx, retransmissions and forks included (RFC 6026 §7.2). */
  onResponse(response: SipResponse): void;
  onFailure(failure: ClientFailure): void;
}

/** RFC 3261 §17.2.1 (Timer H: no ACK came) / §17.2.4. */
export type ServerFailure = { reason: "timeout"; timer: "H" } | { reason: "transport-error"; error: TransportError };

/** The owner of a server transaction (the transaction layer, for its user), injected. */
export interface ServerTransactionUser {
  /** RFC 6026 §7.1: an ACK that matched an INVITE server transaction in Accepted is passed up. */
  onAck(ack: SipRequest): void;
  onFailure(failure: ServerFailure): void;
}
