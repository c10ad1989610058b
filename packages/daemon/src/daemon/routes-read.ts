// docs/api.md "Reading": status, contacts, conversations, history (paged
// with an opaque cursor), search across all timelines, calls.
import type { Contact, Message } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import { accountView } from "./account-view.js";
import type { Router } from "../api/router.js";
import { isSipAddress, requireJid, type RouteDeps } from "./deps.js";
import { decodeCursor, encodeCursor } from "./history-cursor.js";
import { peerPresence } from "./peer-presence.js";
import type { PresenceChoice } from "./own-presence.js";
import { callView, contactView, messageView, timelineView, unreadOf, type ContactView } from "./views.js";

/** What /status adds for the web app: our chosen presence and who we are. */
export type ReadExtras = { presence: () => PresenceChoice; self: { jid: string; aor: string } };

export function status(deps: RouteDeps, extras?: ReadExtras): Record<string, unknown> {
  const { sip, xmpp } = deps.client;
  return {
    // D34: each account's state, problem { key, message } and retryAt beside the protocol states.
    sip: { registration: sip.registrationState, gruu: sip.gruu ?? null, contact: sip.contact, account: accountView("sip", deps.client.accounts.status("sip")) },
    xmpp: { state: xmpp.state, jid: xmpp.state === "online" ? xmpp.jid : null, account: accountView("xmpp", deps.client.accounts.status("xmpp")) },
    calls: sip.calls.length,
    ...(extras ? { presence: extras.presence(), self: extras.self } : {}),
  };
}

type RosterEntry = ReturnType<RouteDeps["client"]["xmpp"]["roster"]>[number];

/** One roster item as a contact view (with the store's contact when there is one). */
export function rosterContactView(deps: RouteDeps, item: RosterEntry): { view: ContactView; contact?: Contact } {
  const c = deps.store.findContactByAddress({ kind: "jid", value: item.jid });
  const view = {
    ...contactView(c, {
      jid: item.jid, links: deps.client.links(item.jid), subscription: item.subscription,
      ...(item.name ? { name: item.name } : {}), sipStateOf: (jid) => deps.client.sipStateOf(jid),
    }),
    presence: peerPresence(deps.client.xmpp, item.jid),
    unread: c ? unreadOf(deps.store, c.id) : 0,
  };
  return c ? { view, contact: c } : { view };
}

export function contacts(deps: RouteDeps): ContactView[] {
  const { client, store } = deps;
  const seen = new Set<number>();
  const out: ContactView[] = [];
  for (const item of client.xmpp.roster()) {
    const { view, contact } = rosterContactView(deps, item);
    if (contact) seen.add(contact.id);
    out.push(view);
  }
  for (const c of store.listContacts()) {
    if (seen.has(c.id)) continue;
    out.push({ ...contactView(c, { links: store.linksOf(c.id), sipStateOf: (jid) => client.sipStateOf(jid) }), unread: unreadOf(store, c.id) });
  }
  return out;
}

export function contactOf(deps: RouteDeps, address: string | null, field = "contact"): Contact {
  if (!address) throw new ApiError("bad-request", `${field}: give a JID or SIP address, e.g. ?${field}=bob@example.com`);
  const kind = isSipAddress(address) ? (address.toLowerCase().startsWith("tel:") ? "tel" : "sip") : "jid";
  if (kind === "jid") requireJid(address, field);
  let found: Contact | undefined;
  try {
    found = deps.store.findContactByAddress({ kind, value: address });
  } catch {
    throw new ApiError("bad-request", `${field}: not a usable address: "${address}"`);
  }
  if (!found) throw new ApiError("not-found", `no contact with the address "${address}"`);
  return found;
}

function limitOf(query: URLSearchParams, fallback: number): number {
  const limit = Number(query.get("limit") ?? fallback);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new ApiError("bad-request", "limit: expected 1-10000");
  return limit;
}

/** Messages matching `words`, newest first: one contact's (searched per conversation) or everyone's. */
function searchMessages(deps: RouteDeps, words: string, limit: number, contact?: Contact): Message[] {
  if (!contact) return deps.store.search(words, { limit });
  // Per conversation, so that other contacts' messages do not use up the limit.
  return deps.store
    .conversationsWith(contact.id)
    .flatMap((c) => deps.store.search(words, { limit, conversationId: c.id }))
    .sort((a, b) => b.at - a.at || b.id - a.id)
    .slice(0, limit);
}

function history(deps: RouteDeps, query: URLSearchParams): Record<string, unknown> {
  const contact = contactOf(deps, query.get("contact"));
  const limit = limitOf(query, 200);
  const before = query.get("before");
  // One more than asked: whether there is a page before this one.
  const page = deps.store.timeline(contact.id, { limit: limit + 1, ...(before !== null ? { before: decodeCursor(before) } : {}) });
  const more = page.length > limit;
  const items = more ? page.slice(1) : page;
  const next = more && items[0] ? encodeCursor(items[0]) : null;
  const out = { contact: contact.id, items: items.map(timelineView), next };
  const words = query.get("search");
  if (words === null) return out;
  return { ...out, matches: searchMessages(deps, words, limit, contact).map(messageView) };
}

function search(deps: RouteDeps, query: URLSearchParams): Record<string, unknown> {
  const words = query.get("q");
  if (!words || words.trim() === "") throw new ApiError("bad-request", "q: give the words to search for, e.g. ?q=lunch");
  const who = query.get("contact");
  const contact = who === null ? undefined : contactOf(deps, who);
  const contactIds = new Map<number, number | undefined>();
  const contactIdOf = (conversationId: number) => {
    if (!contactIds.has(conversationId)) contactIds.set(conversationId, deps.store.getConversation(conversationId)?.peerContactId);
    return contactIds.get(conversationId);
  };
  const matches = searchMessages(deps, words, limitOf(query, 50), contact).map((m) => ({ ...messageView(m), contactId: contactIdOf(m.conversationId) ?? null }));
  return { matches };
}

export function addReadRoutes(router: Router, deps: RouteDeps, extras?: ReadExtras): void {
  router
    .add("GET", "/status", () => status(deps, extras))
    .add("GET", "/contacts", () => ({ contacts: contacts(deps), subscriptionRequests: [...deps.pendingSubscriptions] }))
    .add("GET", "/conversations", ({ query }) => {
      const contact = contactOf(deps, query.get("with"), "with");
      return { conversations: deps.store.conversationsWith(contact.id).map((c) => ({ ...c, unread: deps.store.unreadCount(c.id) })) };
    })
    .add("GET", "/history", ({ query }) => history(deps, query))
    .add("GET", "/search", ({ query }) => search(deps, query))
    .add("GET", "/calls", () => ({ calls: deps.client.sip.calls.map((c) => callView(c, deps.recordings)) }));
}
