// docs/api.md calls: the calls in progress as the window shows them: the
// incoming banner, the in-call bar (state, hold, timer), tied to the contact
// and conversation they belong to (protocol.md §5), and the peer's DTMF digits.
import type { CallState, CallStats, CallView } from "../api/types.js";

export type CallEntry = {
  call: CallView;
  conversationId?: number;
  contactKey?: string;
  /** When we first saw it (client clock). */
  since: number;
  /** When it became established (client clock), for the timer. */
  establishedAt?: number;
  /** Digits the peer sent (`dtmf` events). */
  dtmfIn: string;
  stats?: CallStats;
};

export type Calls = Readonly<Record<string, CallEntry>>;

const GONE: readonly CallState[] = ["ended"];

export function upsertCall(calls: Calls, call: CallView, now: number, tie: { conversationId?: number; contactKey?: string } = {}): Calls {
  const old = calls[call.id];
  if (GONE.includes(call.state)) {
    if (!old) return calls;
    const { [call.id]: _ended, ...rest } = calls;
    return rest;
  }
  const entry: CallEntry = {
    dtmfIn: "", since: now, ...old, ...definedOnly(tie), call,
    ...(call.state === "established" && !old?.establishedAt ? { establishedAt: now } : {}),
  };
  return { ...calls, [call.id]: entry };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const RANK: Record<CallState, number> = { calling: 0, incoming: 0, ringing: 1, answering: 2, established: 3, cancelling: 4, ending: 4, ended: 5 };

/**
 * A call view from an HTTP answer (POST /calls/:id/answer, ...) may be older
 * than the events that overtook it: it never moves a call back in its life.
 */
export function upsertAnswered(calls: Calls, call: CallView, now: number, tie: { conversationId?: number; contactKey?: string } = {}): Calls {
  const old = calls[call.id];
  if (!old && RANK[call.state] >= RANK.ending) return calls; // its end came first: gone already
  const view = old && RANK[old.call.state] > RANK[call.state] ? old.call : call;
  return upsertCall(calls, view, now, tie);
}

export function addDtmf(calls: Calls, callId: string, digit: string): Calls {
  const c = calls[callId];
  return c ? { ...calls, [callId]: { ...c, dtmfIn: (c.dtmfIn + digit).slice(-32) } } : calls;
}

export function setStats(calls: Calls, callId: string, stats: CallStats): Calls {
  const c = calls[callId];
  return c ? { ...calls, [callId]: { ...c, stats } } : calls;
}

/** GET /calls after a reconnect: the daemon's list is the truth; known ties and timers are kept. */
export function replaceCalls(calls: Calls, list: readonly CallView[], now: number): Calls {
  const out: Record<string, CallEntry> = {};
  for (const c of list) {
    const known = calls[c.id];
    const next = upsertCall(known ? { [c.id]: known } : {}, c, now)[c.id];
    if (next) out[c.id] = next;
  }
  return out;
}

export const isRinging = (e: CallEntry): boolean => e.call.direction === "incoming" && (e.call.state === "incoming" || e.call.state === "ringing");

export const ringingCalls = (calls: Calls): CallEntry[] => Object.values(calls).filter(isRinging);
export const activeCalls = (calls: Calls): CallEntry[] => Object.values(calls).filter((c) => !isRinging(c));

export function callPhase(e: CallEntry): string {
  const { state, hold } = e.call;
  if (state === "established") return hold.local ? "On hold" : hold.remote ? "Held by the other side" : "In call";
  if (state === "calling") return "Calling…";
  if (state === "ringing") return e.call.direction === "outgoing" ? "Ringing…" : "Incoming call";
  if (state === "answering") return "Connecting…";
  if (state === "cancelling" || state === "ending") return "Hanging up…";
  return state === "incoming" ? "Incoming call" : state;
}

/** mm:ss (h:mm:ss past an hour) since the call was established. */
export function callTimer(e: CallEntry, now: number): string {
  if (e.establishedAt === undefined) return "";
  return formatDuration(now - e.establishedAt);
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${two(Math.floor(s / 60))}:${two(s % 60)}`;
}
