// docs/api.md "Reading": status, contacts, conversations, history, calls.
import type { Contact } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { Router } from "../api/router.js";
import { isSipAddress, requireJid, type RouteDeps } from "./deps.js";
import { callView, contactView, messageView, timelineView, type ContactView } from "./views.js";

export function status(deps: RouteDeps): Record<string, unknown> {
  const { sip, xmpp } = deps.client;
  return {
    sip: { registration: sip.registrationState, gruu: sip.gruu ?? null, contact: sip.contact },
    xmpp: { state: xmpp.state, jid: xmpp.state === "online" ? xmpp.jid : null },
    calls: sip.calls.length,
  };
}

export function contacts(deps: RouteDeps): ContactView[] {
  const { client, store } = deps;
  const roster = client.xmpp.roster();
  const seen = new Set<number>();
  const sipStateOf = (jid: string) => client.sipStateOf(jid);
  const out: ContactView[] = [];
  for (const item of roster) {
    const c = store.findContactByAddress({ kind: "jid", value: item.jid });
    if (c) seen.add(c.id);
    out.push(contactView(c, { jid: item.jid, links: client.links(item.jid), subscription: item.subscription, ...(item.name ? { name: item.name } : {}), sipStateOf }));
  }
  for (const c of store.listContacts()) {
    if (seen.has(c.id)) continue;
    out.push(contactView(c, { links: store.linksOf(c.id), sipStateOf }));
  }
  return out;
}

function contactOf(deps: RouteDeps, address: string | null): Contact {
  if (!address) throw new ApiError("bad-request", "contact: give a JID or SIP address, e.g. ?contact=bob@example.com");
  const kind = isSipAddress(address) ? (address.toLowerCase().startsWith("tel:") ? "tel" : "sip") : "jid";
  if (kind === "jid") requireJid(address, "contact");
  let found: Contact | undefined;
  try {
    found = deps.store.findContactByAddress({ kind, value: address });
  } catch {
    throw new ApiError("bad-request", `contact: not a usable address: "${address}"`);
  }
  if (!found) throw new ApiError("not-found", `no contact with the address "${address}"`);
  return found;
}

function history(deps: RouteDeps, query: URLSearchParams): Record<string, unknown> {
  const contact = contactOf(deps, query.get("contact"));
  const limit = Number(query.get("limit") ?? 200);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new ApiError("bad-request", "limit: expected 1-10000");
  const items = deps.store.timeline(contact.id, { limit }).map(timelineView);
  const words = query.get("search");
  if (words === null) return { contact: contact.id, items };
  // Searched per conversation so that other contacts' messages do not use up the limit.
  const matches = deps.store
    .conversationsWith(contact.id)
    .flatMap((c) => deps.store.search(words, { limit, conversationId: c.id }))
    .sort((a, b) => b.at - a.at || b.id - a.id)
    .slice(0, limit)
    .map(messageView);
  return { contact: contact.id, items, matches };
}

export function addReadRoutes(router: Router, deps: RouteDeps): void {
  router
    .add("GET", "/status", () => status(deps))
    .add("GET", "/contacts", () => ({ contacts: contacts(deps), subscriptionRequests: [...deps.pendingSubscriptions] }))
    .add("GET", "/conversations", ({ query }) => {
      const contact = contactOf(deps, query.get("with"));
      return { conversations: deps.store.conversationsWith(contact.id) };
    })
    .add("GET", "/history", ({ query }) => history(deps, query))
    .add("GET", "/calls", () => ({ calls: deps.client.sip.calls.map((c) => callView(c, deps.recordings)) }));
}
