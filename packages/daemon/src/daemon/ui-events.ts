// docs/api.md "Events" for the web app: `contact` on every roster change
// (RFC 6121 §2.1.6 roster pushes: a set carries the contact as it is now, a
// remove says so).
import type { ApiEvent } from "../api/event-stream.js";
import type { RouteDeps } from "./deps.js";
import { publishPeerPresence } from "./peer-presence.js";
import { rosterContactView } from "./routes-read.js";

export function publishUiEvents(deps: RouteDeps, publish: (event: ApiEvent) => void): () => void {
  const offRoster = deps.client.xmpp.on("rosterChange", (change) => {
    if (change.kind === "remove") publish({ type: "contact", jid: change.jid, removed: true });
    else publish({ type: "contact", jid: change.item.jid, contact: rosterContactView(deps, change.item).view });
  });
  const offPresence = publishPeerPresence(deps, publish);
  return () => {
    offRoster();
    offPresence();
  };
}
