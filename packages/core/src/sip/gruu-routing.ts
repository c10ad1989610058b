// RFC 5627 §4.2 (a UA SHOULD use its pub-gruu as dialog Contact), §3.1 with RFC 3323 (temp-gruu for anonymous
// calls): which Contact our dialogs carry and which GRUU we publish, from one probe round per GRUU.
// DECISION(protocol.md D23).
import type { Logger } from "../util/log.js";
import type { GruuProbeOutcome } from "./call/gruu-probe.js";
import type { RegisteredInfo } from "./register/index.js";

/**
 * unknown: no GRUU, or its probe has not finished; in-dialog: requests inside dialogs reach us through it
 * (it is our dialog Contact and published); initial-only: only new requests do (published, not a dialog
 * Contact); none: nothing reaches us through it (neither used nor published).
 */
export type GruuRouting = "unknown" | "in-dialog" | "initial-only" | "none";

export function classifyGruuRouting(o: GruuProbeOutcome): { routing: GruuRouting; reason: string } {
  if (o.inDialog.arrived) return { routing: "in-dialog", reason: "an in-dialog OPTIONS to the GRUU came back to us" };
  const dialog = `an in-dialog OPTIONS to the GRUU got: ${o.inDialog.reason}`;
  if (o.initial.arrived) return { routing: "initial-only", reason: `${dialog}; an initial OPTIONS to it came back to us` };
  return { routing: "none", reason: `${dialog}; an initial OPTIONS to it got: ${o.initial.reason}` };
}

/** Where the state reads the registration's current values. */
export type GruuSource = {
  gruu(): string | undefined;
  tempGruu(): string | undefined;
  /** The Contact URI we REGISTER (with its transport). */
  registeredContact(): string;
  /** The registered contact without our AoR's user part (protocol.md D2's fallback). */
  anonymousFallback(): string;
};

export class GruuRoutingState {
  private current: GruuRouting = "unknown";
  /** The GRUU `current` is about (probed, or being probed). */
  private subject: string | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly source: GruuSource,
    private readonly probe: (gruu: string) => Promise<GruuProbeOutcome>,
    private readonly log: Logger,
  ) {}

  /** What the probe of `gruu` (default: the registration's pub-gruu now) found. */
  routing(gruu = this.source.gruu()): GruuRouting {
    return gruu !== undefined && gruu === this.subject ? this.current : "unknown";
  }

  /**
   * After each successful registration. A GRUU not probed yet is probed once (refreshes with the same GRUU
   * cost nothing); resolves when the routing of `gruu` is known.
   */
  registered(gruu: string | undefined): Promise<void> {
    if (gruu === undefined) return Promise.resolve();
    if (gruu === this.subject) return this.pending ?? Promise.resolve();
    this.subject = gruu;
    this.current = "unknown";
    const run: Promise<void> = this.probe(gruu)
      .then((outcome) => this.settle(gruu, classifyGruuRouting(outcome)))
      .catch((err: unknown) => this.settle(gruu, { routing: "none", reason: `the probe failed: ${String(err)}` }))
      .finally(() => {
        if (this.pending === run) this.pending = undefined;
      });
    this.pending = run;
    return run;
  }

  private settle(gruu: string, { routing, reason }: { routing: GruuRouting; reason: string }): void {
    if (this.subject !== gruu) return;
    this.current = routing;
    this.log.info(`GRUU routing: ${routing} (${reason})`, { gruu, routing, reason });
  }

  /** The URI our dialogs carry as Contact: the pub-gruu only when it routes in-dialog, else the registered contact. */
  dialogContact(gruu = this.source.gruu()): string {
    return gruu !== undefined && this.routing(gruu) === "in-dialog" ? gruu : this.source.registeredContact();
  }

  /**
   * protocol.md D2: the Contact of calls with Privacy: id. The temp-gruu is resolved by the same registrar
   * lookup as the pub-gruu, so the pub-gruu's probe speaks for it (a registrar may hand out a new temp-gruu
   * with every refresh, RFC 5627 §3.2: probing each would cost a round per refresh); otherwise the
   * registered contact without our user part.
   */
  anonymousContact(): string {
    const temp = this.source.tempGruu();
    return temp !== undefined && this.routing() === "in-dialog" ? temp : this.source.anonymousFallback();
  }

  /** The GRUU we may advertise (reach, Call-Info, presence): only one that new requests reach us through. */
  published(gruu = this.source.gruu()): string | undefined {
    const r = this.routing(gruu);
    return r === "in-dialog" || r === "initial-only" ? gruu : undefined;
  }

  /** A registration's info as the UA reports it: our dialog Contact, and GRUUs only when they route. */
  publicInfo(i: RegisteredInfo): RegisteredInfo {
    const out: RegisteredInfo = { contact: this.dialogContact(i.gruu), expires: i.expires };
    const gruu = this.published(i.gruu);
    if (gruu) out.gruu = gruu;
    if (i.tempGruu && this.routing(i.gruu) === "in-dialog") out.tempGruu = i.tempGruu;
    return out;
  }
}
