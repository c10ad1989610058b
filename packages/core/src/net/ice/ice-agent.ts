// RFC 8445 full ICE for one media stream of one or two components (RTP,
// RTCP): §6.1.4 paced checks (Ta), §7.2 sending checks and their answers,
// §7.3 answering the peer's checks (triggered checks, peer-reflexive remote
// candidates, §7.3.1.1 role conflicts), §8.1 regular nomination when
// controlling, §8.2 following the peer's nomination when controlled, and
// RFC 7675 consent on each selected pair. DECISION(protocol.md D35).
//
//   new ──start()──> checking ──(component 1 selected)──> connected
//                        └──(every pair failed / no pair in time)──> failed
//   connected ──(consent lapsed)──> failed;   any ──close()──> closed
import { randomBytes } from "node:crypto";
import type { TimerHandle } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import { errorCode } from "../stun/stun-attributes.js";
import { shortTermKey } from "../stun/stun-integrity.js";
import { verifyIntegrity, type ParsedStun } from "../stun/stun-message.js";
import type { StunPeer } from "../stun/stun-transaction.js";
import type { IceBase } from "./ice-base.js";
import { byPriority, formPairs, makePair, prioritise, remoteOf, type CandidatePair } from "./ice-checklist.js";
import { Consent } from "./ice-consent.js";
import type { LocalCandidate } from "./ice-gather.js";
import { checkError, checkRequest, checkSuccess, keepsRole, readCheck, type Role } from "./ice-stun.js";
import { candidatePriority, newIceParameters, sameAddress, type IceAgentOptions, type IceCandidate, type IceEvents, type IceParameters, type IceState, type RemoteIce } from "./ice-types.js";

export type { IceAgentOptions, IceEvents, IceState } from "./ice-types.js";

type EarlyCheck = { base: IceBase; from: StunPeer; priority: number; useCandidate: boolean };

export class IceAgent {
  readonly events = new Emitter<IceEvents>();
  readonly local: IceParameters = newIceParameters();
  state: IceState = "new";
  private remote: RemoteIce | undefined;
  private role: Role = { controlling: false, tieBreaker: randomBytes(8).readBigUInt64BE(0) };
  private pairs: CandidatePair[] = [];
  private triggered: CandidatePair[] = [];
  private early: EarlyCheck[] = [];
  private readonly selected = new Map<number, { pair: CandidatePair; consent: Consent }>();
  private readonly nominateTimers = new Map<number, TimerHandle>();
  private timers: { pace?: TimerHandle; fail?: TimerHandle } = {};
  private readonly offs: (() => void)[] = [];

  constructor(
    readonly candidates: LocalCandidate[],
    private readonly o: IceAgentOptions,
  ) {
    for (const base of new Set(candidates.map((c) => c.base))) {
      this.offs.push(base.events.on("check", (e) => this.onCheck(base, e.stun, e.from)));
    }
  }

  get controlling(): boolean {
    return this.role.controlling;
  }

  /** The peer's ICE (its ufrag, pwd, candidates). A new ufrag restarts the checks (RFC 8445 §9); the same one only adds candidates. */
  start(remote: RemoteIce, controlling: boolean): void {
    if (this.state === "closed") return;
    const restart = this.remote !== undefined && this.remote.ufrag !== remote.ufrag;
    if (this.remote && !restart) return this.addRemote(remote.candidates);
    if (restart) this.reset();
    // RFC 8445 §6.1.1: facing a lite agent, the full agent controls.
    else this.role.controlling = controlling || remote.lite;
    this.remote = remote;
    this.pairs = formPairs(this.candidates, remote.candidates, this.role.controlling);
    this.setState("checking");
    for (const e of this.early.splice(0)) this.learnFromCheck(e);
    this.timers.fail = this.o.clock.setTimeout(() => !this.selected.has(this.firstComponent) && this.state === "checking" && this.fail(), this.o.failAfterMs ?? 30_000);
    this.pace();
  }

  private addRemote(candidates: IceCandidate[]): void {
    const fresh = candidates.filter((c) => !this.remote?.candidates.some((r) => sameAddress(r, c) && r.component === c.component));
    if (fresh.length === 0 || !this.remote) return;
    this.remote.candidates.push(...fresh);
    const known = new Set(this.pairs.map((p) => p.id));
    this.pairs.push(...formPairs(this.candidates, fresh, this.role.controlling).filter((p) => !known.has(p.id)));
    this.pairs.sort(byPriority);
    this.pace();
  }

