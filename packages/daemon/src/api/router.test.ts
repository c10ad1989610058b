import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.js";
import { Router, type ApiRequest } from "./router.js";

const enc = (s: string) => new TextEncoder().encode(s);
const req = (method: string, path: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({
  method,
  path,
  query: new URLSearchParams(),
  headers: { authorization: "Bearer s3cret", "content-type": "application/json" },
  body: new Uint8Array(),
  ...extra,
});

function router(): Router {
  return new Router("s3cret")
    .add("GET", "/contacts/:id", ({ params }) => ({ id: params.id }))
    .add("POST", "/messages", ({ json }) => {
      const body = json() as { text?: unknown };
      if (typeof body.text !== "string") throw new ApiError("bad-request", "text: expected a string");
      return { sent: body.text };
    })
    .add("GET", "/boom", () => {
      throw new Error("secret internals");
    });
}

describe("API router", () => {
  it("refuses requests without the right token", async () => {
    const r = router();
    expect((await r.handle(req("GET", "/contacts/1", { headers: {} }))).status).toBe(401);
    const wrong = await r.handle(req("GET", "/contacts/1", { headers: { authorization: "Bearer nope" } }));
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
  });

  it("routes with parameters and answers 404/405 with reasons", async () => {
    const r = router();
    expect(await r.handle(req("GET", "/contacts/a%40b"))).toEqual({ status: 200, body: { id: "a@b" } });
    expect((await r.handle(req("GET", "/nothing"))).status).toBe(404);
    expect(await r.handle(req("DELETE", "/contacts/1"))).toMatchObject({ status: 405, body: { error: { message: expect.stringContaining("GET") } } });
  });

  it("gives a 400 with a reason for bad bodies, never a crash", async () => {
    const r = router();
    expect(await r.handle(req("POST", "/messages", { body: enc("{not json") }))).toMatchObject({ status: 400, body: { error: { code: "bad-request" } } });
    expect(await r.handle(req("POST", "/messages", { body: enc('{"text":1}') }))).toMatchObject({ status: 400, body: { error: { message: "text: expected a string" } } });
    expect((await r.handle(req("POST", "/messages", { body: new Uint8Array(300 * 1024) }))).status).toBe(413);
    const noType = await r.handle(req("POST", "/messages", { headers: { authorization: "Bearer s3cret" }, body: enc("{}") }));
    expect(noType.status).toBe(415);
    expect(await r.handle(req("POST", "/messages", { body: enc('{"text":"hi"}') }))).toEqual({ status: 201, body: { sent: "hi" } });
  });

  it("hides internal errors behind a generic 500", async () => {
    const res = await router().handle(req("GET", "/boom"));
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain("secret internals");
  });
});
