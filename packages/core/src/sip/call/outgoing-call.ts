// RFC 3261 §13.2 (UAC INVITE), §9.1 (CANCEL), §13.2.2.4 (forks, ACK), §8.1.3.4 (3xx), §22.2 (401/407); RFC 3323 Privacy; RFC 6993 Call-Info.
import type { TimerHandle } from "../../util/clock.js";
import { angle, bodyOf, buildRequest, newToken, type Dialog } from "../dialog/index.js";
import { InviteForks } from "../dialog/index.js";
import { parseUri, serializeUri, type AnyUri, type SipRequest, type SipResponse } from "../message/index.js";
import type { DigestSession } from "../auth/index.js";
import { buildCancel, type ClientFailure } from "../transaction/index.js";
import { Call } from "./call.js";
import { IGNORE_RESPONSES, type CallContext } from "./context.js";
import { SUPPORTED } from "./options.js";
import { OUTGOING_TRANSITIONS, StateMachine, type CallState, type OutgoingCallState } from "./state.js";
import { endForStatus, type CallEnd, type CallMedia } from "./types.js";

const SDP = "application/sdp";
/** RFC 3261 §8.1.3.4: we follow at most this many redirects. */
export const MAX_REDIRECTS = 5;

export type OutgoingCallOptions = {
  /** Call-Info header values for the INVITE (RFC 6993), written as given. Left out with `privacy`. */
  callInfo?: readonly string[];
  /** RFC 3323: `Privacy: id` (the proxy withholds our identity). */
  privacy?: boolean;
  headers?: ReadonlyArray<readonly [string, string]>;
  /** This call's media; by default the context's hooks make one. */
  media?: CallMedia;
  /** Handed to the media's choose() as the call is made (e.g. @cusax/core's CallMediaSpec). */
  mediaSpec?: unknown;
};

export class OutgoingCall extends Call {
  readonly direction = "outgoing";
  private readonly sm = new StateMachine<OutgoingCallState>("outgoing call", OUTGOING_TRANSITIONS, "calling");
  private readonly fromTag = newToken();
  private readonly digest: DigestSession;
  private invite: SipRequest | undefined;
  private forks: InviteForks | undefined;
  private offerSdp = "";
  private cseq = 1;
  private target: AnyUri;
  private readonly redirectTargets: AnyUri[] = [];
  private redirects = 0;
  private readonly tried = new Set<string>();
  private gotProvisional = false;
  private cancelWanted = false;
  private earlyAnswer: string | undefined;
  private cancelTimer: TimerHandle | undefined;

  constructor(ctx: CallContext, target: string, private readonly options: OutgoingCallOptions = {}) {
    const callId = newToken(12);
    // RFC 3323 + RFC 5627 §3.1, protocol.md D2: a call hiding our identity
    // uses the temp-gruu as Contact for its whole dialog, never the pub-gruu.
    const own = options.privacy ? { ...ctx, contact: () => ctx.anonymousContact() } : ctx;
    super(own, callId, options.media ?? ctx.media.create({ callId, direction: "outgoing" }));
    if (options.mediaSpec !== undefined) this.media.choose?.(options.mediaSpec);
    this.target = parseUri(target);
    this.digest = ctx.newDigest();
    this.sm.events.on("state", (change) => this.emit("state", change));
  }

  protected get machine(): StateMachine<CallState> {
    return this.sm as unknown as StateMachine<CallState>;
  }

  /** The URI the INVITE went to last (after redirects). */
  get remoteUri(): string {
    return serializeUri(this.target);
  }

  /** Makes the offer and sends the INVITE. */
  async start(): Promise<void> {
    try {
      this.offerSdp = await this.media.offer("sendrecv");
    } catch (err) {
      this.ctx.log.warn("no offer for the INVITE", { error: String(err) });
      this.finish({ reason: "rejected", status: 488 });
      return;
    }
    if (this.state !== "calling" || this.cancelWanted) return this.finish({ reason: "cancelled" });
    this.sendInvite();
  }

