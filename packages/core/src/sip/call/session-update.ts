// RFC 3261 §14 (re-INVITE, glare 491 and the §14.1 retry interval), RFC 3311 (UPDATE received), RFC 4028 §7.4 / §9 (refresh).
import type { TimerHandle } from "../../util/clock.js";
import { bodyOf, buildResponse } from "../dialog/index.js";
import type { SipRequest, SipResponse } from "../message/index.js";
import type { ServerTransaction } from "../transaction/index.js";
import { InviteServerTransaction } from "../transaction/index.js";
import type { Call } from "./call.js";
import { Reliable2xx } from "./retransmit.js";
import { answerSessionExpires, serializeSessionExpires } from "./session-timer.js";
import type { MediaDirection } from "./types.js";

const SDP = "application/sdp";

/** Our re-INVITE and what came back: a final response, or a transaction failure. */
type SentInvite = { request?: SipRequest; response?: SipResponse; failure?: string };

/** RFC 3264 §8.4: an offer that puts us on hold (sendonly or inactive towards us, or the old c=0.0.0.0). */
export function isHoldOffer(sdp: string): boolean {
  return /^a=(sendonly|inactive)\s*$/m.test(sdp) || /^c=IN IP4 0\.0\.0\.0\s*$/m.test(sdp);
}

/** RFC 3261 §14.1: owner of the Call-ID waits 2.1-4 s, the other side 0-2 s, in units of 10 ms. */
export function glareInterval(ownsCallId: boolean, random: number): number {
  return ownsCallId ? 2100 + Math.floor(random * 191) * 10 : Math.floor(random * 201) * 10;
}

/** One call's offer/answer exchanges after the INVITE: at most one in each direction at a time. */
export class SessionUpdates {
  /** Our re-INVITE or UPDATE is outstanding (or waiting out glare). */
  private sending = false;
  /** Our re-INVITE's transaction is running (not just waiting out glare): an offer received now is glare (§14.2). */
  private inFlight = false;
  /** A received re-INVITE is being answered or its 2xx awaits the ACK. */
  private receiving: { ack?: Reliable2xx; offerless: boolean } | undefined;
  private glare: TimerHandle | undefined;
  private stopped = false;
  /** Offers of ours waiting for the ACK of the 2xx we sent to the peer's re-INVITE. */
  private ackWaiters: (() => void)[] = [];

  constructor(private readonly call: Call) {}

  stop(): void {
    this.stopped = true;
    this.call.ctx.clock.clearTimeout(this.glare);
    this.receiving?.ack?.stop();
    this.releaseAckWaiters();
  }

  private releaseAckWaiters(): void {
    for (const go of this.ackWaiters.splice(0)) go();
  }

  /**
   * Sends a re-INVITE with a fresh offer; true when the peer answered 2xx. Retries on 491 after the glare
   * interval. False otherwise, with the reason in `call.lastUpdateFailure`.
   */
  async offer(direction: MediaDirection, headers: [string, string][] = []): Promise<boolean> {
    // RFC 3261 §14.1: the peer's re-INVITE is answered but not yet ACKed: wait for its ACK (or its 64*T1 end).
    if (!this.sending && this.receiving?.ack) await new Promise<void>((go) => this.ackWaiters.push(go));
    const busy = this.sending || this.receiving ? "another offer/answer exchange is in progress" : this.call.state !== "established" ? `the call is ${this.call.state}` : undefined;
    if (busy) {
      this.call.lastUpdateFailure = { method: "INVITE", reason: busy };
      return false;
    }
    this.sending = true;
    try {
      for (let attempt = 0; attempt < 4 && !this.stopped; attempt++) {
        const sdp = await this.call.media.offer(direction);
        this.inFlight = true;
        const sent = await this.sendInvite(sdp, headers).finally(() => (this.inFlight = false));
        if (sent.response?.status === 491 && attempt < 3) {
          await this.waitGlare();
          continue;
        }
        return await this.settle(sent);
      }
      return false;
    } finally {
      this.sending = false;
    }
  }

  private async settle({ request, response, failure }: SentInvite): Promise<boolean> {
    if (response && response.status < 300) {
      const answer = bodyOf(response, SDP);
      if (answer) await this.call.media.applyAnswer(answer);
      this.call.applySessionExpires(response, "uac");
      this.call.lastUpdateFailure = undefined;
      return true;
    }
    if (!request) {
      this.call.lastUpdateFailure = { method: "INVITE", reason: "the dialog is over" };
      return false;
    }
    // RFC 5057 §5.1 / RFC 3261 §14.1: 481, 408, no answer, or a usage-ending status end the call; other
    // failures leave the session as it was.
    if (this.call.inDialogFailed(request, response, failure)) {
      this.call.endWithBye({ reason: "dialog-failed", method: "INVITE", ...(response ? { status: response.status } : {}) });
    }
    return false;
  }

  private waitGlare(): Promise<void> {
    const ms = glareInterval(this.call.ownsCallId, this.call.ctx.random());
    return new Promise((resolve) => {
      this.glare = this.call.ctx.clock.setTimeout(resolve, ms);
    });
  }

