import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./daemon-client.js";
import { main, type Io } from "./main.js";

type Seen = { method: string; path: string; body?: unknown };

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-cli-ui-"));
  writeFileSync(join(dir, "api-url"), "http://127.0.0.1:9\n");
  writeFileSync(join(dir, "api-token"), "tok\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A daemon that answers every request with `answer` and keeps what it was asked. */
function daemon(answer: (s: Seen) => { status: number; body: unknown }): { io: Io & { stdout: string; stderr: string }; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    const s = { method: init.method, path: url.replace("http://127.0.0.1:9", ""), ...(init.body ? { body: JSON.parse(init.body) as unknown } : {}) };
    seen.push(s);
    const a = answer(s);
    return new Response(JSON.stringify(a.body), { status: a.status });
  };
  const io = {
    stdout: "", stderr: "",
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    readInput: () => Promise.reject(new Error("no input")),
    env: { CUSAX_DATA_DIR: dir, HOME: "/nonexistent" },
    fetch: fetchFn,
  };
  return { io, seen };
}

describe("cusax presence, rename, remove, approve, deny, open", () => {
  it("sends each to its route and prints the answer", async () => {
    const answers: Record<string, unknown> = {
      "PUT /presence": { presence: { show: "away", status: "at lunch" } },
      "PATCH /contacts/bob%40x": { contact: { name: "Bob B" } },
      "DELETE /contacts/bob%40x": { removed: true },
      "POST /subscriptions/carol%40x/approve": { approved: true },
      "POST /subscriptions/carol%40x/deny": { denied: true },
      "POST /login-codes": { url: "http://127.0.0.1:9/login?code=abc" },
    };
    const d = daemon((s) => ({ status: 200, body: answers[`${s.method} ${s.path}`] ?? { error: { code: "not-found", message: "no" } } }));
    expect(await main(["presence", "away", "at", "lunch"], d.io)).toBe(0);
    expect(await main(["rename", "bob@x", "Bob", "B"], d.io)).toBe(0);
    expect(await main(["remove", "bob@x"], d.io)).toBe(0);
    expect(await main(["approve", "carol@x"], d.io)).toBe(0);
    expect(await main(["deny", "carol@x"], d.io)).toBe(0);
    expect(await main(["open"], d.io)).toBe(0);
    expect(d.seen.map((s) => [s.method, s.path, s.body])).toEqual([
      ["PUT", "/presence", { show: "away", status: "at lunch" }],
      ["PATCH", "/contacts/bob%40x", { name: "Bob B" }],
      ["DELETE", "/contacts/bob%40x", undefined],
      ["POST", "/subscriptions/carol%40x/approve", {}],
      ["POST", "/subscriptions/carol%40x/deny", {}],
      ["POST", "/login-codes", {}],
    ]);
    expect(d.io.stdout).toContain("presence: away (at lunch)");
    expect(d.io.stdout.trim().endsWith("http://127.0.0.1:9/login?code=abc")).toBe(true);
  });

  it("status shows our chosen presence", async () => {
    const body = { sip: { registration: "registered", gruu: null }, xmpp: { state: "online", jid: "a@x/r" }, calls: 0, presence: { show: "dnd", status: "busy day" } };
    const d = daemon(() => ({ status: 200, body }));
    expect(await main(["status"], d.io)).toBe(0);
    expect(d.io.stdout).toContain("presence: dnd (busy day)");
  });

  it("prints --json answers and refusals", async () => {
    const d = daemon(() => ({ status: 404, body: { error: { code: "not-found", message: 'no subscription request from "carol@x" is waiting' } } }));
    expect(await main(["approve", "carol@x", "--json"], d.io)).toBe(1);
    expect(JSON.parse(d.io.stdout)).toEqual({ error: { code: "not-found", message: 'no subscription request from "carol@x" is waiting' } });
    const ok = daemon(() => ({ status: 201, body: { url: "http://x/login?code=y" } }));
    expect(await main(["open", "--json"], ok.io)).toBe(0);
    expect(JSON.parse(ok.io.stdout)).toEqual({ url: "http://x/login?code=y" });
  });

  it("answers usage errors with exit 2, and shows each command's help", async () => {
    const d = daemon(() => ({ status: 200, body: {} }));
    for (const args of [["presence"], ["presence", "busy"], ["rename", "bob@x"], ["remove"], ["remove", "a@x", "b@x"], ["approve"], ["deny"], ["open", "extra"]]) {
      expect(await main(args, d.io), args.join(" ")).toBe(2);
    }
    expect(d.seen).toEqual([]);
    for (const name of ["presence", "rename", "remove", "approve", "deny", "open"]) {
      const h = daemon(() => ({ status: 200, body: {} }));
      expect(await main([name, "--help"], h.io)).toBe(0);
      expect(h.io.stdout).toContain(`cusax ${name}`);
    }
  });
});
