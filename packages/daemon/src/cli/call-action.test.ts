import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./daemon-client.js";
import { capturedIo } from "./fixtures/captured-io.js";
import { main } from "./main.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cusax-hold-"));
  writeFileSync(join(dir, "api-url"), "http://127.0.0.1:9\n");
  writeFileSync(join(dir, "api-token"), "tok\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const call = { id: "c1", direction: "outgoing", state: "established", remote: "sip:bob@example.test", hold: { local: false, remote: false } };

function run(args: string[], answer: unknown): Promise<{ code: number; out: string; err: string }> {
  const fetchFn: FetchLike = async (url, init) => {
    if (init.method === "GET" && url.endsWith("/calls")) return new Response(JSON.stringify({ calls: [call] }));
    return new Response(JSON.stringify(answer), { status: 201 });
  };
  const io = capturedIo(dir, fetchFn);
  return main(args, io).then((code) => ({ code, out: io.stdout, err: io.stderr }));
}

describe("cusax hold and resume refused", () => {
  it("prints the peer's reason and exits 1; --json prints the API's answer, not an error code", async () => {
    const refused = { held: false, reason: "478 Unresolvable destination", call };
    const text = await run(["hold"], refused);
    expect(text.code).toBe(1);
    expect(text.out).toBe("hold: refused on call c1 with sip:bob@example.test: 478 Unresolvable destination\n");
    const json = await run(["hold", "--json"], refused);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual(refused);
  });

  it("a hold that worked exits 0", async () => {
    const r = await run(["hold"], { held: true, call: { ...call, hold: { local: true, remote: false } } });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^hold: call c1 with sip:bob@example.test is established/);
  });
});