  /** The re-INVITE's final response; each 2xx (retransmissions too) is ACKed (RFC 3261 §13.2.2.4). */
  private sendInvite(sdp: string, headers: [string, string][]): Promise<SentInvite> {
    return new Promise((resolve) => {
      const request = this.call.sendInDialog(
        "INVITE",
        { headers: [["Supported", "timer"], ...headers], body: { contentType: SDP, body: sdp } },
        {
          onResponse: (r) => {
            if (r.status < 200) return;
            if (r.status < 300 && request) this.ack(request);
            resolve({ request, response: r });
          },
          onFailure: (f) => resolve({ request, failure: f.reason }),
        },
      );
      if (!request) resolve({});
    });
  }

  private ack(invite: SipRequest): void {
    const dialog = this.call.dialog;
    if (!dialog) return;
    const cseq = invite.headers.cseq()?.seq;
    this.call.ctx.sendAck(dialog.createRequest("ACK", { via: this.call.ctx.via(), cseq }));
  }

  /** RFC 3261 §14.2: a re-INVITE; 491 while one of ours (or theirs) is pending. */
  receiveInvite(request: SipRequest, tx: ServerTransaction): void {
    if (this.inFlight || this.receiving || !(tx instanceof InviteServerTransaction)) {
      this.call.respond(tx, request, 491);
      return;
    }
    const offer = bodyOf(request, SDP);
    this.receiving = { offerless: offer === undefined };
    this.answer(request, offer, (spec) => {
      const response = buildResponse(request, 200, spec);
      const { ctx } = this.call;
      const ack = new Reliable2xx(tx, response, ctx.clock, ctx.timers, () => this.call.noAck(), ctx.reliableTransport);
      if (this.receiving) this.receiving.ack = ack;
    }, (status, headers) => {
      this.receiving = undefined;
      this.call.respond(tx, request, status, { headers });
    });
  }

  /** The ACK of our 2xx to a re-INVITE; in an offerless exchange it carries the answer. */
  onAck(ack: SipRequest): void {
    const receiving = this.receiving;
    if (!receiving?.ack) return;
    receiving.ack.acknowledged();
    this.receiving = undefined;
    this.releaseAckWaiters();
    const answer = bodyOf(ack, SDP);
    if (receiving.offerless && answer) void this.call.media.applyAnswer(answer);
  }

  /** RFC 3311 §5.2: UPDATE; an offer while ours is pending gets 491; no body is a session refresh (RFC 4028). */
  receiveUpdate(request: SipRequest, tx: ServerTransaction): void {
    const offer = bodyOf(request, SDP);
    if (offer && (this.inFlight || this.receiving)) {
      this.call.respond(tx, request, 491);
      return;
    }
    this.answer(request, offer, (spec) => this.call.respond(tx, request, 200, spec), (status, headers) =>
      this.call.respond(tx, request, status, { headers }),
    );
  }

  /** Builds what a 2xx to a re-INVITE / UPDATE carries: the SDP answer (or our offer), Session-Expires, Contact. */
  private answer(
    request: SipRequest,
    offer: string | undefined,
    ok: (spec: { toTag?: string; contact: string; headers: [string, string][]; body?: { contentType: string; body: string } }) => void,
    fail: (status: number, headers: [string, string][]) => void,
  ): void {
    const call = this.call;
    const timer = answerSessionExpires(request, call.ctx.config.minSessionExpires);
    if (timer.status === 422) return fail(422, timer.headers);
    call.readCallInfo(request);
    call.dialog?.refreshTarget(request);
    if (offer !== undefined) call.setHold({ ...call.hold, remote: isHoldOffer(offer) });
    const media = offer !== undefined ? call.media.answer(offer, call.wantedDirection()) : request.method === "INVITE" ? call.media.offer(call.wantedDirection()) : undefined;
    Promise.resolve(media).then(
      (sdp) => {
        if (call.state === "ended") return;
        // RFC 4028 §9: the peer is the UAC of this refresh.
        if (timer.timer) call.sessionTimer.reset(timer.timer.interval, timer.timer.refresher === "uas");
        const body = sdp === undefined ? undefined : { contentType: SDP, body: sdp };
        ok({ toTag: call.dialog?.id.localTag, contact: call.ctx.contact(), headers: timer.headers, body });
      },
      (err: unknown) => {
        call.ctx.log.warn("could not answer an offer", { error: String(err) });
        // RFC 3261 §14.2: an offer we cannot accept is answered 488, the session stays as it was.
        fail(488, []);
      },
    );
  }

  /** RFC 4028 §7.4 / §9: we are the refresher: UPDATE when the peer allows it, else a re-INVITE with a new offer. */
  async refresh(): Promise<void> {
    const call = this.call;
    const interval = call.sessionTimer.interval;
    if (interval === undefined || call.state !== "established") return;
    const headers: [string, string][] = [["Session-Expires", serializeSessionExpires({ interval, refresher: "uac" })]];
    if (!call.peerAllowsUpdate) {
      await this.offer(call.wantedDirection(), headers);
      return;
    }
    const sent: SipRequest | undefined = call.sendInDialog("UPDATE", { headers: [["Supported", "timer"], ...headers] }, {
      onResponse: (r) => {
        if (r.status < 200) return;
        if (r.status < 300) call.applySessionExpires(r, "uac");
        else if (sent && call.inDialogFailed(sent, r)) call.endWithBye({ reason: "session-expired" });
      },
      onFailure: (f) => {
        if (sent) call.inDialogFailed(sent, undefined, f.reason);
        call.endWithBye({ reason: "session-expired" });
      },
    });
  }
}