  private inviteHeaders(): [string, string][] {
    const o = this.options;
    const headers: [string, string][] = [["Allow", this.ctx.config.allow.join(", ")], ["Supported", SUPPORTED]];
    // protocol.md §5 / RFC 3323: no Call-Info when the caller hides its identity.
    if (o.privacy) headers.push(["Privacy", "id"]);
    else for (const v of o.callInfo ?? []) headers.push(["Call-Info", v]);
    for (const [n, v] of o.headers ?? []) headers.push([n, v]);
    if (this.ctx.config.userAgent) headers.push(["User-Agent", this.ctx.config.userAgent]);
    return headers;
  }

  /** A new INVITE: same Call-ID and From tag, next CSeq (RFC 3261 §8.1.3.4, §22.2). */
  private sendInvite(): void {
    const { ctx } = this;
    const invite = buildRequest({
      method: "INVITE",
      uri: this.target,
      from: `${ctx.identity};tag=${this.fromTag}`,
      to: angle(this.target),
      callId: this.callId,
      cseq: this.cseq,
      via: ctx.via(),
      contact: ctx.contact(),
      routes: ctx.outboundRoutes,
      headers: this.inviteHeaders(),
      body: { contentType: SDP, body: this.offerSdp },
    });
    this.digest.authorize(invite);
    this.invite = invite;
    this.forks = new InviteForks(invite);
    this.gotProvisional = false;
    ctx.request(invite, {
      onResponse: (r) => this.onResponse(invite, r),
      onFailure: (f) => this.onInviteFailure(invite, f),
    });
  }

  /** A 2xx that reached the core after the INVITE transaction ended (RFC 6026 §8.3). */
  onStray2xx(response: SipResponse): void {
    if (this.invite) this.onResponse(this.invite, response);
  }

  private onResponse(invite: SipRequest, r: SipResponse): void {
    if (invite !== this.invite) {
      // A 2xx to an INVITE we replaced (auth retry, redirect): not our call any more.
      if (r.status >= 200 && r.status < 300) this.ackAndBye(new InviteForks(invite), r);
      return;
    }
    if (r.status < 200) return this.onProvisional(r);
    if (r.status < 300) return this.on2xx(r);
    this.onFailureResponse(r);
  }

  private onProvisional(r: SipResponse): void {
    this.gotProvisional = true;
    // RFC 3261 §9.1: a CANCEL waits for a provisional response.
    if (this.cancelWanted && this.state === "cancelling") {
      this.cancelWanted = false;
      this.sendCancel();
    }
    this.forks?.onResponse(r);
    if (r.status === 100) return;
    this.readCallInfo(r);
    const early = bodyOf(r, SDP);
    if (early && this.earlyAnswer === undefined && this.state !== "cancelling") {
      this.earlyAnswer = early;
      void Promise.resolve(this.media.applyAnswer(early)).catch((e: unknown) => this.ctx.log.warn("early media", { error: String(e) }));
    }
    if (this.state === "calling") this.sm.transition("ringing");
    this.emit("progress", { status: r.status, reason: r.reason, earlyMedia: early !== undefined });
  }

  private on2xx(r: SipResponse): void {
    const decision = this.forks!.onResponse(r);
    if (decision.kind === "retransmission") return this.ack(decision.dialog);
    if (decision.kind === "late-2xx") return this.byeFork(decision.dialog);
    if (decision.kind !== "confirmed") return;
    const dialog = decision.dialog;
    this.dialog = dialog;
    this.ack(dialog);
    if (this.state !== "calling" && this.state !== "ringing") {
      // RFC 3261 §9.1: the 200 crossed our CANCEL: ACK it, then BYE.
      this.sendInDialog("BYE", {});
      if (this.state === "cancelling") this.finish({ reason: "cancelled" });
      return;
    }
    this.ctx.bindDialog(dialog, this);
    this.readCallInfo(r);
    this.peerAllowsUpdate = r.headers.getAll("Allow").some((m) => m.trim().toUpperCase() === "UPDATE");
    const answer = bodyOf(r, SDP);
    if (answer && answer !== this.earlyAnswer) {
      void Promise.resolve(this.media.applyAnswer(answer)).catch((e: unknown) => this.ctx.log.warn("answer", { error: String(e) }));
    }
    this.applySessionExpires(r, "uac");
    this.sm.transition("established");
  }

