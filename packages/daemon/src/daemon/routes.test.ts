import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CusaxClient, SqliteStore } from "@cusax/core";
import { Router, type ApiRequest } from "../api/router.js";
import { PlayChoice } from "./client-options.js";
import type { RouteDeps } from "./deps.js";
import { addActionRoutes } from "./routes-act.js";
import { addReadRoutes } from "./routes-read.js";

type Did = string[];

/** Just enough of a client and store for the routes; every action is written down. */
function fakeDeps(did: Did, registration = "registered"): RouteDeps {
  const call = {
    id: "c1", direction: "incoming", state: "ringing", remote: "sip:bob@x", holdState: { local: false, remote: false }, outcome: undefined,
    hangup: () => void did.push("hangup"),
    sendDtmf: async (d: string) => void did.push(`dtmf ${d}`),
    transfer: async (t: string) => (did.push(`transfer ${t}`), { ok: true, status: 200 }),
  };
  const client = {
    sip: { registrationState: registration, gruu: "sip:alice@x;gr=1", contact: "sip:alice@127.0.0.1", calls: [call] },
    xmpp: {
      state: "online", jid: "alice@x/r", roster: () => [],
      rosterAdd: async (i: { jid: string }) => void did.push(`rosterAdd ${i.jid}`),
      subscribe: async (j: string) => void did.push(`subscribe ${j}`),
      approve: async (j: string) => void did.push(`approve ${j}`),
    },
    accounts: { status: (a: string) => (a === "sip" ? { state: "retrying", problem: { kind: "unreachable", message: "no answer from 127.0.0.1:5999 over udp" }, retryAt: Date.now() + 8_000 } : { state: "online" }) },
    conversationWith: (jid: string) => (did.push(`conversation ${jid}`), { id: 7 }),
    send: async (id: number, text: string) => (did.push(`send ${id} ${text}`), { id: 1, conversationId: id, direction: "out", from: "a", to: "b", body: text, state: "sent", at: 0 }),
    callFromConversation: (id: number) => (did.push(`call conversation ${id}`), { ...call, id: "c2", direction: "outgoing", state: "calling" }),
    answer: async () => (did.push("answer"), true),
    call: (to: string) => (did.push(`call ${to}`), { ...call, id: to.includes("bob") ? "c3" : "c4", direction: "outgoing", state: "calling" }),
  } as unknown as CusaxClient;
  const store = {
    upsertContact: () => ({ id: 1 }), getConversation: (id: number) => (id === 7 ? { id } : undefined),
    findCallBySipCallId: (id: string) => (id === "c3" ? { conversationId: 9 } : undefined),
  } as unknown as SqliteStore;
  return { client, store, play: new PlayChoice(undefined), recordings: "/rec", pendingSubscriptions: new Set(["bob@x"]), placed: (c) => void did.push(`placed ${c.id}`) };
}

function router(deps: RouteDeps): Router {
  const r = new Router("t");
  addReadRoutes(r, deps);
  addActionRoutes(r, deps);
  return r;
}

const req = (method: string, path: string, body?: unknown): ApiRequest => ({
  method, path, query: new URL(path, "http://x").searchParams,
  headers: { authorization: "Bearer t", "content-type": "application/json" },
  body: new TextEncoder().encode(body === undefined ? "" : JSON.stringify(body)),
});
const send = (r: Router, method: string, path: string, body?: unknown) => r.handle({ ...req(method, path.split("?")[0]!, body), query: new URL(path, "http://x").searchParams });

/** A RIFF WAVE header with `bits` per sample and a little data. */
function wavFile(dir: string, bits: number): string {
  const b = Buffer.alloc(44 + 8);
  b.write("RIFF", 0); b.writeUInt32LE(36 + 8, 4); b.write("WAVE", 8); b.write("fmt ", 12); b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(8000, 24); b.writeUInt32LE(8000 * bits / 8, 28);
  b.writeUInt16LE(bits / 8, 32); b.writeUInt16LE(bits, 34); b.write("data", 36); b.writeUInt32LE(8, 40);
  const path = join(dir, `${bits}.wav`);
  writeFileSync(path, b);
  return path;
}

