// RFC 3261 §13.3 (UAS INVITE), §13.3.1.4 (2xx until ACK), §9.2 (CANCEL received); RFC 4028 §9; RFC 6993 Call-Info.
import { bodyOf, buildResponse, Dialog, newToken } from "../dialog/index.js";
import type { TimerHandle } from "../../util/clock.js";
import type { FromTo, SipRequest } from "../message/index.js";
import type { InviteServerTransaction } from "../transaction/index.js";
import { Call } from "./call.js";
import type { CallContext } from "./context.js";
import { SUPPORTED } from "./options.js";
import { Reliable2xx } from "./retransmit.js";
import { answerSessionExpires } from "./session-timer.js";
import { INCOMING_TRANSITIONS, StateMachine, type CallState, type IncomingCallState } from "./state.js";
import { endForStatus, type CallEnd } from "./types.js";

const SDP = "application/sdp";

export type AnswerOptions = {
  /** Call-Info values for the 18x / 200 (RFC 6993), written as given. */
  callInfo?: readonly string[];
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Handed to the media's choose() before the answer is made (e.g. @cusax/core's CallMediaSpec). */
  mediaSpec?: unknown;
};

export class IncomingCall extends Call {
  readonly direction = "incoming";
  private readonly sm = new StateMachine<IncomingCallState>("incoming call", INCOMING_TRANSITIONS, "incoming");
  readonly localTag = newToken();
  /** Who calls (From, as received). */
  readonly from: FromTo | undefined;
  private reliable2xx: Reliable2xx | undefined;
  private offerless = false;
  /** RFC 3261 §15: hung up before the ACK: the BYE waits for it (or for the 2xx to time out). */
  private byeOnAck = false;
  /** `ringTimeoutMs` after the INVITE: 480 unless answered, rejected or cancelled by then. */
  private ringTimer: TimerHandle | undefined;

  constructor(
    ctx: CallContext,
    readonly invite: SipRequest,
    readonly transaction: InviteServerTransaction,
  ) {
    const callId = invite.headers.callId() ?? "";
    super(ctx, callId, ctx.media.create({ callId, direction: "incoming" }));
    this.from = invite.headers.from();
    this.peerAllowsUpdate = invite.headers.getAll("Allow").some((m) => m.trim().toUpperCase() === "UPDATE");
    this.readCallInfo(invite);
    this.sm.events.on("state", (change) => this.emit("state", change));
    const ms = ctx.config.ringTimeoutMs;
    if (ms > 0) this.ringTimer = ctx.clock.setTimeout(() => this.ringTimedOut(ms), ms);
  }

  /** Nobody answered in time: 480 Temporarily Unavailable (RFC 3261 §21.4.18), the call ends as no-answer. */
  private ringTimedOut(ms: number): void {
    if (this.state !== "incoming" && this.state !== "ringing") return;
    this.ctx.log.info("incoming call not answered in time: 480", { callId: this.callId, ringTimeoutMs: ms });
    this.transaction.respond(buildResponse(this.invite, 480, { toTag: this.localTag }));
    this.finish({ reason: "no-answer" });
  }

  protected get machine(): StateMachine<CallState> {
    return this.sm as unknown as StateMachine<CallState>;
  }

  /** The offer of the INVITE, if it had one. */
  get remoteOffer(): string | undefined {
    return bodyOf(this.invite, SDP);
  }

  private extraHeaders(o: AnswerOptions): [string, string][] {
    const headers: [string, string][] = [["Allow", this.ctx.config.allow.join(", ")]];
    for (const v of o.callInfo ?? []) headers.push(["Call-Info", v]);
    for (const [n, v] of o.headers ?? []) headers.push([n, v]);
    return headers;
  }

  /** 180 Ringing (RFC 3261 §13.3.1.1) with our tag: the early dialog. */
  ring(options: AnswerOptions = {}): void {
    if (this.state !== "incoming") return;
    this.dialog = Dialog.asUas(this.invite, this.localTag, "early");
    this.ctx.bindDialog(this.dialog, this);
    const response = buildResponse(this.invite, 180, { toTag: this.localTag, contact: this.ctx.contact(), headers: this.extraHeaders(options) });
    this.transaction.respond(response);
    this.sm.transition("ringing");
  }

