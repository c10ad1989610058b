// A JID without a domain on the command line is a usage error (exit 2), caught before the daemon is asked.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./daemon-client.js";
import { jidArg } from "./jid-arg.js";
import { main, type Io } from "./main.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-cli-jid-"));
  writeFileSync(join(dir, "api-url"), "http://127.0.0.1:9\n");
  writeFileSync(join(dir, "api-token"), "tok\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function rig() {
  const asked: string[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    asked.push(`${init.method} ${url}`);
    return new Response(JSON.stringify({ jid: "bob@example.test", approved: false, ok: true }), { status: 201 });
  };
  const o = {
    stdout: "", stderr: "",
    out: (t: string) => void (o.stdout += t),
    err: (t: string) => void (o.stderr += t),
    readInput: () => Promise.reject(new Error("no input")),
    env: { CUSAX_DATA_DIR: dir, HOME: "/nonexistent" },
    fetch: fetchFn,
  };
  return { io: o as Io & { stdout: string; stderr: string }, asked };
}

describe("JIDs on the command line", () => {
  it("accepts name@domain (with a resource too) and refuses the rest", () => {
    expect(jidArg("bob@example.test")).toBe("bob@example.test");
    expect(jidArg("bob@example.test/phone")).toBe("bob@example.test/phone");
    for (const bad of ["bob", "@example.test", "bob@", "bob@@x", "b ob@x", ""]) expect(() => jidArg(bad), bad).toThrow(/must look like name@domain/);
  });

  for (const command of ["add", "approve", "deny", "remove"]) {
    it(`${command} with a JID without a domain exits 2 and asks the daemon nothing`, async () => {
      const { io, asked } = rig();
      expect(await main([command, "bob"], io)).toBe(2);
      expect(io.stderr).toContain('JID must look like name@domain, got "bob" (no domain: did you mean bob@<your XMPP domain>?)');
      expect(asked).toEqual([]);
    });
  }

  it("add with a full JID goes to the daemon", async () => {
    const { io, asked } = rig();
    expect(await main(["add", "bob@example.test"], io)).toBe(0);
    expect(asked).toEqual(["POST http://127.0.0.1:9/contacts"]);
  });
});