  private ack(dialog: Dialog): void {
    const cseq = this.invite?.headers.cseq()?.seq;
    this.ctx.sendAck(dialog.createRequest("ACK", { via: this.ctx.via(), cseq }));
  }

  /** RFC 3261 §13.2.2.4: a second branch answered: ACK it, then BYE it. */
  private byeFork(dialog: Dialog): void {
    this.ack(dialog);
    this.ctx.request(dialog.createRequest("BYE", { via: this.ctx.via() }), IGNORE_RESPONSES);
    dialog.terminate();
  }

  private ackAndBye(forks: InviteForks, r: SipResponse): void {
    const decision = forks.onResponse(r);
    if (decision.kind === "confirmed") this.byeFork(decision.dialog);
  }

  private onFailureResponse(r: SipResponse): void {
    const s = r.status;
    if (this.state === "cancelling") return this.finish({ reason: "cancelled" });
    if (s === 401 || s === 407) return this.retryWithCredentials(r);
    if (s >= 300 && s < 400) return this.followRedirect(r);
    this.finish(endForStatus(s));
  }

  /** RFC 3261 §22.2: same Call-ID, new CSeq, the challenge answered; a second challenge means wrong credentials. */
  private retryWithCredentials(r: SipResponse): void {
    const outcome = this.digest.onResponse(r);
    if (!outcome.ok || !outcome.retry) return this.finish({ reason: "auth-failed" });
    this.cseq++;
    this.sendInvite();
  }

  /** RFC 3261 §8.1.3.4: try the Contacts of a 3xx, highest q first, at most MAX_REDIRECTS times. */
  private followRedirect(r: SipResponse): void {
    const contacts = r.headers.contact();
    this.tried.add(serializeUri(this.target));
    if (contacts !== "*") {
      const sorted = [...contacts].sort((a, b) => (b.q ?? 1) - (a.q ?? 1));
      // RFC 3261 §8.1.3.4: a target already tried is not tried again (redirect loops).
      this.redirectTargets.push(...sorted.map((c) => c.uri).filter((u) => !this.tried.has(serializeUri(u))));
    }
    const next = this.redirectTargets.shift();
    if (!next || typeof next === "string" || ++this.redirects > MAX_REDIRECTS) return this.finish(endForStatus(r.status));
    this.target = next;
    this.cseq++;
    this.sendInvite();
  }

  private onInviteFailure(invite: SipRequest, f: ClientFailure): void {
    if (invite !== this.invite) return;
    if (this.state === "cancelling") return this.finish({ reason: "cancelled" });
    this.finish(f.reason === "timeout" ? { reason: "timeout" } : { reason: "unreachable" });
  }

  /** RFC 3261 §9.1: CANCEL before a final response; sent once a provisional came. */
  cancel(): void {
    if (this.state !== "calling" && this.state !== "ringing") return;
    this.sm.transition("cancelling");
    if (!this.invite) return this.finish({ reason: "cancelled" });
    if (this.gotProvisional) this.sendCancel();
    else this.cancelWanted = true;
  }

  /** RFC 3261 §9.1: no final response within 64*T1 of our CANCEL: the INVITE counts as cancelled. */
  private sendCancel(): void {
    if (!this.invite) return;
    this.ctx.request(buildCancel(this.invite), IGNORE_RESPONSES);
    this.cancelTimer = this.ctx.clock.setTimeout(() => {
      if (this.state !== "cancelling") return;
      this.ctx.log.warn("no final response to our cancelled INVITE within 64*T1: the call counts as cancelled", { callId: this.callId });
      this.finish({ reason: "cancelled" });
    }, 64 * this.ctx.timers.t1);
  }

  override finish(end: CallEnd): void {
    this.ctx.clock.clearTimeout(this.cancelTimer);
    super.finish(end);
  }

  hangup(): void {
    if (this.state === "calling" || this.state === "ringing") return this.cancel();
    if (this.state === "established") this.bye();
  }
}
