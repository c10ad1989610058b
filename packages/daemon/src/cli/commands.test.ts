import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./daemon-client.js";
import { capturedIo } from "./fixtures/captured-io.js";
import { main } from "./main.js";

type Seen = { method: string; url: string; body?: unknown; auth?: string };

/** A daemon that is only a function: routes answer canned JSON, every request is kept. */
function fakeDaemon(routes: Record<string, { status?: number; body: unknown }>): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    const path = url.replace("http://127.0.0.1:9", "");
    seen.push({ method: init.method, url: path, ...(init.body ? { body: JSON.parse(init.body) as unknown } : {}), auth: init.headers.authorization });
    const hit = routes[`${init.method} ${path.split("?")[0]}`];
    if (!hit) return new Response(JSON.stringify({ error: { code: "not-found", message: `no such endpoint: ${path}` } }), { status: 404 });
    return new Response(JSON.stringify(hit.body), { status: hit.status ?? 200 });
  };
  return { fetch: fetchFn, seen };
}

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const io = (fetchFn?: FetchLike, dataDir = dir) => capturedIo(dataDir, fetchFn);

const running = () => {
  writeFileSync(join(dir, "api-url"), "http://127.0.0.1:9\n");
  writeFileSync(join(dir, "api-token"), "tok\n");
};
const contacts = { contacts: [{ name: "Bob", jids: ["bob@example.test"], sip: ["sip:bob@example.test"], tel: [], links: [] }] };

describe("cusax commands against the daemon", () => {
  it("says the daemon is not running (exit 3) when there are no files or nothing answers", async () => {
    const none = io();
    expect(await main(["status"], none)).toBe(3);
    expect(none.stderr).toContain("the cusax daemon is not running: start it with `cusax daemon`");
    running();
    const refused = io(() => Promise.reject(new TypeError("fetch failed")));
    expect(await main(["contacts", "--json"], refused)).toBe(3);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: "not-running" } });
  });

  it("answers usage errors with exit 2 and the command's usage", async () => {
    running();
    const o = io(fakeDaemon({}).fetch);
    expect(await main(["send", "bob"], o)).toBe(2);
    expect(o.stderr).toContain("usage: cusax send CONTACT TEXT");
    expect(await main(["status", "--frobnicate"], o)).toBe(2);
    expect(await main(["link", "a@b"], o)).toBe(2);
  });

  it("shows every command's help", async () => {
    for (const name of ["daemon", "status", "contacts", "add", "send", "call", "calls", "answer", "hangup", "hold", "resume", "dtmf", "history", "link", "tail"]) {
      const o = io();
      expect(await main([name, "--help"], o)).toBe(0);
      expect(o.stdout).toContain(`cusax ${name}`);
    }
  });

  it("sends to a contact found by name, with the token, and prints JSON", async () => {
    running();
    const d = fakeDaemon({ "GET /contacts": { body: contacts }, "POST /messages": { status: 201, body: { conversationId: 4, message: { id: 9, state: "sent" } } } });
    const o = io(d.fetch);
    expect(await main(["send", "bob", "see", "you", "--json"], o)).toBe(0);
    expect(d.seen[1]).toEqual({ method: "POST", url: "/messages", body: { to: "bob@example.test", text: "see you" }, auth: "Bearer tok" });
    expect(JSON.parse(o.stdout)).toEqual({ conversationId: 4, message: { id: 9, state: "sent" } });
  });

  it("reports the daemon's refusals with exit 1", async () => {
    running();
    const d = fakeDaemon({ "POST /links": { status: 400, body: { error: { code: "bad-request", message: "sip: not a SIP or tel address: x" } } } });
    const o = io(d.fetch);
    expect(await main(["link", "bob@example.test", "x", "--json"], o)).toBe(1);
    expect(JSON.parse(o.stdout)).toEqual({ error: { code: "bad-request", message: "sip: not a SIP or tel address: x" } });
    expect(o.stderr).toContain("cusax link: sip: not a SIP or tel address: x");
  });

  it("status exits 1 while an account is down", async () => {
    running();
    const down = { sip: { registration: "failed", gruu: null }, xmpp: { state: "online", jid: "a@b/r" }, calls: 0 };
    const o = io(fakeDaemon({ "GET /status": { body: down } }).fetch);
    expect(await main(["status"], o)).toBe(1);
    expect(o.stdout).toContain("SIP:  failed");
  });

  it("answers the one ringing call and sends DTMF to the established one", async () => {
    running();
    const calls = { calls: [
      { id: "c1@x", direction: "incoming", state: "ringing", remote: "sip:bob@x", hold: { local: false, remote: false }, recording: "/r" },
      { id: "c2", direction: "outgoing", state: "established", remote: "sip:carol@x", hold: { local: false, remote: false }, recording: "/r" },
    ] };
    const d = fakeDaemon({
      "GET /calls": { body: calls },
      "POST /calls/c1%40x/answer": { status: 201, body: { answered: true } },
      "POST /calls/c2/dtmf": { status: 201, body: { sent: "12#" } },
    });
    expect(await main(["answer"], io(d.fetch))).toBe(0);
    expect(await main(["dtmf", "12#"], io(d.fetch))).toBe(0);
    expect(d.seen.filter((s) => s.method === "POST").map((s) => [s.url, s.body])).toEqual([["/calls/c1%40x/answer", {}], ["/calls/c2/dtmf", { digits: "12#" }]]);
    const none = io(d.fetch);
    expect(await main(["resume"], none)).toBe(1);
    expect(none.stderr).toContain("there is no call we hold");
  });

  it("daemon: refuses a missing or invalid config before touching the network", async () => {
    const missing = io();
    expect(await main(["daemon", "--config", join(dir, "none.json")], missing)).toBe(1);
    expect(missing.stderr).toContain("cannot read the config file");
    writeFileSync(join(dir, "bad.json"), '{"sip":{"aor":"alice","password":"pw-123"},"xmpp":{"jid":"alice@x"}}');
    const bad = io();
    expect(await main(["daemon", "--config", join(dir, "bad.json")], bad)).toBe(1);
    expect(bad.stderr).toContain("sip.aor");
    expect(bad.stderr).toContain("xmpp.password");
    expect(bad.stderr).not.toContain("pw-123");
    writeFileSync(join(dir, "broken.json"), "{");
    expect(await main(["daemon", "--config", join(dir, "broken.json")], io())).toBe(1);
    expect(await main(["daemon", "--log-level"], io())).toBe(2);
  });
});