  /** 200 with our answer (or offer, when the INVITE had none); resent until the ACK. False when too late. */
  async answer(options: AnswerOptions = {}): Promise<boolean> {
    if (this.state !== "incoming" && this.state !== "ringing") return false;
    const timer = answerSessionExpires(this.invite, this.ctx.config.minSessionExpires);
    // RFC 4028 §6: an interval below our Min-SE is refused with 422.
    if (timer.status === 422) return this.reject(422, timer.headers), false;
    const offer = this.remoteOffer;
    let sdp: string;
    try {
      if (options.mediaSpec !== undefined) this.media.choose?.(options.mediaSpec);
      sdp = offer !== undefined ? await this.media.answer(offer, "sendrecv") : await this.media.offer("sendrecv");
    } catch (err) {
      this.ctx.log.warn("could not answer the offer", { error: String(err) });
      this.reject(488);
      return false;
    }
    if (this.state !== "incoming" && this.state !== "ringing") return false;
    this.offerless = offer === undefined;
    if (!this.dialog) {
      this.dialog = Dialog.asUas(this.invite, this.localTag, "confirmed");
      this.ctx.bindDialog(this.dialog, this);
    }
    // RFC 3261 §12.1.1: sending the 2xx confirms the dialog.
    this.dialog.confirm();
    const headers = [...this.extraHeaders(options), ["Supported", SUPPORTED] as [string, string], ...timer.headers];
    const response = buildResponse(this.invite, 200, {
      toTag: this.localTag, contact: this.ctx.contact(), headers, body: { contentType: SDP, body: sdp },
    });
    this.sm.transition("answering");
    const { ctx } = this;
    ctx.clock.clearTimeout(this.ringTimer);
    // RFC 3261 §13.3.1.4: no ACK within 64*T1: BYE.
    this.reliable2xx = new Reliable2xx(this.transaction, response, ctx.clock, ctx.timers, () => this.noAck(), ctx.reliableTransport);
    if (timer.status === 200 && timer.timer) this.sessionTimer.reset(timer.timer.interval, timer.timer.refresher === "uas");
    return true;
  }

  /** A final failure response (486 busy by default); the call ends with that status as data. */
  reject(status = 486, headers: [string, string][] = []): void {
    if (this.state !== "incoming" && this.state !== "ringing") return;
    this.transaction.respond(buildResponse(this.invite, status, { toTag: this.localTag, headers }));
    this.finish(endForStatus(status));
  }

  /** Call forwarding: 302 to `target` (RFC 3261 §21.3.3). */
  forward(target: string): void {
    if (this.state !== "incoming" && this.state !== "ringing") return;
    const contact = target.startsWith("<") ? target : `<${target}>`;
    this.transaction.respond(buildResponse(this.invite, 302, { toTag: this.localTag, contact }));
    this.finish({ reason: "forwarded", target });
  }

  /** RFC 3261 §9.2: the caller cancelled: 487 to the INVITE. Too late once we answered. */
  onCancel(): void {
    if (this.state !== "incoming" && this.state !== "ringing") return;
    this.transaction.respond(buildResponse(this.invite, 487, { toTag: this.localTag }));
    this.finish({ reason: "cancelled" });
  }

  override onAck(ack: SipRequest): void {
    if (this.state !== "answering") return super.onAck(ack);
    this.reliable2xx?.acknowledged();
    const answer = bodyOf(ack, SDP);
    if (this.offerless && answer) void Promise.resolve(this.media.applyAnswer(answer)).catch(() => undefined);
    this.sm.transition("established");
    if (this.byeOnAck) this.bye();
  }

  override finish(end: CallEnd): void {
    this.ctx.clock.clearTimeout(this.ringTimer);
    this.reliable2xx?.stop();
    super.finish(end);
  }

  /** Ringing: decline (603); answered: BYE. */
  hangup(): void {
    if (this.state === "incoming" || this.state === "ringing") return this.reject(603);
    if (this.state === "answering") this.byeOnAck = true;
    if (this.state === "established") this.bye();
  }
}
