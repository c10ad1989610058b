import { describe, expect, it } from "vitest";
import { allowedHostsFor, cookieValue, hostAllowed, originAllowed } from "./guard.js";
import { Router, type ApiRequest } from "./router.js";
import { LOGIN_CODE_TTL_MS, LoginCodes, Sessions } from "./sign-in.js";

describe("Host check", () => {
  it("answers the loopback names with our port and the configured hosts only", () => {
    const hosts = allowedHostsFor(8080, ["cusax.home", "Box.Lan:9000", " "]);
    for (const ok of ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080", "cusax.home:8080", "box.lan:9000"]) expect(hostAllowed(ok, hosts), ok).toBe(true);
    for (const bad of [undefined, "", "127.0.0.1", "127.0.0.1:8081", "evil.example:8080", "localhost.evil.example:8080", "box.lan:8080", "cusax.home"]) expect(hostAllowed(bad, hosts), String(bad)).toBe(false);
  });
});

describe("Origin check and cookies", () => {
  it("wants exactly http:// plus the Host", () => {
    expect(originAllowed("http://127.0.0.1:8080", "127.0.0.1:8080")).toBe(true);
    expect(originAllowed("http://localhost:8080", "127.0.0.1:8080")).toBe(false);
    expect(originAllowed("https://127.0.0.1:8080", "127.0.0.1:8080")).toBe(false);
    expect(originAllowed("null", "127.0.0.1:8080")).toBe(false);
    expect(originAllowed(undefined, "127.0.0.1:8080")).toBe(false);
  });

  it("reads one cookie out of several", () => {
    expect(cookieValue("a=1; cusax_session=xyz; b=2", "cusax_session")).toBe("xyz");
    expect(cookieValue("cusax_sessionx=1", "cusax_session")).toBeUndefined();
    expect(cookieValue(undefined, "cusax_session")).toBeUndefined();
  });
});

describe("login codes and sessions", () => {
  it("a code works once, within its lifetime; others say why not", () => {
    let now = 1_000;
    const codes = new LoginCodes(() => now);
    const code = codes.issue();
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codes.redeem("nope")).toBe("unknown");
    expect(codes.redeem(code)).toBe("ok");
    expect(codes.redeem(code)).toBe("used");
    const late = codes.issue();
    now += LOGIN_CODE_TTL_MS;
    expect(codes.redeem(late)).toBe("expired");
    expect(codes.issue()).not.toBe(code);
  });

  it("sessions are random and known only to the book that made them", () => {
    const a = new Sessions();
    const id = a.create();
    expect(a.has(id)).toBe(true);
    expect(new Sessions().has(id)).toBe(false);
    expect(a.has("")).toBe(false);
    expect(a.has(undefined)).toBe(false);
  });
});

describe("router: Bearer or cookie, Origin for cookie writes", () => {
  const sessions = new Sessions();
  const sid = sessions.create();
  const router = new Router("tok", sessions)
    .add("GET", "/status", ({ auth }) => ({ auth }))
    .add("POST", "/things", ({ auth }) => ({ auth }));
  const req = (method: string, path: string, headers: Record<string, string>): ApiRequest => ({
    method, path, query: new URLSearchParams(), body: new TextEncoder().encode("{}"),
    headers: { host: "127.0.0.1:5000", "content-type": "application/json", ...headers },
  });

  it("reads with the cookie, writes with the cookie only from our origin", async () => {
    const cookie = `cusax_session=${sid}`;
    expect(await router.handle(req("GET", "/status", { cookie }))).toEqual({ status: 200, body: { auth: "cookie" } });
    expect(await router.handle(req("POST", "/things", { cookie }))).toMatchObject({ status: 403, body: { error: { code: "forbidden-origin" } } });
    expect(await router.handle(req("POST", "/things", { cookie, origin: "http://evil.example" }))).toMatchObject({ status: 403, body: { error: { code: "forbidden-origin" } } });
    expect(await router.handle(req("POST", "/things", { cookie, origin: "http://127.0.0.1:5000" }))).toEqual({ status: 201, body: { auth: "cookie" } });
  });

  it("takes the Bearer token without an Origin, and refuses a wrong cookie", async () => {
    expect(await router.handle(req("POST", "/things", { authorization: "Bearer tok" }))).toEqual({ status: 201, body: { auth: "bearer" } });
    expect(await router.handle(req("POST", "/things", { authorization: "Bearer tok", origin: "http://evil.example" }))).toEqual({ status: 201, body: { auth: "bearer" } });
    expect(await router.handle(req("GET", "/status", { cookie: "cusax_session=forged" }))).toMatchObject({ status: 401, body: { error: { code: "unauthorized" } } });
  });

  it("answers a bad percent-encoding in a path parameter with 400", async () => {
    const r = new Router("tok").add("GET", "/contacts/:jid", ({ params }) => params);
    expect(await r.handle(req("GET", "/contacts/%E0%A4%A", { authorization: "Bearer tok" }))).toMatchObject({ status: 400, body: { error: { code: "bad-request" } } });
  });
});
