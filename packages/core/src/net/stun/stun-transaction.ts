// RFC 8489 §6.2.1 (UDP retransmission: RTO doubling from 500 ms, Rc = 7
// transmissions, then Rm x RTO for the last answer), §6.3 (matching a
// response by its transaction ID). Time comes from the injected clock.
//
//   send ──> waiting ──(response)──> done
//              │ RTO, 2RTO, ... (Rc sends), then Rm*RTO
//              └──> timed out (TimeoutError)
import type { Clock, TimerHandle } from "../../util/clock.js";
import { AbortedError, TimeoutError } from "../../util/errors.js";
import { parseStun, serializeStun, type ParsedStun, type SerializeOptions, type StunRejectReason } from "./stun-message.js";
import type { StunMessage } from "./stun-types.js";

export type StunPeer = { address: string; port: number };
export type SendDatagram = (bytes: Uint8Array, to: StunPeer) => void;

export type RequestOptions = SerializeOptions & { signal?: AbortSignal; accept?: (r: ParsedStun) => boolean };

export type RetransmitOptions = { rtoMs?: number; rc?: number; rm?: number };

type Pending = {
  accept: ((r: ParsedStun) => boolean) | undefined;
  resolve: (r: ParsedStun) => void;
  reject: (e: Error) => void;
  timer: TimerHandle | undefined;
};

const key = (id: Uint8Array): string => Buffer.from(id).toString("hex");

/** Client transactions over one datagram path; `receive()` is fed every STUN datagram that arrives there. */
export class StunTransactions {
  private readonly pending = new Map<string, Pending>();
  /** Datagrams dropped: unparsable, or answers to no transaction of ours. */
  readonly dropped: Partial<Record<StunRejectReason | "unmatched" | "refused", number>> = {};

  constructor(
    private readonly send: SendDatagram,
    private readonly clock: Clock,
    private readonly retransmit: RetransmitOptions = {},
  ) {}

  /** `accept` screens answers (e.g. their MESSAGE-INTEGRITY): one it refuses is counted as `refused` and the wait goes on. */
  request(m: StunMessage, to: StunPeer, options: RequestOptions = {}): Promise<ParsedStun> {
    const bytes = serializeStun(m, options);
    const id = key(m.transactionId);
    const rto = this.retransmit.rtoMs ?? 500;
    const rc = this.retransmit.rc ?? 7;
    const rm = this.retransmit.rm ?? 16;
    return new Promise((resolve, reject) => {
      const p: Pending = { accept: options.accept, resolve, reject, timer: undefined };
      this.pending.set(id, p);
      let sent = 0;
      const fire = (): void => {
        if (sent === rc) return this.fail(id, new TimeoutError(`no STUN answer from ${to.address}:${to.port} after ${rc} sends`));
        sent++;
        this.send(bytes, to);
        // §6.2.1: the wait doubles after each send; after the last it is Rm x RTO.
        p.timer = this.clock.setTimeout(fire, sent === rc ? rto * rm : rto * 2 ** (sent - 1));
      };
      options.signal?.addEventListener("abort", () => this.fail(id, new AbortedError("STUN request aborted")), { once: true });
      fire();
    });
  }

  private fail(id: string, err: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.clock.clearTimeout(p.timer);
    p.reject(err);
  }

  /** Feeds one datagram; returns the parsed message when it was not an answer to us (a request or indication), else undefined. */
  receive(bytes: Uint8Array): ParsedStun | undefined {
    const r = parseStun(bytes);
    if (!r.ok) {
      this.dropped[r.reason] = (this.dropped[r.reason] ?? 0) + 1;
      return undefined;
    }
    const m = r.stun.message;
    if (m.cls === "request" || m.cls === "indication") return r.stun;
    const p = this.pending.get(key(m.transactionId));
    if (!p) {
      this.dropped.unmatched = (this.dropped.unmatched ?? 0) + 1;
      return undefined;
    }
    if (p.accept && !p.accept(r.stun)) {
      this.dropped.refused = (this.dropped.refused ?? 0) + 1;
      return undefined;
    }
    this.pending.delete(key(m.transactionId));
    this.clock.clearTimeout(p.timer);
    p.resolve(r.stun);
    return undefined;
  }

  /** Rejects every open transaction (the socket is going away). */
  close(): void {
    for (const id of [...this.pending.keys()]) this.fail(id, new AbortedError("STUN transactions closed"));
  }
}
