// `cusax transfer` and `cusax --version` against a fake daemon (a fetch function): the request sent,
// the words printed, the exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./daemon-client.js";
import { main, type Io } from "./main.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-cli-transfer-"));
  writeFileSync(join(dir, "api-url"), "http://127.0.0.1:9\n");
  writeFileSync(join(dir, "api-token"), "tok\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const established = { calls: [{ id: "c1", direction: "outgoing", state: "established", remote: "sip:bob@example.test", hold: { local: false, remote: false } }] };

function rig(transfer: unknown) {
  const posted: unknown[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    const path = url.replace("http://127.0.0.1:9", "");
    if (init.method === "GET" && path === "/calls") return new Response(JSON.stringify(established), { status: 200 });
    if (init.method === "POST" && path === "/calls/c1/transfer") {
      posted.push(JSON.parse(init.body ?? "null"));
      return new Response(JSON.stringify({ transfer }), { status: 201 });
    }
    return new Response(JSON.stringify({ error: { code: "not-found", message: path } }), { status: 404 });
  };
  const o = {
    stdout: "", stderr: "",
    out: (t: string) => void (o.stdout += t),
    err: (t: string) => void (o.stderr += t),
    readInput: () => Promise.reject(new Error("no input")),
    env: { CUSAX_DATA_DIR: dir, HOME: "/nonexistent" },
    fetch: fetchFn,
  };
  return { io: o as Io & { stdout: string; stderr: string }, posted };
}

describe("cusax transfer", () => {
  it("asks the daemon to transfer the established call and says the peer accepted", async () => {
    const { io, posted } = rig({ accepted: true });
    expect(await main(["transfer", "sip:carol@example.test"], io)).toBe(0);
    expect(posted).toEqual([{ target: "sip:carol@example.test" }]);
    expect(io.stdout).toContain("sip:bob@example.test accepted the transfer to sip:carol@example.test");
  });

  it("fails (exit 1) when the peer refuses, naming the status", async () => {
    const { io } = rig({ accepted: false, status: 603 });
    expect(await main(["transfer", "sip:carol@example.test"], io)).toBe(1);
    expect(io.stderr).toContain("did not take the transfer to sip:carol@example.test (603)");
  });

  it("a target that is no SIP or tel URI, or none, is a usage error (exit 2)", async () => {
    const bad = rig({ accepted: true });
    expect(await main(["transfer", "carol"], bad.io)).toBe(2);
    expect(bad.posted).toEqual([]);
    expect(await main(["transfer"], rig({ accepted: true }).io)).toBe(2);
  });
});

describe("cusax --version", () => {
  it("prints the package version", async () => {
    const { io } = rig({ accepted: true });
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(await main(["--version"], io)).toBe(0);
    expect(io.stdout).toBe(`cusax ${pkg.version}\n`);
  });
});