describe("API routes", () => {
  it("refuses a WAV it cannot play with 400 before calling, and names a dialled call's conversation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cusax-routes-"));
    try {
      const did: Did = [];
      const r = router(fakeDeps(did));
      const bad = await send(r, "POST", "/calls", { to: "sip:bob@x", play: wavFile(dir, 32) });
      expect(bad).toMatchObject({ status: 400, body: { error: { code: "bad-request", message: expect.stringContaining("32-bit") } } });
      expect(did).toEqual([]);
      expect(await send(r, "POST", "/calls", { to: "sip:bob@x", play: wavFile(dir, 16) })).toMatchObject({ status: 201, body: { conversationId: 9, call: { id: "c3" } } });
      const stranger = await send(r, "POST", "/calls", { to: "sip:carol@x" });
      expect(stranger).toMatchObject({ status: 201, body: { call: { id: "c4" } } });
      expect(stranger.body).not.toHaveProperty("conversationId");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("transfers a call to a SIP address and refuses anything else", async () => {
    const did: Did = [];
    const r = router(fakeDeps(did));
    expect(await send(r, "POST", "/calls/c1/transfer", { target: "sip:carol@x" })).toEqual({ status: 201, body: { transfer: { ok: true, status: 200 } } });
    expect(did).toEqual(["transfer sip:carol@x"]);
    expect(await send(r, "POST", "/calls/c1/transfer", { target: "carol" })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("target") } } });
  });

  it("shows both accounts in /status", async () => {
    expect(await send(router(fakeDeps([])), "GET", "/status")).toEqual({
      status: 200,
      body: {
        sip: {
          registration: "registered", gruu: "sip:alice@x;gr=1", contact: "sip:alice@127.0.0.1",
          account: { state: "retrying", problem: { key: "sip.proxy", message: expect.stringMatching(/^no answer from 127\.0\.0\.1:5999 over udp \(retrying in [78] s\)$/) }, retryAt: expect.any(String) },
        },
        xmpp: { state: "online", jid: "alice@x/r", account: { state: "online", problem: null, retryAt: null } },
        calls: 1,
      },
    });
  });

  it("sends a message to a JID or into a conversation, and explains bad bodies", async () => {
    const did: Did = [];
    const r = router(fakeDeps(did));
    expect((await send(r, "POST", "/messages", { to: "Bob@X", text: "hi" })).status).toBe(201);
    expect((await send(r, "POST", "/messages", { conversationId: 7, text: "again" })).status).toBe(201);
    expect(did).toEqual(["conversation bob@x", "send 7 hi", "send 7 again"]);
    const reasons = await Promise.all([
      send(r, "POST", "/messages", { to: "bob@x" }),
      send(r, "POST", "/messages", { text: "hi" }),
      send(r, "POST", "/messages", { to: "bob@x", conversationId: 7, text: "hi" }),
      send(r, "POST", "/messages", { to: "not a jid", text: "hi" }),
      send(r, "POST", "/messages", [1]),
    ]);
    expect(reasons.map((x) => [x.status, (x.body as { error: { message: string } }).error.message])).toEqual([
      [400, "text: expected a non-empty string"],
      [400, "give exactly one of to (a JID, sip: or tel: address) or conversationId"],
      [400, "give exactly one of to (a JID, sip: or tel: address) or conversationId"],
      [400, 'to: expected a bare JID "user@domain", got "not a jid"'],
      [400, "request body: expected a JSON object"],
    ]);
    expect((await send(r, "POST", "/messages", { conversationId: 99, text: "x" })).status).toBe(404);
  });

  it("calls from the conversation and controls calls by id", async () => {
    const did: Did = [];
    const r = router(fakeDeps(did));
    expect(await send(r, "POST", "/calls", { to: "bob@x" })).toMatchObject({ status: 201, body: { conversationId: 7, call: { id: "c2", recording: "/rec/c2.wav" } } });
    expect(await send(r, "POST", "/calls/c1/answer")).toMatchObject({ status: 201, body: { answered: true } });
    expect((await send(r, "POST", "/calls/c1/dtmf", { digits: "12x" })).status).toBe(400);
    expect((await send(r, "POST", "/calls/c1/dtmf", { digits: "1a#" })).status).toBe(201);
    expect((await send(r, "POST", "/calls/c1/hangup")).status).toBe(201);
    expect((await send(r, "POST", "/calls/nope/hangup")).status).toBe(404);
    expect(did).toEqual(["conversation bob@x", "call conversation 7", "placed c2", "answer", "dtmf 1A#", "hangup"]);
    expect((await send(r, "POST", "/calls", { to: "bob" })).status).toBe(400);
    expect(await send(r, "POST", "/calls", { to: "bob@x", play: "/nonexistent.wav" })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("play: no such file") } } });
  });

  it("refuses to call while the SIP account is not registered", async () => {
    const res = await send(router(fakeDeps([], "failed")), "POST", "/calls", { to: "sip:bob@x" });
    expect(res).toMatchObject({ status: 503, body: { error: { code: "unavailable" } } });
  });

  it("adds a contact, approving a waiting subscription request", async () => {
    const did: Did = [];
    expect(await send(router(fakeDeps(did)), "POST", "/contacts", { jid: "bob@x" })).toMatchObject({ status: 201, body: { approved: true } });
    expect(did).toEqual(["rosterAdd bob@x", "subscribe bob@x", "approve bob@x"]);
  });

  it("needs a contact for history", async () => {
    const res = await send(router(fakeDeps([])), "GET", "/history");
    expect(res).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("contact") } } });
  });
});
