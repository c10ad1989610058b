// RFC 3261 §8.2 (UAS checks), §12.2.2 (requests inside dialogs, 481), §9.2 (CANCEL), §13.3 (new INVITEs), §11 (OPTIONS),
// RFC 3428 (MESSAGE), RFC 6026 §8.3 (stray 2xx): the UA core above the transaction layer; routes to calls.
import type { Clock } from "../../util/clock.js";
import { TransportError } from "../../util/errors.js";
import { Emitter } from "../../util/events.js";
import { silentLogger, type Logger } from "../../util/log.js";
import { DigestSession, type DigestCredentials } from "../auth/index.js";
import { buildResponse, newToken, nextHop, requestDialogKey, type Dialog, type ViaSpec } from "../dialog/index.js";
import { validateRequest, type AnyUri, type SipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import {
  InviteServerTransaction, TransactionLayer, DEFAULT_TIMERS,
  type ClientTransactionUser, type ServerFailure, type ServerTransaction, type SipTarget, type TimerConfig,
  type TransactionTransport, type TransactionUser,
} from "../transaction/index.js";
import type { Call } from "./call.js";
import type { CallContext, DialogUser } from "./context.js";
import { IncomingCall } from "./incoming-call.js";
import { acceptsMessageType, readMessage, sendMessage, type MessageResult, type ReceivedMessage } from "./message.js";
import { GruuProbes } from "./gruu-probe.js";
import { optionsResponse, refuseMethod } from "./options.js";
import { OutgoingCall, type OutgoingCallOptions } from "./outgoing-call.js";
import { DEFAULT_CALL_CONFIG, type CallConfig, type MediaHooks } from "./types.js";

export type SipUaCoreEvents = {
  /** A new call came in; it rings (180) unless a listener answered, rejected or rang it first. */
  incoming: IncomingCall;
  message: ReceivedMessage;
  /** RFC 3515: a REFER we accepted placed `call` on behalf of `from`. */
  transferred: { from: Call; call: OutgoingCall };
};

export type SipUaCoreOptions = {
  transport: TransactionTransport;
  clock: Clock;
  log?: Logger;
  timers?: Partial<TimerConfig>;
  /** Our From for requests outside dialogs, a name-addr without tag (`"Alice" <sip:alice@example.com>`). */
  identity: string;
  credentials: (realm: string) => DigestCredentials | undefined;
  via(): ViaSpec;
  contact(): string;
  /** RFC 3323 / RFC 5627 §3.1: the Contact of calls with Privacy: id (default: `contact()`). */
  anonymousContact?(): string;
  /** Where a request for this URI goes first (RFC 3263 done by the transport, or the outbound proxy). */
  resolve(uri: AnyUri): SipTarget | undefined;
  outboundRoutes?: readonly string[];
  media: MediaHooks;
  config?: Partial<CallConfig>;
  reliableTransport?: boolean;
  random?: () => number;
  /** How long each GRUU routing probe may take (protocol.md D23). */
  gruuProbeTimeoutMs?: number;
};

export class SipUaCore implements TransactionUser {
  readonly events = new Emitter<SipUaCoreEvents>();
  readonly layer: TransactionLayer;
  readonly ctx: CallContext;
  /** DECISION(protocol.md D23): OPTIONS to our own GRUU, recognised here when they come back. */
  readonly gruuProbes: GruuProbes;
  private readonly dialogs = new Map<string, DialogUser>();
  private readonly live = new Set<Call>();
  private readonly incomingByTx = new Map<InviteServerTransaction, IncomingCall>();
  private readonly outgoingByCallId = new Map<string, OutgoingCall>();
  private readonly log: Logger;

  constructor(private readonly options: SipUaCoreOptions) {
    this.log = options.log ?? silentLogger;
    this.layer = new TransactionLayer({ transport: options.transport, clock: options.clock, user: this, timers: options.timers, log: this.log });
    this.ctx = this.context();
    this.gruuProbes = new GruuProbes(this.ctx, options.gruuProbeTimeoutMs);
  }

  /** Calls not yet ended. */
  get calls(): Call[] {
    return [...this.live];
  }

  /** A message from the transport (after its §18 checks). */
  receive(message: SipMessage, source: SipTarget): void {
    this.layer.receive(message, source);
  }

  /** Places a call: the INVITE leaves once the media hook made its offer. */
  call(target: string, options: OutgoingCallOptions = {}): OutgoingCall {
    const call = new OutgoingCall(this.ctx, target, options);
    this.track(call);
    this.outgoingByCallId.set(call.callId, call);
    call.events.on("ended", () => this.outgoingByCallId.delete(call.callId));
    void call.start();
    return call;
  }

  sendMessage(to: string, text: string, contentType?: string): Promise<MessageResult> {
    return sendMessage(this.ctx, to, text, contentType);
  }

  /** Ends every call (BYE / CANCEL / 603) and stops the transaction timers. */
  close(): void {
    for (const call of [...this.live]) {
      call.hangup();
      // The layer closes next, so no answer to that CANCEL or BYE (or a provisional a CANCEL waits
      // for) can arrive: a call still ending ends here, and its outcome is known before close returns.
      if (call.state !== "ended") call.finish(["calling", "ringing", "cancelling"].includes(call.state) ? { reason: "cancelled" } : { reason: "hangup", by: "local" });
    }
    this.gruuProbes.close();
    this.layer.close();
  }

  private track(call: Call): void {
    this.live.add(call);
    call.events.on("ended", () => this.live.delete(call));
  }

  onRequest(request: SipRequest, tx: ServerTransaction): void {
    const problem = validateRequest(request).find((p) => p.fatal);
    if (problem) return tx.respond(buildResponse(request, problem.status, { reason: problem.reason, toTag: newToken() }));
    const { config } = this.ctx;
    // protocol.md D23: our own GRUU probe came back through the proxy (with or without a To tag).
    if (request.method === "OPTIONS" && this.gruuProbes.claims(request)) return tx.respond(optionsResponse(request, config, newToken()));
    // RFC 3261 §8.2.1: methods we do not implement (501) or do not allow (405), in dialogs or not.
    const refused = refuseMethod(request, config, newToken());
    if (refused) return tx.respond(refused);
    if (request.headers.to()?.tag !== undefined && request.method !== "CANCEL") {
      // RFC 3261 §12.2.2: a request for a dialog we don't know: 481.
      const user = this.dialogs.get(requestDialogKey(request) ?? "");
      if (user) return user.onRequest(request, tx);
      return tx.respond(buildResponse(request, 481));
    }
    switch (request.method) {
      case "INVITE":
        return this.onInvite(request, tx as InviteServerTransaction);
      case "CANCEL":
        return this.onCancel(request, tx);
      case "OPTIONS":
        return tx.respond(optionsResponse(request, config, newToken()));
      case "MESSAGE":
        return this.onMessage(request, tx);
      case "BYE":
      case "NOTIFY":
      case "REFER":
      case "UPDATE":
      case "INFO":
        return tx.respond(buildResponse(request, 481));
      default:
        return tx.respond(buildResponse(request, 405, { toTag: newToken(), headers: [["Allow", config.allow.join(", ")]] }));
    }
  }

  /** RFC 3261 §13.3.1: a new call, unless forwarding or the max-calls setting answers first. */
  private onInvite(request: SipRequest, tx: InviteServerTransaction): void {
    const { config } = this.ctx;
    // RFC 3261 §8.2.2.3: an extension we don't support in Require: 420 with Unsupported.
    const unsupported = request.headers.getAll("Require").filter((t) => t.trim().toLowerCase() !== "timer");
    if (unsupported.length > 0) {
      return tx.respond(buildResponse(request, 420, { toTag: newToken(), headers: [["Unsupported", unsupported.join(", ")]] }));
    }
    const call = new IncomingCall(this.ctx, request, tx);
    const forward = config.forward;
    if (forward?.when === "always") return call.forward(forward.target);
    if (this.live.size >= config.maxCalls) {
      if (forward?.when === "busy") return call.forward(forward.target);
      return call.reject(486);
    }
    this.track(call);
    this.incomingByTx.set(tx, call);
    call.events.on("ended", () => this.incomingByTx.delete(tx));
    if (forward?.when === "no-answer") {
      const timer = this.options.clock.setTimeout(() => call.forward(forward.target), forward.afterSeconds * 1000);
      call.events.on("state", ({ to }) => {
        if (to !== "ringing") this.options.clock.clearTimeout(timer);
      });
    }
    this.emit("incoming", call);
    if (call.state === "incoming") call.ring();
  }

  /** RFC 3261 §9.2: 200 to the CANCEL, then the call answers its INVITE 487 (if not answered yet). */
  private onCancel(request: SipRequest, tx: ServerTransaction): void {
    const invite = this.layer.findInvite(request);
    if (!invite) return tx.respond(buildResponse(request, 481));
    tx.respond(buildResponse(request, 200));
    this.incomingByTx.get(invite)?.onCancel();
  }

  private onMessage(request: SipRequest, tx: ServerTransaction): void {
    const message = readMessage(request);
    if (!acceptsMessageType(message.contentType)) {
      return tx.respond(buildResponse(request, 415, { toTag: newToken(), headers: [["Accept", "text/plain"]] }));
    }
    tx.respond(buildResponse(request, 200, { toTag: newToken() }));
    this.emit("message", message);
  }

  onAck(ack: SipRequest): void {
    this.dialogs.get(requestDialogKey(ack) ?? "")?.onAck(ack);
  }

  /** RFC 6026 §8.3: a 2xx after the INVITE transaction ended goes to the call that sent the INVITE. */
  onStrayResponse(response: SipResponse): void {
    const cseq = response.headers.cseq();
    if (cseq?.method !== "INVITE" || response.status < 200 || response.status >= 300) return;
    this.outgoingByCallId.get(response.headers.callId() ?? "")?.onStray2xx(response);
  }

  onServerFailure(tx: ServerTransaction, failure: ServerFailure): void {
    this.log.debug("server transaction failed", { method: tx.request.method, reason: failure.reason });
  }

  private send(request: SipRequest, user: ClientTransactionUser): void {
    const target = this.options.resolve(nextHop(request));
    if (!target) {
      this.log.warn("no route for a request", { method: request.method });
      queueMicrotask(() => user.onFailure({ reason: "transport-error", error: new TransportError("no route") }));
      return;
    }
    this.layer.request(request, target, user);
  }

  private sendAck(ack: SipRequest): void {
    const target = this.options.resolve(nextHop(ack));
    if (!target) return;
    const failed = (err: unknown) => this.log.warn("ACK not sent", { error: String(err) });
    try {
      const pending = this.options.transport.send(ack, target);
      if (pending) pending.catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  private context(): CallContext {
    const o = this.options;
    const config = { ...DEFAULT_CALL_CONFIG, ...o.config };
    return {
      clock: o.clock,
      log: this.log,
      timers: { ...DEFAULT_TIMERS, ...o.timers },
      config,
      media: o.media,
      newDigest: () => new DigestSession({ credentials: o.credentials }),
      reliableTransport: o.reliableTransport ?? false,
      identity: o.identity,
      outboundRoutes: o.outboundRoutes ?? [],
      via: () => o.via(),
      contact: () => o.contact(),
      anonymousContact: () => o.anonymousContact?.() ?? o.contact(),
      request: (request, user) => this.send(request, user),
      sendAck: (ack) => this.sendAck(ack),
      bindDialog: (dialog, user) => this.bindDialog(dialog, user),
      unbindDialog: (dialog) => this.dialogs.delete(dialog.key),
      placeCall: (target, from) => {
        const call = this.call(target);
        this.emit("transferred", { from, call });
        return call;
      },
      deliverMessage: (request) => this.emit("message", readMessage(request)),
      random: o.random ?? Math.random,
    };
  }

  /** Listeners that throw are logged; the protocol goes on (a 180 still goes out, a MESSAGE is still answered). */
  private emit<K extends keyof SipUaCoreEvents>(event: K, payload: SipUaCoreEvents[K]): void {
    try {
      this.events.emit(event, payload);
    } catch (err) {
      this.log.error(`a ${String(event)} listener threw`, { error: String(err) });
    }
  }

  private bindDialog(dialog: Dialog, user: DialogUser): void {
    this.dialogs.set(dialog.key, user);
  }
}
