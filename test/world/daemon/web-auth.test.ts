// Browser sign-in and the daemon's request checks over real HTTP, against a
// daemon (child process) on real Prosody + Kamailio: the printed one-time
// link trades for a session cookie that reads /status; a replayed link gets
// the readable 403 page; a foreign Host is refused; a cookie POST needs our
// Origin while the Bearer token needs none; CSP on the web app and on API
// answers; `/assets/../../etc/passwd` refused; `cusax open` makes new links;
// neither codes nor the session reach the log lines.
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup, type Prosody } from "../index.js";
import { cli, ok, startDaemon, writeConfig, type Daemon } from "./daemon-kit.js";
import { apiToken, apiUrl, printedLoginUrl, raw, signIn, SLOW_START } from "./web-kit.js";

const track = useCleanup();
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let prosody: Prosody;
let alice: Daemon;
let base: string;
let host: string;
let firstLink: string;
let cookie: string;
const secrets: string[] = [];

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice"] }));
  const kamailio = track(await startKamailio({ users: ["alice"] }));
  const dir = makeWorldDir("web-auth");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  alice = track(await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio), SLOW_START));
  base = apiUrl(alice);
  host = new URL(base).host;
}, 300_000);

describe("signing in from a browser, and the request checks", { timeout: 240_000 }, () => {
  it("trades the printed link for a session cookie that reads /status", async () => {
    firstLink = await printedLoginUrl(alice);
    expect(firstLink.startsWith(`${base}/login?code=`)).toBe(true);
    const { cookie: c, answer } = await signIn(firstLink);
    cookie = c;
    secrets.push(new URL(firstLink).searchParams.get("code")!, cookie.split("=")[1]!);
    expect(answer.headers.location).toBe("/");
    expect(String(answer.headers["set-cookie"])).toMatch(/^cusax_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const status = await until("alice's accounts up, read with the cookie", async () => {
      const r = await raw(base, { path: "/status", headers: { cookie } });
      const s = r.json() as { sip: { registration: string }; xmpp: { state: string } };
      return r.status === 200 && s.xmpp.state === "online" && s.sip.registration === "registered" ? r : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    expect(status.headers["content-security-policy"]).toBe(CSP);
    expect(status.headers["x-content-type-options"]).toBe("nosniff");
    expect(status.headers["referrer-policy"]).toBe("no-referrer");
    expect((await raw(base, { path: "/session", headers: { cookie } })).json()).toEqual({ signedIn: true });
    const none = await raw(base, { path: "/session" });
    expect(none.status).toBe(401);
    expect(none.headers["content-security-policy"]).toBe(CSP);
  });

  it("refuses the same link again with a readable page", async () => {
    const u = new URL(firstLink);
    const again = await raw(base, { path: u.pathname + u.search });
    expect(again.status).toBe(403);
    expect(again.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(again.headers["set-cookie"]).toBeUndefined();
    expect(again.text).toContain("already used");
    expect(again.text).toContain("cusax open");
    const wrong = await raw(base, { path: "/login?code=AAAA" });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain("not valid");
  });

  it("refuses a foreign Host, even with a valid cookie or token", async () => {
    for (const h of ["evil.example", `evil.example:${new URL(base).port}`, "127.0.0.1"]) {
      const r = await raw(base, { path: "/status", headers: { host: h, cookie } });
      expect(r.status, h).toBe(421);
      expect(r.json()).toMatchObject({ error: { code: "forbidden-host" } });
    }
    expect((await raw(base, { path: "/", headers: { host: "rebind.example" } })).status).toBe(421);
    expect((await raw(base, { path: "/status", headers: { host: "evil.example", authorization: `Bearer ${apiToken(alice)}` } })).status).toBe(421);
    expect((await raw(base, { path: "/status", headers: { host: `localhost:${new URL(base).port}`, cookie } })).status).toBe(200);
  });

  it("takes a cookie POST only with our Origin, a Bearer POST without one", async () => {
    const jid = `carol@${prosody.domain}`;
    const post = (headers: Record<string, string>) => raw(base, { method: "POST", path: "/contacts", headers, body: { jid } });
    for (const origin of [undefined, "http://evil.example", `http://localhost:${new URL(base).port}`]) {
      const r = await post({ cookie, ...(origin ? { origin } : {}) });
      expect(r.status, String(origin)).toBe(403);
      expect(r.json()).toMatchObject({ error: { code: "forbidden-origin" } });
    }
    const mine = await post({ cookie, origin: `http://${host}` });
    expect(mine.status).toBe(201);
    expect(mine.json()).toMatchObject({ jid, subscribed: true });
    const bearer = await post({ authorization: `Bearer ${apiToken(alice)}` });
    expect(bearer.status).toBe(201);
  });

  it("serves the web app (or the not-built page) at / with the CSP, and streams events to the cookie", async () => {
    const root = await raw(base, { path: "/" });
    expect([200, 503]).toContain(root.status);
    expect(root.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(root.headers["cache-control"]).toBe("no-store");
    expect(root.headers["content-security-policy"]).toBe(CSP);
    if (root.status === 503) expect(root.text).toContain("npm run build -w packages/web");
    const events = await fetch(`${base}/events`, { headers: { cookie } });
    expect(events.status).toBe(200);
    expect(events.headers.get("content-type")).toBe("text/event-stream");
    expect(events.headers.get("content-security-policy")).toBe(CSP);
    await events.body!.cancel();
    expect((await raw(base, { path: "/events" })).status).toBe(401);
  });

  it("refuses directory traversal", async () => {
    for (const path of ["/assets/../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fetc%2fpasswd"]) {
      const r = await raw(base, { path });
      expect(r.status, path).toBe(400);
      expect(r.text, path).not.toContain("root:");
    }
  });

  it("cusax open prints a fresh link that signs in once", async () => {
    const text = await cli(alice.dataDir, ["open"]);
    expect(text.code).toBe(0);
    const link = text.stdout.trim();
    expect(link).toMatch(new RegExp(`^${base.replace(/[.]/g, "\\.")}/login\\?code=[A-Za-z0-9_-]{43}$`));
    const { url } = await ok<{ url: string }>(alice.dataDir, ["open"]);
    expect(url).not.toBe(link);
    const a = await signIn(link);
    const b = await signIn(url);
    expect(a.cookie).not.toBe(b.cookie);
    secrets.push(new URL(link).searchParams.get("code")!, new URL(url).searchParams.get("code")!, a.cookie.split("=")[1]!, b.cookie.split("=")[1]!);
    // Only a Bearer client may ask for links.
    expect((await raw(base, { method: "POST", path: "/login-codes", headers: { cookie: a.cookie, origin: `http://${host}` }, body: {} })).status).toBe(401);
  });

  it("keeps codes and sessions out of the log lines", () => {
    const logLines = alice.log().split("\n").filter((l) => l.startsWith("{"));
    expect(logLines.some((l) => l.includes('"web app"'))).toBe(true);
    for (const s of secrets) for (const l of logLines) expect(l).not.toContain(s);
  });
});
