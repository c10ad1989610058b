// docs/api.md "For the web app": our own presence (RFC 6121 §4.7), contact
// rename and removal (RFC 6121 §2.4, §2.5), subscription requests approved or
// denied (§3.1.3, kept across restarts), declining a call (RFC 3261 §21.6.2:
// 603 Decline) and a call's RTP statistics (RFC 3550 §6.4).
import { ApiError } from "../api/errors.js";
import type { ApiEvent } from "../api/event-stream.js";
import type { Router } from "../api/router.js";
import type { CallMediaBook } from "./call-media-book.js";
import { findCall, objectBody, requireJid, stringField, type RouteDeps } from "./deps.js";
import { parsePresenceChoice, type OwnPresence } from "./own-presence.js";
import { addLinkRoutes } from "./routes-links.js";
import type { PendingSubscriptions } from "./pending-subscriptions.js";
import { rosterContactView } from "./routes-read.js";
import { callView } from "./views.js";

export type UiParts = {
  presence: OwnPresence;
  subscriptions: PendingSubscriptions;
  media: CallMediaBook;
  publish: (event: ApiEvent) => void;
};

const MAX_NAME_CHARS = 256;

function rosterItem(deps: RouteDeps, jid: string) {
  return deps.client.xmpp.roster().find((i) => i.jid === jid);
}

/** RFC 6121 §2.4: a roster set replaces the item, so its groups go along unchanged. */
async function renameContact(deps: RouteDeps, ui: UiParts, jid: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const name = stringField(body, "name", true).trim();
  if (name.length > MAX_NAME_CHARS) throw new ApiError("bad-request", `name: at most ${MAX_NAME_CHARS} characters`);
  const item = rosterItem(deps, jid);
  const stored = deps.store.findContactByAddress({ kind: "jid", value: jid });
  if (!item && !stored) throw new ApiError("not-found", `no contact with the JID "${jid}"`);
  if (item) await deps.client.xmpp.rosterAdd({ jid, name, groups: item.groups });
  const contact = stored ?? deps.store.upsertContact({ kind: "jid", value: jid }, { at: Date.now() });
  deps.store.renameContact(contact.id, name);
  const now = rosterItem(deps, jid) ?? item;
  const view = now ? rosterContactView(deps, { ...now, name }).view : rosterContactView(deps, { jid, name, subscription: "none", groups: [] }).view;
  // A roster item's change is announced by its roster push (ui-events.ts); a stored-only contact's here.
  if (!item) ui.publish({ type: "contact", jid, contact: view });
  return { contact: view };
}

/** RFC 6121 §2.5.2: removing the item makes the server cancel both subscriptions. */
async function removeContact(deps: RouteDeps, ui: UiParts, jid: string): Promise<Record<string, unknown>> {
  if (!rosterItem(deps, jid)) throw new ApiError("not-found", `"${jid}" is not in the roster`);
  await deps.client.xmpp.rosterRemove(jid);
  if (ui.subscriptions.delete(jid)) await deps.client.xmpp.deny(jid);
  return { removed: true };
}

function subscriptionRoutes(router: Router, deps: RouteDeps, ui: UiParts): void {
  const pending = (raw: string) => {
    const jid = requireJid(raw, "jid");
    if (!ui.subscriptions.has(jid)) throw new ApiError("not-found", `no subscription request from "${jid}" is waiting (see GET /subscriptions)`);
    return jid;
  };
  router
    .add("GET", "/subscriptions", () => ({ requests: ui.subscriptions.requests() }))
    .add("POST", "/subscriptions/:jid/approve", async ({ params }) => {
      const jid = pending(params.jid!);
      await deps.client.xmpp.approve(jid);
      ui.subscriptions.delete(jid);
      return { approved: true };
    })
    .add("POST", "/subscriptions/:jid/deny", async ({ params }) => {
      const jid = pending(params.jid!);
      await deps.client.xmpp.deny(jid);
      ui.subscriptions.delete(jid);
      return { denied: true };
    });
}

function callRoutes(router: Router, deps: RouteDeps, ui: UiParts): void {
  router
    .add("POST", "/calls/:id/reject", ({ params }) => {
      const call = findCall(deps, params.id!);
      if (call.direction !== "incoming" || (call.state !== "incoming" && call.state !== "ringing")) {
        throw new ApiError("conflict", `only a ringing incoming call can be declined (this one is ${call.direction}, ${call.state}); use hangup`);
      }
      call.reject(603);
      return { call: callView(call, deps.recordings) };
    })
    .add("GET", "/calls/:id/stats", ({ params }) => {
      const call = findCall(deps, params.id!);
      return { stats: ui.media.statsOf(call.id) };
    });
}

export function addUiRoutes(router: Router, deps: RouteDeps, ui: UiParts): void {
  router
    .add("PUT", "/presence", async ({ json }) => {
      const presence = await ui.presence.set(deps.client, parsePresenceChoice(objectBody(json())));
      ui.publish({ type: "presence", ...presence });
      return { presence };
    })
    .add("PATCH", "/contacts/:jid", ({ params, json }) => renameContact(deps, ui, requireJid(params.jid!, "jid"), objectBody(json())))
    .add("DELETE", "/contacts/:jid", ({ params }) => removeContact(deps, ui, requireJid(params.jid!, "jid")));
  subscriptionRoutes(router, deps, ui);
  callRoutes(router, deps, ui);
  addLinkRoutes(router, deps, ui.publish);
}
