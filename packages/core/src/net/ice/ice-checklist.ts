// RFC 8445 §6.1.2 (forming the check list: pairing by component and address
// family, §6.1.2.4 srflx replaced by its base and redundant pairs pruned,
// §6.1.2.3 priorities, §6.1.2.5 a limit of 100 pairs), §6.1.2.6 pair states.
//
//   waiting ──(check sent)──> in-progress ──(success)──> succeeded
//      ^                           └──(timeout/error)──> failed
//      └── a triggered check (§7.3.1.4) puts a pair back to waiting
import type { StunPeer } from "../stun/stun-transaction.js";
import type { LocalCandidate } from "./ice-gather.js";
import { pairPriority, type IceCandidate } from "./ice-types.js";

export type PairState = "waiting" | "in-progress" | "succeeded" | "failed";

export type CandidatePair = {
  readonly id: string;
  readonly local: LocalCandidate;
  readonly remote: IceCandidate;
  priority: bigint;
  state: PairState;
  /** We sent USE-CANDIDATE on it (controlling). */
  nominating: boolean;
  /** The peer sent USE-CANDIDATE on it (we are controlled). */
  remoteNominated: boolean;
};

export const MAX_PAIRS = 100;

const family = (address: string): number => (address.includes(":") ? 6 : 4);

export const remoteOf = (p: CandidatePair): StunPeer => ({ address: p.remote.address, port: p.remote.port });

export function prioritise(p: CandidatePair, controlling: boolean): void {
  const l = p.local.candidate.priority;
  const r = p.remote.priority;
  p.priority = controlling ? pairPriority(l, r) : pairPriority(r, l);
}

export function makePair(local: LocalCandidate, remote: IceCandidate, controlling: boolean): CandidatePair {
  const p: CandidatePair = { id: `${local.base.kind}:${local.candidate.address}:${local.candidate.port}>${remote.address}:${remote.port}/${remote.component}`, local, remote, priority: 0n, state: "waiting", nominating: false, remoteNominated: false };
  prioritise(p, controlling);
  return p;
}

/** Highest priority first. */
export const byPriority = (a: CandidatePair, b: CandidatePair): number => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0);

/** §6.1.2.2-§6.1.2.5: the pairs of our candidates with the peer's. */
export function formPairs(locals: LocalCandidate[], remotes: IceCandidate[], controlling: boolean): CandidatePair[] {
  // §6.1.2.4: a server-reflexive candidate is replaced by its base (the host candidate pairs already).
  const own = locals.filter((l) => l.candidate.type !== "srflx");
  const pairs = own.flatMap((l) =>
    remotes.filter((r) => r.component === l.candidate.component && family(r.address) === family(l.candidate.address)).map((r) => makePair(l, r, controlling)),
  );
  const unique = new Map<string, CandidatePair>();
  for (const p of pairs.sort(byPriority)) if (!unique.has(p.id)) unique.set(p.id, p);
  return [...unique.values()].slice(0, MAX_PAIRS);
}