  private reset(): void {
    for (const s of this.selected.values()) s.consent.stop();
    this.selected.clear();
    this.nominateTimers.forEach((t) => this.o.clock.clearTimeout(t));
    this.nominateTimers.clear();
    this.o.clock.clearTimeout(this.timers.fail);
    this.triggered = [];
  }

  private setState(state: IceState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.emit("state", state);
  }

  /** §6.1.4.2: one check per Ta, triggered checks first, then the best waiting pair. */
  private pace(): void {
    if (this.timers.pace || this.state === "closed" || this.state === "failed") return;
    const next = this.triggered.shift() ?? this.pairs.find((p) => p.state === "waiting");
    if (!next) return;
    void this.check(next);
    this.timers.pace = this.o.clock.setTimeout(() => {
      this.timers.pace = undefined;
      this.pace();
    }, this.o.taMs ?? 50);
  }

  /** The PRIORITY a check carries: that of a peer-reflexive candidate on this base (§7.1.1). */
  private checkPriority(p: CandidatePair): number {
    return candidatePriority(p.local.base.kind === "relay" ? "relay" : "prflx", p.local.candidate.component);
  }

  private async ask(p: CandidatePair, useCandidate: boolean): Promise<ParsedStun | undefined> {
    const remote = this.remote;
    if (!remote) return undefined;
    const base = p.local.base;
    const { message, options } = checkRequest(this.local, remote, this.role, this.checkPriority(p), useCandidate);
    const key = shortTermKey(remote.pwd);
    // §7.2.5.2: a success must be authenticated with the peer's password; 400/401 carry none.
    const accept = (r: ParsedStun) => r.message.cls === "error" || verifyIntegrity(r, key);
    try {
      await base.permit([remoteOf(p)]);
      return await base.transactions.request(message, remoteOf(p), { ...options, accept });
    } catch (err) {
      this.o.log.debug("ICE check got no answer", { pair: p.id, error: String(err) });
      return undefined;
    }
  }

  private async check(p: CandidatePair, useCandidate = p.nominating): Promise<void> {
    p.state = "in-progress";
    const r = await this.ask(p, useCandidate);
    if (this.state === "closed" || !this.pairs.includes(p)) return;
    const code = r?.message.cls === "error" ? errorCode(r.message)?.code : undefined;
    if (r?.message.cls === "success") p.state = "succeeded";
    else if (code === 487) return this.roleConflict(p);
    else p.state = "failed";
    if (p.state === "succeeded") this.onValid(p);
    else this.o.log.debug("ICE pair failed", { pair: p.id, ...(code && { code }) });
    this.failIfNothingLeft();
  }

  /** §7.2.5.1: the peer says we have the wrong role: switch, and check the pair again. */
  private roleConflict(p: CandidatePair): void {
    this.role.controlling = !this.role.controlling;
    this.pairs.forEach((x) => prioritise(x, this.role.controlling));
    this.pairs.sort(byPriority);
    p.state = "waiting";
    this.triggered.push(p);
    this.pace();
  }

  private onValid(p: CandidatePair): void {
    const c = p.local.candidate.component;
    if (this.selected.has(c)) return;
    if (p.nominating || (!this.role.controlling && p.remoteNominated)) return this.select(p);
    if (this.role.controlling && !this.nominateTimers.has(c)) this.nominateTimers.set(c, this.o.clock.setTimeout(() => this.nominate(c), this.o.nominateAfterMs ?? 500));
  }

  /** §8.1.1: regular nomination: the best valid pair of the component, checked again with USE-CANDIDATE. */
  private nominate(component: number): void {
    if (this.selected.has(component) || !this.role.controlling) return;
    const best = this.pairs.filter((p) => p.state === "succeeded" && p.local.candidate.component === component).sort(byPriority)[0];
    if (!best) return;
    best.nominating = true;
    best.state = "waiting";
    this.triggered.unshift(best);
    this.pace();
  }

  private select(p: CandidatePair): void {
    const c = p.local.candidate.component;
    const consent = new Consent(this.o.clock, async () => (await this.ask(p, false))?.message.cls === "success", () => this.consentLost(c), this.o.consent);
    this.selected.set(c, { pair: p, consent });
    this.o.log.info("ICE pair selected", { component: c, local: p.local.candidate.type, remote: p.remote.type, pair: p.id });
    void p.local.base.channel(remoteOf(p)).catch((err: unknown) => this.o.log.debug("TURN channel not bound; Send indications carry the media", { error: String(err) }));
    this.events.emit("selected", { component: c, pair: p });
    if (c === this.firstComponent) {
      this.o.clock.clearTimeout(this.timers.fail);
      this.setState("connected");
    }
  }

