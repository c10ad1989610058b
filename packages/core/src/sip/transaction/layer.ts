// RFC 3261 §17 (transaction layer), §17.1.3 / §17.2.3 (matching), §9.2 (CANCEL), §18.1.2 (stray responses), RFC 6026 §8.
import type { Clock } from "../../util/clock.js";
import { ParseError } from "../../util/errors.js";
import { silentLogger, type Logger } from "../../util/log.js";
import type { SipMessage, SipRequest, SipResponse } from "../message/types.js";
import { InviteClientTransaction } from "./invite-client.js";
import { InviteServerTransaction } from "./invite-server.js";
import { clientKey, legacyMatch, MAGIC_COOKIE, responseKey, serverKey, topVia } from "./matching.js";
import { NonInviteClientTransaction } from "./non-invite-client.js";
import { NonInviteServerTransaction } from "./non-invite-server.js";
import { DEFAULT_TIMERS, type TimerConfig } from "./timers.js";
import type {
  ClientTransactionUser,
  ServerFailure,
  SipTarget,
  TransactionContext,
  TransactionTransport,
} from "./transaction.js";

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** The layer's user (the UA core), injected; every method is required. */
export interface TransactionUser {
  /** RFC 3261 §17.2.3: no transaction matched, so a new server transaction serves this request (never an ACK). */
  onRequest(request: SipRequest, transaction: ServerTransaction): void;
  /** An ACK outside any transaction (the ACK for a 2xx), or one an INVITE transaction in Accepted passed up (RFC 6026 §7.1). */
  onAck(ack: SipRequest, source: SipTarget): void;
  /** RFC 3261 §18.1.2 (as RFC 6026 updates it): a response that matched no client transaction. */
  onStrayResponse(response: SipResponse, source: SipTarget): void;
  onServerFailure(transaction: ServerTransaction, failure: ServerFailure): void;
}

export type TransactionLayerOptions = {
  transport: TransactionTransport;
  clock: Clock;
  user: TransactionUser;
  /** T1, T2, T4 (RFC 3261 §17.1.1.1, Table 4); defaults 500 ms, 4 s, 5 s. */
  timers?: Partial<TimerConfig>;
  log?: Logger;
};

export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  /** RFC 3261 servers by branch key; RFC 2543 ones (no magic cookie) in a list matched field by field. */
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly legacy = new Set<ServerTransaction>();
  private readonly timers: TimerConfig;
  private readonly log: Logger;

  constructor(private readonly options: TransactionLayerOptions) {
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    this.log = options.log ?? silentLogger;
  }

  /** Number of live transactions. */
  get size(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size + this.legacy.size };
  }

  /**
   * Starts a client transaction and sends `request` to `target`. The top Via must carry an
   * RFC 3261 branch (`newBranch()`); CANCEL reuses its INVITE's branch (`buildCancel`).
   * ACK is no transaction: the TU sends the ACK for a 2xx straight to the transport (RFC 3261 §13.2.2.4).
   */
  request(request: SipRequest, target: SipTarget, user: ClientTransactionUser): ClientTransaction {
    if (request.method === "ACK") throw new Error("ACK is not sent through a client transaction");
    const branch = topVia(request)?.params.get("branch");
    if (!branch?.startsWith(MAGIC_COOKIE)) throw new Error(`${request.method} needs a top Via with a ${MAGIC_COOKIE} branch`);
    const id = clientKey(branch, request.method);
    if (this.clients.has(id)) throw new Error(`a client transaction ${id} already exists`);
    const ctx = this.context(target);
    const tx =
      request.method === "INVITE"
        ? new InviteClientTransaction(id, request, ctx, user)
        : new NonInviteClientTransaction(id, request, ctx, user);
    this.clients.set(id, tx);
    tx.events.on("state", ({ to }) => {
      if (to === "terminated") this.clients.delete(id);
    });
    tx.start();
    return tx;
  }

  /**
   * A message the transport received from `source` (already through RFC 3261 §18.1.2 / §18.2.1
   * checks). One whose Via, CSeq, From, To or Call-ID does not parse is dropped and logged.
   */
  receive(message: SipMessage, source: SipTarget): void {
    if (!this.readable(message, source)) return;
    if (message.kind === "response") this.receiveResponse(message, source);
    else this.receiveRequest(message, source);
  }

  /** Parses (and caches) the headers matching reads, so that a malformed one fails here and not in the TU. */
  private readable(message: SipMessage, source: SipTarget): boolean {
    const h = message.headers;
    try {
      h.via();
      h.cseq();
      h.from();
      h.to();
      h.callId();
      return true;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.log.warn("dropped a message with a malformed header", { error: err.message, source });
      return false;
    }
  }

  /** RFC 3261 §9.2: the INVITE server transaction a CANCEL refers to, if it is still there. */
  findInvite(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = serverKey(cancel, "INVITE");
    const isInvite = (tx: ServerTransaction) => tx instanceof InviteServerTransaction;
    const found = key !== undefined ? this.servers.get(key) : this.findLegacy(cancel, true, isInvite);
    return found instanceof InviteServerTransaction ? found : undefined;
  }

  /** Stops every transaction's timers and forgets them (shutdown). */
  close(): void {
    for (const tx of [...this.clients.values(), ...this.servers.values(), ...this.legacy]) tx.dispose();
    this.clients.clear();
    this.servers.clear();
    this.legacy.clear();
  }

  private receiveResponse(response: SipResponse, source: SipTarget): void {
    const key = responseKey(response);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (tx) tx.receive(response);
    else this.options.user.onStrayResponse(response, source);
  }

  private receiveRequest(request: SipRequest, source: SipTarget): void {
    const key = serverKey(request);
    const tx = key !== undefined ? this.servers.get(key) : this.findLegacy(request, false);
    if (tx) {
      tx.receive(request);
      return;
    }
    if (request.method === "ACK") {
      this.options.user.onAck(request, source);
      return;
    }
    const created = this.createServer(request, source, key);
    this.options.user.onRequest(request, created);
  }

  private createServer(request: SipRequest, source: SipTarget, key: string | undefined): ServerTransaction {
    const { user } = this.options;
    const id = key ?? `rfc2543|${request.headers.callId() ?? ""}|${request.headers.cseq()?.seq ?? ""}|${request.method}`;
    const ctx = this.context(source);
    // The transaction's owner: the layer, forwarding to its user with the transaction attached.
    const owner = {
      onAck: (ack: SipRequest) => user.onAck(ack, source),
      onFailure: (failure: ServerFailure) => user.onServerFailure(tx, failure),
    };
    const tx: ServerTransaction =
      request.method === "INVITE"
        ? new InviteServerTransaction(id, request, ctx, owner)
        : new NonInviteServerTransaction(id, request, ctx, owner);
    if (key !== undefined) this.servers.set(key, tx);
    else this.legacy.add(tx);
    tx.events.on("state", ({ to }) => {
      if (to !== "terminated") return;
      if (key !== undefined) this.servers.delete(key);
      else this.legacy.delete(tx);
    });
    return tx;
  }

  private findLegacy(
    request: SipRequest,
    ignoreMethod: boolean,
    among: (tx: ServerTransaction) => boolean = () => true,
  ): ServerTransaction | undefined {
    for (const tx of this.legacy) {
      if (!among(tx)) continue;
      const toTag = tx instanceof InviteServerTransaction ? tx.toTag : undefined;
      if (legacyMatch(tx.request, toTag, request, ignoreMethod)) return tx;
    }
    return undefined;
  }

  private context(target: SipTarget): TransactionContext {
    return { transport: this.options.transport, clock: this.options.clock, timers: this.timers, target };
  }
}
