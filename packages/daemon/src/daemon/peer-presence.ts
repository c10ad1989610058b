// RFC 6121 §4.7.2.1 for the web app: a contact's presence as one value (the
// most available of their resources; none: offline), in contact views and as
// `presence {jid, show, status}` events when it changes. Without `jid` a
// `presence` event is our own (PUT /presence).
import type { ApiEvent } from "../api/event-stream.js";
import type { RouteDeps } from "./deps.js";

export type PeerShow = "available" | "chat" | "away" | "xa" | "dnd" | "offline";
export type PeerPresence = { show: PeerShow; status?: string };

/** The XMPP client's presence table (optional: a fake client in unit tests may have none). */
type Resources = { presencesOf?(jid: string): { show?: string; status?: string }[] };

const RANK: Record<string, number> = { chat: 0, available: 1, away: 2, xa: 3, dnd: 4 };

export function peerPresence(xmpp: Resources, bare: string): PeerPresence {
  const best = (xmpp.presencesOf?.(bare) ?? [])
    .map((r) => ({ show: (r.show ?? "available") as PeerShow, status: r.status }))
    .sort((x, y) => (RANK[x.show] ?? 9) - (RANK[y.show] ?? 9))[0];
  if (!best) return { show: "offline" };
  return best.status ? { show: best.show, status: best.status } : { show: best.show };
}

export function publishPeerPresence(deps: RouteDeps, publish: (event: ApiEvent) => void): () => void {
  const { xmpp } = deps.client;
  const last = new Map<string, string>();
  return xmpp.on("presence", ({ bare }) => {
    const own = xmpp.jid.split("/")[0];
    if (bare === own) return;
    const p = peerPresence(xmpp, bare);
    const key = JSON.stringify(p);
    if (last.get(bare) === key) return;
    last.set(bare, key);
    publish({ type: "presence", jid: bare, ...p });
  });
}
