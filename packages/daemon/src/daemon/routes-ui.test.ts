import { afterEach, describe, expect, it } from "vitest";
import { createMediaHooks, SqliteStore, type CusaxClient } from "@cusax/core";
import type { ApiEvent } from "../api/event-stream.js";
import { Router, type ApiRequest } from "../api/router.js";
import { CallMediaBook } from "./call-media-book.js";
import { PlayChoice } from "./client-options.js";
import type { RouteDeps } from "./deps.js";
import { OwnPresence } from "./own-presence.js";
import { PendingSubscriptions } from "./pending-subscriptions.js";
import { addReadRoutes } from "./routes-read.js";
import { addUiRoutes } from "./routes-ui.js";

type Item = { jid: string; name?: string; subscription: string; groups: string[] };

/** A client that writes down what it was asked to do, on a real (in-memory) SQLite store. */
function world(store = new SqliteStore(":memory:")) {
  const did: string[] = [];
  const events: ApiEvent[] = [];
  const roster: Item[] = [{ jid: "bob@x", name: "Bob", subscription: "both", groups: ["friends"] }];
  const call = { id: "c1", direction: "incoming", state: "ringing", remote: "sip:bob@x", holdState: { local: false, remote: false }, reject: (s: number) => void did.push(`reject ${s}`) };
  const client = {
    sip: { registrationState: "registered", gruu: "sip:alice@x;gr=1", contact: "sip:alice@127.0.0.1", calls: [call] },
    xmpp: {
      state: "online", jid: "alice@x/r", roster: () => roster, presencesOf: () => [],
      rosterAdd: async (i: Item) => void did.push(`rosterAdd ${i.jid} ${i.name} [${i.groups.join(",")}]`),
      rosterRemove: async (j: string) => void did.push(`rosterRemove ${j}`),
      approve: async (j: string) => void did.push(`approve ${j}`),
      deny: async (j: string) => void did.push(`deny ${j}`),
    },
    accounts: { status: () => ({ state: "online" }) },
    setPresence: async (p: unknown) => void did.push(`presence ${JSON.stringify(p)}`),
    links: () => [],
    sipStateOf: () => "callable",
    unread: () => 0,
  } as unknown as CusaxClient;
  const subscriptions = new PendingSubscriptions(store, () => 1000);
  const deps: RouteDeps = { client, store, play: new PlayChoice(undefined), recordings: "/rec", pendingSubscriptions: subscriptions, placed: () => undefined };
  const presence = new OwnPresence(store);
  const router = new Router("t");
  addReadRoutes(router, deps, { presence: () => presence.get(), self: { jid: "alice@x", aor: "sip:alice@x" } });
  addUiRoutes(router, deps, { presence, subscriptions, media: new CallMediaBook(createMediaHooks()), publish: (e) => void events.push(e) });
  const send = (method: string, path: string, body?: unknown) => {
    const u = new URL(path, "http://x");
    const req: ApiRequest = {
      method, path: u.pathname, query: u.searchParams,
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: new TextEncoder().encode(body === undefined ? "" : JSON.stringify(body)),
    };
    return router.handle(req);
  };
  return { store, did, events, roster, send, subscriptions };
}

let stores: SqliteStore[] = [];
afterEach(() => {
  stores.forEach((s) => s.close());
  stores = [];
});
const make = (store?: SqliteStore) => {
  const w = world(store);
  stores.push(w.store);
  return w;
};

