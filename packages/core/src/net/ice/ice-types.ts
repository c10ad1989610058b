// RFC 8445 §5.1.1 (candidate types), §5.1.2 (priorities), §5.1.1.3
// (foundations), §6.1.2.3 (pair priority), §5.3 (ufrag/pwd), RFC 8839 §5.4
// (ice-char). Plain data: no sockets here.
import { randomBytes } from "node:crypto";
import type { Clock } from "../../util/clock.js";
import type { Logger } from "../../util/log.js";
import type { CandidatePair } from "./ice-checklist.js";
import type { ConsentOptions } from "./ice-consent.js";

export type CandidateType = "host" | "srflx" | "prflx" | "relay";

export type IceCandidate = {
  foundation: string;
  /** 1 = RTP, 2 = RTCP (RFC 8445 §4, component IDs). */
  component: number;
  transport: "udp";
  priority: number;
  address: string;
  port: number;
  type: CandidateType;
  relatedAddress?: string;
  relatedPort?: number;
};

export type IceParameters = { ufrag: string; pwd: string };

/** What the peer's SDP says about ICE for one m-line. */
export type RemoteIce = IceParameters & { candidates: IceCandidate[]; lite: boolean };

/** DECISION(protocol.md D35): type preferences of RFC 8445 §5.1.2.2, host first, relayed last. */
export const TYPE_PREFERENCE: Record<CandidateType, number> = { host: 126, prflx: 110, srflx: 100, relay: 0 };

/** §5.1.2.1: (2^24)*type preference + (2^8)*local preference + (256 - component ID). */
export function candidatePriority(type: CandidateType, component: number, localPreference = 65535): number {
  return TYPE_PREFERENCE[type] * 2 ** 24 + localPreference * 2 ** 8 + (256 - component);
}

/** §6.1.2.3: 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0); G is the controlling agent's priority. */
export function pairPriority(controlling: number, controlled: number): bigint {
  const g = BigInt(controlling);
  const d = BigInt(controlled);
  const [min, max] = g < d ? [g, d] : [d, g];
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}

/** §5.1.1.3: same type, same base address, same server: same foundation. */
export function foundationOf(type: CandidateType, baseAddress: string, server = ""): string {
  let h = 0;
  for (const c of `${type}|${baseAddress}|${server}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return String(h % 1_000_000_000);
}

const ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function iceString(length: number): string {
  return [...randomBytes(length)].map((b) => ICE_CHARS[b % 64]).join("");
}

/** §5.3: ufrag of at least 24 bits and pwd of at least 128 bits of randomness (RFC 8839 §5.4: 4-256 and 22-256 ice-chars). */
export function newIceParameters(): IceParameters {
  return { ufrag: iceString(8), pwd: iceString(24) };
}

export const sameAddress = (a: { address: string; port: number }, b: { address: string; port: number }): boolean => a.address === b.address && a.port === b.port;

// The agent's (ice-agent.ts) state, events and options.
export type IceState = "new" | "checking" | "connected" | "failed" | "closed";

export type IceEvents = {
  state: IceState;
  selected: { component: number; pair: CandidatePair };
  failed: { reason: "no-pair" | "consent-lost" };
};

export type IceAgentOptions = {
  clock: Clock;
  log: Logger;
  /** §14.2 pacing: one check every Ta (default 50 ms). */
  taMs?: number;
  /** Controlling: how long after a first valid pair other checks may still find a better one before we nominate (default 500 ms). */
  nominateAfterMs?: number;
  /** No selected pair this long after start(): failed (default 30 s). */
  failAfterMs?: number;
  consent?: ConsentOptions;
  /** Components of the stream (default [1, 2]). */
  components?: number[];
};

