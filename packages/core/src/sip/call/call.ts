// RFC 3261 §12.2 (in-dialog requests), §15 (BYE), §13.3.1.4 (2xx until ACK); what both call directions share once a dialog exists.
import { ParseError } from "../../util/errors.js";
import { Emitter } from "../../util/events.js";
import { buildResponse, type Dialog, type ResponseSpec } from "../dialog/index.js";
import { parseInfo, type InfoValue, type SipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import type { ClientTransactionUser, ServerTransaction, StateChange } from "../transaction/index.js";
import { IGNORE_RESPONSES, type CallContext, type DialogUser } from "./context.js";
import { reviewInDialog, type InDialogFailure } from "./dialog-failure.js";
import { optionsResponse } from "./options.js";
import { receiveNotify, receiveRefer, sendRefer, type TransferResult } from "./refer.js";
import { SessionTimer, readSessionExpires, type Refresher } from "./session-timer.js";
import { SessionUpdates } from "./session-update.js";
import type { CallState, StateMachine } from "./state.js";
import type { CallEnd, CallInfoEvent, CallMedia, HoldState, MediaDirection, TransferProgress } from "./types.js";

export type CallEvents = {
  state: StateChange<CallState>;
  /** 1xx received (outgoing) with early media or not. */
  progress: { status: number; reason: string; earlyMedia: boolean };
  callInfo: CallInfoEvent;
  hold: HoldState;
  /** NOTIFY sipfrag progress of a REFER we sent (RFC 3515 §2.4.5). */
  transfer: TransferProgress;
  ended: CallEnd;
};

export abstract class Call implements DialogUser {
  readonly events = new Emitter<CallEvents>();
  abstract readonly direction: "outgoing" | "incoming";
  dialog: Dialog | undefined;
  /** Call-Info values the peer sent (INVITE, 18x, 200, re-INVITE), parsed. */
  remoteCallInfo: InfoValue[] = [];
  hold: HoldState = { local: false, remote: false };
  outcome: CallEnd | undefined;
  /** The peer listed UPDATE in Allow (RFC 3311): session refreshes use it. */
  peerAllowsUpdate = false;
  /** A REFER we sent succeeded (RFC 3515 NOTIFY 2xx): the end that follows is a transfer. */
  transferred = false;
  /** Why the last hold / resume / re-offer returned false (cleared when one succeeds). */
  lastUpdateFailure: InDialogFailure | undefined;
  readonly updates: SessionUpdates;
  readonly sessionTimer: SessionTimer;

  protected constructor(
    readonly ctx: CallContext,
    readonly callId: string,
    readonly media: CallMedia,
  ) {
    this.updates = new SessionUpdates(this);
    this.sessionTimer = new SessionTimer(ctx.clock, {
      refresh: () => void this.updates.refresh(),
      expire: () => this.endWithBye({ reason: "session-expired" }),
    });
  }

  protected abstract get machine(): StateMachine<CallState>;

  get state(): CallState {
    return this.machine.state;
  }

  /** Tells the listeners; one that throws is logged, never let into the protocol code. */
  emit<K extends keyof CallEvents>(event: K, payload: CallEvents[K]): void {
    try {
      this.events.emit(event, payload);
    } catch (err) {
      this.ctx.log.error(`a call ${String(event)} listener threw`, { error: String(err) });
    }
  }

  /** True when we sent the initial INVITE (RFC 3261 §14.1: owner of the Call-ID). */
  get ownsCallId(): boolean {
    return this.direction === "outgoing";
  }

  abstract hangup(): void;

  /** RFC 3264 §8.4: re-INVITE with a sendonly offer. */
  async putOnHold(): Promise<boolean> {
    const ok = await this.updates.offer("sendonly");
    if (ok) this.setHold({ ...this.hold, local: true });
    return ok;
  }

  async resume(): Promise<boolean> {
    const ok = await this.updates.offer("sendrecv");
    if (ok) this.setHold({ ...this.hold, local: false });
    return ok;
  }

  /**
   * A re-INVITE with a fresh offer from the media hook (media change), optionally carrying new
   * Call-Info values (protocol.md §5: our JID changed mid-call).
   */
  renegotiate(options: { callInfo?: readonly string[] } = {}): Promise<boolean> {
    const headers = (options.callInfo ?? []).map((v): [string, string] => ["Call-Info", v]);
    return this.updates.offer(this.wantedDirection(), headers);
  }

  /** The direction we offer or answer with, given our hold state. */
  wantedDirection(): MediaDirection {
    return this.hold.local ? "sendonly" : "sendrecv";
  }

  setHold(hold: HoldState): void {
    if (hold.local === this.hold.local && hold.remote === this.hold.remote) return;
    this.hold = hold;
    this.emit("hold", hold);
  }

  /** RFC 3515: blind transfer of the peer to `target`; progress arrives as `transfer` events. */
  transfer(target: string): Promise<TransferResult> {
    return sendRefer(this, target);
  }

  async sendDtmf(digits: string): Promise<void> {
    await this.media.sendDtmf?.(digits);
  }

  /** RFC 3261 §12.2.2: a request inside our dialog. */
  onRequest(request: SipRequest, tx: ServerTransaction): void {
    const dialog = this.dialog;
    if (!dialog) return this.respond(tx, request, 481);
    if (!dialog.acceptRemoteSeq(request)) return this.respond(tx, request, 500, { headers: [["Retry-After", "1"]] });
    switch (request.method) {
      case "BYE":
        // RFC 3261 §15.1.2: answer 200, end the session.
        this.respond(tx, request, 200);
        return this.finish(this.transferred ? { reason: "transferred" } : { reason: "hangup", by: "remote" });
      case "INVITE":
        return this.updates.receiveInvite(request, tx);
      case "UPDATE":
        return this.updates.receiveUpdate(request, tx);
      case "REFER":
        return receiveRefer(this, request, tx);
      case "NOTIFY":
        return receiveNotify(this, request, tx);
      case "OPTIONS":
        return tx.respond(optionsResponse(request, this.ctx.config));
      case "MESSAGE":
        this.respond(tx, request, 200);
        return this.ctx.deliverMessage(request);
      case "INFO":
        return this.respond(tx, request, 200);
      default:
        return this.respond(tx, request, 405, { headers: [["Allow", this.ctx.config.allow.join(", ")]] });
    }
  }

  onAck(ack: SipRequest): void {
    this.updates.onAck(ack);
  }

  respond(tx: ServerTransaction, request: SipRequest, status: number, spec: ResponseSpec = {}): void {
    tx.respond(buildResponse(request, status, { toTag: this.dialog?.id.localTag, ...spec }));
  }

  /** Sends an in-dialog request (new CSeq) through a client transaction. */
  sendInDialog(method: string, spec: { headers?: [string, string][]; body?: { contentType: string; body: string } }, user: ClientTransactionUser = IGNORE_RESPONSES): SipRequest | undefined {
    const dialog = this.dialog;
    if (!dialog || dialog.state === "terminated") return undefined;
    const contact = method === "INVITE" || method === "UPDATE" || method === "REFER" ? this.ctx.contact() : undefined;
    const request = dialog.createRequest(method, { via: this.ctx.via(), contact, ...spec });
    this.ctx.request(request, user);
    return request;
  }

  /** Reads Call-Info values (RFC 3261 §20.9) from a message; malformed ones are skipped. */
  readCallInfo(message: SipMessage): void {
    const raw = message.headers.getAll("Call-Info");
    if (raw.length === 0) return;
    const values: InfoValue[] = [];
    for (const v of raw) {
      try {
        values.push(parseInfo(v));
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        this.ctx.log.debug("ignored a malformed Call-Info", { value: v });
      }
    }
    this.remoteCallInfo = values;
    this.emit("callInfo", { values, raw });
  }

  /**
   * RFC 4028 §7.2 / §9: a 2xx (or the request we answer 2xx) fixed the session interval;
   * `ourRole` is our role in that transaction.
   */
  applySessionExpires(message: SipMessage, ourRole: Refresher): void {
    const se = readSessionExpires(message);
    if (!se?.refresher) return this.sessionTimer.stop();
    this.sessionTimer.reset(se.interval, se.refresher === ourRole);
  }

  /** RFC 3261 §15.1.1: BYE; the call ends when it is answered (or fails: logged, the call ends all the same). */
  protected bye(): void {
    this.machine.transition("ending");
    const end = () => this.finish({ reason: "hangup", by: "local" });
    const sent: SipRequest | undefined = this.sendInDialog("BYE", {}, {
      onResponse: (r) => {
        if (r.status < 200) return;
        if (sent) reviewInDialog(this.ctx.log, sent, r);
        end();
      },
      onFailure: (f) => {
        if (sent) reviewInDialog(this.ctx.log, sent, undefined, f.reason);
        end();
      },
    });
    if (!sent) end();
  }

  /**
   * RFC 3261 §13.3.1.4: no ACK for our 2xx within 64*T1. Usually the ACK could not be routed to our Contact
   * (e.g. a registrar that issues GRUUs but cannot route them in-dialog, protocol.md D23): warn, BYE, end.
   */
  noAck(): void {
    if (this.state === "ended") return;
    const contact = this.ctx.contact();
    this.ctx.log.warn(`no ACK for our 200: the peer or a proxy could not reach our Contact ${contact}`, { callId: this.callId, contact });
    this.endWithBye({ reason: "no-ack" });
  }

  /** BYE (RFC 3261 §15.1.1) and end now; the BYE's response does not matter to the outcome. */
  endWithBye(end: CallEnd): void {
    if (this.state === "ended") return;
    this.sendInDialog("BYE", {});
    this.finish(end);
  }

  /** Ends the call: state ended, dialog terminated, media closed, `ended` emitted once. */
  finish(end: CallEnd): void {
    if (this.state === "ended") return;
    this.outcome = end;
    this.sessionTimer.stop();
    this.updates.stop();
    if (this.dialog) {
      this.dialog.terminate();
      this.ctx.unbindDialog(this.dialog);
    }
    this.machine.transition("ended");
    void Promise.resolve()
      .then(() => this.media.close())
      .catch((err: unknown) => this.ctx.log.warn("media close failed", { error: String(err) }));
    this.emit("ended", end);
  }

  /**
   * A final response (or none: `failure`) to our request inside the dialog: logged unless 2xx; true when
   * RFC 5057 §5.1 / RFC 3261 §12.2.1.2 say the dialog is gone (the caller ends the call).
   */
  inDialogFailed(request: SipRequest, response: SipResponse | undefined, failure?: string): boolean {
    const review = reviewInDialog(this.ctx.log, request, response, failure);
    if (review.failure) this.lastUpdateFailure = review.failure;
    return review.verdict === "dialog-gone";
  }
}