describe("web app routes", () => {
  it("PUT /presence sends and remembers our presence, shows it in /status, and says so in an event", async () => {
    const w = make();
    expect(await w.send("GET", "/status")).toMatchObject({ body: { presence: { show: "available", status: "" }, self: { jid: "alice@x", aor: "sip:alice@x" } } });
    expect(await w.send("PUT", "/presence", { show: "dnd", status: "writing" })).toEqual({ status: 200, body: { presence: { show: "dnd", status: "writing" } } });
    expect(await w.send("PUT", "/presence", { show: "available" })).toEqual({ status: 200, body: { presence: { show: "available", status: "" } } });
    expect(w.did).toEqual(['presence {"show":"dnd","status":"writing"}', "presence {}"]);
    expect(w.events).toEqual([{ type: "presence", show: "dnd", status: "writing" }, { type: "presence", show: "available", status: "" }]);
    expect(new OwnPresence(w.store).get()).toEqual({ show: "available", status: "" });
    for (const bad of [{ show: "chat" }, {}, { show: "away", status: 3 }, { show: "away", status: "x".repeat(2000) }]) {
      expect((await w.send("PUT", "/presence", bad)).status, JSON.stringify(bad).slice(0, 40)).toBe(400);
    }
  });

  it("renames a roster contact keeping its groups, and removes one", async () => {
    const w = make();
    const renamed = await w.send("PATCH", "/contacts/bob%40x", { name: " Robert " });
    expect(renamed).toMatchObject({ status: 200, body: { contact: { name: "Robert", jids: ["bob@x"], subscription: "both" } } });
    expect(w.store.findContactByAddress({ kind: "jid", value: "bob@x" })?.name).toBe("Robert");
    expect((await w.send("PATCH", "/contacts/carol%40x", { name: "C" })).status).toBe(404);
    expect((await w.send("PATCH", "/contacts/bob%40x", { name: "" })).status).toBe(400);
    expect((await w.send("PATCH", "/contacts/nojid", { name: "n" })).status).toBe(400);
    expect(await w.send("DELETE", "/contacts/bob%40x")).toEqual({ status: 200, body: { removed: true } });
    expect((await w.send("DELETE", "/contacts/carol%40x")).status).toBe(404);
    expect(w.did).toEqual(["rosterAdd bob@x Robert [friends]", "rosterRemove bob@x"]);
  });

  it("approves and denies waiting subscription requests, kept across a restart", async () => {
    const w = make();
    w.subscriptions.add("carol@x");
    w.subscriptions.add("dave@x");
    expect(await w.send("GET", "/subscriptions")).toEqual({ status: 200, body: { requests: [{ jid: "carol@x", at: 1000 }, { jid: "dave@x", at: 1000 }] } });
    const again = new PendingSubscriptions(w.store);
    expect([...again]).toEqual(["carol@x", "dave@x"]);
    expect(await w.send("POST", "/subscriptions/carol%40x/approve")).toEqual({ status: 201, body: { approved: true } });
    expect(await w.send("POST", "/subscriptions/dave%40x/deny")).toEqual({ status: 201, body: { denied: true } });
    expect((await w.send("POST", "/subscriptions/dave%40x/deny")).status).toBe(404);
    expect(w.did).toEqual(["approve carol@x", "deny dave@x"]);
    expect(new PendingSubscriptions(w.store).size).toBe(0);
    expect((await w.send("GET", "/contacts")).body).toMatchObject({ subscriptionRequests: [] });
  });

  it("declines a ringing call with 603 and refuses other calls", async () => {
    const w = make();
    expect(await w.send("POST", "/calls/c1/reject")).toMatchObject({ status: 201, body: { call: { id: "c1", kind: "audio" } } });
    expect(w.did).toEqual(["reject 603"]);
    expect((await w.send("POST", "/calls/none/reject")).status).toBe(404);
    expect(await w.send("GET", "/calls/c1/stats")).toMatchObject({ status: 200, body: { stats: { callId: "c1", kind: "audio", codec: null, packetsSent: 0, streams: [] } } });
  });
});

describe("history paging and search", () => {
  function seed(store: SqliteStore) {
    const bob = store.upsertContact({ kind: "jid", value: "bob@x" }, { name: "Bob", at: 1 });
    const carol = store.upsertContact({ kind: "jid", value: "carol@x" }, { at: 1 });
    const cb = store.createConversation({ threadId: "t1", peerContactId: bob.id, created: 1 });
    const cc = store.createConversation({ threadId: "t2", peerContactId: carol.id, created: 1 });
    for (let i = 1; i <= 7; i++) store.appendMessage({ conversationId: cb.id, direction: "in", from: "bob@x", to: "alice@x", body: `lunch ${i}`, state: "received", at: i * 1000 });
    store.recordCall({ conversationId: cb.id, direction: "out", peer: { kind: "sip", value: "sip:bob@x" }, outcome: "answered", startedAt: 7000, sipCallId: "k" });
    store.appendMessage({ conversationId: cc.id, direction: "in", from: "carol@x", to: "alice@x", body: "lunch with carol", state: "received", at: 9000 });
    return { bob, carol };
  }

  it("pages back with next until null, items oldest first, no item twice", async () => {
    const w = make();
    seed(w.store);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/history?contact=bob@x&limit=3${cursor ? `&before=${cursor}` : ""}`;
      const r = (await w.send("GET", q)).body as { items: { kind: string; at: number; id: number }[]; next: string | null };
      const keys = r.items.map((i) => `${i.kind}${i.id}@${i.at}`);
      expect([...r.items].sort((a, b) => a.at - b.at)).toEqual(r.items);
      seen.unshift(...keys);
      cursor = r.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen[0]).toBe("message1@1000");
    expect((await w.send("GET", "/history?contact=bob@x&before=bm9wZQ")).status).toBe(400);
    expect((await w.send("GET", "/history?contact=bob@x&before=%%%")).status).toBe(400);
  });

  it("searches every timeline newest first, or one contact's", async () => {
    const w = make();
    const { bob, carol } = seed(w.store);
    const all = (await w.send("GET", "/search?q=lunch&limit=3")).body as { matches: { body: string; contactId: number }[] };
    expect(all.matches.map((m) => [m.body, m.contactId])).toEqual([["lunch with carol", carol.id], ["lunch 7", bob.id], ["lunch 6", bob.id]]);
    const one = (await w.send("GET", "/search?q=lunch&contact=carol@x")).body as { matches: { body: string }[] };
    expect(one.matches.map((m) => m.body)).toEqual(["lunch with carol"]);
    expect((await w.send("GET", "/search")).status).toBe(400);
    expect((await w.send("GET", "/search?q=lunch&contact=nobody@x")).status).toBe(404);
  });
});
