// docs/api.md's error table over real HTTP: the daemon's API server (http.ts, router.ts) on loopback
// with a few routes, asked as a client would ask it, one request per row.
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServer } from "../../../packages/daemon/src/api/http.js";
import { ApiError } from "../../../packages/daemon/src/api/errors.js";
import { SESSION_COOKIE } from "../../../packages/daemon/src/api/guard.js";
import { MAX_BODY_BYTES, Router } from "../../../packages/daemon/src/api/router.js";
import { createSignIn } from "../../../packages/daemon/src/api/sign-in.js";
import { createTokenFile } from "../../../packages/daemon/src/api/token.js";

type Answer = { status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> };

let api: ApiServer;
let token: string;
let dir: string;
let session: string;
const seen: string[] = [];
const internals: { method: string; path: string; message: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cusax-api-errors-"));
  token = createTokenFile(join(dir, "api-token"));
  const signIn = createSignIn();
  session = signIn.sessions.create();
  const router = new Router(token, signIn.sessions)
    .add("POST", "/calls/:id/hangup", ({ params }) => (seen.push(params.id!), { ok: true }))
    .add("POST", "/messages", ({ json }) => ({ echo: json() }))
    .add("POST", "/calls/:id/answer", () => {
      throw new ApiError("conflict", "the call is outgoing");
    })
    .add("POST", "/calls", () => {
      throw new ApiError("unavailable", "SIP is not registered");
    })
    .add("GET", "/bug", () => {
      throw new Error("a bug with a secret path /home/x");
    });
  api = await startApiServer(router, { host: "127.0.0.1", port: 0, web: { dir: join(dir, "no-web"), signIn }, onInternalError: (err, where) => internals.push({ ...where, message: (err as Error).message }) });
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One request on its own connection; a reset or a hang-up before the answer rejects. */
function ask(method: string, path: string, o: { body?: string | Buffer; headers?: Record<string, string>; auth?: boolean } = {}): Promise<Answer> {
  const url = new URL(api.url);
  const headers: Record<string, string> = { ...(o.auth === false ? {} : { authorization: `Bearer ${token}` }), ...o.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer["body"] }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(o.body);
  });
}
const json = { "content-type": "application/json" };

describe("the API's error table over HTTP", () => {
  it("401 unauthorized: no token, or a wrong one", async () => {
    expect((await ask("POST", "/messages", { auth: false })).body.error?.code).toBe("unauthorized");
    const wrong = await ask("POST", "/messages", { auth: false, headers: { authorization: "Bearer nope" } });
    expect([wrong.status, wrong.body.error?.code]).toEqual([401, "unauthorized"]);
  });

  it("421 forbidden-host: a Host that is not ours", async () => {
    const r = await ask("POST", "/messages", { headers: { host: "evil.example:80" } });
    expect([r.status, r.body.error?.code]).toEqual([421, "forbidden-host"]);
  });

  it("403 forbidden-origin: a POST with the session cookie from another origin", async () => {
    const cookie = `${SESSION_COOKIE}=${session}`;
    const r = await ask("POST", "/messages", { auth: false, body: "{}", headers: { ...json, cookie, origin: "http://evil.example" } });
    expect([r.status, r.body.error?.code]).toEqual([403, "forbidden-origin"]);
    const own = await ask("POST", "/messages", { auth: false, body: "{}", headers: { ...json, cookie, origin: api.url } });
    expect(own.status).toBe(201);
  });

  it("400 bad-request: invalid JSON, and a bad percent-escape in a path", async () => {
    const bad = await ask("POST", "/messages", { body: "{nope", headers: json });
    expect([bad.status, bad.body.error?.code]).toEqual([400, "bad-request"]);
    const escape = await ask("POST", "/calls/%ZZ/hangup");
    expect([escape.status, escape.body.error?.code]).toEqual([400, "bad-request"]);
    expect(escape.body.error?.message).toContain("%ZZ");
    expect(seen).toEqual([]);
    await ask("POST", "/calls/a%40b/hangup");
    expect(seen).toEqual(["a@b"]);
  });

  it("404 not-found and 405 method-not-allowed (listing the methods)", async () => {
    const none = await ask("GET", "/nowhere");
    expect([none.status, none.body.error?.code]).toEqual([404, "not-found"]);
    const method = await ask("DELETE", "/messages");
    expect([method.status, method.body.error?.code]).toEqual([405, "method-not-allowed"]);
    expect(method.body.error?.message).toContain("POST");
  });

  it("409 conflict and 503 unavailable carry the handler's words", async () => {
    const c = await ask("POST", "/calls/x/answer");
    expect([c.status, c.body.error]).toEqual([409, { code: "conflict", message: "the call is outgoing" }]);
    const u = await ask("POST", "/calls", { body: "{}", headers: json });
    expect([u.status, u.body.error?.code]).toEqual([503, "unavailable"]);
  });

  it("413 payload-too-large: a body over 256 KiB is answered, not reset; a request that fits works after it", async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x61);
    const r = await ask("POST", "/messages", { body: big, headers: json });
    expect([r.status, r.body.error?.code]).toEqual([413, "payload-too-large"]);
    const huge = await ask("POST", "/messages", { body: Buffer.alloc(4 * MAX_BODY_BYTES, 0x61), headers: json });
    expect(huge.status).toBe(413);
    const fits = await ask("POST", "/messages", { body: JSON.stringify({ text: "a".repeat(1000) }), headers: json });
    expect(fits.status).toBe(201);
  });

  it("415 unsupported-media-type: a body without application/json", async () => {
    const r = await ask("POST", "/messages", { body: "text", headers: { "content-type": "text/plain" } });
    expect([r.status, r.body.error?.code]).toEqual([415, "unsupported-media-type"]);
  });

  it("500 internal: a bug says only where to look", async () => {
    const r = await ask("GET", "/bug");
    expect([r.status, r.body.error?.code]).toEqual([500, "internal"]);
    expect(r.body.error?.message).not.toContain("/home/x");
    // ... and the daemon's log gets the error itself.
    expect(internals).toEqual([{ method: "GET", path: "/bug", message: "a bug with a secret path /home/x" }]);
  });
});
