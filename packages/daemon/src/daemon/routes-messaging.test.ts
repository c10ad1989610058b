// The messaging routes (docs/api.md "Acting"): chat states, reading, SIP MESSAGE; bad bodies are 400s with the field at fault.
import { describe, expect, it } from "vitest";
import type { CusaxClient, SqliteStore } from "@cusax/core";
import { Router, type ApiRequest } from "../api/router.js";
import { PlayChoice } from "./client-options.js";
import type { RouteDeps } from "./deps.js";
import { addActionRoutes } from "./routes-act.js";

function fakeDeps(did: string[]): RouteDeps {
  const message = (id: number, conversationId: number, to: string, body: string) => ({ id, conversationId, direction: "out", from: "sip:alice@x", to, body, state: "pending", at: 1 });
  const client = {
    sendChatState: async (id: number, state: string) => (did.push(`chat-state ${id} ${state}`), state !== "gone"),
    read: async (id: number, upTo?: number) => (did.push(`read ${id} ${upTo ?? "all"}`), { unread: 0, displayed: true }),
    sendSipMessage: (to: string, text: string) => {
      if (!/^(sip|tel):/.test(to)) throw new Error(`not a SIP or tel address: ${to}`);
      did.push(`sip ${to} ${text}`);
      return { conversation: { id: 9 }, message: message(3, 9, to, text), settled: Promise.resolve(message(3, 9, to, text)) };
    },
  } as unknown as CusaxClient;
  const store = {
    getConversation: (id: number) => (id === 7 || id === 9 ? { id } : undefined),
    getMessage: (id: number) => (id === 5 ? { id, conversationId: 7 } : id === 6 ? { id, conversationId: 9 } : undefined),
  } as unknown as SqliteStore;
  return { client, store, play: new PlayChoice(undefined), recordings: "/rec", pendingSubscriptions: new Set(), placed: () => undefined };
}

const send = (r: Router, method: string, path: string, body?: unknown) => {
  const req: ApiRequest = {
    method, path, query: new URLSearchParams(),
    headers: { authorization: "Bearer t", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: new TextEncoder().encode(body === undefined ? "" : JSON.stringify(body)),
  };
  return r.handle(req);
};

function router(did: string[]): Router {
  const r = new Router("t");
  addActionRoutes(r, fakeDeps(did));
  return r;
}

describe("messaging routes", () => {
  it("sends a chat state and says whether it went", async () => {
    const did: string[] = [];
    const r = router(did);
    expect(await send(r, "POST", "/conversations/7/chat-state", { state: "composing" })).toEqual({ status: 201, body: { sent: true } });
    expect(await send(r, "POST", "/conversations/7/chat-state", { state: "gone" })).toEqual({ status: 201, body: { sent: false } });
    expect(await send(r, "POST", "/conversations/7/chat-state", { state: "typing" })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("state: expected one of active") } } });
    expect((await send(r, "POST", "/conversations/8/chat-state", { state: "active" })).status).toBe(404);
    expect(did).toEqual(["chat-state 7 composing", "chat-state 7 gone"]);
  });

  it("marks read, all or up to a message of that conversation, with or without a body", async () => {
    const did: string[] = [];
    const r = router(did);
    expect(await send(r, "POST", "/conversations/7/read")).toEqual({ status: 201, body: { unread: 0 } });
    expect(await send(r, "POST", "/conversations/7/read", { upTo: 5 })).toEqual({ status: 201, body: { unread: 0 } });
    expect(await send(r, "POST", "/conversations/7/read", {})).toEqual({ status: 201, body: { unread: 0 } });
    expect((await send(r, "POST", "/conversations/7/read", { upTo: 6 })).status).toBe(400);
    expect((await send(r, "POST", "/conversations/7/read", { upTo: "5" })).status).toBe(400);
    expect((await send(r, "POST", "/conversations/x/read")).status).toBe(404);
    expect(did).toEqual(["read 7 all", "read 7 5", "read 7 all"]);
  });

  it("sends a SIP MESSAGE to a sip: or tel: address", async () => {
    const did: string[] = [];
    const r = router(did);
    expect(await send(r, "POST", "/messages", { to: "sip:carol@x", text: "hi" })).toMatchObject({ status: 201, body: { conversationId: 9, message: { id: 3, state: "pending", to: "sip:carol@x" } } });
    expect((await send(r, "POST", "/messages", { to: "tel:+15551234", text: "hi" })).status).toBe(201);
    expect(did).toEqual(["sip sip:carol@x hi", "sip tel:+15551234 hi"]);
  });
});
