// The page's link to the daemon (GET /events and GET /session):
//
//   connecting --open--> online --error--> reconnecting --open--> online
//        |                  |                 |   ^ (back-off, doubling to 30 s)
//        +------401---------+------401--------+---+--> signed-out
//
// signed-out ends only with a new login link (`cusax open`), i.e. a reload.
export type ConnState = "connecting" | "online" | "reconnecting" | "signed-out";

export type Connection = { state: ConnState; attempt: number };

const MOVES: Record<ConnState, readonly ConnState[]> = {
  connecting: ["online", "reconnecting", "signed-out"],
  online: ["reconnecting", "signed-out"],
  reconnecting: ["online", "reconnecting", "signed-out"],
  "signed-out": [],
};

export const initialConnection: Connection = { state: "connecting", attempt: 0 };

/** The move to `to`; an impossible move keeps the state (and reports false). */
export function move(c: Connection, to: ConnState): { next: Connection; ok: boolean } {
  if (!MOVES[c.state].includes(to)) return { next: c, ok: false };
  if (to === "reconnecting") return { next: { state: to, attempt: c.attempt + 1 }, ok: true };
  return { next: { state: to, attempt: 0 }, ok: true };
}

export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/** Delay before reconnection attempt `attempt` (1, 2, ...): doubling, capped, with up to 20% jitter from `random`. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.2 * random()));
}

export function connectionBanner(c: Connection): string | undefined {
  if (c.state === "reconnecting") return "Offline — reconnecting…";
  if (c.state === "connecting") return "Connecting…";
  return undefined;
}