  private get firstComponent(): number {
    return this.o.components?.[0] ?? 1;
  }

  private consentLost(component: number): void {
    this.o.log.warn("ICE consent lost (RFC 7675: 30 s without an answer); media stops", { component });
    if (component !== this.firstComponent) return;
    this.setState("failed");
    this.events.emit("failed", { reason: "consent-lost" });
  }

  private failIfNothingLeft(): void {
    const first = this.firstComponent;
    const open = this.pairs.some((p) => p.local.candidate.component === first && p.state !== "failed");
    if (!open && !this.selected.has(first) && this.state === "checking") this.fail();
  }

  private fail(): boolean {
    this.o.log.warn("ICE failed: no candidate pair works", { pairs: this.pairs.length, remoteCandidates: this.remote?.candidates.length ?? 0 });
    this.setState("failed");
    this.events.emit("failed", { reason: "no-pair" });
    return true;
  }

  /** §7.3: answer the peer's check (also before we know its ICE: its answer may still be on its way). */
  private onCheck(base: IceBase, stun: ParsedStun, from: StunPeer): void {
    if (this.state === "closed") return;
    const c = readCheck(stun, this.local);
    if (!c.ok) {
      this.o.log.debug("ICE check refused", { from: `${from.address}:${from.port}`, code: c.code, reason: c.reason });
      return base.send(checkError(stun, c.code, c.reason), from);
    }
    if (c.peerControlling !== undefined && c.peerControlling === this.role.controlling && this.conflict(c.peerTieBreaker)) return base.send(checkError(stun, 487, "Role Conflict", this.local), from);
    base.send(checkSuccess(stun, from, this.local), from);
    const early = { base, from, priority: c.priority, useCandidate: c.useCandidate };
    if (!this.remote) return void this.early.push(early);
    this.learnFromCheck(early);
  }

  /** §7.3.1.1: true when we keep our role (and answer 487), false when we switched. */
  private conflict(peerTieBreaker: bigint): boolean {
    if (keepsRole(this.role, peerTieBreaker)) return true;
    this.role.controlling = !this.role.controlling;
    this.pairs.forEach((x) => prioritise(x, this.role.controlling));
    return false;
  }

  /** §7.3.1.3-§7.3.1.5: a peer-reflexive remote candidate if new, a triggered check, and the peer's nomination. */
  private learnFromCheck(e: EarlyCheck): void {
    const remote = this.remote;
    if (!remote || this.state === "closed") return;
    const component = e.base.component;
    let r = remote.candidates.find((x) => x.component === component && sameAddress(x, e.from));
    if (!r) {
      r = { foundation: `prflx${remote.candidates.length}`, component, transport: "udp", priority: e.priority, address: e.from.address, port: e.from.port, type: "prflx" };
      remote.candidates.push(r);
    }
    const local = this.candidates.find((l) => l.base === e.base && l.candidate.type !== "srflx");
    if (!local) return;
    let p = this.pairs.find((x) => x.local === local && x.remote === r);
    if (!p) {
      p = makePair(local, r, this.role.controlling);
      this.pairs.push(p);
      this.pairs.sort(byPriority);
    }
    if (e.useCandidate && !this.role.controlling) p.remoteNominated = true;
    if (p.state === "succeeded") return this.onValid(p);
    if (p.state !== "in-progress") {
      p.state = "waiting";
      if (!this.triggered.includes(p)) this.triggered.push(p);
      this.pace();
    }
  }

  /** The pair media uses now: the selected one, else (§12.1) the best valid one. */
  pairFor(component: number): CandidatePair | undefined {
    const s = this.selected.get(component);
    if (s) return s.consent.fresh ? s.pair : undefined;
    if (this.state !== "checking") return undefined;
    return this.pairs.filter((p) => p.state === "succeeded" && p.local.candidate.component === component).sort(byPriority)[0];
  }

  /** Sends on the component's pair; false when there is none (yet, or consent is gone). */
  send(component: number, bytes: Uint8Array): boolean {
    const p = this.pairFor(component);
    if (!p) return false;
    p.local.base.send(bytes, remoteOf(p));
    return true;
  }

  close(): void {
    if (this.state === "closed") return;
    this.reset();
    this.o.clock.clearTimeout(this.timers.pace);
    this.offs.forEach((off) => off());
    this.setState("closed");
  }
}
