// RFC 8445 §5.1.1 (gathering host, server-reflexive and relayed candidates),
// §5.1.3 (dropping redundant ones). A STUN or TURN server that does not
// answer, refuses, or answers garbage costs only its own candidates: the
// others go on, and the log says why.
import type { Clock } from "../../util/clock.js";
import type { Logger } from "../../util/log.js";
import { bindingRequest } from "../stun/binding.js";
import type { RetransmitOptions, StunPeer } from "../stun/stun-transaction.js";
import { TurnAllocation, type TurnAllocationOptions } from "../turn/turn-allocation.js";
import type { TurnCredentials } from "../turn/turn-auth.js";
import type { UdpDemux } from "../udp-demux.js";
import { hostBase, relayBase, type IceBase } from "./ice-base.js";
import { candidatePriority, foundationOf, type CandidateType, type IceCandidate } from "./ice-types.js";

export type TurnServer = { server: StunPeer; credentials: TurnCredentials };

/** Where candidates come from (protocol.md D29 picks the servers). */
export type IceServers = { stun: StunPeer[]; turn: TurnServer[] };

/** One component's bound socket. */
export type ComponentSocket = { component: number; demux: UdpDemux; local: StunPeer };

export type LocalCandidate = { candidate: IceCandidate; base: IceBase };

export type GatherOptions = {
  clock: Clock;
  log: Logger;
  /** How long a server may take to answer (default 5 s); then gathering goes on without it. */
  timeoutMs?: number;
  retransmit?: RetransmitOptions;
  /** Makes allocations (N2's TCP/TLS transports fit the same API); default TurnAllocation.allocate over the component's UDP socket. */
  allocate?: (o: TurnAllocationOptions) => Promise<TurnAllocation>;
};

export type Gathered = { candidates: LocalCandidate[]; allocations: TurnAllocation[] };

function candidate(type: CandidateType, component: number, at: StunPeer, base: StunPeer, server = "", related?: StunPeer): IceCandidate {
  return {
    foundation: foundationOf(type, base.address, server),
    component,
    transport: "udp",
    priority: candidatePriority(type, component),
    address: at.address,
    port: at.port,
    type,
    ...(related && { relatedAddress: related.address, relatedPort: related.port }),
  };
}

const label = (p: StunPeer): string => `${p.address}:${p.port}`;

/** An abort after `timeoutMs` on the injected clock (unit tests move it). */
async function bounded<T>(o: GatherOptions, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const timer = o.clock.setTimeout(() => abort.abort(), o.timeoutMs ?? 5000);
  try {
    return await run(abort.signal);
  } finally {
    o.clock.clearTimeout(timer);
  }
}

async function reflexive(c: ComponentSocket, server: StunPeer, host: IceBase, o: GatherOptions): Promise<LocalCandidate | undefined> {
  try {
    const mapped = await bounded(o, (signal) => bindingRequest(c.demux.transactions, server, signal));
    return { candidate: candidate("srflx", c.component, mapped, c.local, label(server), c.local), base: host };
  } catch (err) {
    o.log.warn("STUN server gave no server-reflexive candidate; going on without it", { server: label(server), component: c.component, error: String(err) });
    return undefined;
  }
}

async function relayed(c: ComponentSocket, t: TurnServer, host: IceBase, o: GatherOptions): Promise<{ list: LocalCandidate[]; allocation: TurnAllocation } | undefined> {
  try {
    const allocate = o.allocate ?? ((x: TurnAllocationOptions) => TurnAllocation.allocate(x));
    const allocation = await bounded(o, (signal) => allocate({ demux: c.demux, server: t.server, credentials: t.credentials, clock: o.clock, signal }));
    const base = relayBase(c.component, allocation, o.clock, o.retransmit);
    const mapped = allocation.mappedAddress;
    const list: LocalCandidate[] = [{ candidate: candidate("relay", c.component, allocation.relayedAddress, allocation.relayedAddress, label(t.server), mapped ?? c.local), base }];
    if (mapped) list.push({ candidate: candidate("srflx", c.component, mapped, c.local, label(t.server), c.local), base: host });
    return { list, allocation };
  } catch (err) {
    o.log.warn("TURN server gave no relayed candidate; going on without it", { server: label(t.server), component: c.component, error: String(err) });
    return undefined;
  }
}

/** §5.1.3: a candidate at the same address as another with the same base is redundant; the higher priority stays. */
function withoutRedundant(list: LocalCandidate[]): LocalCandidate[] {
  const kept: LocalCandidate[] = [];
  for (const l of [...list].sort((a, b) => b.candidate.priority - a.candidate.priority)) {
    const same = kept.some((k) => k.base === l.base && k.candidate.address === l.candidate.address && k.candidate.port === l.candidate.port);
    if (!same) kept.push(l);
  }
  return kept;
}

/** Host, then every server at once; resolves when each has answered or timed out. */
export async function gatherComponent(c: ComponentSocket, servers: IceServers, o: GatherOptions): Promise<Gathered & { host: IceBase }> {
  const host = hostBase(c.component, c.demux);
  const hostCandidate: LocalCandidate = { candidate: candidate("host", c.component, c.local, c.local), base: host };
  const [srflx, relays] = await Promise.all([
    Promise.all(servers.stun.map((s) => reflexive(c, s, host, o))),
    Promise.all(servers.turn.map((t) => relayed(c, t, host, o))),
  ]);
  const found = [hostCandidate, ...srflx.filter((x): x is LocalCandidate => x !== undefined), ...relays.flatMap((r) => r?.list ?? [])];
  return { host, candidates: withoutRedundant(found), allocations: relays.flatMap((r) => (r ? [r.allocation] : [])) };
}
