// RFC 3261 §13.2.2.4 (forking: one early dialog per To tag, the first 2xx wins, later 2xx are ACKed then BYEd), §12.1.2.
import type { SipRequest, SipResponse } from "../message/index.js";
import { Dialog } from "./dialog.js";

/** What the INVITE's owner does with a response, decided here. */
export type ForkDecision =
  /** A provisional response without To tag (100): no dialog. */
  | { kind: "none" }
  /** An early dialog (new or known) for a 1xx with To tag. */
  | { kind: "early"; dialog: Dialog; isNew: boolean }
  /** The first 2xx: its dialog is confirmed; the other early dialogs are terminated. */
  | { kind: "confirmed"; dialog: Dialog }
  /** A retransmission of the 2xx that won: ACK it again. */
  | { kind: "retransmission"; dialog: Dialog }
  /** A 2xx from another branch after the winner: ACK it, then BYE it (§13.2.2.4). */
  | { kind: "late-2xx"; dialog: Dialog }
  /** A final non-2xx: every early dialog is terminated. */
  | { kind: "failed" };

/** The dialogs one INVITE created, by remote tag. */
export class InviteForks {
  private readonly dialogs = new Map<string, Dialog>();
  private winner: Dialog | undefined;
  /** Dialogs a 2xx confirmed, by remote tag (retransmissions are recognised by it). */
  private readonly answered = new Map<string, Dialog>();

  constructor(private readonly invite: SipRequest) {}

  get confirmed(): Dialog | undefined {
    return this.winner;
  }

  /** The early dialogs still open (for CANCEL bookkeeping and tests). */
  get early(): Dialog[] {
    return [...this.dialogs.values()].filter((d) => d.state === "early");
  }

  onResponse(response: SipResponse): ForkDecision {
    const { status } = response;
    const tag = response.headers.to()?.tag;
    if (status >= 300) {
      for (const d of this.dialogs.values()) if (d !== this.winner) d.terminate();
      return { kind: "failed" };
    }
    if (!tag) return { kind: "none" };
    const known = this.dialogs.get(tag);
    if (status < 200) {
      if (this.winner) return { kind: "none" };
      if (known) {
        known.refreshTarget(response);
        return { kind: "early", dialog: known, isNew: false };
      }
      const dialog = Dialog.asUac(this.invite, response);
      this.dialogs.set(tag, dialog);
      return { kind: "early", dialog, isNew: true };
    }
    return this.on2xx(response, tag, known);
  }

  private on2xx(response: SipResponse, tag: string, known: Dialog | undefined): ForkDecision {
    const answered = this.answered.get(tag);
    if (answered) return { kind: "retransmission", dialog: answered };
    // An early dialog of a losing branch was terminated when the winner came: a new one stands for its 2xx.
    const dialog = known && known.state === "early" ? known : Dialog.asUac(this.invite, response);
    dialog.updateFromResponse(response);
    dialog.confirm();
    this.dialogs.set(tag, dialog);
    this.answered.set(tag, dialog);
    if (this.winner) return { kind: "late-2xx", dialog };
    this.winner = dialog;
    for (const d of this.dialogs.values()) if (d !== dialog && d.state === "early") d.terminate();
    return { kind: "confirmed", dialog };
  }
}
